"""The pytest plugin on hostile cassettes: failing test items, never an INTERNALERROR."""

from __future__ import annotations

import pytest
from hostile_inputs import FEED_URL, Bait, cassette, xml_attacks
from hostile_support import CONFIG
from test_broken_cassettes import BROKEN
from test_report_injection import error_page, json_feed

# A configured feed's URL: its HTML error page is a broken feed (an unclaimed page is skipped).
CLAIMED_URL = "https://hostile.example/limited-items.xml"


def test_hostile_cassettes_become_failures_not_crashes(
    pytester: pytest.Pytester, bait: Bait
) -> None:
    pytester.makefile(".toml", harness=CONFIG)
    folder = pytester.mkdir("cassettes")
    broken = ("alias-bomb-in-metadata", "python-tag", "invalid-yaml", "uri-ipv6-broken")
    for name in broken:
        (folder / f"{name}.yaml").write_text(BROKEN[name][0], encoding="utf-8")
    attacks = xml_attacks(bait)
    for name in ("billion-laughs", "xxe-file", "external-dtd-url"):
        (folder / f"{name}.yaml").write_text(
            cassette(FEED_URL, attacks[name].decode()), encoding="utf-8"
        )
    (folder / "json-feed.yaml").write_text(
        cassette(FEED_URL, json_feed(), content_type="application/feed+json"), encoding="utf-8"
    )
    (folder / "error-page.yaml").write_text(
        cassette(CLAIMED_URL, error_page(), content_type="text/html"), encoding="utf-8"
    )
    result = pytester.runpytest("cassettes", "-p", "no:cacheprovider", "-rf")
    output = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "INTERNALERROR" not in output
    assert "Traceback" not in output
    assert bait.marker not in output
    assert "\x1b[31mRED" not in output  # feed escapes are shown escaped
    failed = {
        line.split("::")[0].removeprefix("FAILED cassettes/").removesuffix(".yaml")
        for line in result.stdout.lines
        if line.startswith("FAILED ")
    }
    assert failed >= {*broken, "billion-laughs", "json-feed", "error-page"}
