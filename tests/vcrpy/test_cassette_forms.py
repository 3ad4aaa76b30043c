"""The forms vcrpy and Betamax write, read safely: JSON, Python 2 string tags, any file name."""

from __future__ import annotations

import base64
import gzip
import io
import json
from pathlib import Path

import pytest

from harness.cassettes import load_cassette
from harness.cassettes.paths import is_cassette_file, looks_like_cassette
from harness.cli import run
from harness.errors import CassetteError

URL = "http://127.0.0.1:8080/feed.xml"
RSS = '<rss version="2.0"><channel><title>t</title><item><title>Party 🎉</title></item></channel></rss>'


def vcrpy_json(body: str, **extra: object) -> str:
    interaction = {
        "request": {"method": "GET", "uri": URL, "body": None, "headers": {}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/rss+xml"]},
            "body": {"string": body},
        },
    }
    return json.dumps({"interactions": [interaction], "version": 1, **extra}, indent=4)


def test_json_surrogate_pairs_decode_into_the_character(tmp_path: Path) -> None:
    text = vcrpy_json(RSS)
    assert "\\ud83c\\udf89" in text  # json.dumps escapes the emoji as a surrogate pair
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    assert load_cassette(path).interactions[0].response.body == RSS.encode("utf-8")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"interactions": [], "interactions": []}', "duplicate key 'interactions'"),
        ('{"interactions": [], "version": NaN}', "invalid JSON value NaN"),
        ('{"interactions": [', "invalid JSON at line 1, column 19: Expecting value"),
        ('{"interactions": "x\\ud800"}', "'interactions' is a string"),
        ("[" * 100_000 + "]" * 100_000, "maximum nesting depth"),
        ('{"interactions": [' * 50_000, "invalid JSON"),
    ],
)
def test_bad_json_is_one_line_naming_the_file(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError) as caught:
        load_cassette(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_lone_surrogate_in_a_json_body_is_named(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(vcrpy_json("x\ud800"), encoding="utf-8")
    with pytest.raises(CassetteError, match="lone surrogate"):
        load_cassette(path)


PY2 = """interactions:
- request:
    body: null
    headers:
      User-Agent: [!!python/unicode 'python-requests/2.18.4']
    method: !!python/str GET
    uri: http://127.0.0.1:8080/feed.xml
  response:
    body: {string: !!python/unicode "<rss>caf\\xE9 \\U0001F389</rss>"}
    headers:
      content-type: [!!python/unicode 'application/rss+xml']
    status: {code: 200, message: OK}
version: 1
"""


def test_python2_string_tags_are_text(tmp_path: Path) -> None:
    path = tmp_path / "py2"
    path.write_text(PY2, encoding="utf-8")
    interaction = load_cassette(path).interactions[0]
    assert interaction.response.body == "<rss>café 🎉</rss>".encode()
    assert interaction.request_headers == {"User-Agent": ("python-requests/2.18.4",)}
    assert interaction.method == "GET"


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system ''",
        "!!python/bytes 'eA=='",
        "!!python/unicode [a, list]",
        "!!python/unicode {a: mapping}",
    ],
)
def test_every_other_python_tag_is_still_refused(tmp_path: Path, tagged: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(PY2.replace("!!python/str GET", tagged), encoding="utf-8")
    with pytest.raises(CassetteError) as caught:
        load_cassette(path)
    assert "\n" not in str(caught.value)


def betamax(body: dict[str, object], headers: dict[str, list[str]]) -> str:
    response = {"body": body, "headers": headers, "status": {"code": 200, "message": "OK"}}
    request = {"body": {"encoding": "utf-8", "string": ""}, "method": "GET", "uri": URL}
    interaction = {"request": request, "response": response, "recorded_at": "2026-12-01"}
    return json.dumps({"http_interactions": [interaction], "recorded_with": "betamax/0.8.1"})


def test_betamax_bodies_are_read_in_their_encoding(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    text = betamax({"encoding": "ISO-8859-1", "string": "<rss>café</rss>"}, {})
    path.write_text(text, encoding="utf-8")
    assert load_cassette(path).interactions[0].response.body == "<rss>café</rss>".encode("latin-1")
    packed = base64.b64encode(gzip.compress(b"<rss/>")).decode()
    path.write_text(
        betamax({"encoding": None, "base64_string": packed}, {"Content-Encoding": ["gzip"]}),
        encoding="utf-8",
    )
    assert load_cassette(path).interactions[0].response.body == b"<rss/>"


def test_a_betamax_cassette_with_a_broken_interaction_is_named(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"http_interactions": [{"request": {}}]}', encoding="utf-8")
    with pytest.raises(CassetteError, match=r"interactions\[0\] has no 'response'"):
        load_cassette(path)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"interactions:\n- request:\n", True),
        (b"harness:\n  recorded_at: x\ninteractions:\n", True),
        (b'{\n    "interactions": [\n', True),
        (b'{"http_interactions": [', True),
        (b"\xef\xbb\xbfversion: 1\r\ninteractions:\r\n", True),
        (b"# Notes\n\nSome prose about interactions:\n", False),
        (b"Title\ninteractions:\n", False),
        (b'{"feed": "x", "profile": {}}', False),
        (b"interactions:\0\0\0", False),
        (b"\x1f\x8b\x08\x00", False),
    ],
)
def test_a_cassette_is_told_by_its_first_bytes(head: bytes, expected: bool) -> None:
    assert looks_like_cassette(head) is expected


def test_harness_check_reads_a_cassette_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "test_feeds.TestFeeds.test_fetch"
    path.write_text(vcrpy_json(RSS), encoding="utf-8")
    assert is_cassette_file(path)
    (tmp_path / "harness.toml").write_text('cassettes = "."\n', encoding="utf-8")
    out = io.StringIO()
    args = ["--config", str(tmp_path / "harness.toml"), "check", "--format", "json", str(path)]
    code = run(args, stdout=out)
    (cassette,) = json.loads(out.getvalue())["cassettes"]
    assert (code, cassette["outcome"], cassette["items"]) == (0, "pass", 1)
