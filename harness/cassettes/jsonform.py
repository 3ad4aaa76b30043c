"""The JSON forms of a cassette: vcrpy's JSON serializer and Betamax's cassettes.

vcrpy's ``serializer="json"`` writes the YAML form's mapping with ``json.dumps``, which escapes
every character outside ASCII, an emoji as a surrogate pair (``"\\ud83c\\udf89"``): JSON decodes
the pair into the one character, where a YAML parser refuses or splits it. Betamax (the requests
recorder) writes ``http_interactions``, each body as ``string`` (text in the body's ``encoding``)
or ``base64_string``; :func:`from_betamax` turns that into the vcrpy form the loader checks.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Hashable
from typing import Any, NoReturn

__all__ = ["JsonProblem", "from_betamax", "looks_like_json", "parse_json"]

_WHITESPACE = b" \t\r\n"  # RFC 8259 2: the insignificant white space around a JSON value


class JsonProblem(Exception):
    """Text that is not a JSON cassette (the message says why, without the file name)."""


def looks_like_json(data: bytes) -> bool:
    """Whether the file starts as a JSON object does (a YAML cassette never starts with "{")."""
    return data[:4096].lstrip(_WHITESPACE).startswith(b"{")  # a cassette pads no further


def parse_json(text: str) -> Any:
    """The JSON value of ``text``; duplicate keys, NaN and Infinity refused (JsonProblem)."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise JsonProblem(
            f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    except RecursionError:
        raise JsonProblem("invalid JSON: nested too deeply") from None
    except ValueError as err:  # an integer of more than 4300 digits (sys.int_info)
        raise JsonProblem(" ".join(f"invalid JSON value: {err}".split())) from None


def _no_duplicates(pairs: list[tuple[Hashable, Any]]) -> dict[Hashable, Any]:
    mapping: dict[Hashable, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise JsonProblem(f"invalid JSON: duplicate key {key!r}")
        mapping[key] = value
    return mapping


def _no_constant(name: str) -> NoReturn:
    raise JsonProblem(f"invalid JSON value {name} (not a number JSON allows)")


def from_betamax(data: dict[Any, Any]) -> dict[str, Any]:
    """A Betamax cassette as the vcrpy mapping: its interactions, each body as bytes when its
    ``encoding`` says how the text was decoded; anything else is left for the loader to check."""
    raw = data["http_interactions"]
    interactions = [_interaction(item) for item in raw] if isinstance(raw, list) else raw
    return {"interactions": interactions}


def _interaction(item: Any) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get("response"), dict):
        return item
    response = item["response"]
    body = response.get("body")
    if not isinstance(body, dict) or not isinstance(body.get("string"), str):
        return item
    encoded = _encoded(body["string"], body.get("encoding"))
    return {**item, "response": {**response, "body": {**body, "string": encoded}}}


def _encoded(text: str, encoding: Any) -> str | bytes:
    """The body's bytes in the encoding Betamax decoded it with (the text when none or unknown)."""
    if not isinstance(encoding, str) or not encoding:
        return text
    try:
        return text.encode(codecs.lookup(encoding).name)
    except (LookupError, UnicodeEncodeError):
        return text
