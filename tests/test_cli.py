"""The CLI end to end on hand-made cassettes: exit codes, formats, broken input, configuration."""

from __future__ import annotations

import io
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import rss, write_cassette
from jsonschema import Draft202012Validator

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """
cassettes = "cassettes"

[[feeds]]
name = "example"
url = "https://example.test/feed.xml"
parser = "rss"
allowed-hosts = ["example.test"]
"""
GOOD = [
    {"title": "One", "link": "https://example.test/1"},
    {"title": "Two", "link": "https://example.test/2"},
]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "harness.toml").write_text(CONFIG, encoding="utf-8")
    write_cassette(
        tmp_path / "cassettes", "example.yaml", "https://example.test/feed.xml", rss(GOOD)
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_passes_with_no_flags(project: Path) -> None:
    code, out, err = cli("check")
    assert (code, err) == (0, "")
    assert "example.yaml" in out
    assert "1 cassette" in out


def test_error_violation_exits_1_and_names_item_check_and_value(project: Path) -> None:
    bad = [*GOOD, {"title": "Three", "link": "https://elsewhere.test/3"}]
    write_cassette(project / "cassettes", "example.yaml", "https://example.test/feed.xml", rss(bad))
    code, out, _ = cli("check")
    assert code == 1
    assert "links-absolute" in out
    assert "https://elsewhere.test/3" in out


def test_broken_cassette_is_reported_and_others_still_checked(project: Path) -> None:
    (project / "cassettes" / "broken.yaml").write_text("interactions: [\n", encoding="utf-8")
    code, out, _ = cli("check", "--format", "json")
    data = json.loads(out)
    outcomes = {Path(c["path"]).name: c["outcome"] for c in data["cassettes"]}
    assert outcomes == {"broken.yaml": "broken", "example.yaml": "pass"}
    assert code == 2
    broken = next(c for c in data["cassettes"] if c["outcome"] == "broken")
    assert broken["error"]["kind"] == "cassette"
    assert "broken.yaml" in broken["error"]["message"]


def test_unclaimed_cassette_is_checked_generically(project: Path, tmp_path: Path) -> None:
    other = write_cassette(tmp_path / "elsewhere", "x.yaml", "https://unknown.test/rss", rss(GOOD))
    code, out, _ = cli("check", str(other), "--format", "json")
    (result,) = json.loads(out)["cassettes"]
    assert code == 0
    assert result["feed"] is None
    assert result["parser"] == "rss"
    assert "no configured feed claims this URL" in result["notes"][0]


def test_truncated_xml_is_broken_not_a_crash(project: Path) -> None:
    body = rss(GOOD)[:-60]
    write_cassette(project / "cassettes", "example.yaml", "https://example.test/feed.xml", body)
    code, out, _ = cli("check", "--format", "json")
    (result,) = json.loads(out)["cassettes"]
    assert (code, result["outcome"], result["error"]["kind"]) == (2, "broken", "parse")


def test_http_error_status_is_a_transport_problem(project: Path) -> None:
    write_cassette(
        project / "cassettes",
        "example.yaml",
        "https://example.test/feed.xml",
        "<html><title>Forbidden</title></html>",
        status=403,
        content_type="text/html",
    )
    code, out, _ = cli("check", "--format", "json")
    (result,) = json.loads(out)["cassettes"]
    assert (code, result["error"]["kind"]) == (2, "transport")
    assert "403" in result["error"]["message"]


@pytest.mark.parametrize("fmt", ["json", "markdown", "junit", "text"])
def test_output_file_in_every_format(project: Path, fmt: str) -> None:
    code, out, _ = cli("check", "--format", fmt, "--output", "report.out")
    assert (code, out) == (0, "")
    text = (project / "report.out").read_text(encoding="utf-8")
    assert "example.yaml" in text


def test_json_report_validates_against_the_report_schema(project: Path) -> None:
    (project / "cassettes" / "broken.yaml").write_text("- a list\n", encoding="utf-8")
    _, out, _ = cli("check", "--format", "json")
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(json.loads(out))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "[[feeds]]\nname = 'x'\nurl = 'https://x.test/'\nparser = 'atom-ish'\n",
            "no parser 'atom-ish'; available: feedx-rfi, itemdump, rss",
        ),
        (
            "[[feeds]]\nname = 'x'\nurl = 'https://x.test/'\nparser = 'rss'\n"
            "[feeds.invariants]\ntitle-present = true\n",
            "no invariant 'title-present'",
        ),
        (
            "[[feeds]]\nname = 'x'\nurl = 'https://x.test/'\nparser = 'rss'\n"
            "[feeds.parser-options]\nspeed = 3\n",
            "bad parser-options for 'rss'",
        ),
        (
            "[[feeds]]\nname = 'x'\nurl = 'https://x.test/'\nparser = 'rss'\n"
            "[feeds.invariants]\nunique-ids = { strict = true }\n",
            "has no parameter 'strict'",
        ),
        (
            "[[feeds]]\nname = 'x'\nurl = 'https://x.test/'\nparser = 'rss'\nschema = 'nope'\n",
            "no schema 'nope'",
        ),
        (
            "[[feeds]]\nname = 'x'\nurl = 'https://x.test/'\nparser = 'rss'\n"
            "[feeds.severity]\nlinks-absolut = 'warning'\n",
            "severity for unknown check(s) 'links-absolut'",
        ),
    ],
)
def test_config_errors_exit_2_with_one_line(tmp_path: Path, config: str, message: str) -> None:
    path = tmp_path / "harness.toml"
    path.write_text(config, encoding="utf-8")
    code, out, err = cli("--config", str(path), "check", str(tmp_path))
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert err.startswith("harness: error: ")


