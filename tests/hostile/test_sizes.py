"""Sizes: 50 MB bodies, 100,000 items, HTML nested 100,000 deep, a 1 MB line, node bombs.

Each scenario is one ``harness check --format json`` in a child process with a timeout (a hang
fails its test instead of blocking the suite); the child measures its own time and peak RSS
growth (``ru_maxrss`` before and after the run, so reading the cassette counts). All scenarios
run up front, two at a time, and each test asserts one scenario's exact outcome and bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hostile_inputs import (
    FEED_URL,
    RFI_URL,
    attribute_bomb,
    big_feed,
    cassette,
    deep_html,
    deep_xml,
    element_bomb,
    entity_reference_bomb,
    json_bomb,
    json_deep,
    long_line,
    many_items,
    namespace_bomb,
)
from hostile_support import Isolated, make_project, run_isolated

LIMITED_BYTES = "https://hostile.example/limited-bytes.xml"  # parser-options: max_bytes=10 MB
LIMITED_ITEMS = "https://hostile.example/limited-items.xml"  # parser-options: max_items=10,000
MB = 1_000_000
NODES = "XML has more than max_nodes=2,000,000 nodes"


@dataclass(frozen=True)
class Scenario:
    """One input, where it goes, and what must come out, how fast, in how much memory."""

    body: Callable[[], str]
    url: str
    outcome: str  # "pass", "fail" or "broken"
    says: str  # in the error message (broken) or in a violation's message (fail)
    seconds: float  # generous bounds: CI machines are slower than this one
    growth_mb: float
    items: int | None = None
    suffix: str = ".yaml"  # ".md": a stored item, not a cassette


@cache
def _big_feed() -> str:  # two scenarios read the same 50 MB
    return big_feed(19_000)


@cache
def _many_items() -> str:
    return many_items(100_000)


def _itemdump_long_line() -> str:
    return "<!--1701877503000-->\n[" + "](" * 500_000 + "\n------\n\n<p>x</p>\n"


SCENARIOS: dict[str, Scenario] = {
    "body-50mb": Scenario(_big_feed, FEED_URL, "pass", "", 60, 700, 19_000),
    "body-50mb-over-max-bytes": Scenario(
        _big_feed, LIMITED_BYTES, "broken", "over max_bytes=10000000", 30, 700
    ),
    "items-100k": Scenario(_many_items, FEED_URL, "pass", "", 60, 900, 100_000),
    "items-100k-over-max-items": Scenario(
        _many_items,
        LIMITED_ITEMS,
        "broken",
        "100,000 items: more than max_items=10000 items",
        20,
        600,
    ),
    "html-nested-100k-rss": Scenario(lambda: deep_html(100_000), FEED_URL, "pass", "", 20, 200, 1),
    "html-nested-100k-rfi": Scenario(
        lambda: deep_html(100_000),
        RFI_URL,
        "fail",
        "the body is over a fixed limit of the HTML parser",
        20,
        200,
        1,
    ),
    "xml-nested-100k": Scenario(
        lambda: deep_xml(100_000),
        FEED_URL,
        "broken",
        "XML over a fixed limit of the safe parser at line 3, column 794: "
        "Excessive depth in document: 256",
        20,
        200,
    ),
    "line-1mb-rss": Scenario(lambda: long_line(MB), FEED_URL, "pass", "", 20, 200, 1),
    "line-1mb-rfi": Scenario(lambda: long_line(MB), RFI_URL, "pass", "", 20, 200, 1),
    "line-1mb-itemdump": Scenario(
        _itemdump_long_line, "", "broken", "line 2 should be '[title](url)'", 20, 200, None, ".md"
    ),
    "element-bomb-52mb": Scenario(
        lambda: element_bomb(13_000_000), FEED_URL, "broken", NODES, 30, 1000
    ),
    "attribute-bomb-53mb": Scenario(
        lambda: attribute_bomb(900_000, 6), FEED_URL, "broken", NODES, 30, 1500
    ),
    "namespace-bomb-46mb": Scenario(
        lambda: namespace_bomb(2_500_000), FEED_URL, "broken", NODES, 30, 1000
    ),
    "entity-reference-bomb-48mb": Scenario(
        lambda: entity_reference_bomb(8_000_000),
        FEED_URL,
        "broken",
        "(entity references: 8,000,000 so far)",
        30,
        600,
    ),
    "json-bomb-48mb": Scenario(
        lambda: json_bomb(16_000_000),
        FEED_URL,
        "broken",
        "JSON has up to 32,000,003 values (counting ',', '[' and '{'), more than max_nodes=2,000,000",
        30,
        600,
    ),
    "json-nested-100k": Scenario(
        lambda: json_deep(100_000), FEED_URL, "broken", "invalid JSON: nested too deeply", 20, 200
    ),
}


def _prepare(folder: Path, name: str, scenario: Scenario) -> Path:
    body = scenario.body()
    path = folder / "cassettes" / f"{name}{scenario.suffix}"
    if scenario.suffix == ".md":
        path.write_text(body, encoding="utf-8")
    else:
        content_type = "application/json" if name.startswith("json") else "application/rss+xml"
        path.write_text(cassette(scenario.url, body, content_type=content_type), encoding="utf-8")
    return path


def _run(folder: Path, name: str, scenario: Scenario) -> Isolated:
    path = _prepare(folder, name, scenario)
    try:
        return run_isolated(folder / "harness.toml", path, timeout=scenario.seconds * 2 + 30)
    finally:
        path.unlink()  # tens of megabytes each: do not keep them around


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Isolated]:
    """Every scenario, two child processes at a time."""
    folder = make_project(tmp_path_factory.mktemp("sizes"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run, folder, name, s) for name, s in SCENARIOS.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_size_scenario(name: str, results: dict[str, Isolated]) -> None:
    scenario, got = SCENARIOS[name], results[name]
    assert not got.hung, f"{name}: no answer within {scenario.seconds * 2 + 30:.0f} s"
    assert got.report is not None, f"{name}: the child crashed: {got.stderr[-2000:]}"
    assert "Traceback" not in got.stderr
    report = got.report
    assert report["outcome"] == scenario.outcome, report.get("error") or report["violations"]
    if scenario.outcome == "broken":
        error = report["error"]
        assert isinstance(error, dict)
        message = str(error["message"])
        assert scenario.says in message, message
        assert "\n" not in message
    elif scenario.outcome == "fail":
        messages = [str(v["message"]) for v in report["violations"]]  # type: ignore[union-attr]
        assert any(scenario.says in m for m in messages), messages
    if scenario.items is not None:
        assert report["items"] == scenario.items
    assert got.seconds is not None
    assert got.growth_mb is not None
    print(f"{name}: {got.seconds:.2f} s, {got.growth_mb:.0f} MB")
    assert got.seconds < scenario.seconds, f"{name}: {got.seconds:.1f} s"
    assert got.growth_mb < scenario.growth_mb, f"{name}: {got.growth_mb:.0f} MB"
