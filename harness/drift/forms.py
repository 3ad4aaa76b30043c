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

__all__ = ["EXCERPT", "MEMO", "digest", "host_key", "link_form", "norm", "shape", "short", "zone"]

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
    ``Wed, 06 Dec 2023 15:45:03 GMT`` has the shape ``AAA, DD AAA DDDD DD:DD:DD AAA``.
    """
    text = _WS.sub(" ", text.strip())[:64]
    return _DIGIT.sub("D", _ASCII_LETTER.sub("A", text))


def zone(raw: str) -> str:
    """The zone form of a date string: ``+0800``-style, ``+08:00``, ``Z``, a name, or none."""
    raw = raw.strip()
    match = _ZONE.search(raw)
    if match is None:
        return "none"
    token = match.group()
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
