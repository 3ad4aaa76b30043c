"""Every feed response in a cassette is checked; what is not a feed is listed as skipped, with why.

Cassettes as vcrpy and pytest-recording write them: a feed-discovery recording (the HTML page,
then the feed it links to), several feeds in one cassette, a folder of API calls that are not
feeds, repeated requests. Built here, offline; the one-interaction cassettes of before keep
their exact reports (tests/test_golden.py pins the bundled one).
"""

from __future__ import annotations

import base64
import io
import json
import re
import sys
from pathlib import Path

import pytest
from helpers import rss
from jsonschema import Draft202012Validator
from test_extensions import CONFIG as PAGED_CONFIG
from test_extensions import PLUGIN as PAGED_PLUGIN
from test_extensions import record as record_paged

from harness.cli import run
from harness.feedsniff import not_a_feed
from harness.model import Response

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """
cassettes = "cassettes"

[[feeds]]
name = "example"
url = "https://example.test/feed.xml"
parser = "rss"
allowed-hosts = ["example.test"]

[[feeds]]
name = "other"
url = "https://other.test/rss"
parser = "rss"
allowed-hosts = ["other.test"]
"""
EXAMPLE, OTHER = "https://example.test/feed.xml", "https://other.test/rss"
HTML = '<!DOCTYPE html>\n<html><head><link rel="alternate" href="/feed"></head></html>'
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/")
ATOM = (
    '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
    "<id>urn:t</id><updated>2023-12-06T15:45:03Z</updated><entry><title>A</title>"
    '<id>urn:a</id><link href="https://y.test/a"/><updated>2023-12-06T15:45:03Z</updated>'
    "</entry></feed>"
)


def feed(host: str, title: str = "One") -> str:
    # RSS 2.0 asks an item for a title or a description: a blank title fails with a blank body
    body = "b" if title.strip() else " "
    return rss([{"title": title, "link": f"https://{host}/1", "body": body}])


def interaction(
    url: str,
    body: str | bytes,
    content_type: str = "application/rss+xml",
    *,
    status: int = 200,
    method: str = "GET",
    location: str | None = None,
) -> str:
    """One vcrpy interaction (YAML); bytes bodies as !!binary, as vcrpy writes them."""
    if isinstance(body, bytes):
        string = "!!binary " + base64.b64encode(body).decode("ascii")
    else:
        string = json.dumps(body, ensure_ascii=False)
    headers = f"      Content-Type:\n      - {content_type}\n"
    if location is not None:
        headers += f"      Location:\n      - {location}\n"
    return (
        f"- request:\n    body: null\n    headers: {{}}\n    method: {method}\n    uri: {url}\n"
        f"  response:\n    body:\n      string: {string}\n    headers:\n{headers}"
        f"    status:\n      code: {status}\n      message: OK\n"
    )


def write(project: Path, name: str, *interactions: str) -> Path:
    path = project / "cassettes" / name
    path.write_text("interactions:\n" + "".join(interactions) + "version: 1\n", encoding="utf-8")
    return path


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def check_json(*args: str) -> tuple[int, dict[str, object]]:
    code, out, err = cli("check", "--format", "json", *args)
    # the feeds a test has no cassette for are named (CONFIG has two); nothing else is said
    missing = re.compile(
        r"harness check: warning: feed '\w+' has no cassette .*: harness record \w+"
    )
    assert all(missing.fullmatch(line) for line in err.splitlines()), err
    data = json.loads(out)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(data)
    return code, data


def entries(data: dict[str, object]) -> dict[str, dict[str, object]]:
    """Results by 'name#interaction' (or 'name' when the result has none)."""
    found = {}
    for c in data["cassettes"]:  # type: ignore[attr-defined]
        name = Path(c["path"]).name
        found[name if "interaction" not in c else f"{name}#{c['interaction']}"] = c
    return found


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "harness.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "cassettes").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- a discovery recording: the HTML page, then the feed -----------------------------------


