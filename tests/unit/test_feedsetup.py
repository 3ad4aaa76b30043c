"""build_setup: a configured feed resolved into parser, invariants, context and severities."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import FeedConfig
from harness.errors import ConfigError
from harness.feedsetup import build_setup
from harness.model import Severity
from harness.parsers.feedx import FEEDX_RFI_BOILERPLATE

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def feed(parser: str, **kw: object) -> FeedConfig:
    return FeedConfig(name="f", urls=("https://x.test/feed",), parser=parser, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "parser", ["feedx-rfi", "itemdump", "harness.parsers.feedx:FeedxRfiParser"]
)
def test_the_parser_markers_follow_the_configured_ones(parser: str) -> None:
    setup = build_setup(feed(parser, boilerplate=("mine", "feedx.net")), SCHEMAS)
    rest = tuple(m for m in FEEDX_RFI_BOILERPLATE if m != "feedx.net")
    assert setup.context.boilerplate == ("mine", "feedx.net", *rest)


def test_a_parser_without_markers_adds_none() -> None:
    assert build_setup(feed("rss", boilerplate=("mine",)), SCHEMAS).context.boilerplate == ("mine",)


@pytest.mark.parametrize("check", ["schema", "date-format", "drift", "max-age", "unique-ids"])
def test_severity_may_name_what_the_run_reports(check: str) -> None:
    setup = build_setup(feed("rss", severity={check: Severity.WARNING}), SCHEMAS)
    assert setup.severity == {check: Severity.WARNING}


def test_severity_may_name_a_problem_only_its_parser_reports() -> None:
    setup = build_setup(feed("feedx-rfi", severity={"link-relative": Severity.ERROR}), SCHEMAS)
    assert setup.severity == {"link-relative": Severity.ERROR}
    with pytest.raises(ConfigError, match="unknown check"):
        build_setup(feed("rss", severity={"link-relative": Severity.ERROR}), SCHEMAS)


def test_severity_for_an_unknown_check_lists_the_known_ones() -> None:
    with pytest.raises(
        ConfigError, match=r"feed 'f': severity for unknown check\(s\) 'nope'; known: .*drift"
    ):
        build_setup(feed("rss", severity={"nope": Severity.WARNING}), SCHEMAS)
