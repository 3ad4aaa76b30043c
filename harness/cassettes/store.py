"""Cassette files -> Response records: vcrpy YAML, read safely and written deterministically.

The only module of the package that imports ``yaml``. Cassettes are hand-edited, untrusted files,
so they are parsed with a safe loader (never ``yaml.Loader`` nor vcrpy's own deserializer) and
their structure is checked here; every problem becomes one line of :class:`CassetteError`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO
from urllib.parse import urljoin, urlsplit

import yaml
from yaml.constructor import ConstructorError

from harness.cassettes import bodyyaml as cassette_yaml
from harness.errors import CassetteError, FetchError
from harness.fileio import TooLarge, read_bounded, write_atomic
from harness.model import Response
from harness.urls import normalize_url

try:  # libyaml's parser is ~10x faster on megabyte bodies; the constructor stays the safe one
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]

__all__ = [
    "CASSETTE_VERSION",
    "DEFAULT_MAX_BYTES",
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "Cassette",
    "HeadersIn",
    "Interaction",
    "decode_cassette",
    "dump_cassette",
    "load_cassette",
    "make_interaction",
    "read_cassette_bytes",
    "response_headers_joined",
    "write_cassette",
]

CASSETTE_VERSION = 1
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# Loading limits: a hand-edited file must not cost more than its size suggests. YAML aliases can
# make a small "harness" mapping expand to billions of values (or refer to itself), and a file of
# short interactions would cost ~1 KB of objects for every ~80 bytes of YAML.
_MAX_INTERACTIONS = 10_000
_MAX_META_VALUES = 10_000
_MAX_META_DEPTH = 32
_SUFFIXES = frozenset({".yaml", ".yml"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

HeadersIn = Mapping[str, str | Sequence[str]]
"""Headers as callers give them: one value or several per name."""


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded request and its response."""

    method: str
    uri: str
    request_headers: Mapping[str, tuple[str, ...]]
    response: Response  # response.url == uri; header names lower-cased, values joined ", "
    response_headers: Mapping[str, tuple[str, ...]]  # as recorded (original names), for re-writing
    reason: str = "OK"  # the recorded status message, kept so a rewrite loses nothing

    def __post_init__(self) -> None:
        if self.response.url != self.uri:
            raise ValueError(f"response.url {self.response.url!r} differs from uri {self.uri!r}")


@dataclass(frozen=True, slots=True)
class Cassette:
    """A loaded cassette file: its interactions in recorded order and its ``harness`` metadata."""

    path: Path
    interactions: tuple[Interaction, ...]
    meta: Mapping[str, Any]  # the top-level "harness" mapping (may be empty)

    @property
    def url(self) -> str:
        """The request URI of the first interaction (the feed request)."""
        return self.interactions[0].uri

    def fetch(self, url: str) -> Response:
        """The recorded GET response for url, following recorded redirects; offline only."""
        current, hops = url, 0
        while True:
            interaction = self._find(current)
            if interaction is None:
                via = f" (redirected from {url})" if hops else ""
                raise FetchError(
                    f"{self.path}: no recorded response for {current}{via}; "
                    f"recorded: {self._recorded()}"
                )
            location = _first_value(interaction.response_headers, "location")
            if interaction.response.status not in REDIRECT_STATUSES or location is None:
                return interaction.response
            if hops == MAX_REDIRECTS:
                raise FetchError(f"{self.path}: more than {MAX_REDIRECTS} redirects from {url}")
            hops += 1
            try:
                current = urljoin(current, location.strip())
            except ValueError as err:  # e.g. "http://[::1": a malformed IPv6 host
                raise FetchError(
                    f"{self.path}: {current} redirects to {location.strip()!r}, "
                    f"not a valid URL ({err})"
                ) from None

    def _find(self, url: str) -> Interaction | None:
        gets = [i for i in self.interactions if i.method.upper() == "GET"]
        for interaction in gets:
            if interaction.uri == url:
                return interaction
        wanted = normalize_url(url)
        return next((i for i in gets if normalize_url(i.uri) == wanted), None)

    def _recorded(self) -> str:
        uris = list(dict.fromkeys(i.uri for i in self.interactions if i.method.upper() == "GET"))
        more = f" (+{len(uris) - 5} more)" if len(uris) > 5 else ""
        return (", ".join(uris[:5]) or "no GET requests") + more


