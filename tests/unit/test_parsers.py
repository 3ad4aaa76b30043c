"""The parser registry and its hooks: names, dotted paths, what a miss says, boilerplate markers."""

from __future__ import annotations

from typing import ClassVar

import pytest

from harness.errors import ConfigError, UnknownPluginError
from harness.parsers import (
    available_parsers,
    boilerplate_markers,
    get_parser,
    problem_checks,
    register_parser,
)
from harness.parsers.feedx import FEEDX_RFI_BOILERPLATE, FeedxRfiParser
from harness.parsers.itemdump import ItemDumpParser
from harness.parsers.rss import RssParser


def test_the_builtins_by_name() -> None:
    assert available_parsers() == ["feedx-rfi", "itemdump", "rss"]
    assert get_parser("rss") is RssParser
    assert get_parser("feedx-rfi") is FeedxRfiParser


def test_a_miss_lists_the_parsers_and_the_dotted_form() -> None:
    with pytest.raises(UnknownPluginError) as err:
        get_parser("atom-ish")
    assert str(err.value) == (
        "no parser 'atom-ish'; available: feedx-rfi, itemdump, rss "
        "(or a dotted path 'package.module:Class')"
    )


def test_a_dotted_path_names_a_class_with_the_parser_attributes() -> None:
    assert get_parser("harness.parsers.rss:RssParser") is RssParser
    assert get_parser("harness.parsers.rss.RssParser") is RssParser
    with pytest.raises(ConfigError, match="has no 'name': not a harness parser"):
        get_parser("harness.model:Response")


def test_register_parser_by_its_name() -> None:
    @register_parser
    class Mine(RssParser):
        name: ClassVar[str] = "mine"

    assert get_parser("mine") is Mine
    assert "mine" in available_parsers()


def test_the_feedx_and_itemdump_parsers_declare_the_feedx_rfi_boilerplate() -> None:
    assert boilerplate_markers(FeedxRfiParser) == FEEDX_RFI_BOILERPLATE
    assert boilerplate_markers(ItemDumpParser) == FEEDX_RFI_BOILERPLATE
    assert "获取更多RSS" in FEEDX_RFI_BOILERPLATE
    assert boilerplate_markers(RssParser) == ()


def test_problem_checks_default_to_none() -> None:
    class Declares:
        problem_checks = ("link-relative",)

    assert problem_checks(Declares) == ("link-relative",)
    assert problem_checks(RssParser) == ()