def test_a_discovery_recording_checks_the_feed_and_skips_the_page(project: Path) -> None:
    write(
        project,
        "discovery.yaml",
        interaction("https://blog.test/", HTML, "text/html; charset=utf-8"),
        interaction("https://blog.test/feed", feed("blog.test")),
    )
    code, data = check_json()
    assert code == 0
    (result,) = data["cassettes"]  # type: ignore[misc]
    assert result["interaction"] == 2
    assert (result["outcome"], result["url"], result["items"]) == (
        "pass",
        "https://blog.test/feed",
        1,
    )
    assert result["skipped"] == [
        {"interaction": 1, "url": "https://blog.test/", "reason": "HTML page, not a feed"}
    ]
    _, text, _ = cli("check")
    assert text.splitlines()[0].startswith("PASS   cassettes/discovery.yaml#2 · (unclaimed")
    assert "  skipped #1 https://blog.test/: HTML page, not a feed" in text.splitlines()


# --- four feeds in one cassette: two configured, two generic --------------------------------

FOUR = (
    interaction(EXAMPLE, feed("example.test")),
    interaction("https://x.test/rss", feed("x.test", " ")),  # an empty title: one error
    interaction(OTHER, feed("other.test")),
    interaction("https://y.test/atom", ATOM, "application/atom+xml"),
)


def test_four_feeds_in_one_cassette_are_four_results(project: Path) -> None:
    write(project, "four.yaml", *FOUR)
    code, data = check_json()
    assert code == 1
    found = entries(data)
    assert list(found) == ["four.yaml#1", "four.yaml#2", "four.yaml#3", "four.yaml#4"]
    assert [c["feed"] for c in found.values()] == ["example", None, "other", None]
    assert [c["outcome"] for c in found.values()] == ["pass", "fail", "pass", "pass"]
    assert [c["dialect"] for c in found.values()] == ["rss2.0", "rss2.0", "rss2.0", "atom1.0"]
    assert data["summary"]["cassettes"] == 4  # type: ignore[index]


def test_four_feeds_text_report(project: Path) -> None:
    write(project, "four.yaml", *FOUR)
    code, out, _ = cli("check")
    assert code == 1
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert heads == [
        "PASS   cassettes/four.yaml#1 · example · parser rss · 1 item · 6 checks · "
        "0 errors, 0 warnings",
        "FAIL   cassettes/four.yaml#2 · (unclaimed: checked with rss + generic checks) · "
        "parser rss · 1 item · 6 checks · 1 error, 0 warnings",
        "PASS   cassettes/four.yaml#3 · other · parser rss · 1 item · 6 checks · "
        "0 errors, 0 warnings",
        "PASS   cassettes/four.yaml#4 · (unclaimed: checked with rss + generic checks) · "
        "parser rss · 1 item · 6 checks · 0 errors, 0 warnings",
        "",
        "1 cassette (4 results): 3 passed, 1 failed, 0 broken · 4 items · 1 error, 0 warnings",
    ]


def test_four_feeds_in_junit_and_markdown(project: Path) -> None:
    write(project, "four.yaml", *FOUR)
    _, junit, _ = cli("check", "--format", "junit")
    for n in range(1, 5):
        assert f'<testsuite name="cassettes/four.yaml#{n}"' in junit
    _, markdown, _ = cli("check", "--format", "markdown")
    assert "| `cassettes/four.yaml#2` | _unclaimed_ | **fail** | 1 | 1 | 0 |" in markdown
    assert "## Failed: `cassettes/four.yaml#2`" in markdown


def test_the_parallel_check_gives_the_same_report(project: Path) -> None:
    write(project, "four.yaml", *FOUR)
    write(project, "a-page.yaml", interaction("https://blog.test/", HTML, "text/html"))
    write(project, "single.yaml", interaction(EXAMPLE, feed("example.test")))
    serial = cli("check", "--format", "json")
    assert cli("check", "--format", "json", "-j", "2") == serial


# --- a pytest-recording folder: API calls that are not feeds ---------------------------------


