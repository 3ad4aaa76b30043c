"""Which encoding a feed body is in: byte order mark, XML declaration, HTTP charset, the bytes.

A byte order mark, or the ``<`` pattern of UTF-16/32 (XML 1.0 appendix F), decides alone.
Otherwise the XML declaration, the HTTP charset and UTF-8 are tried strictly, in that order; when
the declaration and the HTTP charset disagree and the bytes are UTF-8, UTF-8 wins. When no label
reads the bytes, a body with a few invalid sequences among valid text is read with U+FFFD in
their place (an error-level ``encoding`` violation), and an undeclared or mislabelled non-UTF-8
body is guessed with charset-normalizer when it is installed (a warning). Otherwise
:class:`ParseError` names every label tried and why it failed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from harness.errors import ParseError
from harness.model import Severity, Violation
from harness.parsers._text import shorten

__all__ = ["WIDE_BOMS", "Decoded", "decode_body", "http_charset", "wide_encoding"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_WIDE_PATTERNS = (  # XML 1.0 appendix F: "<" in a wide encoding without a byte order mark
    (re.compile(rb"\x00\x00\x00<"), "utf-32-be"),
    (re.compile(rb"<\x00\x00\x00"), "utf-32-le"),
    (re.compile(rb"\x00<\x00[^\x00]"), "utf-16-be"),
    (re.compile(rb"<\x00[^\x00]\x00"), "utf-16-le"),
)
# Labels read with the superset browsers use (WHATWG Encoding): same text, fewer failures.
_ENCODING_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "euc-kr": "cp949",
}
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"}
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?\sencoding\s*=\s*[\"']([A-Za-z][\w.:-]{0,40})[\"']")
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\"';,\s]{1,40})", re.IGNORECASE)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # never in text: binary data
_UTF8 = "utf-8"
_VALID_PER_INVALID = 10  # a lenient read needs this many good non-ASCII characters per bad one
_GUESS_SAMPLE = 256 * 1024  # charset-normalizer reads this much; the whole body is then checked
_GUESS_MIN_NON_ASCII = 8  # fewer non-ASCII bytes than this is no evidence for a guess

# Multi-byte CJK codecs (Python names): a wrong one often decodes without error, into mojibake.
_CJK = frozenset(
    {"gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp932", "shift_jis", "euc_jp"}
    | {"euc_kr", "cp949", "johab", "hz", "iso2022_jp", "iso2022_kr"}
)

_Candidate = tuple[str, str]  # (label, where it came from)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The body re-encoded as UTF-8 for the XML parser, the label that read it, its problems."""

    data: bytes
    encoding: str
    problems: tuple[Violation, ...] = ()


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower-cased."""
    match = _HTTP_CHARSET.search(content_type or "")
    return match[1].lower() if match else None


def wide_encoding(body: bytes) -> str | None:
    """UTF-16/32 recognised by the byte pattern of a leading ``<`` (no byte order mark)."""
    for pattern, label in _WIDE_PATTERNS:
        if pattern.match(body):
            return label
    return None


def decode_body(body: bytes, content_type: str | None) -> Decoded:
    """The body as UTF-8; ParseError when no label, lenient read or guess can read it."""
    declared, http = _declared(body), http_charset(content_type)
    candidates, reasons = _candidates(body, declared, http)
    failures: list[tuple[str, UnicodeDecodeError]] = []
    for label, source in candidates:
        try:
            data = _decode_as(body, label)
        except UnicodeDecodeError as err:
            reasons.append(f"{label} ({source}): {shorten(str(err), 100)}")
            failures.append((label, err))
            continue
        except LookupError as err:
            reasons.append(f"{label} ({source}): {shorten(str(err), 100)}")
            continue
        if reasons:
            message = f"read as {_shown(label)} ({source}) after: {'; '.join(reasons)}"
            return Decoded(data, _shown(label), (_warning(message, reasons[0]),))
        if declared and http and source == "XML declaration":
            return _disagreement(body, data, declared, http)
        return Decoded(data, _shown(label), _plausibility(body, label, source))
    return _lenient(body, failures) or _guess(body, reasons) or _undecodable(reasons)


def _declared(body: bytes) -> str | None:
    match = _DECLARED.match(body)
    return match[1].decode("ascii").lower() if match else None


def _candidates(
    body: bytes, declared: str | None, http: str | None
) -> tuple[list[_Candidate], list[str]]:
    """Encodings to try, as (label, source), and reasons already known against some labels."""
    for bom, label in _BOMS:
        if body.startswith(bom):
            return [(label, "byte order mark")], []
    wide = wide_encoding(body)
    if wide is not None:
        return [(wide, "byte pattern")], []
    result: list[_Candidate] = []
    reasons: list[str] = []
    for name, source in ((declared, "XML declaration"), (http, "HTTP charset"), (_UTF8, "default")):
        if not name or name in (seen for seen, _ in result):
            continue
        if name.startswith(("utf-16", "utf-32", "ucs")):  # no BOM, no wide "<": a wrong label
            reasons.append(f"{name} ({source}): the bytes are not UTF-16/32")
        else:
            result.append((name, source))
    return result, reasons


def _codec(label: str) -> codecs.CodecInfo:
    """The codec for a label (LookupError when unknown or not a character encoding)."""
    codec = codecs.lookup(_ENCODING_ALIASES.get(label, label))
    if codec.name in _NOT_CHARSETS:
        raise LookupError("not a character encoding")
    return codec


def _decode_as(body: bytes, label: str) -> bytes:
    """The body decoded from ``label`` and re-encoded as UTF-8 (raises LookupError/UnicodeError)."""
    name = _codec(label).name
    try:
        text = body.decode(name)
    except UnicodeDecodeError as err:
        if err.end != len(body) or "unexpected end of data" not in err.reason:
            raise
        body = body[: err.start]
        text = body.decode(name)  # cut mid-character: the XML parser says how
    if name == _UTF8:
        return body  # valid UTF-8 (strict: no surrogates) re-encodes to the same bytes
    return text.encode(_UTF8)


def _shown(label: str) -> str:
    return _UTF8 if label == "utf-8-sig" else label


def _is_utf8(label: str) -> bool:
    try:
        return _codec(label).name == _UTF8
    except LookupError:
        return False


def _same_codec(first: str, second: str) -> bool:
    try:
        return _codec(first).name == _codec(second).name
    except LookupError:
        return first == second


def _disagreement(body: bytes, data: bytes, declared: str, http: str) -> Decoded:
    """The declaration read the bytes: fine unless the HTTP charset reads them differently."""
    if _same_codec(declared, http) or body.isascii():
        return Decoded(data, declared, _plausibility(body, declared, "XML declaration"))
    try:
        other: bytes | None = _decode_as(body, http)
    except LookupError:
        message = f"the HTTP charset {http} is unknown: read as {declared} (XML declaration)"
        return Decoded(data, declared, (_warning(message, f"{http} (HTTP charset)"),))
    except UnicodeError:
        other = None
    if other == data:
        return Decoded(data, declared, _plausibility(body, declared, "XML declaration"))
    if other is not None and _is_utf8(http) and not _is_utf8(declared):
        message = (
            f"the XML declaration says {declared} and the HTTP charset {http}; "
            f"the bytes are UTF-8: read as {http} (HTTP charset)"
        )
        return Decoded(other, http, (_warning(message, f"{declared} (XML declaration)"),))
    message = (
        f"the HTTP charset {http} disagrees with the XML declaration {declared}: "
        f"read as {declared} (XML declaration)"
    )
    return Decoded(data, declared, (_warning(message, f"{http} (HTTP charset)"),))


def _plausibility(body: bytes, label: str, source: str) -> tuple[Violation, ...]:
    """A warning when the label read the bytes without error but they are in another encoding:
    valid non-ASCII UTF-8, or (for CJK labels) text charset-normalizer finds garbled."""
    name = _codec(label).name
    if name.startswith(("utf-8", "utf-16", "utf-32")) or body.isascii():
        return ()
    try:
        body.decode(_UTF8)
    except UnicodeDecodeError:
        pass
    else:
        message = f"read as {label} ({source}), but the bytes are UTF-8: text will be mojibake"
        return (_warning(message, f"{label} ({source})"),)
    other = _looks_like(body, name) if name in _CJK else None
    if other is None:
        return ()
    message = f"read as {label} ({source}), but the bytes look like {other}: text may be mojibake"
    return (_warning(message, f"{label} ({source})"),)


def _looks_like(body: bytes, name: str) -> str | None:
    """Another encoding when charset-normalizer finds the text garbled in ``name`` but not in it."""
    sample = _text_sample(body)
    if sample is None:
        return None
    from charset_normalizer import from_bytes

    if from_bytes(sample, cp_isolation=[name], preemptive_behaviour=False).best() is not None:
        return None  # coherent text in the declared encoding
    best = from_bytes(sample, preemptive_behaviour=False).best()
    if best is None or _codec(best.encoding).name == name:
        return None
    return _codec(best.encoding).name


def _text_sample(body: bytes) -> bytes | None:
    """A prefix worth a charset-normalizer opinion: text (no control bytes) with enough non-ASCII;
    None when it is not, or when charset-normalizer is not installed."""
    try:
        import charset_normalizer  # noqa: F401  (optional)
    except ImportError:
        return None
    sample = body[:_GUESS_SAMPLE]
    if len(sample) == _GUESS_SAMPLE:
        sample = sample[: sample.rfind(b"\n") + 1] or sample  # not cut inside a character
    non_ascii = len(sample) - len(sample.decode("latin-1").encode("ascii", "ignore"))
    if non_ascii < _GUESS_MIN_NON_ASCII or _CONTROL_BYTES.search(sample):
        return None
    return sample


def _lenient(body: bytes, failures: list[tuple[str, UnicodeDecodeError]]) -> Decoded | None:
    """Read with U+FFFD for invalid sequences, if they are few among valid non-ASCII text."""
    if not failures:
        return None
    label, first = failures[0]
    name = _codec(label).name
    text = body.decode(name, "replace")
    try:
        genuine = body.count("\ufffd".encode(name))  # U+FFFD written in the feed itself
    except UnicodeError:
        genuine = 0
    invalid = text.count("\ufffd") - genuine
    valid = len(text) - len(text.encode("ascii", "ignore")) - invalid - genuine
    if invalid <= 0 or valid < _VALID_PER_INVALID * invalid:
        return None
    what = "sequence" if invalid == 1 else "sequences"
    message = (
        f"{invalid} invalid {_shown(label)} byte {what} replaced with U+FFFD "
        f"(the first at byte {first.start}: {first.reason})"
    )
    observed = repr(body[max(0, first.start - 8) : first.end + 8])
    problem = Violation(
        "encoding", message, observed=shorten(observed, 120), expected=f"valid {_shown(label)}"
    )
    return Decoded(text.encode(_UTF8), _shown(label), (problem,))


def _guess(body: bytes, reasons: list[str]) -> Decoded | None:
    """A charset-normalizer guess for a text body no label reads; None if not text or unsure."""
    sample = _text_sample(body)  # None without charset-normalizer: then a ParseError follows
    if sample is None or not sample.lstrip().startswith(b"<"):
        return None  # not markup: whatever its encoding, not a feed
    from charset_normalizer import from_bytes

    best = from_bytes(sample, preemptive_behaviour=False).best()
    if best is None:
        return None
    try:
        label = _codec(best.encoding).name
        data = _decode_as(body, label)
    except (LookupError, UnicodeError):
        return None
    message = f"read as {label} (guessed from the bytes) after: {'; '.join(reasons)}"
    return Decoded(data, label, (_warning(message, reasons[0] if reasons else label),))


def _undecodable(reasons: list[str]) -> Decoded:
    raise ParseError(f"cannot decode the body: {'; '.join(reasons)}")


def _warning(message: str, observed: str) -> Violation:
    return Violation(
        "encoding",
        message,
        observed=shorten(observed, 120),
        expected="bytes in the declared encoding",
        severity=Severity.WARNING,
    )
