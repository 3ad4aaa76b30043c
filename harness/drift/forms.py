"""Small pure forms of strings the fingerprint is built from: whitespace, digests, excerpts,
link forms, hosts and date shapes.

Each is a function of its argument only, so the ones met again and again (hosts, link values)
are memoized.
"""

from __future__ import annotations

import functools
import hashlib
import re
from urllib.parse import urlsplit

from harness.textsafe import shorten

__all__ = [
    "EXCERPT",
    "MEMO",
    "canonical_date",
    "digest",
    "host_key",
    "link_form",
    "norm",
    "shape",
    "short",
    "zone",
]

MEMO = 4096  # entries per memoized pure function (tags, classes, hosts, link values)
EXCERPT = 160  # characters of an excerpt shown in a finding
_DIGIT = re.compile(r"\d")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_WS = re.compile(r"[\s\u3000\xa0]+")  # \s is str.isspace(), U+3000 and U+00A0 included
_ZONE = re.compile(r"(?:[+-]\d\d:?\d\d|Z|[A-Z]{1,5})$")
_HASH_CHARS = 10
_BLAKE2B = hashlib.blake2b(digest_size=_HASH_CHARS // 2)  # never updated: digest copies it
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac"})


def shape(text: str) -> str:
    """The shape of a date string: digits become ``D``, ASCII letters ``A``; the rest is kept.

    Zone names and offsets are kept as written elsewhere (``zone:`` signals), so
    ``Wed, 06 Dec 2023 15:45:03 GMT`` has the shape ``AAA, DD AAA DDDD DD:DD:DD AAA``. Spellings
    a date grammar makes equal take one shape (:func:`canonical_date`).
    """
    text = canonical_date(_WS.sub(" ", text.strip())[:64])
    return _DIGIT.sub("D", _ASCII_LETTER.sub("A", text))


# RFC 822 section 5.1 (RSS 2.0 dates): date-time = [ day "," ] date time, zone = "UT" / "GMT" /
# ... / ("+" / "-") 4DIGIT. RFC 3339 section 5.6: time-offset = "Z" / time-numoffset.
_RFC822_DATE = re.compile(
    r"^(?:[A-Za-z]{3}, ?)?(\d{1,2} [A-Za-z]{3} \d{2,4} \d{1,2}:\d{2}(?::\d{2})?) "
    r"([A-Za-z]{1,5}|[+-]\d{4})$"
)
_RFC3339_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:\d{2})$"
)
_UTC_822 = frozenset({"GMT", "UT", "UTC", "+0000"})  # RFC 822 5.1, RFC 2822 4.3: all +0000
_UTC_3339 = frozenset({"Z", "z", "+00:00"})  # RFC 3339 4.3 ("-00:00": offset unknown, not UTC)


def canonical_date(text: str) -> str:
    """One spelling of equal RFC 822 / RFC 3339 dates: the optional day of the week written
    (RFC 822 5.1 ``[ day "," ]``: redundant with the date), a zero offset as ``GMT`` (RFC 822)
    or ``Z`` (RFC 3339). Any other text is returned as it is."""
    match = _RFC822_DATE.match(text)
    if match is not None:
        token = match[2].upper()
        return f"Day, {match[1]} {'GMT' if token in _UTC_822 else match[2]}"
    match = _RFC3339_DATE.match(text)
    if match is not None and match[2] in _UTC_3339:
        return f"{match[1]}Z"
    return text


def zone(raw: str) -> str:
    """The zone form of a date string: ``+0800``-style, ``+08:00``, ``Z``, a name, or none.

    A zero offset takes one form per grammar however it is spelled: ``GMT`` (RFC 822 ``GMT``,
    ``UT``, ``+0000``) or ``Z`` (RFC 3339 ``Z``, ``+00:00``). It stays apart from other offsets,
    so dates moving to or from UTC are still seen.
    """
    raw = raw.strip()
    match = _ZONE.search(raw)
    if match is None:
        return "none"
    token = match.group()
    if token in _UTC_3339:
        return "Z"
    if token.upper() in _UTC_822:
        return "GMT"
    if token[0] in "+-":
        return "±HH:MM" if ":" in token else "±HHMM"
    return token


@functools.lru_cache(maxsize=MEMO)
def host_key(host: str) -> str:
    """A host without ``www.`` and port, cut to its registrable part (``s.rfi.fr`` → ``rfi.fr``)."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@functools.lru_cache(maxsize=MEMO)
def link_form(value: str) -> tuple[str, str | None]:
    """(form, host) of an href/src: https, http, protocol- or root-relative, relative, scheme."""
    value = value.strip()
    lowered = value[:8].lower()
    if lowered.startswith(("http://", "https://")):
        scheme, _, rest = value.partition("://")
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
        return scheme.lower(), host.split(":", 1)[0] or None
    if value.startswith("//"):
        parts = urlsplit("https:" + value)
        return "protocol-relative", parts.hostname
    try:
        parts = urlsplit(value)
    except ValueError:
        return "invalid", None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return scheme, parts.hostname
    if scheme:
        return f"scheme-{scheme[:12]}", None
    if value.startswith("/"):
        return "root-relative", None
    if value.startswith("#") or not value:
        return "fragment", None
    return "relative", None


def norm(text: str) -> str:
    """Whitespace runs as one space, ends stripped: ``_WS.sub(" ", text).strip()``, faster."""
    return " ".join(text.split())  # str.split() splits on exactly the characters \s matches


def digest(text: str) -> str:
    """A short BLAKE2b hex digest of the text (copying an empty hasher is cheaper)."""
    hasher = _BLAKE2B.copy()
    hasher.update(text.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def short(text: str, width: int = EXCERPT) -> str:
    """``shorten(norm(text), width)``, normalizing only a prefix of a long text when it suffices.

    The normalized prefix (stripped) is a prefix of the normalized text: when it is already
    longer than ``width``, the text is cut at the same place.
    """
    if len(text) > 4 * width:
        head = norm(text[: 2 * width + 64])
        if len(head) > width:
            return shorten(head, width)
    return shorten(norm(text), width)