def test_a_folder_of_api_calls_is_skipped_and_exits_0(project: Path) -> None:
    write(
        project,
        "api.yaml",
        interaction("https://api.test/users", '{"users": []}', "application/json"),
    )
    write(project, "page.yaml", interaction("https://www.test/about", HTML, "text/html"))
    write(project, "image.yaml", interaction("https://cdn.test/logo.png", PNG, "image/png"))
    write(
        project,
        "login.yaml",
        interaction("https://api.test/login", '{"ok": true}', "application/json", method="POST"),
        interaction("https://api.test/gone", "<html>Not found</html>", "text/html", status=404),
    )
    write(project, "single.yaml", interaction(EXAMPLE, feed("example.test")))
    code, data = check_json()
    assert code == 0
    found = entries(data)
    assert {name: c["outcome"] for name, c in found.items()} == {
        "api.yaml": "skipped",
        "image.yaml": "skipped",
        "login.yaml": "skipped",
        "page.yaml": "skipped",
        "single.yaml": "pass",
    }
    reasons = {name: [s["reason"] for s in c.get("skipped", [])] for name, c in found.items()}
    assert reasons == {
        "api.yaml": ["JSON, not a JSON Feed (no jsonfeed.org version)"],
        "image.yaml": ["image (image/png), not a feed"],
        "login.yaml": [
            "a POST request, not a feed fetch",
            "HTTP 404 from a URL no configured feed claims",
        ],
        "page.yaml": ["HTML page, not a feed"],
        "single.yaml": [],
    }
    assert (
        found["login.yaml"]["skip_reason"] == "no feed in it: 2 interactions, none a feed response"
    )
    assert data["summary"]["skipped"] == 4  # type: ignore[index]
    _, text, _ = cli("check")
    assert "SKIP   cassettes/api.yaml · no feed in it: 1 interaction, none a feed response" in text
    assert text.endswith(
        "5 cassettes: 1 passed, 0 failed, 0 broken, 4 skipped · 1 item · 0 errors, 0 warnings\n"
    )


def test_skipped_cassettes_in_junit_and_markdown(project: Path) -> None:
    write(project, "api.yaml", interaction("https://api.test/users", "{}", "application/json"))
    _, junit, _ = cli("check", "--format", "junit")
    assert 'skipped="1"' in junit
    assert '<skipped message="#1 https://api.test/users: JSON, not a JSON Feed' in junit
    _, markdown, _ = cli("check", "--format", "markdown")
    assert "| `cassettes/api.yaml` | _no feed_ | skipped | 0 | 0 | 0 |" in markdown
    assert "- `cassettes/api.yaml` interaction 1 `https://api.test/users`: `JSON" in markdown


def test_a_failed_fetch_of_a_configured_feed_stays_broken(project: Path) -> None:
    write(project, "down.yaml", interaction(EXAMPLE, "<html>Oops</html>", "text/html", status=500))
    code, data = check_json()
    assert code == 2
    (result,) = data["cassettes"]  # type: ignore[misc]
    assert (result["outcome"], result["feed"], result["error"]["kind"]) == (
        "broken",
        "example",
        "transport",
    )
    assert "skipped" not in result


# --- repeated URLs, redirects ----------------------------------------------------------------


def test_identical_rerequests_are_one_result_noted(project: Path) -> None:
    same = interaction(EXAMPLE, feed("example.test"))
    write(project, "twice.yaml", same, same, same)
    _, data = check_json()
    (result,) = data["cassettes"]  # type: ignore[misc]
    assert "interaction" not in result
    assert result["notes"] == [
        f"3 identical recorded responses for {EXAMPLE} (#1, #2, #3): checked once"
    ]


def test_a_repeated_url_with_another_body_is_checked_again(project: Path) -> None:
    write(
        project,
        "changed.yaml",
        interaction(EXAMPLE, feed("example.test", "Before")),
        interaction(EXAMPLE, feed("example.test", " ")),
    )
    code, data = check_json()
    assert code == 1
    assert {n: c["outcome"] for n, c in entries(data).items()} == {
        "changed.yaml#1": "pass",
        "changed.yaml#2": "fail",
    }


