"""Built-in invariants on dates: timestamp vs the body's date line, vs the URL, the zone written.

Run when the configuration names them; ``timezone-matches`` takes its zone from the feed::

    [feeds.invariants]
    timezone-matches = { zone = "Asia/Shanghai" } # default: the feed's `timezone`
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import unquote

from harness.checks.api import violation
from harness.dates import parse_feed_date, zone_named
from harness.errors import ConfigError
from harness.invariants import CheckContext
from harness.model import Item, Severity, Violation

__all__ = [
    "expected_offset",
    "mostly_late",
    "timestamp_matches_dateline",
    "timezone_matches",
    "url_date_matches_timestamp",
]


def _parse_utc(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _minutes(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hours, rest = divmod(total, 3600)
    return (
        f"{sign}{hours}h{rest // 60:02d}m{rest % 60:02d}s"
        if hours
        else f"{sign}{rest // 60}m{rest % 60:02d}s"
    )


# A timestamp written before the date line is always wrong, whatever the others do; the lag
# behind it is a crawl delay (SOURCES.md, feedx-items: the mirror stores when it *read* the item).
# One late item is the mirror picking that item up late; most items late is a clock or zone
# fault that shifts every item the same way (a zone applied twice or not at all).


@dataclass(frozen=True, slots=True)
class _Lag:
    """An item whose timestamp and date line both parse: how far the timestamp trails."""

    index: int
    item: Item
    offset: timedelta
    line_time: datetime
    text: Any


def timestamp_matches_dateline(
    items: Sequence[Item],
    ctx: CheckContext,
    *,
    max_lead: timedelta = timedelta(minutes=5),
    max_lag: timedelta = timedelta(minutes=90),
) -> Iterator[Violation]:
    """The item timestamp is at most max-lead before and max-lag after the body's date line.

    Late by more than max-lag is an error when most items with a readable date line are late
    (systematic), a warning ("late pickup") when only a minority is (the mirror read one late).
    """
    read = [_read_lag(item, i) for i, item in enumerate(items)]
    lags = [r for r in read if isinstance(r, _Lag)]
    late = sum(1 for lag in lags if lag.offset > max_lag)
    systematic = mostly_late(late, len(lags))
    for found in read:
        if isinstance(found, Violation):
            yield found
        elif found.offset < -max_lead or found.offset > max_lag:
            yield _off_violation(found, max_lead, max_lag, late, len(lags), systematic)


def mostly_late(late: int, comparable: int) -> bool:
    """True when most items with a comparable date line are late: a systematic shift.

    A zone or clock fault moves every item the same way, so it makes the typical (median) item
    late; a crawl delay hits items one by one, so late pickups stay a minority. "Most" is
    therefore a strict majority of the items that have both a timestamp and a date line (items
    without one say nothing about lag): the median item is late exactly when more than half
    are. With one item there is nothing to tell an outlier from a shift (1 of 1 is most: an
    error); with two, one late and one on time is a tie, and the punctual one shows the zone
    is right (a warning).
    """
    return 2 * late > comparable


def _read_lag(item: Item, i: int) -> _Lag | Violation:
    stamp = _parse_utc(item.get("published"))
    dateline = item.get("dateline")
    if stamp is None:
        return violation(
            item,
            i,
            "published",
            "item has no usable timestamp to compare",
            observed=item.get("published_raw"),
            expected="a parseable timestamp",
        )
    if not isinstance(dateline, dict):
        return violation(
            item,
            i,
            "dateline",
            "body has no date line",
            observed=None,
            expected="a date line like DD/MM/YYYY - HH:MM",
        )
    line_time = _parse_utc(dateline.get("time"))
    if line_time is None:
        return violation(
            item,
            i,
            "dateline/time",
            "date line does not parse",
            observed=dateline.get("text"),
            expected="DD/MM/YYYY - HH:MM",
        )
    return _Lag(i, item, stamp - line_time, line_time, dateline.get("text"))


def _off_violation(
    lag: _Lag, max_lead: timedelta, max_lag: timedelta, late: int, n: int, systematic: bool
) -> Violation:
    where = f"{lag.text!r} ({lag.line_time.astimezone(UTC):%Y-%m-%dT%H:%M}Z)"
    message = f"timestamp is {_minutes(lag.offset)} from the date line {where}"
    severity = Severity.ERROR
    if lag.offset > max_lag:
        share = f"{late} of {n} item{'s' * (n != 1)} late"
        if systematic:
            message += f"; {share}: a zone applied twice or not at all?"
        else:
            message = f"late pickup: {message}; {share}, the others on time"
            severity = Severity.WARNING  # an outlier: at most a warning (see mostly_late)
    return violation(
        lag.item,
        lag.index,
        "published",
        message,
        observed=lag.item.get("published"),
        expected=f"between {_minutes(-max_lead)} and {_minutes(max_lag)} of the date line",
        severity=severity,
    )


_URL_DATE = re.compile(r"/(20\d{2})(\d{2})(\d{2})-")


def url_date_matches_timestamp(
    items: Sequence[Item], ctx: CheckContext, *, tolerance_days: int = 1, required: bool = False
) -> Iterator[Violation]:
    """The YYYYMMDD in the item URL is within tolerance-days of the item timestamp."""
    for i, item in enumerate(items):
        url, stamp = item.get("url"), _parse_utc(item.get("published"))
        match = _URL_DATE.search(unquote(url)) if isinstance(url, str) else None
        if match is None:
            if required:
                yield violation(
                    item,
                    i,
                    "url",
                    "URL carries no /YYYYMMDD- date",
                    observed=url,
                    expected="/YYYYMMDD-",
                )
            continue
        if stamp is None:
            continue  # reported by timestamp checks
        try:
            year, month, day = (int(g) for g in match.groups())
            url_day = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            yield violation(
                item,
                i,
                "url",
                "URL date is not a calendar date",
                observed=match.group(0),
                expected="/YYYYMMDD-",
            )
            continue
        days = (stamp.date() - url_day.date()).days
        if abs(days) > tolerance_days:
            yield violation(
                item,
                i,
                "url",
                f"URL date is {days:+d} days from the timestamp",
                observed=match.group(0).strip("/-"),
                expected=f"{stamp:%Y%m%d} ± {tolerance_days} day(s)",
            )


@functools.lru_cache(maxsize=32)
def _zone(name: str) -> tzinfo:
    """An IANA zone, or a fixed offset written ``+08:00``, ``UTC-5`` or ``UTC``."""
    try:
        return zone_named(name)
    except ValueError:
        raise ConfigError(
            f"timezone-matches: unknown zone {name!r}: expected an IANA name such as "
            "'Asia/Shanghai' or a fixed offset such as '+08:00'"
        ) from None


def expected_offset(zone: str, instant: datetime) -> timedelta:
    """The UTC offset of ``zone`` at ``instant`` (DST-aware for IANA zones)."""
    found = instant.astimezone(_zone(zone)).utcoffset()
    return found if found is not None else timedelta()


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def timezone_matches(
    items: Sequence[Item], ctx: CheckContext, *, zone: str | None = None
) -> Iterator[Violation]:
    """Item dates are written in the source's zone (zone, default: the feed's timezone)."""
    name = zone or ctx.timezone
    if not name:
        return
    for i, item in enumerate(items):
        raw = item.get("published_raw")
        try:
            written = parse_feed_date(raw).value if isinstance(raw, str) else None
        except ValueError:
            continue  # an unreadable date is date-parseable's business
        offset = None if written is None else written.utcoffset()
        if written is None or offset is None:
            continue
        wanted = expected_offset(name, written)
        if offset != wanted:
            yield violation(
                item,
                i,
                "published",
                f"the date is written at {_offset_text(offset)}, but {name} is at "
                f"{_offset_text(wanted)} then: the zone changed (the instants moved?)",
                observed=raw,
                expected=f"a date at {_offset_text(wanted)} ({name})",
            )
