"""The pytest plugin, run through pytester: cassettes become one test per cassette x check."""

from __future__ import annotations

import pytest
from helpers import cassette_yaml, rss

CONFIG = """
cassettes = "cassettes"

[[feeds]]
name = "example"
url = "https://example.test/feed.xml"
parser = "rss"
allowed-hosts = ["example.test"]
"""
GOOD = [{"title": "One", "link": "https://example.test/1"}]
BAD = [
    {"title": "One", "link": "https://example.test/1"},
    {"title": " ", "link": "https://example.test/2", "body": ""},  # RSS 2.0: title or description
]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", harness=CONFIG)
    pytester.mkdir("cassettes")
    pytester.path.joinpath("cassettes", "good.yaml").write_text(
        cassette_yaml("https://example.test/feed.xml", rss(GOOD)), encoding="utf-8"
    )
    return pytester


def test_cassette_checks_are_collected_with_readable_ids(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q", "cassettes")
    result.stdout.fnmatch_lines(
        [
            "cassettes/good.yaml::schema",
            "cassettes/good.yaml::unique-ids",
            "cassettes/good.yaml::title-nonempty",
            "cassettes/good.yaml::links-absolute",
            "cassettes/good.yaml::no-markup-in-text",
        ]
    )


def test_passing_cassette(project: pytest.Pytester) -> None:
    project.runpytest("cassettes").assert_outcomes(passed=8)


def test_failure_shows_the_cli_message(project: pytest.Pytester) -> None:
    project.path.joinpath("cassettes", "bad.yaml").write_text(
        cassette_yaml("https://example.test/feed.xml", rss(BAD)), encoding="utf-8"
    )
    result = project.runpytest("cassettes")
    result.assert_outcomes(passed=15, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*cassettes/bad.yaml::title-nonempty*",
            "*1 violation(s) of title-nonempty*",
            "*item 1*https://example.test/2*title*empty title*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_broken_cassette_is_one_failing_load_item(project: pytest.Pytester) -> None:
    project.path.joinpath("cassettes", "broken.yaml").write_text("{{{\n", encoding="utf-8")
    result = project.runpytest("cassettes")
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(["*broken.yaml::load*", "*cassette: *broken.yaml*invalid YAML*"])


def test_yaml_outside_the_cassettes_folder_is_ignored(project: pytest.Pytester) -> None:
    project.mkdir("other")
    project.path.joinpath("other", "x.yaml").write_text("{{{\n", encoding="utf-8")
    project.runpytest("other", "cassettes").assert_outcomes(passed=8)


def test_harness_off(project: pytest.Pytester) -> None:
    result = project.runpytest("--harness-off", "cassettes")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_bad_configuration_is_a_usage_error(project: pytest.Pytester) -> None:
    project.makefile(".toml", harness=CONFIG.replace('parser = "rss"', 'parser = "nope"'))
    result = project.runpytest("cassettes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*feedharness: no parser 'nope'; available:*"])


def test_harness_config_option(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", custom=CONFIG.replace('"cassettes"', '"recs"', 1))
    pytester.mkdir("recs")
    pytester.path.joinpath("recs", "good.yaml").write_text(
        cassette_yaml("https://example.test/feed.xml", rss(GOOD)), encoding="utf-8"
    )
    pytester.runpytest("--harness-config", "custom.toml", "recs").assert_outcomes(passed=8)


def test_no_configuration_means_no_cassette_items(pytester: pytest.Pytester) -> None:
    pytester.mkdir("cassettes")
    pytester.path.joinpath("cassettes", "good.yaml").write_text("x: 1\n", encoding="utf-8")
    assert pytester.runpytest("cassettes").ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_transport_failure_fails_load_and_marks_the_rest_not_checked(
    project: pytest.Pytester,
) -> None:
    project.path.joinpath("cassettes", "down.yaml").write_text(
        cassette_yaml("https://example.test/feed.xml", "", status=503), encoding="utf-8"
    )
    result = project.runpytest("cassettes/down.yaml")
    result.assert_outcomes(failed=8)
    result.stdout.fnmatch_lines(["*down.yaml::load*", "*transport: *HTTP 503*"])
    result.stdout.fnmatch_lines(["*down.yaml::schema*", "*not checked: transport*"])


def test_parser_problems_have_their_own_item(project: pytest.Pytester) -> None:
    bad_date = [{"title": "One", "link": "https://example.test/1", "date": "sometime soon"}]
    project.path.joinpath("cassettes", "date.yaml").write_text(
        cassette_yaml("https://example.test/feed.xml", rss(bad_date)), encoding="utf-8"
    )
    result = project.runpytest("cassettes/date.yaml")
    result.assert_outcomes(passed=7, failed=1)
    result.stdout.fnmatch_lines(
        ["*date.yaml::parser*", "*violation(s) of parser*", "*sometime soon*"]
    )


def test_runs_in_parallel_with_xdist(project: pytest.Pytester) -> None:
    for n in range(4):
        project.path.joinpath("cassettes", f"c{n}.yaml").write_text(
            cassette_yaml("https://example.test/feed.xml", rss(GOOD)), encoding="utf-8"
        )
    project.runpytest("-n", "2", "cassettes").assert_outcomes(passed=40)


def test_one_item_per_cassette_reports_every_violation(project: pytest.Pytester) -> None:
    bad_date = [
        {"title": " ", "link": "https://example.test/1", "date": "sometime soon", "body": ""}
    ]
    project.path.joinpath("cassettes", "bad.yaml").write_text(
        cassette_yaml("https://example.test/feed.xml", rss(bad_date)), encoding="utf-8"
    )
    project.path.joinpath("cassettes", "broken.yaml").write_text("{{{\n", encoding="utf-8")
    collected = project.runpytest("--harness-items=cassette", "--collect-only", "-q", "cassettes")
    collected.stdout.fnmatch_lines(
        [
            "cassettes/bad.yaml::cassette",
            "cassettes/broken.yaml::cassette",
            "cassettes/good.yaml::cassette",
        ]
    )
    result = project.runpytest("--harness-items=cassette", "cassettes")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*bad.yaml::cassette*", "*2 violation(s):*"])
    result.stdout.fnmatch_lines(["*title-nonempty*"])
    result.stdout.fnmatch_lines(["*sometime soon*"])
    result.stdout.fnmatch_lines(
        ["*broken.yaml::cassette*", "*cassette: *broken.yaml*invalid YAML*"]
    )


def test_item_mode_from_the_ini_file_and_a_wrong_one(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nharness_items = cassette\n")
    project.runpytest("cassettes").assert_outcomes(passed=1)
    project.makeini("[pytest]\nharness_items = everything\n")
    result = project.runpytest("cassettes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*harness_items is 'everything', expected one of: check, cassette*"]
    )


def test_one_item_per_cassette_with_xdist(project: pytest.Pytester) -> None:
    for n in range(4):
        project.path.joinpath("cassettes", f"c{n}.yaml").write_text(
            cassette_yaml("https://example.test/feed.xml", rss(GOOD)), encoding="utf-8"
        )
    project.runpytest("-n", "2", "--harness-items=cassette", "cassettes").assert_outcomes(passed=5)


def test_drift_against_a_baseline_follows_the_verdict(pytester: pytest.Pytester) -> None:
    """The drift item fails exactly where `harness check` does: at or above fail-on."""
    import shutil
    from pathlib import Path

    from harness.cli import run

    root = Path(__file__).resolve().parent.parent
    config = (root / "harness.toml").read_text(encoding="utf-8")
    config = config.replace('schemas = "schemas"', f'schemas = "{root / "schemas"}"')
    pytester.makefile(".toml", harness=config)
    pytester.mkdir("cassettes")
    base = pytester.path / "cassettes" / "base.yaml"
    shutil.copy(root / "cassettes" / "feedx-rfi_2023-05.yaml", base)
    assert run(["--config", str(pytester.path / "harness.toml"), "bless", "rfi"]) == 0
    base.unlink()
    shutil.copy(root / "cassettes" / "feedx-rfi_2023-09.yaml", pytester.path / "cassettes")
    # the share widget repeats in both items, the rfi parser drops it: boilerplate-new, a warning
    result = pytester.runpytest("cassettes", "-k", "drift", "-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*drift (warning): boilerplate-new*"])
    strict = pytester.runpytest("cassettes", "-k", "drift", "--harness-fail-on", "warning")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*1 drift finding(s) of drift*", "*WARNING boilerplate-new*"])


def test_cassettes_are_collected_by_content_whatever_their_name(
    pytester: pytest.Pytester,
) -> None:
    """vcrpy's default names have no suffix; its JSON serializer writes .json: both are tests."""
    import shutil
    from pathlib import Path

    data = Path(__file__).resolve().parent / "data" / "vcrpy"
    pytester.makefile(".toml", harness='cassettes = "cassettes"\n')
    pytester.mkdir("cassettes")
    for name in ("test_feeds.TestFeeds.test_requests_gzip", "httpx-gzip.json"):
        shutil.copy(data / name, pytester.path / "cassettes" / name)
    (pytester.path / "cassettes" / "notes.txt").write_text("not a cassette\n", encoding="utf-8")
    result = pytester.runpytest("cassettes", "-q")
    result.assert_outcomes(passed=16)
    result.stdout.no_fnmatch_line("*notes.txt*")
