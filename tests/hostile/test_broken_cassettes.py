"""Broken cassettes through ``harness check``: one line each, the others still checked.

Also: several interactions for the feed URL (the first one recorded is checked, as vcrpy replays
them), and paths: feed names or cassette paths with ``..`` or absolute are configuration errors,
and ``harness check`` writes nothing but its ``--output`` file, never outside its folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hostile_inputs import FEED_URL, item, rss
from hostile_support import check_json, cli, only_missing_feeds

GOOD_BODY = rss(item()).replace('"', '\\"').replace("\n", "")


def cassette_text(
    *,
    uri: str = FEED_URL,
    status: str = "{code: 200, message: OK}",
    headers: str = "{Content-Type: [application/rss+xml]}",
    body: str = f'{{string: "{GOOD_BODY}"}}',
    extra: str = "",
) -> str:
    """A one-interaction cassette with any part replaced by raw YAML."""
    return (
        f"{extra}interactions:\n"
        f"- request: {{method: GET, uri: '{uri}', headers: {{}}, body: null}}\n"
        f"  response:\n    status: {status}\n    headers: {headers}\n    body: {body}\n"
        "version: 1\n"
    )


def laughs(levels: int = 9) -> str:
    lines = ["  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels):
        lines.append(f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]")
    return "harness:\n" + "\n".join(lines) + "\n"


def many_interactions(count: int) -> str:
    first = cassette_text().replace("- request:", "- &i\n  request:", 1)
    return first.replace("version: 1\n", "- *i\n" * count + "version: 1\n")


# name -> (YAML text, error kind, the error message after "cassettes/<name>.yaml: ")
BROKEN: dict[str, tuple[str, str, str]] = {
    "invalid-yaml": (
        "interactions:\n- request: {method: GET\n  uri: x\n",
        "cassette",
        "invalid YAML at line 3, column 6: did not find expected ',' or '}' (while parsing a flow mapping)",
    ),
    "tab-indented": (
        cassette_text().replace("  response:", "\tresponse:"),
        "cassette",
        "invalid YAML at line 3, column 1: found character that cannot start any token",
    ),
    "two-documents": (
        cassette_text() + "---\n" + cassette_text(),
        "cassette",
        "invalid YAML at line 8, column 1: expected a single document in the stream",
    ),
    "nul-in-yaml": (
        cassette_text(extra="x: a\0b\n"),
        "cassette",
        "invalid YAML: unacceptable character #x0000: control characters are not allowed",
    ),
    "not-utf8": (
        "latin-1: caf\udce9\n" + cassette_text(),
        "cassette",
        "not UTF-8 text (byte 0xe9 at offset 12); a cassette is YAML in UTF-8",
    ),
    "empty-file": ("", "cassette", "empty file"),
    "top-level-string": ("just text\n", "cassette", "not a cassette (top level is a string"),
    "interactions-mapping": (
        "interactions: {a: 1}\nversion: 1\n",
        "cassette",
        "'interactions' is a mapping, expected a list",
    ),
    "interaction-string": (
        "interactions: [x]\nversion: 1\n",
        "cassette",
        "interactions[0] is a string, expected a mapping with 'request' and 'response'",
    ),
    "no-uri": (
        cassette_text().replace(f"uri: '{FEED_URL}', ", ""),
        "cassette",
        "interactions[0].request has no 'uri'",
    ),
    "no-status": (
        cassette_text().replace("    status: {code: 200, message: OK}\n", ""),
        "cassette",
        "interactions[0].response has no 'status'",
    ),
    "status-code-text": (
        cassette_text(status="{code: '200', message: OK}"),
        "cassette",
        "interactions[0].response.status.code is '200' (a string), expected an integer",
    ),
    "status-code-float": (
        cassette_text(status="{code: 200.0, message: OK}"),
        "cassette",
        "interactions[0].response.status.code is 200.0 (a number), expected an integer",
    ),
    "header-nested": (
        cassette_text(headers="{Content-Type: [[a]]}"),
        "cassette",
        "interactions[0].response.headers['Content-Type'] holds a list, expected strings",
    ),
    "body-number": (
        cassette_text(body="{string: 5}"),
        "cassette",
        "interactions[0].response.body.string is a number, expected text or !!binary",
    ),
    "uri-ipv6-broken": (
        cassette_text(uri="http://[::1/feed"),
        "cassette",
        "interactions[0].request.uri is 'http://[::1/feed', not a valid URL (Invalid IPv6 URL)",
    ),
    "uri-port-out-of-range": (
        cassette_text(uri="http://hostile.example:99999/feed"),
        "cassette",
        "interactions[0].request.uri is 'http://hostile.example:99999/feed', "
        "not a valid URL (Port out of range 0-65535)",
    ),
    "uri-relative": (
        cassette_text(uri="/feed.xml"),
        "cassette",
        "interactions[0].request.uri is '/feed.xml', expected an absolute http(s) URL",
    ),
    "redirect-to-broken-url": (
        cassette_text(status="{code: 301, message: Moved}", headers="{Location: ['http://[::1']}"),
        "cassette",
        f"{FEED_URL} redirects to 'http://[::1', not a valid URL (Invalid IPv6 URL)",
    ),
    "redirect-loop": (
        cassette_text(
            status="{code: 302, message: Found}", headers=f"{{Location: ['{FEED_URL}']}}"
        ),
        "cassette",
        f"more than 10 redirects from {FEED_URL}",
    ),
    "bad-timestamp": (
        cassette_text(extra="harness: {recorded_at: 2020-99-01}\n"),
        "cassette",
        "invalid YAML value: month must be in 1..12",
    ),
    "huge-integer": (
        cassette_text(extra=f"harness: {{n: {'9' * 5000}}}\n"),
        "cassette",
        "invalid YAML value: Exceeds the limit (4300 digits) for integer string conversion",
    ),
    "python-tag": (
        cassette_text(extra="harness: !!python/object/apply:os.system ['touch /tmp/pwned']\n"),
        "cassette",
        "unsupported YAML tag at line 1, column 10",
    ),
    "alias-bomb-in-metadata": (
        cassette_text(extra=laughs()),
        "cassette",
        "'harness' holds more than 10,000 values (YAML aliases that expand?)",
    ),
    "alias-cycle-in-metadata": (
        cassette_text(extra="harness: &r {a: *r}\n"),
        "cassette",
        "'harness' is nested more than 32 levels deep (or refers to itself through a YAML alias)",
    ),
    "alias-bomb-of-interactions": (
        many_interactions(20_000),
        "cassette",
        "20,001 interactions, more than the 10,000 a cassette may hold",
    ),
    "empty-body": (cassette_text(body="{string: ''}"), "transport", "empty body"),
    "no-body": (cassette_text(body="null"), "transport", "empty body"),
    "binary-body": (
        cassette_text(
            body="{string: !!binary gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp+goaKjpKWmp6ipqqus"
            "ra6vsLGys7S1tre4ubq7vL2+v8DBwsPExcbHyMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5ufo6err7O3u7/Dx8vP09fb3+Pn6+/z9/v8=}"
        ),
        "parse",
        "cannot decode the body: utf-8 (default)",
    ),
    "png-body": (
        cassette_text(body="{string: !!binary iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB}"),
        "transport",
        "run of 3 NUL bytes at byte 8 of the body",
    ),
    "http-500": (
        cassette_text(status="{code: 500, message: Oops}"),
        "transport",
        "HTTP 500 Internal Server Error",
    ),
}


@pytest.fixture
def broken_project(project: Path) -> Path:
    folder = project / "cassettes"
    for name, (text, _, _) in BROKEN.items():
        (folder / f"{name}.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    (folder / "good.yaml").write_text(cassette_text(), encoding="utf-8")
    return project


def test_every_broken_cassette_is_one_line_and_the_good_one_still_passes(
    broken_project: Path,
) -> None:
    code, results = check_json(broken_project)
    assert code == 2
    assert results.pop("good")["outcome"] == "pass"
    assert set(results) == set(BROKEN)
    for name, (_, kind, message) in BROKEN.items():
        result = results[name]
        error = result["error"]
        assert result["outcome"] == "broken", name
        assert isinstance(error, dict)
        assert error["kind"] == kind, (name, error)
        text = str(error["message"])
        assert text.startswith(f"cassettes/{name}.yaml: "), (name, text)
        assert f"{name}.yaml: {message}" in text, (name, text)  # (the loader names the file too)
        assert "\n" not in text
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit"])
def test_broken_cassettes_in_every_format_without_a_traceback(
    broken_project: Path, fmt: str
) -> None:
    code, out, err = cli(broken_project, "check", "--format", fmt)
    assert (code, err) == (2, "")
    assert "Traceback" not in out
    assert out.count("alias-bomb-in-metadata.yaml") >= 1


def test_several_interactions_for_the_feed_url_each_distinct_one_is_checked(project: Path) -> None:
    ok = f'{{status: {{code: 200, message: OK}}, headers: {{}}, body: {{string: "{GOOD_BODY}"}}}}'
    error = "{status: {code: 500, message: Oops}, headers: {}, body: {string: ''}}"
    request = f"{{method: GET, uri: '{FEED_URL}', headers: {{}}, body: null}}"

    def two(first: str, second: str) -> str:
        return (
            f"interactions:\n- request: {request}\n  response: {first}\n"
            f"- request: {request}\n  response: {second}\nversion: 1\n"
        )

    folder = project / "cassettes"
    (folder / "ok-then-500.yaml").write_text(two(ok, error), encoding="utf-8")
    (folder / "500-then-ok.yaml").write_text(two(error, ok), encoding="utf-8")
    code, out, _ = cli(project, "check", "--format", "json")
    assert code == 2
    results = {
        (Path(c["path"]).stem, c.get("interaction")): c for c in json.loads(out)["cassettes"]
    }
    assert sorted(results, key=str) == sorted(
        [("ok-then-500", None), ("500-then-ok", 1), ("500-then-ok", 2)], key=str
    )
    # a failed re-request after the feed answered is listed as skipped, with why
    assert results["ok-then-500", None]["outcome"] == "pass"
    assert results["ok-then-500", None]["skipped"] == [
        {
            "interaction": 2,
            "url": FEED_URL,
            "reason": "HTTP 500 on a re-request: the response of #1 is checked",
        }
    ]
    # the failed fetch, then the feed: each distinct response is checked
    assert results["500-then-ok", 1]["outcome"] == "broken"
    assert results["500-then-ok", 1]["error"] == {
        "kind": "transport",
        "message": "cassettes/500-then-ok.yaml: HTTP 500 Internal Server Error",
    }
    assert results["500-then-ok", 2]["outcome"] == "pass"


def test_several_interactions_for_the_feed_url_are_reported_in_a_note(project: Path) -> None:
    text = cassette_text()
    interaction = text[text.index("- request:") : text.index("version: 1")]
    (project / "cassettes" / "twice.yaml").write_text(
        text.replace("version: 1", interaction + "version: 1"), encoding="utf-8"
    )
    _, results = check_json(project)
    assert (
        f"2 identical recorded responses for {FEED_URL} (#1, #2): checked once"
        in (
            results["twice"]["notes"]  # type: ignore[operator]
        )
    )


# --- nothing is written outside the cassettes folder ------------------------------------------


def snapshot(root: Path) -> dict[str, float]:
    """Every file under root and its modification time."""
    return {
        str(path.relative_to(root)): path.stat().st_mtime
        for path in root.rglob("*")
        if path.is_file()
    }


BAD_FEEDS = {
    "name-dotdot": 'name = "../escape"\nurl = "https://hostile.example/a"\nparser = "rss"',
    "name-absolute": 'name = "/tmp/escape"\nurl = "https://hostile.example/a"\nparser = "rss"',
    "name-dot": 'name = ".hidden"\nurl = "https://hostile.example/a"\nparser = "rss"',
    "cassette-dotdot": (
        'name = "a"\nurl = "https://hostile.example/a"\nparser = "rss"\n'
        'cassette = "../../escape.yaml"'
    ),
    "cassette-absolute": (
        'name = "a"\nurl = "https://hostile.example/a"\nparser = "rss"\n'
        'cassette = "/tmp/escape.yaml"'
    ),
    "cassette-backslash": (
        'name = "a"\nurl = "https://hostile.example/a"\nparser = "rss"\n'
        'cassette = "..\\\\..\\\\escape.yaml"'
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FEEDS))
def test_path_escaping_feed_config_is_rejected_and_nothing_is_written(
    tmp_path: Path, name: str
) -> None:
    project = tmp_path / "deep" / "project"
    (project / "cassettes").mkdir(parents=True)
    (project / "cassettes" / "good.yaml").write_text(cassette_text(), encoding="utf-8")
    (project / "harness.toml").write_text(
        f'cassettes = "cassettes"\n\n[[feeds]]\n{BAD_FEEDS[name]}\n', encoding="utf-8"
    )
    before = snapshot(tmp_path)
    code, out, err = cli(project, "check")
    assert (code, out) == (2, "")
    assert err.startswith("harness: error: ")
    assert err.count("\n") == 1
    assert "must be a relative .yaml/.yml path" in err or "is not a valid feed name" in err
    assert snapshot(tmp_path) == before
    assert not Path("/tmp/escape.yaml").exists()


def test_check_writes_only_its_output_file(project: Path) -> None:
    (project / "cassettes" / "good.yaml").write_text(
        cassette_text(extra="harness: {feed: ../../escape, cassette: /tmp/escape.yaml}\n"),
        encoding="utf-8",
    )
    root = project.parent
    before = snapshot(root)
    code, out, err = cli(project, "check", "--format", "junit", "-o", str(project / "r.xml"))
    assert (code, out) == (0, "")
    assert only_missing_feeds(err), err
    after = snapshot(root)
    assert set(after) - set(before) == {"project/r.xml"}
    assert {k: v for k, v in after.items() if k in before} == before


def test_output_into_a_missing_folder_is_one_line_and_leaves_nothing(project: Path) -> None:
    (project / "cassettes" / "good.yaml").write_text(cassette_text(), encoding="utf-8")
    before = snapshot(project.parent)
    target = project / "missing" / "report.md"
    code, out, err = cli(project, "check", "--format", "markdown", "-o", str(target))
    assert (code, out) == (2, "")
    assert err.startswith(f"harness: error: {target}: cannot write report: ")
    assert err.count("\n") == 1
    assert snapshot(project.parent) == before
    assert not os.path.exists(target)
