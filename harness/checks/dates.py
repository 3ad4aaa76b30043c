"""Built-in invariants on dates: timestamp vs the body's date line, vs the URL, the zone written.

Run when the configuration names them; ``timezone-matches`` takes its zone from the feed::

    [feeds.invariants]
    timezone-matches = { zone = "Asia/Shanghai" } # default: the feed's `timezone`
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from harness.checks.api import violation
from harness.dates import parse_feed_date
from harness.errors import ConfigError
from harness.invariants import CheckContext
from harness.model import Item, Violation

__all__ = [
    "expected_offset",
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


def timestamp_matches_dateline(
    items: Sequence[Item],
    ctx: CheckContext,
    *,
    max_lead: timedelta = timedelta(minutes=5),
    max_lag: timedelta = timedelta(minutes=90),
) -> Iterator[Violation]:
    """The item timestamp is at most max-lead before and max-lag after the body's date line."""
    for i, item in enumerate(items):
        stamp = _parse_utc(item.get("published"))
        dateline = item.get("dateline")
        if stamp is None:
            yield violation(
                item,
                i,
                "published",
                "item has no usable timestamp to compare",
                observed=item.get("published_raw"),
                expected="a parseable timestamp",
            )
            continue
        if not isinstance(dateline, dict):
            yield violation(
                item,
                i,
                "dateline",
                "body has no date line",
                observed=None,
                expected="a date line like DD/MM/YYYY - HH:MM",
            )
            continue
        line_time = _parse_utc(dateline.get("time"))
        if line_time is None:
            yield violation(
                item,
                i,
                "dateline/time",
                "date line does not parse",
                observed=dateline.get("text"),
                expected="DD/MM/YYYY - HH:MM",
            )
            continue
        offset = stamp - line_time
        if offset < -max_lead or offset > max_lag:
            yield violation(
                item,
                i,
                "published",
                f"timestamp is {_minutes(offset)} from the date line "
                f"{dateline.get('text')!r} ({line_time.astimezone(UTC):%Y-%m-%dT%H:%M}Z)",
                observed=item.get("published"),
                expected=f"between {_minutes(-max_lead)} and {_minutes(max_lag)} of the date line",
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


_FIXED = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$|^(?:UTC|GMT|Z)$", re.IGNORECASE)


@functools.lru_cache(maxsize=32)
def _zone(name: str) -> Any:
    """An IANA zone, or a fixed offset written ``+08:00``, ``UTC-5`` or ``UTC``."""
    fixed = _FIXED.match(name.strip())
    if fixed is not None:
        sign, hours, minutes = fixed.group(1), fixed.group(2), fixed.group(3)
        if sign is None:
            return UTC
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
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
