"""harness.cassettes.load: the safe loader, every field checked, one-line errors naming the file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cassettes import load
from harness.cassettes.load import load_cassette
from harness.errors import CassetteError

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "cassettes"
FIXTURES = ROOT / "tests" / "data" / "cassettes"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


BROKEN_MESSAGES = {
    "empty.yaml": "empty file (expected a vcrpy cassette: a mapping with 'interactions')",
    "invalid-yaml.yaml": "invalid YAML at line 4, column 9: mapping values are not allowed",
    "top-level-list.yaml": (
        "not a cassette (top level is a list, expected a mapping with 'interactions')"
    ),
    "missing-interactions.yaml": (
        "not a cassette (no 'interactions' key; keys found: 'version', 'requests')"
    ),
    "no-interactions.yaml": "no interactions",
    "no-response.yaml": "interactions[0] has no 'response'",
    "status-not-int.yaml": (
        "interactions[0].response.status.code is '200 OK' (a string), "
        "expected an integer such as 200"
    ),
    "duplicate-key.yaml": (
        "invalid YAML at line 16, column 5: found duplicate key 'body' "
        "(while constructing a mapping)"
    ),
    "python-tag.yaml": (
        "unsupported YAML tag at line 15, column 15: could not determine a constructor for the "
        "tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    ),
    "bad-base64.yaml": "invalid YAML at line 15, column 15: failed to decode base64 data",
    "not-utf8.yaml": "not UTF-8 text (byte 0xe9 at offset 271); a cassette is YAML in UTF-8",
}


BROKEN_LOADABLE = {
    "binary-random-body.yaml",
    "truncated-xml.yaml",
    "html-error-page.yaml",
    "unknown-url.yaml",
}


def test_broken_fixture_set_is_complete() -> None:
    names = {p.name for p in _files(FIXTURES / "broken")}
    assert names == set(BROKEN_MESSAGES) | BROKEN_LOADABLE


@pytest.mark.parametrize(("name", "message"), sorted(BROKEN_MESSAGES.items()))
def test_broken_fixture_is_one_line_cassette_error(name: str, message: str) -> None:
    path = FIXTURES / "broken" / name
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ")
    assert message in text
    assert "\n" not in text


def test_python_tag_never_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", calls.append)
    with pytest.raises(CassetteError, match="unsupported YAML tag"):
        load_cassette(FIXTURES / "broken" / "python-tag.yaml")
    assert calls == []


REQUEST = "- request:\n    method: GET\n    uri: https://x.test/\n"


STATUS = "  response:\n    status: {code: 200, message: OK}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interactions: {}\n", "'interactions' is a mapping, expected a list"),
        (
            "interactions:\n" + REQUEST + STATUS + "version: 2\n",
            "unsupported cassette version 2 (expected 1)",
        ),
        (
            "harness: [1]\ninteractions:\n" + REQUEST + STATUS,
            "'harness' is a list, expected a mapping",
        ),
        (
            "interactions:\n- just text\n",
            "interactions[0] is a string, expected a mapping with 'request' and 'response'",
        ),
        (
            "interactions:\n- request: GET\n  response: {}\n",
            "interactions[0].request is a string, expected a mapping",
        ),
        (
            "interactions:\n- request:\n    uri: https://x.test/\n" + STATUS,
            "interactions[0].request has no 'method'",
        ),
        (
            "interactions:\n- request:\n    method: 1\n    uri: https://x.test/\n" + STATUS,
            "interactions[0].request.method is a number, expected a string such as 'GET'",
        ),
        (
            "interactions:\n- request:\n    method: GET\n    uri: /feed.xml\n" + STATUS,
            "interactions[0].request.uri is '/feed.xml', expected an absolute http(s) URL",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    body: {string: ''}\n",
            "interactions[0].response has no 'status'",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: 200\n",
            "interactions[0].response.status is a number, expected a mapping like "
            "{code: 200, message: OK}",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: {code: 999}\n",
            "interactions[0].response.status.code is 999, expected an HTTP status from 100 to 599",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: {code: true}\n",
            "interactions[0].response.status.code is True (a boolean)",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: {code: 200, message: [x]}\n",
            "interactions[0].response.status.message is a list, expected a string",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    headers: {X: [{a: 1}]}\n",
            "interactions[0].response.headers['X'] holds a mapping, expected strings",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    headers: [X]\n",
            "interactions[0].response.headers is a list, expected a mapping of header names",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: text\n",
            "interactions[0].response.body is a string, expected a mapping with 'string'",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {}\n",
            "interactions[0].response.body has no 'string'",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {string: 12}\n",
            "interactions[0].response.body.string is a number, expected text or !!binary",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {base64_string: '%%%'}\n",
            "interactions[0].response.body.base64_string is not valid base64",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {base64_string: 12}\n",
            "interactions[0].response.body.base64_string is a number, expected a string",
        ),
        ("interactions:\n" + REQUEST + STATUS + "  - nested: [\n", "invalid YAML at line"),
        (
            "a: 1\n---\nb: 2\n",
            "invalid YAML at line 2, column 1: expected a single document in "
            "the stream, but found another document",
        ),
        ("x: \x07\n", "invalid YAML"),
    ],
)
def test_structure_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_lenient_where_harmless(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        "interactions:\n" + REQUEST + "  response:\n    status: {code: 200}\n"
        "    headers: {Content-Length: [12], X-One: single}\n"
        "    body: {base64_string: aGVsbG8=}\n"
        "harness: {recorded_at: 2024-01-02T03:04:05Z}\n",
        encoding="utf-8",
    )
    cassette = load_cassette(path)
    interaction = cassette.interactions[0]
    assert interaction.response.body == b"hello"
    assert interaction.response_headers == {"Content-Length": ("12",), "X-One": ("single",)}
    assert interaction.reason == ""
    assert cassette.meta == {"recorded_at": "2024-01-02T03:04:05Z"}  # not a datetime


def test_missing_body_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "nobody.yaml"
    path.write_text("interactions:\n" + REQUEST + STATUS, encoding="utf-8")
    assert load_cassette(path).interactions[0].response.body == b""


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 100)
    with pytest.raises(CassetteError, match=r"big.yaml: file is 100 bytes, over the 10-byte limit"):
        load_cassette(path, max_bytes=10)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r"missing.yaml: cannot read file: No such file"):
        load_cassette(tmp_path / "missing.yaml")
    with pytest.raises(CassetteError, match="cannot read file"):
        load_cassette(tmp_path)


def test_pure_python_loader_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the module falls back to yaml.SafeLoader: same cassettes, same errors."""
    loadable = [*_files(FIXTURES / "real"), *_files(FIXTURES / "variants")]
    small = [p for p in [*_files(BUNDLED), *loadable] if p.stat().st_size < 100_000]
    fast = {p: load_cassette(p) for p in small}
    pure = type("PureLoader", (load.NoDuplicateKeys, yaml.SafeLoader), {})
    monkeypatch.setattr(load, "CassetteLoader", pure)
    for path in small:
        assert load_cassette(path) == fast[path]
    for name in ("duplicate-key.yaml", "python-tag.yaml", "no-response.yaml"):
        with pytest.raises(CassetteError, match=re.escape(BROKEN_MESSAGES[name])):
            load_cassette(FIXTURES / "broken" / name)


def test_lone_surrogate_escape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml refuses a "\\uD800" escape; PyYAML reads it, and the body cannot be UTF-8."""
    path = tmp_path / "surrogate.yaml"
    path.write_text("interactions:\n" + REQUEST + STATUS + '    body: {string: "\\uD800"}\n')
    with pytest.raises(CassetteError, match="invalid YAML at line 7"):
        load_cassette(path)
    pure = type("PureLoader", (load.NoDuplicateKeys, yaml.SafeLoader), {})
    monkeypatch.setattr(load, "CassetteLoader", pure)
    with pytest.raises(
        CassetteError,
        match=re.escape("interactions[0].response.body.string has a lone surrogate at index 0"),
    ):
        load_cassette(path)
