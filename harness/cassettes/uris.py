"""The request URIs of a cassette file, read from its text without decoding it.

Decoding a cassette's YAML costs about as much as parsing the feed in it; splitting a run into
shards needs only which feeds each file belongs to, in every shard of a CI matrix (each one
starting with a cold cache). Every cassette format feedharness reads writes the request URI as
a mapping key of its own, one per line: vcrpy YAML (``uri: https://...``, plain or quoted),
vcrpy JSON and Betamax (``"uri": "https:\\/\\/..."``, a JSON string). This reads those lines.

It is a sniff: a body that happens to hold a line ``uri: ...`` adds a URI, and a URI written
in a form these patterns miss (a YAML block scalar, a flow mapping) is not found. Callers use
it only where a wrong answer costs balance, never correctness (see :mod:`harness.shard`), and
fall back to decoding when it finds nothing.
"""

from __future__ import annotations

import json
import re

__all__ = ["request_uris"]

# Where a ``uri`` key may be: found by its literal text (fast), then checked from its line's
# start (a key, optionally a sequence entry, optionally quoted) and its value read to the end
# of the line; a search anchored at every line start costs 25x more on a large body.
_KEY = re.compile(rb"""uri['"]?[ \t]*:""")
_URI_LINE = re.compile(
    rb"""[ \t]*(?:-[ \t]+)?(["']?)uri\1[ \t]*:[ \t]*([^\r\n]+?)[ \t]*,?[ \t]*(?:\r?\n|\r|\Z)"""
)
# In a JSON document, a ``"uri"`` key anywhere (vcrpy and Betamax may write it all on one line);
# inside a JSON string a quote is escaped, so a body cannot hold this pattern.
_JSON_URI = re.compile(rb'"uri"\s*:\s*("(?:[^"\\]|\\.)*")')
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*[{\[]")


def request_uris(data: bytes) -> list[str]:
    """The URIs of the ``uri`` keys in ``data``, in order (possibly repeated; may be empty)."""
    if _JSON_START.match(data):
        values = [m.group(1) for m in _JSON_URI.finditer(data)]
    else:
        values = []
        end = 0
        for key in _KEY.finditer(data):
            if key.start() < end:
                continue  # on a line already read
            start = data.rfind(b"\n", 0, key.start()) + 1
            line = _URI_LINE.match(data, start)
            if line is not None and line.start(2) > key.start():
                values.append(line.group(2))
                end = line.end()
    uris = []
    for raw in values:
        value = _scalar(raw.decode("utf-8", "replace"))
        if value.startswith(("http://", "https://")):
            uris.append(value)
    return uris


def _scalar(text: str) -> str:
    """A YAML plain, single- or double-quoted scalar, or a JSON string, as its value."""
    if text.startswith('"'):
        try:
            value = json.loads(text)  # JSON strings and YAML double-quoted URIs escape alike
        except ValueError:
            return ""
        return value if isinstance(value, str) else ""
    if text.startswith("'"):
        return text[1:-1].replace("''", "'") if text.endswith("'") and len(text) > 1 else ""
    return text
