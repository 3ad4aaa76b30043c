"""How old a cassette is: the `max-age` warning of `harness check` (and `harness record`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.dates import to_utc_rfc3339


def stale_warning(
    cassette_meta: Mapping[str, Any], max_age: timedelta | None, now: datetime
) -> str | None:
    """A one-line warning when a cassette's ``recorded_at`` is older than ``max_age``."""
    if max_age is None:
        return None
    feed = cassette_meta.get("feed")
    again = f"'harness record {feed}'" if isinstance(feed, str) and feed else "'harness record'"
    raw = cassette_meta.get("recorded_at")
    if raw is None:
        return (
            f"no recorded_at in the cassette: its age is unknown (max-age {_span(max_age)}); "
            f"re-record it with {again}"
        )
    recorded = _parse_moment(raw)
    if recorded is None:
        return f"recorded_at {raw!r} is not an RFC 3339 time such as '2024-01-31T12:00:00Z'"
    age = now.astimezone(UTC) - recorded
    if age <= max_age:
        return None
    return (
        f"recorded {_span(age)} ago ({to_utc_rfc3339(recorded)}), "
        f"older than max-age {_span(max_age)}: re-record it with {again}"
    )


def _parse_moment(raw: Any) -> datetime | None:
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            return None
    else:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _span(delta: timedelta) -> str:
    """``30d``, ``1d12h``, ``90m`` (rounded down to whole minutes)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = "".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n)
    return text or "0m"