def test_a_redirected_feed_is_checked_once_as_its_configured_feed(project: Path) -> None:
    write(
        project,
        "moved.yaml",
        interaction(EXAMPLE, "", "text/html", status=301, location="https://cdn.test/feed.xml"),
        interaction("https://cdn.test/feed.xml", feed("example.test")),
    )
    code, data = check_json()
    assert code == 0
    (result,) = data["cassettes"]  # type: ignore[misc]
    assert (result["feed"], result["items"], "interaction" in result) == ("example", 1, False)
    assert result["skipped"] == [
        {
            "interaction": 2,
            "url": "https://cdn.test/feed.xml",
            "reason": "reached by the redirect of #1: checked there",
        }
    ]


def test_a_single_interaction_cassette_keeps_its_report_keys(project: Path) -> None:
    write(project, "single.yaml", interaction(EXAMPLE, feed("example.test")))
    _, data = check_json()
    (result,) = data["cassettes"]  # type: ignore[misc]
    assert set(result) == {
        "path", "feed", "url", "parser", "schema", "dialect", "items", "checks", "outcome",
        "error", "notes", "violations", "findings",
    }  # fmt: skip
    assert "skipped" not in data["summary"]  # type: ignore[operator]


def test_pages_a_parser_fetched_are_not_listed_as_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "paged_plugin.py").write_text(PAGED_PLUGIN, encoding="utf-8")
    (tmp_path / "harness.toml").write_text(PAGED_CONFIG, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    pages = {"https://site.test/1": "Story 1", "https://site.test/2": "Story 2"}
    record_paged(tmp_path, {**pages, "https://site.test/unused": "never fetched"})
    try:
        code, data = check_json()
    finally:
        sys.modules.pop("paged_plugin", None)
    (result,) = data["cassettes"]  # type: ignore[misc]
    assert (code, result["items"], "interaction" in result) == (0, 2, False)
    assert result["skipped"] == [
        {
            "interaction": 4,
            "url": "https://site.test/unused",
            "reason": "not a feed (no content type)",
        }
    ]


# --- commands that read one recording ---------------------------------------------------------


def test_diff_refuses_a_cassette_of_several_feeds_naming_them(project: Path) -> None:
    four = write(project, "four.yaml", *FOUR)
    one = write(project, "one.yaml", interaction(EXAMPLE, feed("example.test")))
    code, out, err = cli("diff", str(one), str(four))
    assert code == 2
    message = (
        "cassettes/four.yaml: 4 feed responses in one cassette (#1 example, "
        "#2 https://x.test/rss, #3 other, #4 https://y.test/atom); this command reads one "
        "feed: 'harness check' checks each"
    )
    assert message in out + err


def test_diff_reads_the_feed_of_a_discovery_recording(project: Path) -> None:
    page = interaction("https://blog.test/", HTML, "text/html")
    old = write(project, "old.yaml", page, interaction("https://blog.test/feed", feed("blog.test")))
    new = write(project, "new.yaml", page, interaction("https://blog.test/feed", feed("blog.test")))
    code, out, err = cli("diff", str(old), str(new))
    assert (code, err) == (0, "")
    assert "HTML" not in out


def test_history_of_a_feed_reads_its_response_in_a_cassette_of_several(project: Path) -> None:
    write(project, "four.yaml", *FOUR)
    write(project, "one.yaml", interaction(OTHER, feed("other.test")))
    code, out, err = cli("history", "other", "--format", "json")
    assert (code, err) == (0, "")
    assert "2 recording" in cli("history", "other")[1]
    code, out, _ = cli("history", "cassettes")
    assert "4 feed responses in one cassette (#1 example, #2 https://x.test/rss" in out


def test_bless_takes_the_feed_s_response_from_a_cassette_of_several(project: Path) -> None:
    four = write(project, "four.yaml", *FOUR)
    code, out, err = cli("bless", "other", str(four), "--dry-run")
    assert (code, err) == (0, "")
    assert "would write" in out
    assert "four.yaml" in out


def test_audit_takes_each_feed_of_a_cassette_of_several(project: Path) -> None:
    write(project, "four.yaml", *FOUR)
    _, out, err = cli(
        "audit", "other", "--operator", "xml-utf8-bom", "--no-drift", "--format", "json"
    )
    assert err == ""
    (audited,) = json.loads(out)["feeds"]
    assert (audited["feed"], audited["recordings"]) == ("other", ["cassettes/four.yaml#3"])


def test_feed_text_in_skip_reasons_is_escaped(project: Path) -> None:
    hostile = "image/png\\u001b[31m\\u202e"  # ESC and a bidi override, as the YAML writes them
    write(project, "img.yaml", interaction("https://cdn.test/x.png", PNG, f'"{hostile}"'))
    code, text, _ = cli("check")
    assert code == 0
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "image (image/png\\x1b[31m\\u202e), not a feed" in text


# --- the sniff: bounded, from the head of the body ---------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b'<?xml version="1.0"?>\n<!-- c --><!DOCTYPE rss [<!ENTITY a "b">]>\n<rss/>', "", None),
        (b"\xef\xbb\xbf  <rdf:RDF xmlns:rdf='x'/>", "text/xml", None),
        (b"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'/>", "application/xml", None),
        ("\ufeff<rss/>".encode("utf-16-le"), "text/xml", None),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json", None),
        (b'{"version": "1.0", "feed": []}', "application/json", "JSON, not a JSON Feed (no jsonfeed.org version)"),
        (b"<!doctype html><HTML lang=en>", "text/html", "HTML page, not a feed"),
        (b"<?xml version='1.0'?><svg/>", "image/svg+xml", "XML document <svg>, not a feed"),
        (b"\x89PNG\r\n", "image/png", "image (image/png), not a feed"),
        (b"", "text/plain", "empty body (text/plain)"),
        (b"hello", "", "not a feed (no content type)"),
        (b"<!--" + b"x" * 100_000, "text/xml", "markup with no root element in its first 16 KiB, not a feed"),
    ],
)  # fmt: skip
def test_what_a_feed_response_is(body: bytes, content_type: str, reason: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    assert not_a_feed(Response("https://t.test/", 200, headers, body)) == reason


# --- the pytest plugin: items per feed response ------------------------------------------------


@pytest.fixture
def plugin_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", harness=CONFIG)
    pytester.mkdir("cassettes")
    write(pytester.path, "four.yaml", *FOUR)
    write(pytester.path, "api.yaml", interaction("https://api.test/u", "{}", "application/json"))
    write(pytester.path, "single.yaml", interaction(EXAMPLE, feed("example.test")))
    return pytester


def test_plugin_collects_the_checks_of_each_feed_response(
    plugin_project: pytest.Pytester,
) -> None:
    result = plugin_project.runpytest("--collect-only", "-q", "cassettes")
    result.stdout.fnmatch_lines(
        [
            "cassettes/api.yaml::cassette",
            "cassettes/four.yaml::load?#1?",
            "cassettes/four.yaml::title-nonempty?#2?",
            "cassettes/four.yaml::parser?#4?",
            "cassettes/single.yaml::load",
        ]
    )


def test_plugin_fails_the_feed_that_fails_and_skips_the_api_call(
    plugin_project: pytest.Pytester,
) -> None:
    result = plugin_project.runpytest("cassettes", "-rs")
    result.assert_outcomes(passed=39, failed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*cassettes/four.yaml#2 [[]unclaimed[]]: 1 violation(s) of title-nonempty*",
            "*api.yaml: no feed in it: 1 interaction, none a feed response*",
        ]
    )


def test_plugin_one_item_per_cassette_covers_every_feed(plugin_project: pytest.Pytester) -> None:
    result = plugin_project.runpytest("cassettes", "--harness-items=cassette")
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*#2: 1 violation(s):*", "*title-nonempty: item 0*"])