def test_usage_errors_exit_2(project: Path) -> None:
    assert cli("check", "--format", "yaml")[0] == 2
    code, _, err = cli("check", "no/such/file.yaml")
    assert code == 2
    assert "no such file, folder or configured feed: no/such/file.yaml" in err
    assert cli()[0] == 2


def test_list_shows_feeds_parsers_and_invariants(project: Path) -> None:
    code, out, _ = cli("list")
    assert code == 0
    assert "example: https://example.test/feed.xml (parser rss)" in out
    assert "timestamp-matches-dateline:" in out


def test_config_flag_after_the_subcommand(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text("cassettes = 'nothing-here'\n", encoding="utf-8")
    (tmp_path / "nothing-here").mkdir()
    code, _, err = cli("check", "--config", str(other))
    assert code == 2
    assert "no cassettes (.yaml/.yml) or stored items found in " in err
    assert "nothing-here" in err


def test_parallel_jobs_give_the_identical_report(project: Path) -> None:
    for n in range(6):
        items = [
            {"title": f"Item {n}-{i}", "link": f"https://example.test/{n}/{i}"} for i in range(5)
        ]
        if n == 3:
            items.append({"title": "", "link": "https://example.test/3/x"})
        write_cassette(
            project / "cassettes", f"c{n}.yaml", "https://example.test/feed.xml", rss(items)
        )
    (project / "cassettes" / "broken.yaml").write_text("- nope\n", encoding="utf-8")
    serial = cli("check", "--format", "json")
    parallel = cli("check", "--format", "json", "-j", "2")
    assert parallel == serial
    assert serial[0] == 2
    assert cli("check", "-j", "-1")[0] == 2


def test_check_response_in_memory_matches_the_cassette(project: Path) -> None:
    from harness.cassettes import load_cassette
    from harness.config import load_config
    from harness.runner import Runner

    runner = Runner(load_config(project / "harness.toml"))
    path = project / "cassettes" / "example.yaml"
    cassette = load_cassette(path)
    from_file = runner.check_file(path)
    in_memory = runner.check_response(cassette.fetch(cassette.url), shown=from_file.path)
    assert in_memory == from_file


def test_review_copies_and_temp_files_are_not_cassettes(project: Path) -> None:
    cassettes = project / "cassettes"
    (cassettes / "example.new.yaml").write_text("{{{", encoding="utf-8")
    (cassettes / ".example.yaml.1a2b.tmp").write_text("{{{", encoding="utf-8")
    (cassettes / ".hidden.yaml").write_text("{{{", encoding="utf-8")
    code, out, _ = cli("check", "--format", "json")
    assert code == 0
    assert [c["path"] for c in json.loads(out)["cassettes"]] == ["cassettes/example.yaml"]
    assert cli("check", str(cassettes / "example.new.yaml"))[0] == 2  # named: checked


def test_max_age_warns_about_old_recordings(project: Path) -> None:
    from harness.cassettes import load_cassette, write_cassette

    path = project / "cassettes" / "example.yaml"
    cassette = load_cassette(path)
    write_cassette(path, cassette.interactions, {"recorded_at": "2020-01-01T00:00:00Z"})
    config = (project / "harness.toml").read_text(encoding="utf-8")
    (project / "harness.toml").write_text('max-age = "30d"\n' + config, encoding="utf-8")
    code, out, _ = cli("check", "--format", "json")
    (result,) = json.loads(out)["cassettes"]
    (age,) = [v for v in result["violations"] if v["check"] == "max-age"]
    assert code == 0
    assert age["severity"] == "warning"
    assert "older than max-age 30d" in age["message"]
    assert "max-age" in result["checks"]
    severity = config + '[feeds.severity]\nmax-age = "error"\n'
    (project / "harness.toml").write_text('max-age = "30d"\n' + severity, encoding="utf-8")
    code, _, err = cli("check")
    assert (code, err) == (1, "")


def test_a_scrubbed_recording_is_still_claimed_by_its_feed(project: Path) -> None:
    config = (project / "harness.toml").read_text(encoding="utf-8")
    config = config.replace("feed.xml", "feed.xml?api_key=s3cr3t-value")
    (project / "harness.toml").write_text(config, encoding="utf-8")
    code, out, _ = cli("check", "--format", "json")
    assert code == 0
    # the recording's URL has no secret: the feed matches after scrubbing the configured one
    write_cassette(
        project / "cassettes",
        "example.yaml",
        "https://example.test/feed.xml?api_key=SCRUBBED",
        rss(GOOD),
    )
    code, out, _ = cli("check", "--format", "json")
    assert json.loads(out)["cassettes"][0]["feed"] == "example"


CRASHING_PARSER = '''
from typing import ClassVar
from harness.model import FeedOutput


class CrashingParser:
    """A third-party parser with a bug: its items are None, not a list, and checking them crashes."""

    name: ClassVar[str] = "crashing"
    schema: ClassVar[str] = "feed-item"
    default_invariants: ClassVar[tuple[str, ...]] = ()

    def parse(self, response, *, fetch):
        return FeedOutput(dialect="rss2.0", feed={}, items=None)
'''


@pytest.fixture
def crashing_project(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example feed, parsed by a third-party parser that crashes."""
    (project / "crashing_plugin.py").write_text(CRASHING_PARSER, encoding="utf-8")
    config = CONFIG.replace('parser = "rss"', 'parser = "crashing_plugin:CrashingParser"')
    (project / "harness.toml").write_text(config, encoding="utf-8")
    monkeypatch.syspath_prepend(str(project))
    monkeypatch.delitem(sys.modules, "crashing_plugin", raising=False)
    return project


ADVICE = "This is a bug in feedharness or in a third-party parser or invariant"


def test_a_crashing_parser_is_an_internal_error_in_text(crashing_project: Path) -> None:
    code, out, _ = cli("check")
    assert code == 2
    lines = out.splitlines()
    assert lines[0].startswith("BROKEN cassettes/example.yaml")
    assert lines[1].startswith("  internal error: cassettes/example.yaml: TypeError: ")
    assert "the input could not be read" not in lines[0]  # the parser is known: it is named
    assert lines[2].startswith(f"  hint: {ADVICE}")
    assert "report it with the message" in lines[2]


def test_a_crashing_parser_is_an_internal_error_in_json(crashing_project: Path) -> None:
    _, out, _ = cli("check", "--format", "json")
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    data = json.loads(out)
    Draft202012Validator(schema).validate(data)
    assert data["cassettes"][0]["error"]["kind"] == "internal"
    assert "TypeError: " in data["cassettes"][0]["error"]["message"]


def test_a_crashing_parser_is_an_internal_error_in_junit(crashing_project: Path) -> None:
    _, out, _ = cli("check", "--format", "junit")
    error = ET.fromstring(out).find("testsuite/testcase/error")
    assert error is not None
    assert error.get("type") == "internal"
    assert error.get("message", "").startswith("internal: ")
    assert ADVICE in (error.text or "")


def test_a_crashing_parser_is_an_internal_error_in_markdown(crashing_project: Path) -> None:
    _, out, _ = cli("check", "--format", "markdown")
    assert "`internal` error:**" in out
    assert f"**Hint:** {ADVICE}" in out


def test_the_format_choices_are_the_formats_the_reports_render() -> None:
    from harness.cli.check import FORMATS
    from harness.cli.options import DRIFT_FORMATS
    from harness.report import drift, result

    assert tuple(f.value for f in result.Format) == FORMATS
    assert DRIFT_FORMATS == drift.FORMATS
