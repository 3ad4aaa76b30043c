"""Date invariants: timestamp vs date line, URL date vs timestamp, the zone dates are written in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from invariant_items import DAPENTI, RSS, URL, recorded_items, run, variant

from harness.checks.dates import expected_offset
from harness.errors import ConfigError


def dateline(text: str, time: str) -> dict[str, str]:
    return {"text": text, "time": time, "timezone": "Europe/Paris"}


@pytest.mark.parametrize(
    ("item", "field", "fragment"),
    [
        (variant(published="2023-12-06T15:30:00Z"), "published", "-12m00s"),  # 12 min before
        (variant(published="2023-12-06T07:45:03Z"), "published", "-7h56m57s"),  # 8-hour shift
        (variant(published="2023-12-06T23:45:03Z"), "published", "+8h03m03s"),
        (
            variant(dateline=dateline("12/06/2023 - 16:42", "2023-06-12T16:42:00+02:00")),
            "published",
            "+4",
        ),
        (variant(dateline=None), "dateline", "no date line"),
        (
            variant(dateline={"text": "Dec 6, 2023", "time": None}),
            "dateline/time",
            "does not parse",
        ),
        (variant(published="2023-12-06T17:43:00Z"), "published", "+2h01m"),  # 2 h late
        (variant(published=None, published_raw="Wes, 32 Dec"), "published", "no usable timestamp"),
    ],
)
def test_timestamp_matches_dateline_fails(item: dict[str, Any], field: str, fragment: str) -> None:
    (found,) = run("timestamp-matches-dateline", [item])
    assert found.field == field
    assert fragment in found.message
    assert found.item_url == URL
    assert found.check == "timestamp-matches-dateline"


def test_timestamp_one_sided_tolerance_and_midnight() -> None:
    late_ok = variant(published="2023-12-06T16:33:00Z")  # 51 min after, as in the archive
    early_ok = variant(published="2023-12-06T15:39:00Z")  # 3 min before
    midnight = variant(
        published="2023-12-31T23:45:00Z",
        dateline=dateline("01/01/2024 - 00:30", "2024-01-01T00:30:00+01:00"),
    )
    assert run("timestamp-matches-dateline", [late_ok, early_ok, midnight]) == []
    assert run("timestamp-matches-dateline", [late_ok], max_lag="30m") != []


def test_url_date() -> None:
    wrong = variant(url=URL.replace("20231206", "20231209"))
    (found,) = run("url-date-matches-timestamp", [wrong])
    assert found.observed == "20231209"
    assert "+" not in found.message or "-3 days" in found.message
    assert (
        run("url-date-matches-timestamp", [variant(url=URL.replace("20231206", "20231207"))]) == []
    )
    no_date = variant(url="http://www.rfi.fr//cn/%E5%85%A8%E7%90%83")
    assert run("url-date-matches-timestamp", [no_date]) == []
    assert run("url-date-matches-timestamp", [no_date], required=True) != []


@pytest.mark.parametrize("name", ["dapenti_2015-01-05.yaml", "dapenti_2015-06-14.yaml"])
def test_timezone_matches_holds_on_the_real_dapenti_recordings(name: str) -> None:
    items = recorded_items(name)
    assert items
    assert run("timezone-matches", items, DAPENTI) == []


@pytest.mark.parametrize("zone", ["+0900", "GMT", "+0100", "-0500"])
def test_dates_relabelled_to_another_zone_fail(zone: str) -> None:
    items = recorded_items("dapenti_2015-06-14.yaml")
    raw = items[0]["published_raw"]
    assert raw.endswith("+0800")
    items[0]["published_raw"] = raw[: -len("+0800")] + zone
    [found] = run("timezone-matches", items, DAPENTI)
    assert (found.item_index, found.field, found.observed) == (
        0,
        "published",
        items[0]["published_raw"],
    )
    assert "Asia/Shanghai is at UTC+08:00" in found.message


def test_the_zone_parameter_overrides_the_feed_zone_and_takes_fixed_offsets() -> None:
    items = recorded_items("ft-home_2025-05-21.yaml")  # every pubDate is GMT
    assert run("timezone-matches", items, RSS, zone="UTC") == []
    assert run("timezone-matches", items, RSS, zone="+00:00") == []
    assert len(run("timezone-matches", items, RSS, zone="+08:00")) == len(items)


def test_no_zone_configured_checks_nothing() -> None:
    items = recorded_items("ft-home_2025-05-21.yaml")
    assert run("timezone-matches", items, RSS) == []


def test_the_expected_offset_follows_dst() -> None:
    summer = datetime(2023, 7, 1, 12, tzinfo=UTC)
    winter = datetime(2023, 12, 1, 12, tzinfo=UTC)
    assert expected_offset("Europe/Paris", summer) == timedelta(hours=2)
    assert expected_offset("Europe/Paris", winter) == timedelta(hours=1)
    assert expected_offset("UTC-5", winter) == timedelta(hours=-5)


def test_an_unknown_zone_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="'Mars/Olympus'"):
        expected_offset("Mars/Olympus", datetime(2023, 7, 1, tzinfo=UTC))