def make_interaction(
    uri: str,
    body: bytes,
    *,
    status: int = 200,
    reason: str = "OK",
    headers: HeadersIn | None = None,
    method: str = "GET",
    request_headers: HeadersIn | None = None,
) -> Interaction:
    """Build an Interaction from plain values (headers given as str or sequences of str)."""
    response_headers = _header_tuples(headers)
    return Interaction(
        method=method,
        uri=uri,
        request_headers=_header_tuples(request_headers),
        response=Response(
            url=uri, status=status, headers=response_headers_joined(response_headers), body=body
        ),
        response_headers=response_headers,
        reason=reason,
    )


# --- loading ---------------------------------------------------------------------------------


class _Problem(Exception):
    """A structural problem, without the file name (load_cassette adds it)."""


class _NoDuplicateKeys(yaml.constructor.SafeConstructor):
    """Refuse duplicate mapping keys (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and not key_node.tag.endswith(":merge"):
                if key_node.value in seen:
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value!r}",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


class _Loader(_NoDuplicateKeys, _SafeBase):
    """The safe loader (libyaml's parser when available) without duplicate keys."""


def load_cassette(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Cassette:
    """Read and validate a vcrpy cassette file; raise CassetteError naming the file and problem."""
    path = Path(path)
    return decode_cassette(path, read_cassette_bytes(path, max_bytes))


def read_cassette_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a cassette file (at most max_bytes); CassetteError naming the file."""
    try:
        return _read_bytes(Path(path), max_bytes)
    except _Problem as problem:
        raise CassetteError(f"{path}: {problem}") from None


def decode_cassette(path: Path, data: bytes) -> Cassette:
    """A cassette from the bytes of the file at ``path``; CassetteError naming the file."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # libyaml would read UTF-16; vcrpy not
            _utf8(data)
        return _build(path, _parse_yaml(data))
    except _Problem as problem:
        raise CassetteError(f"{path}: {problem}") from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        return read_bounded(path, max_bytes)
    except TooLarge as err:
        raise _Problem(f"{err} (split the cassette or raise max_bytes)") from None
    except OSError as err:
        raise _Problem(f"cannot read file: {err.strerror or err}") from None


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _Problem(
            f"not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "a cassette is YAML in UTF-8"
        ) from None


def _parse_yaml(data: bytes) -> Any:
    """YAML from the file's bytes: libyaml decodes (and checks) UTF-8 itself, so the text is
    neither decoded here nor encoded again by the loader (~4 ms per MB saved)."""
    loader = _Loader(data)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        _utf8(data)  # bytes that are not UTF-8 are named as such, wherever the parser stopped
        raise _Problem(_yaml_message(err)) from None
    except yaml.YAMLError as err:
        _utf8(data)
        raise _Problem(_one_line(f"invalid YAML: {err}")) from None
    except RecursionError:
        raise _Problem("invalid YAML: nested too deeply") from None
    except (ValueError, TypeError, OverflowError) as err:  # a constructor: 2020-99-01, 10**5000
        raise _Problem(_one_line(f"invalid YAML value: {err}")) from None
    finally:
        loader.dispose()


def _yaml_message(err: yaml.MarkedYAMLError) -> str:
    mark = err.problem_mark or err.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = err.problem or err.context or "unknown problem"
    if "constructor for the tag" in problem:
        return _one_line(
            f"unsupported YAML tag{where}: {problem} (cassettes are read with a safe loader: "
            "plain YAML types and !!binary only)"
        )
    if err.problem and err.context and not err.context.startswith("while"):
        problem = f"{err.context}, {err.problem}"  # "expected a single document …, but found …"
    elif err.problem and err.context:
        problem = f"{problem} ({err.context})"
    return _one_line(f"invalid YAML{where}: {problem}")


def _build(path: Path, data: Any) -> Cassette:
    if data is None:
        raise _Problem("empty file (expected a vcrpy cassette: a mapping with 'interactions')")
    if not isinstance(data, dict):
        raise _Problem(
            f"not a cassette (top level is {_kind(data)}, expected a mapping with 'interactions')"
        )
    if "interactions" not in data:
        found = ", ".join(repr(k) for k in data) or "none"
        raise _Problem(f"not a cassette (no 'interactions' key; keys found: {found})")
    version = data.get("version", CASSETTE_VERSION)
    if version != CASSETTE_VERSION or isinstance(version, bool):
        raise _Problem(f"unsupported cassette version {version!r} (expected {CASSETTE_VERSION})")
    raw = data["interactions"]
    if not isinstance(raw, list):
        raise _Problem(f"'interactions' is {_kind(raw)}, expected a list")
    if not raw:
        raise _Problem("no interactions")
    if len(raw) > _MAX_INTERACTIONS:
        raise _Problem(
            f"{len(raw):,} interactions, more than the {_MAX_INTERACTIONS:,} a cassette may hold"
        )
    interactions = tuple(_interaction(item, f"interactions[{n}]") for n, item in enumerate(raw))
    return Cassette(path=path, interactions=interactions, meta=_meta(data.get("harness")))


def _meta(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    mapping = _mapping(raw, "'harness'")
    for key in mapping:
        if not isinstance(key, str):
            raise _Problem(f"'harness' has a non-string key {key!r}")
    plain: dict[str, Any] = _plain(mapping, [_MAX_META_VALUES], 0)
    return plain


def _interaction(raw: Any, loc: str) -> Interaction:
    item = _mapping(raw, loc, " with 'request' and 'response'")
    request = _mapping(_required(item, loc, "request"), f"{loc}.request")
    response = _mapping(_required(item, loc, "response"), f"{loc}.response")
    method = _required(request, f"{loc}.request", "method")
    if not isinstance(method, str) or not method:
        raise _Problem(f"{loc}.request.method is {_kind(method)}, expected a string such as 'GET'")
    uri = _absolute_url(_required(request, f"{loc}.request", "uri"), f"{loc}.request.uri")
    code, reason = _status(_required(response, f"{loc}.response", "status"), f"{loc}.response")
    headers = _headers(response.get("headers"), f"{loc}.response.headers")
    return Interaction(
        method=method,
        uri=uri,
        request_headers=_headers(request.get("headers"), f"{loc}.request.headers"),
        response=Response(
            url=uri,
            status=code,
            headers=response_headers_joined(headers),
            body=_body(response.get("body"), f"{loc}.response.body"),
        ),
        response_headers=headers,
        reason=reason,
    )


def _absolute_url(raw: Any, loc: str) -> str:
    if not isinstance(raw, str):
        raise _Problem(f"{loc} is {_kind(raw)}, expected an absolute http(s) URL")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError as err:  # e.g. "http://[::1": a malformed IPv6 host
        raise _Problem(f"{loc} is {raw!r}, not a valid URL ({err})") from None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.netloc:
        raise _Problem(f"{loc} is {raw!r}, expected an absolute http(s) URL")
    return raw


def _status(raw: Any, loc: str) -> tuple[int, str]:
    status = _mapping(raw, f"{loc}.status", " like {code: 200, message: OK}")
    code = _required(status, f"{loc}.status", "code")
    if isinstance(code, bool) or not isinstance(code, int):
        raise _Problem(
            f"{loc}.status.code is {code!r} ({_kind(code)}), expected an integer such as 200"
        )
    if not 100 <= code <= 599:
        raise _Problem(f"{loc}.status.code is {code}, expected an HTTP status from 100 to 599")
    message = status.get("message")
    if message is not None and not isinstance(message, str):
        raise _Problem(f"{loc}.status.message is {_kind(message)}, expected a string")
    return code, message or ""


def _headers(raw: Any, loc: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    headers: dict[str, tuple[str, ...]] = {}
    for name, value in _mapping(raw, loc, " of header names to lists of values").items():
        if not isinstance(name, str):
            raise _Problem(f"{loc} has a non-string header name {name!r}")
        values = value if isinstance(value, list) else [value]
        for one in values:
            if isinstance(one, bool) or not isinstance(one, str | int):
                raise _Problem(f"{loc}[{name!r}] holds {_kind(one)}, expected strings")
        headers[name] = tuple(str(one) for one in values)
    return headers


def _body(raw: Any, loc: str) -> bytes:
    if raw is None:
        return b""
    body = _mapping(raw, loc, " with 'string'")
    if "string" in body:
        value = body["string"]
        if value is None or isinstance(value, bytes):
            return value or b""
        if not isinstance(value, str):
            raise _Problem(f"{loc}.string is {_kind(value)}, expected text or !!binary")
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise _Problem(f"{loc}.string has a lone surrogate at index {err.start}") from None
    if "base64_string" not in body:
        raise _Problem(f"{loc} has no 'string'")
    encoded = body["base64_string"]
    if not isinstance(encoded, str):
        raise _Problem(f"{loc}.base64_string is {_kind(encoded)}, expected a string")
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as err:
        raise _Problem(f"{loc}.base64_string is not valid base64: {err}") from None


def _mapping(raw: Any, loc: str, expected: str = "") -> dict[Any, Any]:
    if not isinstance(raw, dict):
        raise _Problem(f"{loc} is {_kind(raw)}, expected a mapping{expected}")
    return raw


def _required(mapping: dict[Any, Any], loc: str, key: str) -> Any:
    if key not in mapping:
        raise _Problem(f"{loc} has no {key!r}")
    return mapping[key]


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "a boolean"),
    (int, "a number"),
    (float, "a number"),
    (str, "a string"),
    (bytes, "binary data"),
    (list, "a list"),
    (dict, "a mapping"),
)


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    return next((name for t, name in _KINDS if isinstance(value, t)), type(value).__name__)


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    """Timestamps YAML parsed into datetimes become RFC 3339 strings again (within limits)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Problem(
            f"'harness' holds more than {_MAX_META_VALUES:,} values "
            "(YAML aliases that expand?); keep the metadata small"
        )
    if depth > _MAX_META_DEPTH:
        raise _Problem(
            f"'harness' is nested more than {_MAX_META_DEPTH} levels deep "
            "(or refers to itself through a YAML alias)"
        )
    if isinstance(value, dict):
        return {key: _plain(item, budget, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item, budget, depth + 1) for item in value]
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- headers and URLs ------------------------------------------------------------------------


def _header_tuples(headers: HeadersIn | None) -> dict[str, tuple[str, ...]]:
    if not headers:
        return {}
    return {
        name: (value,) if isinstance(value, str) else tuple(value)
        for name, value in headers.items()
    }


def _header_order(name: str) -> tuple[str, str]:
    return name.lower(), name


def response_headers_joined(
    headers: Mapping[str, tuple[str, ...]],
) -> dict[str, str]:
    """Lower-cased names, repeated values joined with ", " (in the dumped, sorted order)."""
    values: dict[str, list[str]] = {}
    for name in sorted(headers, key=_header_order):
        values.setdefault(name.lower(), []).extend(headers[name])
    return {name: ", ".join(vals) for name, vals in values.items()}


def _first_value(headers: Mapping[str, tuple[str, ...]], wanted: str) -> str | None:
    for name in sorted(headers, key=_header_order):
        if name.lower() == wanted and headers[name]:
            return headers[name][0]
    return None


# --- dumping ---------------------------------------------------------------------------------


class _Literal(str):
    """A body written as a literal block (``|``, ``|-`` or ``|+``)."""

    __slots__ = ()


class _Quoted(str):
    """A body written double-quoted, one source line per YAML line."""

    __slots__ = ()


# Text a literal block round-trips exactly: printable, no tab, no \r, no NEL/LS/PS line breaks
# (YAML would turn them into \n), no BOM. PyYAML itself still falls back to double quotes for
# trailing spaces; _Dumper.write_double_quoted keeps that case readable too.
_LITERAL_TEXT = re.compile(
    "[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_NEEDS_ESCAPE = re.compile(
    '["\\\\]|[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]'
)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = yaml.emitter.Emitter.ESCAPE_REPLACEMENTS.get(char)
    if code is not None:
        return "\\" + code
    number = ord(char)
    if number <= 0xFF:
        return f"\\x{number:02X}"
    return f"\\u{number:04X}" if number <= 0xFFFF else f"\\U{number:08X}"


class _PlainDumper(yaml.SafeDumper):
    """The pure-Python safe dumper (one dumper everywhere, so output never depends on libyaml).

    Two changes: no anchors/aliases, and a multi-line double-quoted string is broken after each
    escaped ``\\n`` (an escaped line break), so a CRLF body diffs line by line. The reference
    for :class:`_Dumper`, which writes the same bytes faster.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        self.write_indicator('"', True)
        lines = text.split("\n")
        last = len(lines) - 1
        for n, line in enumerate(lines):
            self._put(_NEEDS_ESCAPE.sub(_escape_char, line + ("\n" if n < last else "")))
            if split and (n < last - 1 or (n == last - 1 and lines[last])):
                self._put("\\")
                self.write_indent()
                self.whitespace = self.indention = False
                if lines[n + 1].startswith(" "):
                    self._put("\\")  # "\ " keeps a leading space YAML would fold away
        self.write_indicator('"', False)

    def _put(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)


class _Dumper(_PlainDumper):
    """:class:`_PlainDumper` writing long double-quoted and literal scalars (the bodies) with
    harness.cassettes.bodyyaml: the same bytes, without PyYAML's character-by-character loops."""

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        event = self.event
        # For these two styles the emitter reads only allow_block (for "|") of the analysis; a
        # scalar of 128 characters or more is never a simple key, whatever the analysis says.
        if (
            len(scalar) >= 128
            and isinstance(event, yaml.ScalarEvent)
            and event.value is scalar
            and event.style in ('"', "|")
            and self.allow_unicode
            and not self.canonical
        ):
            return yaml.emitter.ScalarAnalysis(
                scalar=scalar,
                empty=False,
                multiline=cassette_yaml.has_line_break(scalar),
                allow_flow_plain=False,
                allow_block_plain=False,
                allow_single_quoted=False,
                allow_double_quoted=True,
                allow_block=event.style == "|" and cassette_yaml.block_allowed(scalar),
            )
        return super().analyze_scalar(scalar)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if self.best_line_break != "\n":
            return super().write_double_quoted(text, split)
        self.write_indicator('"', True)
        data = cassette_yaml.double_quoted(text, self.indent or 0, split, _escape_char)
        breaks = data.count("\n")  # the escaped line breaks: a line feed in text is "\\n"
        if breaks:
            self.line += breaks
            self.column = len(data) - data.rfind("\n") - 1
            self.whitespace = self.indention = False
        else:
            self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)
        self.write_indicator('"', False)
        return None

    def write_literal(self, text: str) -> None:
        indent = self.indent or 0
        lines = cassette_yaml.literal_lines(text, indent) if self.best_line_break == "\n" else None
        if lines is None:
            return super().write_literal(text)
        hints = self.determine_block_hints(text)
        self.write_indicator("|" + hints, True)
        if hints[-1:] == "+":
            self.open_ended = True
        self.stream.write(lines.encode(self.encoding) if self.encoding else lines)
        self.line += lines.count("\n")
        self.column = 0
        self.whitespace = self.indention = True
        return None


# PyYAML writes NEL/LS/PS raw in plain and single-quoted scalars, where reading folds them.
_FOLDED_BREAKS = re.compile("[\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if _FOLDED_BREAKS.search(data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_literal(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


def _represent_quoted(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


_PlainDumper.add_representer(str, _represent_str)
_PlainDumper.add_representer(_Literal, _represent_literal)
_PlainDumper.add_representer(_Quoted, _represent_quoted)
_PlainDumper.add_representer(tuple, yaml.representer.SafeRepresenter.represent_list)


def _body_node(body: bytes) -> str | bytes:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body  # !!binary
    literal = text and _LITERAL_TEXT.fullmatch(text) and " \n" not in text
    return _Literal(text) if literal and not text.endswith(" ") else _Quoted(text)


def _headers_node(headers: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {name: list(headers[name]) for name in sorted(headers, key=_header_order)}


def _interaction_node(interaction: Interaction) -> dict[str, Any]:
    response = interaction.response
    return {
        "request": {
            "method": interaction.method,
            "uri": interaction.uri,
            "headers": _headers_node(interaction.request_headers),
            "body": None,
        },
        "response": {
            "status": {"code": response.status, "message": interaction.reason},
            "headers": _headers_node(interaction.response_headers),
            "body": {"string": _body_node(response.body)},
        },
    }


def _dump_to(
    stream: TextIO, interactions: Sequence[Interaction], meta: Mapping[str, Any] | None
) -> None:
    data: dict[str, Any] = {"harness": dict(meta)} if meta else {}
    data["interactions"] = [_interaction_node(i) for i in interactions]
    data["version"] = CASSETTE_VERSION
    yaml.dump(
        data,
        stream,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,
        indent=2,
    )


def _check_dumpable(interactions: Sequence[Interaction]) -> None:
    if not interactions:
        raise ValueError("a cassette needs at least one interaction")


def dump_cassette(
    interactions: Sequence[Interaction], meta: Mapping[str, Any] | None = None
) -> str:
    """The cassette as YAML text: fixed key order, sorted headers, readable bodies."""
    _check_dumpable(interactions)
    stream = io.StringIO()
    _dump_to(stream, interactions, meta)
    return stream.getvalue()


def write_cassette(
    path: Path, interactions: Sequence[Interaction], meta: Mapping[str, Any] | None = None
) -> None:
    """Write a cassette atomically (:func:`harness.fileio.write_atomic`)."""
    _check_dumpable(interactions)

    def write(stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        _dump_to(text, interactions, meta)
        text.flush()
        text.detach()

    write_atomic(Path(path), write)
