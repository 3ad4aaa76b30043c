"""Whether a new recording holds the same responses as the committed one (then nothing is
rewritten: a nightly re-record of an unchanged feed leaves no diff in git).

Two recordings are the same when they hold the same requests (method and URI, in order) and each
response has the same status, the same body bytes and the same *representation metadata*: the
header fields that say how the body is to be read (RFC 9110 section 8: Content-Type 8.3,
Content-Encoding 8.4, Content-Language 8.5) and where a redirect points (Location, 10.2.2).
Everything else a server sends varies per fetch without changing what a parser reads: Date
(6.6.1, the time of this response), Age, Expires and Cache-Control computed from it, ETag and
Last-Modified of a regenerated but identical body, cookies, request ids, CDN and timing headers.
"""

from __future__ import annotations

from harness.cassettes.model import Cassette, Interaction

__all__ = ["READ_HEADERS", "same_responses"]

READ_HEADERS = ("content-type", "content-encoding", "content-language", "location")
"""The response header fields compared (lower-cased, as ``Response.headers`` holds them)."""


def same_responses(old: Cassette, new: Cassette) -> bool:
    """True when ``new`` records what ``old`` does, fetch by fetch (see the module's rule)."""
    if len(old.interactions) != len(new.interactions):
        return False
    return all(_same(a, b) for a, b in zip(old.interactions, new.interactions, strict=True))


def _same(a: Interaction, b: Interaction) -> bool:
    if (a.method, a.uri) != (b.method, b.uri):
        return False
    ra, rb = a.response, b.response
    if (ra.status, ra.body) != (rb.status, rb.body):
        return False
    return all(ra.headers.get(h) == rb.headers.get(h) for h in READ_HEADERS)
