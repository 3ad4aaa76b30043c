"""harness.cassettes.age: the max-age warning of a cassette's ``recorded_at``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harness.cassettes.age import stale_warning

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("meta", "max_age", "expected"),
    [
        ({"recorded_at": "2023-12-06T15:45:03Z"}, None, None),
        ({"recorded_at": "2024-02-25T12:00:00Z"}, timedelta(days=7), None),
        (
            {"recorded_at": "2023-12-06T15:45:03Z", "feed": "rfi"},
            timedelta(days=30),
            "recorded 85d20h14m ago (2023-12-06T15:45:03Z), older than max-age 30d: "
            "re-record it with 'harness record rfi'",
        ),
        (
            {"recorded_at": "2024-03-01T08:00:00+01:00"},
            timedelta(hours=2),
            "recorded 5h ago (2024-03-01T07:00:00Z), older than max-age 2h: "
            "re-record it with 'harness record'",
        ),
        (
            {},
            timedelta(days=1),
            "no recorded_at in the cassette: its age is unknown (max-age 1d); "
            "re-record it with 'harness record'",
        ),
        (
            {"recorded_at": "last week"},
            timedelta(days=1),
            "recorded_at 'last week' is not an RFC 3339 time such as '2024-01-31T12:00:00Z'",
        ),
    ],
    ids=["no-max-age", "fresh", "stale", "offset", "unknown", "unreadable"],
)
def test_stale_warning(
    meta: dict[str, str], max_age: timedelta | None, expected: str | None
) -> None:
    assert stale_warning(meta, max_age, NOW) == expected
