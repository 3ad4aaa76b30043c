"""Every fixture cassette under tests/data/cassettes gets exactly its documented outcome.

real/: problems found in the corpus (reported, never crashed on, never silently accepted);
broken/: hand-made broken files; variants/: the seed item broken one way per cassette, one
variant per built-in invariant. Expected outcomes are those of tests/data/cassettes/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_cassette

from harness.cassettes import load_cassette
from harness.config import load_config
from harness.model import Outcome, Severity
from harness.runner import Runner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "cassettes"


@pytest.fixture(scope="module")
def runner() -> Runner:
    return Runner(load_config(ROOT / "harness.toml"))


def failing_checks(runner: Runner, path: Path) -> set[str]:
    result = runner.check_file(path)
    assert result.error is None, result.error
    return {v.check for v in result.violations if v.severity is Severity.ERROR}


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("timestamp-before-dateline", "timestamp-matches-dateline"),
        ("timestamp-shifted-8h", "timestamp-matches-dateline"),
        ("dateline-day-month-swapped", "timestamp-matches-dateline"),
        ("dateline-missing", "timestamp-matches-dateline"),
        ("pubdate-2h-late", "timestamp-matches-dateline"),
        ("url-date-mismatch", "url-date-matches-timestamp"),
        ("paragraphs-empty", "paragraphs-nonempty"),
        ("escaped-markup", "no-markup-in-text"),
        ("link-other-host", "links-absolute"),
        ("duplicate-guid", "unique-ids"),
        ("title-empty", "title-nonempty"),
        ("mojibake", "script-matches-language+no-mojibake"),
    ],
)
def test_each_variant_fails_exactly_its_invariant(runner: Runner, name: str, check: str) -> None:
    expected = set(check.split("+"))  # mojibake: both the script share and the byte pattern
    assert failing_checks(runner, FIXTURES / "variants" / f"{name}.yaml") == expected


@pytest.mark.parametrize(
    "name", ["seed", "midnight", "url-date-off-by-one", "promo-leak", "image-relative"]
)
def test_real_item_and_handled_variants_pass(runner: Runner, name: str) -> None:
    result = runner.check_file(FIXTURES / "variants" / f"{name}.yaml")
    assert result.outcome is Outcome.PASS, result.violations
    assert result.violations == ()


def test_the_timestamp_message_gives_the_offset(runner: Runner) -> None:
    result = runner.check_file(FIXTURES / "variants" / "timestamp-before-dateline.yaml")
    (found,) = result.violations
    assert "-10m00s from the date line '06/12/2023 - 16:42'" in found.message
    assert found.item_url is not None
    assert "20231206" in found.item_url


def _seed_variant(tmp_path: Path, old: str, new: str) -> Path:
    seed = load_cassette(FIXTURES / "variants" / "seed.yaml")
    body = seed.interactions[0].response.body.decode("utf-8")
    assert old in body
    return write_cassette(tmp_path, "v.yaml", seed.url, body.replace(old, new, 1))


def test_boilerplate_the_parser_does_not_know_is_caught_by_configured_markers(
    tmp_path: Path,
) -> None:
    # A new promo block the feedx-rfi parser has never seen becomes a paragraph; the
    # boilerplate-stripped invariant catches it through the feed's configured markers.
    path = _seed_variant(
        tmp_path,
        "<p>中国与以色列关系良好。",
        "<p>立即订阅法广每日简报！</p><p>中国与以色列关系良好。",
    )
    config = tmp_path / "harness.toml"
    text = (ROOT / "harness.toml").read_text(encoding="utf-8")
    text = text.replace('cassettes = "cassettes"', f'cassettes = "{tmp_path}"')
    text = text.replace('schemas = "schemas"', f'schemas = "{ROOT / "schemas"}"')
    config.write_text(text.replace('boilerplate = ["', 'boilerplate = ["订阅法广", "'), "utf-8")
    assert failing_checks(Runner(load_config(config)), path) == {"boilerplate-stripped"}
    assert failing_checks(Runner(load_config(ROOT / "harness.toml")), path) == set()


def test_images_rehosted_off_the_allowed_hosts_fail_links_absolute(
    runner: Runner, tmp_path: Path
) -> None:
    path = _seed_variant(tmp_path, 'src="https://s.rfi.fr/', 'src="https://img.cdn-mirror.example/')
    assert failing_checks(runner, path) == {"links-absolute"}


REAL = {
    "feedx-rfi_array-2021-11-12": (Outcome.FAIL, "body-structure", "Array"),
    "dapenti-empty": (Outcome.BROKEN, "transport", "empty body"),
    "dapenti-nul-leading": (Outcome.BROKEN, "transport", "run of 144800 NUL bytes at the start"),
    "dapenti-nul-run": (Outcome.BROKEN, "transport", "run of 522728 NUL bytes at byte 94120"),
    "dapenti-http403-spliced": (Outcome.BROKEN, "transport", "'HTTP/1.1 403 Forbidden' spliced"),
    "dapenti-wes-weekday": (Outcome.PASS, "date-format", "weekday 'Wes' is not a weekday name"),
    "rss-arch-nyt-econ-no-items": (Outcome.FAIL, "items-present", "the feed has 0 item(s)"),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_problems_are_reported_not_crashed_on_nor_accepted(runner: Runner, name: str) -> None:
    outcome, what, text = REAL[name]
    result = runner.check_file(FIXTURES / "real" / f"{name}.yaml")
    assert result.outcome is outcome
    if outcome is Outcome.BROKEN:
        assert (result.error_kind, text in (result.error or "")) == (what, True)
        assert "\n" not in (result.error or "")
        return
    found = [v for v in result.violations if v.check == what]
    assert found, result.violations
    assert any(text in v.message or text in (v.observed or "") for v in found)
    if outcome is Outcome.PASS:  # reported as warnings: visible, not fatal
        assert {v.severity for v in found} == {Severity.WARNING}


BROKEN = {
    "bad-base64": ("cassette", "failed to decode base64 data"),
    "binary-random-body": ("parse", "cannot decode the body"),
    "duplicate-key": ("cassette", "found duplicate key 'body'"),
    "empty": ("cassette", "empty file"),
    "html-error-page": ("transport", "HTML page, not a feed: title '502 Bad Gateway'"),
    "invalid-yaml": ("cassette", "invalid YAML at line 4, column 9"),
    "missing-interactions": ("cassette", "no 'interactions' key"),
    "no-interactions": ("cassette", "no interactions"),
    "no-response": ("cassette", "interactions[0] has no 'response'"),
    "not-utf8": ("cassette", "not UTF-8 text (byte 0xe9 at offset 271)"),
    "python-tag": ("cassette", "unsupported YAML tag at line 15, column 15"),
    "status-not-int": ("cassette", "status.code is '200 OK' (a string)"),
    "top-level-list": ("cassette", "top level is a list"),
    "truncated-xml": ("parse", "XML not well formed at line 19"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_are_one_line_errors_naming_the_file(runner: Runner, name: str) -> None:
    kind, text = BROKEN[name]
    result = runner.check_file(FIXTURES / "broken" / f"{name}.yaml")
    assert result.outcome is Outcome.BROKEN
    assert result.error_kind == kind
    assert result.error is not None
    assert result.error.startswith(f"tests/data/cassettes/broken/{name}.yaml: ")
    assert text in result.error
    assert "\n" not in result.error


def test_one_broken_cassette_never_hides_the_others(runner: Runner) -> None:
    result = runner.check_paths([FIXTURES / "broken", FIXTURES / "variants" / "seed.yaml"])
    outcomes = {Path(c.path).stem: c.outcome for c in result.cassettes}
    assert outcomes["seed"] is Outcome.PASS
    assert outcomes["unknown-url"] is Outcome.PASS
    assert sum(o is Outcome.BROKEN for o in outcomes.values()) == len(BROKEN)
    assert result.exit_code == 2


def test_unclaimed_url_is_checked_generically_and_says_so(runner: Runner) -> None:
    result = runner.check_file(FIXTURES / "broken" / "unknown-url.yaml")
    assert (result.feed, result.parser, result.schema, result.items) == (
        None,
        "rss",
        "feed-item",
        2,
    )
    assert "no configured feed claims this URL" in result.notes[0]
