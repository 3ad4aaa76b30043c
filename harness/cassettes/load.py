"""Reading cassette files safely: the YAML loader, every field checked, limits on what it costs.

Cassettes are hand-edited, untrusted files, so they are parsed with a safe loader (never
``yaml.Loader`` nor vcrpy's own deserializer; libyaml's parser when available) that refuses
duplicate keys, and their structure is checked here field by field; every problem becomes one line
of :class:`CassetteError` naming the file.

Every form vcrpy (and Betamax) writes is read: YAML, with Python 2's ``!!python/unicode`` and
``!!python/str`` string tags; JSON (:mod:`harness.cassettes.jsonform`), whatever the file's name;
bodies stored compressed, decoded here once (:mod:`harness.cassettes.encoding`) within the body
limit, their ``Content-Encoding`` header dropped as ``harness record`` drops it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Hashable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml.constructor import ConstructorError

from harness.cassettes.encoding import ContentDecodingError, decode_content, encodings_of
from harness.cassettes.jsonform import JsonProblem, from_betamax, looks_like_json, parse_json
from harness.cassettes.model import (
    CASSETTE_VERSION,
    Cassette,
    Interaction,
    response_headers_joined,
)
from harness.errors import CassetteError
from harness.fileio import TooLarge, os_reason, read_bounded
from harness.model import Response

try:  # libyaml's parser is ~10x faster on megabyte bodies; the constructor stays the safe one
    from yaml import CSafeLoader as _SafeBase
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _SafeBase  # type: ignore[assignment]

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_BYTES",
    "CassetteLoader",
    "NoDuplicateKeys",
    "decode_cassette",
    "load_cassette",
    "read_cassette_bytes",
]

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024
"""A decoded body's limit unless ``[limits] max-body-bytes`` says otherwise: the parsers' own
default ``max_bytes`` (harness/parsers/rss.py), so a body decompressed here is one they take."""
# Loading limits: a hand-edited file must not cost more than its size suggests. YAML aliases can
# make a small "harness" mapping expand to billions of values (or refer to itself), and a file of
# short interactions would cost ~1 KB of objects for every ~80 bytes of YAML.
_MAX_INTERACTIONS = 10_000
_MAX_META_VALUES = 10_000
_MAX_META_DEPTH = 32
_SCHEMES = frozenset({"http", "https"})


class _Problem(Exception):
    """A structural problem, without the file name (load_cassette adds it)."""


class NoDuplicateKeys(yaml.constructor.SafeConstructor):
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


class CassetteLoader(NoDuplicateKeys, _SafeBase):
    """The safe loader (libyaml's parser when available) without duplicate keys.

    Python 2 wrote its strings as ``!!python/unicode`` (and ``!!python/str``) in cassettes that
    vcrpy recorded under it: both are read as text, a scalar only; every other Python tag stays
    refused.
    """


def _text_scalar(loader: CassetteLoader, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ConstructorError(
            None, None, f"expected a string scalar for {node.tag}", node.start_mark
        )
    return str(loader.construct_scalar(node))


for _tag in ("tag:yaml.org,2002:python/unicode", "tag:yaml.org,2002:python/str"):
    CassetteLoader.add_constructor(_tag, _text_scalar)


def load_cassette(
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> Cassette:
    """Read and validate a vcrpy cassette file; raise CassetteError naming the file and problem.

    ``max_bytes`` bounds the file, ``max_body_bytes`` each body once decompressed.
    """
    path = Path(path)
    data = read_cassette_bytes(path, max_bytes)
    return decode_cassette(path, data, max_body_bytes=max_body_bytes)


def read_cassette_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a cassette file (at most max_bytes); CassetteError naming the file."""
    try:
        return _read_bytes(Path(path), max_bytes)
    except _Problem as problem:
        raise CassetteError(f"{path}: {problem}") from None


def decode_cassette(
    path: Path, data: bytes, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> Cassette:
    """A cassette from the bytes of the file at ``path``; CassetteError naming the file."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # libyaml would read UTF-16; vcrpy not
            _utf8(data)
        return _build(path, _parse(path, data), max_body_bytes)
    except _Problem as problem:
        raise CassetteError(f"{path}: {problem}") from None


def _parse(path: Path, data: bytes) -> Any:
    """JSON for a file that starts as JSON does, else YAML. A .yaml/.yml file that is no valid
    JSON is YAML (a flow mapping), read and judged as it always was."""
    if not looks_like_json(data):
        return _parse_yaml(data)
    try:
        return parse_json(_utf8(data))
    except JsonProblem as problem:
        if path.suffix.lower() in (".yaml", ".yml"):
            return _parse_yaml(data)
        raise _Problem(str(problem)) from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        return read_bounded(path, max_bytes)
    except TooLarge as err:
        raise _Problem(f"{err} (split the cassette or raise max_bytes)") from None
    except OSError as err:
        raise _Problem(f"cannot read file: {os_reason(err)}") from None


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
    loader = CassetteLoader(data)
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
            "plain YAML types, !!binary and Python 2's string tags only)"
        )
    if err.problem and err.context and not err.context.startswith("while"):
        problem = f"{err.context}, {err.problem}"  # "expected a single document …, but found …"
    elif err.problem and err.context:
        problem = f"{problem} ({err.context})"
    return _one_line(f"invalid YAML{where}: {problem}")


def _build(path: Path, data: Any, max_body_bytes: int) -> Cassette:
    if isinstance(data, dict) and "http_interactions" in data and "interactions" not in data:
        data = from_betamax(data)
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
    interactions = tuple(
        _interaction(item, f"interactions[{n}]", max_body_bytes) for n, item in enumerate(raw)
    )
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


def _interaction(raw: Any, loc: str, max_body_bytes: int) -> Interaction:
    item = _mapping(raw, loc, " with 'request' and 'response'")
    request = _mapping(_required(item, loc, "request"), f"{loc}.request")
    response = _mapping(_required(item, loc, "response"), f"{loc}.response")
    method = _required(request, f"{loc}.request", "method")
    if not isinstance(method, str) or not method:
        raise _Problem(f"{loc}.request.method is {_kind(method)}, expected a string such as 'GET'")
    uri = _absolute_url(_required(request, f"{loc}.request", "uri"), f"{loc}.request.uri")
    code, reason = _status(_required(response, f"{loc}.response", "status"), f"{loc}.response")
    headers = _headers(response.get("headers"), f"{loc}.response.headers")
    body = _body(response.get("body"), f"{loc}.response.body")
    body, headers = _decoded(body, headers, f"{loc}.response.body", max_body_bytes)
    return Interaction(
        method=method,
        uri=uri,
        request_headers=_headers(request.get("headers"), f"{loc}.request.headers"),
        response=Response(
            url=uri,
            status=code,
            headers=response_headers_joined(headers),
            body=body,
        ),
        response_headers=headers,
        reason=reason,
    )


def _decoded(
    body: bytes, headers: dict[str, tuple[str, ...]], loc: str, max_body_bytes: int
) -> tuple[bytes, dict[str, tuple[str, ...]]]:
    """The body with its Content-Encoding undone and the headers without it (Content-Length then
    the decoded length), as ``harness record`` stores a response."""
    names = [name for name in headers if name.lower() == "content-encoding"]
    if not names:
        return body, headers
    codings = encodings_of(value for name in names for value in headers[name])
    try:
        body, decoded = decode_content(body, codings, max_body_bytes)
    except ContentDecodingError as err:
        raise _Problem(f"{loc}: {err}") from None
    kept = {name: values for name, values in headers.items() if name not in names}
    if decoded:
        for name in kept:
            if name.lower() == "content-length":
                kept[name] = (str(len(body)),)
    return body, kept


def _absolute_url(raw: Any, loc: str) -> str:
    if not isinstance(raw, str):
        raise _Problem(f"{loc} is {_kind(raw)}, expected an absolute http(s) URL")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError as err:  # e.g. "http://[::1": a malformed IPv6 host
        raise _Problem(f"{loc} is {raw!r}, not a valid URL ({err})") from None
    if parts.scheme.lower() not in _SCHEMES or not parts.netloc:
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
