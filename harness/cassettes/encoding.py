"""Undoing a recorded body's Content-Encoding, only when the bytes are compressed, within a limit.

vcrpy stores a body as the server sent it: gzip bytes under ``Content-Encoding: gzip`` when the
client asked for gzip (feedparser, requests and urllib3 do), and some recordings keep the header
over a body that was decoded already. So each coding named by the header is undone only when the
bytes say they are compressed with it (a magic number where the format has one), codings stacked
by the server are undone in reverse order (RFC 9110 8.4: "listed in the order in which they were
applied"), and every decoder runs incrementally, refusing the body once its decoded size passes
the limit: a small gzip bomb must not exhaust memory.

``brotli`` and ``zstandard`` are optional packages (``pip install 'feedharness[compression]'``);
without them a ``br`` or ``zstd`` body is refused with a one-line message naming the package.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from types import ModuleType

__all__ = ["ContentDecodingError", "decode_content", "encodings_of"]

# Input is fed to the decoders in pieces of this size; each piece's output is itself bounded.
_CHUNK = 64 * 1024
# RFC 1952 2.3.1: ID1 = 31, ID2 = 139 start every gzip member.
_GZIP_MAGIC = b"\x1f\x8b"
# RFC 8878 3.1.1: every Zstandard frame starts with the magic number 0xFD2FB528, little-endian.
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# RFC 1950 2.2: CM = 8 (deflate) in the low nibble of CMF, CINFO <= 7 in the high nibble, and
# CMF * 256 + FLG a multiple of 31.
_ZLIB_METHOD = 8
_ZLIB_MAX_CINFO = 7
# Raw deflate (RFC 1951) and brotli (RFC 7932) have no magic number (a brotli stream often starts
# with "["): they are decoded, and a body their decoder calls damaged that starts as a feed or a
# page does (a byte-order mark, white space, "<", "{", "[") is taken as not compressed.
_PLAIN_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<", b"{", b"[", b" ", b"\t", b"\r")
_PLAIN_STARTS_LF = b"\n"
_NAMES = {"x-gzip": "gzip", "x-deflate": "deflate"}  # RFC 9110 8.4.1.3: x-gzip is gzip


class ContentDecodingError(ValueError):
    """A body that cannot be decoded (damaged, too large, or its decoder is not installed)."""


class _Damaged(ContentDecodingError):
    """Bytes the decoder refuses at once: damaged, or not compressed at all."""


class _Missing(ContentDecodingError):
    """The optional package that decodes this coding is not installed."""


def encodings_of(values: Iterable[str]) -> list[str]:
    """The codings of Content-Encoding header values, lower-cased, in the order applied."""
    names = (one.strip().lower() for value in values for one in value.split(","))
    return [_NAMES.get(name, name) for name in names if name]


def decode_content(body: bytes, encodings: list[str], max_bytes: int) -> tuple[bytes, bool]:
    """The body with ``encodings`` undone (last applied first) and whether any was undone.

    A coding whose bytes are not compressed with it (a stale header) is passed over; ``identity``
    is nothing to undo. ContentDecodingError past ``max_bytes`` of decoded body, for damaged
    data, an unknown coding over bytes that are not plain text, or a missing optional decoder.
    """
    decoded = False
    for name in reversed(encodings):
        step = _STEPS.get(name)
        if name == "identity" or (step is None and _plain(body)):
            continue
        if step is None:
            raise ContentDecodingError(
                f"unsupported Content-Encoding {name!r} "
                "(feedharness decodes gzip, deflate, br and zstd)"
            )
        result = step(body, max_bytes)
        if result is not None:
            body, decoded = result, True
    return body, decoded


def _plain(body: bytes) -> bool:
    return not body or body.startswith(_PLAIN_STARTS) or body.startswith(_PLAIN_STARTS_LF)


def _gunzip(body: bytes, max_bytes: int) -> bytes | None:
    """gzip, every member (RFC 1952 2.2: a file is a series of members), or None if not gzip."""
    if not body.startswith(_GZIP_MAGIC):
        return None
    out = _Bounded("gzip", max_bytes)
    rest = body
    while rest:
        rest = _zlib_stream(zlib.decompressobj(16 + zlib.MAX_WBITS), rest, out, "gzip")
        if rest and not rest.startswith(_GZIP_MAGIC):  # trailing padding after the last member
            break
    return out.value()


def _inflate(body: bytes, max_bytes: int) -> bytes | None:
    """deflate: zlib-wrapped (RFC 9110 8.4.1.2, RFC 1950), or raw (RFC 1951) as some servers
    send it; None for a body that is neither (plain text under a stale header)."""
    if len(body) >= 2 and _is_zlib_header(body[0], body[1]):
        out = _Bounded("deflate", max_bytes)
        _zlib_stream(zlib.decompressobj(zlib.MAX_WBITS), body, out, "deflate")
        return out.value()
    out = _Bounded("deflate", max_bytes)
    try:
        _zlib_stream(zlib.decompressobj(-zlib.MAX_WBITS), body, out, "deflate")
    except _Damaged:
        if _plain(body):
            return None
        raise
    return out.value()


def _is_zlib_header(cmf: int, flg: int) -> bool:
    method, cinfo = cmf & 0x0F, cmf >> 4
    return method == _ZLIB_METHOD and cinfo <= _ZLIB_MAX_CINFO and (cmf * 256 + flg) % 31 == 0


def _zlib_stream(inflater: zlib._Decompress, data: bytes, out: _Bounded, name: str) -> bytes:
    """Decompress one stream into ``out``; the bytes after its end."""
    try:
        for start in range(0, len(data), _CHUNK):
            piece = data[start : start + _CHUNK]
            while piece and not inflater.eof:
                out.add(inflater.decompress(piece, out.room()))
                piece = inflater.unconsumed_tail
            if inflater.eof:
                return inflater.unused_data + data[start + _CHUNK :]
        while not inflater.eof and (pending := inflater.decompress(b"", out.room())):
            out.add(pending)  # output zlib held back when a piece's output reached the room
    except zlib.error as err:
        raise _Damaged(f"damaged {name} data: {err}") from None
    if inflater.eof:
        return inflater.unused_data
    raise ContentDecodingError(f"truncated {name} data (the stream does not end)")


def _unbrotli(body: bytes, max_bytes: int) -> bytes | None:
    """br (RFC 7932), with the optional ``brotli`` package; None for a plain body."""
    try:
        return _unbrotli_stream(body, max_bytes)
    except (_Damaged, _Missing):  # plain text under a stale header needs no brotli
        if _plain(body):
            return None
        raise


def _unbrotli_stream(body: bytes, max_bytes: int) -> bytes:
    brotli = _optional("brotli", "br", "brotli")
    out = _Bounded("br", max_bytes)
    decompressor = brotli.Decompressor()
    try:
        for start in range(0, len(body), _CHUNK):
            out.add(decompressor.process(body[start : start + _CHUNK], output_buffer_limit=_CHUNK))
            while not decompressor.can_accept_more_data():
                out.add(decompressor.process(b"", output_buffer_limit=_CHUNK))
        while not decompressor.is_finished() and (
            pending := decompressor.process(b"", output_buffer_limit=_CHUNK)
        ):
            out.add(pending)  # output held back when the last piece's output reached the limit
        finished = decompressor.is_finished()
    except brotli.error as err:
        raise _Damaged(f"damaged br data: {err}") from None
    except TypeError:  # brotli before 1.2 cannot bound its output
        raise ContentDecodingError(
            "the installed brotli cannot bound its output; pip install 'brotli>=1.2'"
        ) from None
    if not finished:
        raise ContentDecodingError("truncated br data (the stream does not end)")
    return out.value()


def _unzstd(body: bytes, max_bytes: int) -> bytes | None:
    """zstd (RFC 8878), every frame, with the optional ``zstandard`` package; None if not zstd."""
    if not body.startswith(_ZSTD_MAGIC):
        return None
    zstandard = _optional("zstandard", "zstd", "zstandard")
    out = _Bounded("zstd", max_bytes)
    reader = zstandard.ZstdDecompressor().stream_reader(body, read_across_frames=True)
    try:
        while piece := reader.read(min(_CHUNK, out.room())):
            out.add(piece)
    except zstandard.ZstdError as err:
        raise _Damaged(f"damaged zstd data: {err}") from None
    return out.value()


def _optional(module: str, coding: str, package: str) -> ModuleType:
    try:
        return __import__(module)
    except ImportError:
        raise _Missing(
            f"the body is {coding}-compressed and the {package} package is not installed "
            f"(pip install {package})"
        ) from None


class _Bounded:
    """Decoded output, refused one byte past the limit (a decompression bomb stops there)."""

    def __init__(self, name: str, max_bytes: int) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0

    def room(self) -> int:
        """How much more may be produced before the limit is passed (at least one byte, so that
        passing it is seen)."""
        return self.max_bytes - self.size + 1

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.max_bytes:
            raise ContentDecodingError(
                f"the {self.name}-decoded body is over the {self.max_bytes:,}-byte limit "
                "([limits] max-body-bytes); a decompression bomb, or raise the limit"
            )
        self.parts.append(piece)

    def value(self) -> bytes:
        return b"".join(self.parts)


_STEPS: dict[str, Callable[[bytes, int], bytes | None]] = {
    "gzip": _gunzip,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}
