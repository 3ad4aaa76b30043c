"""harness.dates: real feed date forms, odd ones noted, garbage refused, zone-independent."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.dates import ParsedDate, format_rfc822, parse_feed_date, to_utc_rfc3339

WES = "weekday 'Wes' is not a weekday name"
NO_ZONE = "no time zone; read as UTC"

# (text as a feed wrote it, UTC result, notes); the comment names where the form comes from.
REAL_FORMS = [
    # dapenti-history: +0800, and "Wes," every Wednesday
    ("Wes, 06 May 2015 14:14:00 +0800", "2015-05-06T06:14:00Z", (WES,)),
    ("Wes, 27 May 2015 13:48:00 +0800", "2015-05-27T05:48:00Z", (WES,)),
    ("Sun, 04 Jan 2015 14:39:00 +0800", "2015-01-04T06:39:00Z", ()),
    # news-2015: bbc/google GMT, cnn EST, wsj EDT, abc/forbes -0400, spiegel +0100, golem +0200
    ("Mon, 23 Feb 2015 10:22:23 GMT", "2015-02-23T10:22:23Z", ()),
    ("Mon, 23 Feb 2015 04:58:09 EST", "2015-02-23T09:58:09Z", ()),
    ("Thu, 23 Jul 2015 20:31:57 EDT", "2015-07-24T00:31:57Z", ()),
    ("Fri, 24 Jul 2015 05:16:42 -0400", "2015-07-24T09:16:42Z", ()),
    ("Mon, 23 Feb 2015 11:28:33 +0100", "2015-02-23T10:28:33Z", ()),
    ("Wed, 05 Aug 2015 09:20:43 +0200", "2015-08-05T07:20:43Z", ()),
    # niconico-ja: +0900
    ("Wed, 08 Aug 2018 00:07:59 +0900", "2018-08-07T15:07:59Z", ()),
    # news-2015 dw.xml (RSS 1.0 dc:date)
    ("2015-02-23T10:26:41Z", "2015-02-23T10:26:41Z", ()),
    # rss-arch-history: GMT pubDate and lastBuildDate
    ("Fri, 13 Feb 2026 11:37:00 GMT", "2026-02-13T11:37:00Z", ()),
    ("Sat, 21 Feb 2026 16:18:51 GMT", "2026-02-21T16:18:51Z", ()),
    # feedparser-tests / W3C tests: Atom RFC 3339
    ("2009-09-09T14:19:45Z", "2009-09-09T14:19:45Z", ()),
    ("2006-02-24T10:34:01Z", "2006-02-24T10:34:01Z", ()),
]

OTHER_FORMS = [
    # every RFC 822 zone
    ("Wed, 06 Dec 2023 15:45:03 UT", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 15:45:03 UTC", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 15:45:03 Z", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 09:45:03 CST", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 10:45:03 CDT", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 08:45:03 MST", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 09:45:03 MDT", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 07:45:03 PST", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 08:45:03 PDT", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 23:45:03 +08:00", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 15:45:03 -0000", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 Dec 2023 15:45:03 +0000 (UTC)", "2023-12-06T15:45:03Z", ()),
    # loose but readable RFC 822
    ("Wed, 06 Dec 2023 15:45 GMT", "2023-12-06T15:45:00Z", ()),
    ("06 Dec 2023 15:45:03 GMT", "2023-12-06T15:45:03Z", ()),
    ("Wed 06 Dec 2023 15:45:03 GMT", "2023-12-06T15:45:03Z", ()),
    ("WED, 06 DEC 2023 15:45:03 gmt", "2023-12-06T15:45:03Z", ()),
    ("Wed, 06 dec 2023 15:45:03 GMT", "2023-12-06T15:45:03Z", ()),
    ("Wednesday, 06 December 2023 15:45:03 GMT", "2023-12-06T15:45:03Z", ()),
    ("Wed, 6 Dec 2023 5:45:03 GMT", "2023-12-06T05:45:03Z", ()),
    ("  Wed,   06 Dec\t2023  15:45:03\r\n +0800 ", "2023-12-06T07:45:03Z", ()),
    ("Wed, 06 Dec 23 15:45:03 GMT", "2023-12-06T15:45:03Z", ("two-digit year '23' read as 2023",)),
    ("Mon, 06 Dec 99 15:45:03 GMT", "1999-12-06T15:45:03Z", ("two-digit year '99' read as 1999",)),
    ("Wed, 06 Dec 2023 15:45:03", "2023-12-06T15:45:03Z", (NO_ZONE,)),
    (
        "Tue, 06 Dec 2023 15:45:03 GMT",
        "2023-12-06T15:45:03Z",
        ("weekday 'Tue' does not match 2023-12-06, a Wednesday",),
    ),
    (
        "Wed, 06 Dec 2023 16:45:03 CET",
        "2023-12-06T15:45:03Z",
        ("zone 'CET' is not an RFC 822 zone; read as UTC+01:00",),
    ),
    # RFC 3339 / ISO 8601
    ("2023-12-06T16:45:03+01:00", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06T16:45:03+0100", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06T11:45:03-04:00", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06t15:45:03z", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06T15:45:03.999999999Z", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06T15:45:03,5+00:00", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06 15:45:03Z", "2023-12-06T15:45:03Z", ()),
    ("2023-12-06T15:45Z", "2023-12-06T15:45:00Z", ()),
    ("2023-12-06T15:45:03", "2023-12-06T15:45:03Z", (NO_ZONE,)),
    ("2015-04-01", "2015-04-01T00:00:00Z", ("date only; read as midnight UTC",)),
    ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z", ("leap second :60 read as :59",)),
]

GARBAGE = [
    ("", "empty date"),
    ("   \t", "empty date"),
    ("yesterday", "not an RFC 822 or RFC 3339 date"),
    ("06/12/2023 - 16:42", "not an RFC 822 or RFC 3339 date"),  # RFI's Paris date line
    ("1701877503000", "not an RFC 822 or RFC 3339 date"),
    ("2023-12-06T15:45:03Z and more", "not an RFC 822 or RFC 3339 date"),
    ("Wed, 06 Dec 2023", "not an RFC 822 or RFC 3339 date"),
    ("Wed, 06 Dez 2023 15:45:03 GMT", "'Dez' is not a month name"),
    ("Wed, 31 Feb 2023 15:45:03 GMT", "impossible date: day is out of range for month"),
    ("2023-13-06T15:45:03Z", "impossible date: month must be in 1..12"),
    ("Wed, 06 Dec 2023 25:45:03 GMT", "impossible date: hour must be in 0..23"),
    ("Wed, 06 Dec 2023 15:45:03 XYZ", "unknown time zone 'XYZ'"),
    ("Wed, 06 Dec 2023 15:45:03 +2500", "time zone offset '+2500' is out of range"),
    ("0001-01-01T00:00:00+08:00", "out of range in UTC"),
    ("٢٠٢٣-١٢-٠٦T15:45:03Z", "not an RFC 822 or RFC 3339 date"),  # Arabic-Indic digits
    ("Wed, " * 50, "249 characters is too long for a date"),
]


@pytest.mark.parametrize(("text", "utc", "notes"), REAL_FORMS + OTHER_FORMS)
def test_parse_feed_date(text: str, utc: str, notes: tuple[str, ...]) -> None:
    parsed = parse_feed_date(text)
    assert to_utc_rfc3339(parsed.value) == utc
    assert parsed.notes == notes
    assert parsed.value.utcoffset() is not None


def test_value_keeps_the_written_offset() -> None:
    parsed = parse_feed_date("Wes, 06 May 2015 14:14:00 +0800")
    assert parsed == ParsedDate(
        datetime(2015, 5, 6, 14, 14, tzinfo=timezone(timedelta(hours=8))), (WES,)
    )


@pytest.mark.parametrize(("text", "reason"), GARBAGE)
def test_garbage_raises_value_error_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)) as info:
        parse_feed_date(text)
    assert "\n" not in str(info.value)


def test_to_utc_rfc3339_truncates_fractions() -> None:
    dt = datetime(2023, 12, 6, 16, 45, 3, 999_999, tzinfo=timezone(timedelta(hours=1)))
    assert to_utc_rfc3339(dt) == "2023-12-06T15:45:03Z"


def test_format_rfc822() -> None:
    dt = datetime(2023, 12, 6, 23, 45, 3, tzinfo=timezone(timedelta(hours=8)))
    assert format_rfc822(dt) == "Wed, 06 Dec 2023 15:45:03 GMT"


@pytest.mark.parametrize("func", [to_utc_rfc3339, format_rfc822])
def test_naive_datetimes_are_refused(func: Callable[[datetime], str]) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        func(datetime(2023, 12, 6, 15, 45, 3))  # naive on purpose


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/Los_Angeles", "UTC"])
def test_results_do_not_depend_on_the_local_zone(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [text for text, _, _ in REAL_FORMS + OTHER_FORMS]
    baseline = [(to_utc_rfc3339(p.value), p.notes) for p in map(parse_feed_date, texts)]
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert time.localtime(0).tm_gmtoff == _expected_gmtoff(zone)  # the change took effect
        again = [(to_utc_rfc3339(p.value), p.notes) for p in map(parse_feed_date, texts)]
        rfc822 = format_rfc822(datetime(2023, 12, 6, 15, 45, 3, tzinfo=UTC))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert again == baseline
    assert rfc822 == "Wed, 06 Dec 2023 15:45:03 GMT"


def _expected_gmtoff(zone: str) -> int:
    return {"Asia/Shanghai": 8 * 3600, "America/Los_Angeles": -8 * 3600, "UTC": 0}[zone]


_AWARE = st.datetimes(
    min_value=datetime(1900, 1, 2),  # hypothesis bounds are naive
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-4))]),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_AWARE)
def test_format_rfc822_round_trips(dt: datetime) -> None:
    parsed = parse_feed_date(format_rfc822(dt))
    assert parsed.notes == ()
    assert parsed.value == dt.replace(microsecond=0)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_AWARE)
def test_to_utc_rfc3339_round_trips(dt: datetime) -> None:
    parsed = parse_feed_date(to_utc_rfc3339(dt))
    assert parsed.notes == ()
    assert parsed.value == dt.replace(microsecond=0)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        parsed = parse_feed_date(text)
    except ValueError:
        return
    assert parsed.value.utcoffset() is not None
    to_utc_rfc3339(parsed.value)
