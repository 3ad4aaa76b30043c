"""Undo a live response's ``Content-Encoding`` (gzip, deflate, br), bounded.

A live response's ``Content-Encoding`` is authoritative: the bytes on the wire are encoded
(RFC 9110 section 8.4), so a body that does not decode is an error here. Cassettes are another
matter: a recorded header may be stale over a body a client already decoded, which
:mod:`harness.cassettes.encoding` tolerates. Cassettes store bodies decoded and readable.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any

__all__ = ["ACCEPT_ENCODING", "DecodingError", "decode_content"]


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_BROTLI = _optional("brotli")  # optional: `pip install brotli` to accept br-encoded responses
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI is not None else "gzip, deflate"
"""What `harness record` asks for: only the codings it can undo."""


class DecodingError(ValueError):
    """A body its Content-Encoding does not decode (one line)."""


def decode_content(raw: bytes, encodings: list[str], max_bytes: int) -> bytes:
    """Undo Content-Encoding (several are undone in reverse order); at most ``max_bytes``."""
    names = [e.strip().lower() for value in encodings for e in value.split(",") if e.strip()]
    body = raw
    for name in reversed(names):
        if name == "identity":
            continue
        try:
            body = _decode_one(body, name, max_bytes)
        except (zlib.error, OSError, ValueError) as err:
            raise DecodingError(f"cannot decode the {name} body: {err}") from None
    return body


def _decode_one(body: bytes, name: str, max_bytes: int) -> bytes:
    if name in ("gzip", "x-gzip"):
        return _inflate(body, 16 + zlib.MAX_WBITS, max_bytes)
    if name == "deflate":  # zlib-wrapped per the RFC; some servers send it raw
        try:
            return _inflate(body, zlib.MAX_WBITS, max_bytes)
        except zlib.error:
            return _inflate(body, -zlib.MAX_WBITS, max_bytes)
    if name == "br":
        if _BROTLI is None:
            raise ValueError("the brotli package is not installed (pip install brotli)")
        decoded = _BROTLI.decompress(body)
        if len(decoded) > max_bytes:
            raise ValueError(f"decoded body over {max_bytes:,} bytes")
        return bytes(decoded)
    raise ValueError(
        f"unsupported Content-Encoding {name!r} (feedharness decodes gzip, deflate, br)"
    )


def _inflate(body: bytes, wbits: int, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    decoded = inflater.decompress(body, max_bytes + 1)
    if len(decoded) > max_bytes:
        raise ValueError(f"decoded body over {max_bytes:,} bytes")
    if not inflater.eof:
        raise ValueError("truncated compressed stream")
    return decoded
