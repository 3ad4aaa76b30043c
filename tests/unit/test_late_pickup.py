"""timestamp-matches-dateline: a late minority is a late pickup (warning), a late majority an error.

The mirror stores when it read an item; one item read hours late while the rest are on time is a
crawl delay, not a format fault. Recordings are generated (a healthy spread of lags plus k late
items) and one real recording of the bundled cassettes gets one item made late.
"""

from __future__ import annotations

import copy
import email.utils
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.cassettes import load_cassette
from harness.checks.dates import mostly_late
from harness.config import load_config
from harness.invariants import CheckContext, get_invariant
from harness.model import Response, Severity, Violation
from harness.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
CHECK = "timestamp-matches-dateline"
MAX_LEAD, MAX_LAG = timedelta(minutes=5), timedelta(minutes=60)  # harness.toml's rfi settings
LINE = datetime(2023, 12, 6, 15, 42, tzinfo=UTC)


def _item(n: int, lag: timedelta) -> dict[str, Any]:
    line = LINE + timedelta(hours=n)
    return {
        "id": f"https://www.rfi.fr/cn/20231206-item-{n}",
        "url": f"https://www.rfi.fr/cn/20231206-item-{n}",
        "published": (line + lag).isoformat().replace("+00:00", "Z"),
        "dateline": {"text": f"{line:%d/%m/%Y - %H:%M}", "time": line.isoformat()},
    }


def _check(items: list[dict[str, Any]], severity: Severity = Severity.ERROR) -> list[Violation]:
    bound = get_invariant(CHECK).bind({"max-lead": "5m", "max-lag": "60m"}, severity=severity)
    return list(bound.iter_violations(items, CheckContext(timezone="Europe/Paris")))


# a crawl delay the mirror keeps: within the allowed window, in whole seconds
healthy = st.integers(-MAX_LEAD.seconds, MAX_LAG.seconds).map(lambda s: timedelta(seconds=s))
# a late pickup: from just past max-lag to two days (a stalled mirror)
late_lag = st.integers(MAX_LAG.seconds + 1, 2 * 86400).map(lambda s: timedelta(seconds=s))


@st.composite
def recordings(draw: st.DrawFn) -> tuple[list[dict[str, Any]], set[int]]:
    """n items, k of them late, at random positions."""
    n = draw(st.integers(1, 40))
    k = draw(st.integers(0, n))
    late = set(draw(st.permutations(range(n)))[:k])
    items = [_item(i, draw(late_lag) if i in late else draw(healthy)) for i in range(n)]
    return items, late


@given(recordings())
def test_a_late_minority_warns_a_late_majority_errs(
    recording: tuple[list[dict[str, Any]], set[int]],
) -> None:
    items, late = recording
    found = _check(items)
    assert {v.item_index for v in found} == late
    systematic = 2 * len(late) > len(items)
    want = Severity.ERROR if systematic else Severity.WARNING
    assert {v.severity for v in found} <= {want}
    assert all(v.message.startswith("late pickup") != systematic for v in found)


@given(recordings())
def test_configured_warning_gives_warnings_only(
    recording: tuple[list[dict[str, Any]], set[int]],
) -> None:
    found = _check(recording[0], Severity.WARNING)
    assert {v.severity for v in found} <= {Severity.WARNING}
    assert len(found) == len(recording[1])


@given(st.integers(1, 30), st.integers(1, 30), healthy)
def test_too_early_is_an_error_for_any_item(n: int, at: int, lag: timedelta) -> None:
    items = [_item(i, lag) for i in range(n)]
    early = copy.deepcopy(_item(0, -MAX_LEAD - timedelta(seconds=1)))
    found = _check([*items[: at % n], early, *items[at % n :]])
    assert [(v.item_index, v.severity) for v in found] == [(at % n, Severity.ERROR)]


@pytest.mark.parametrize(
    ("late", "comparable", "most"),
    [
        (1, 1, True),  # one item: nothing to tell an outlier from a shift
        (1, 2, False),  # a tie: the punctual item shows the zone is right
        (2, 2, True),
        (2, 3, True),
        (1, 3, False),
        (5, 10, False),
        (6, 10, True),
        (0, 0, False),
    ],
)
def test_mostly_late(late: int, comparable: int, most: bool) -> None:
    assert mostly_late(late, comparable) is most


def test_items_without_a_date_line_do_not_count() -> None:
    on_time = _item(0, timedelta(minutes=3))
    no_line = {**_item(1, timedelta()), "dateline": None}
    late = _item(2, timedelta(hours=3))
    found = _check([on_time, no_line, late])
    assert [(v.item_index, v.severity) for v in found] == [
        (1, Severity.ERROR),  # no date line: an error, as before
        (2, Severity.WARNING),  # 1 of the 2 comparable items late: an outlier
    ]


# --- a real recording, through the runner ---------------------------------------------------

CASSETTE = ROOT / "cassettes" / "feedx-rfi_2020-10.yaml"  # 4 items, all on time
PUBDATE = re.compile(rb"<pubDate>([^<]+)</pubDate>")


def _made_late(body: bytes, which: set[int], by: timedelta) -> bytes:
    """The feed with the pubDate of items ``which`` moved ``by`` later."""
    count = iter(range(10**6))

    def move(match: re.Match[bytes]) -> bytes:
        if next(count) not in which:
            return match.group(0)
        when = email.utils.parsedate_to_datetime(match.group(1).decode()) + by
        return (
            b"<pubDate>" + email.utils.format_datetime(when, usegmt=True).encode() + b"</pubDate>"
        )

    return PUBDATE.sub(move, body)


def _runner(tmp_path: Path, extra: str = "") -> Runner:
    config = (ROOT / "harness.toml").read_text(encoding="utf-8")
    config = config.replace('cassettes = "cassettes"', f'cassettes = "{ROOT / "cassettes"}"')
    config = config.replace('schemas = "schemas"', f'schemas = "{ROOT / "schemas"}"')
    config = config.replace('max-lag = "60m"\n', f'max-lag = "60m"\n{extra}', 1)
    (tmp_path / "harness.toml").write_text(config + "\ncache-dir = false\n", encoding="utf-8")
    return Runner(load_config(tmp_path / "harness.toml"))


def _lag_findings(tmp_path: Path, which: set[int], extra: str = "") -> list[Violation]:
    response = load_cassette(CASSETTE).interactions[0].response
    body = _made_late(response.body, which, timedelta(hours=3))
    moved = Response(response.url, response.status, response.headers, body)
    result = _runner(tmp_path, extra).check_response(moved, shown=CASSETTE.name)
    return [v for v in result.violations if v.check == CHECK]


def test_real_recording_on_time(tmp_path: Path) -> None:
    assert _lag_findings(tmp_path, set()) == []


def test_real_recording_one_late_item_is_a_late_pickup(tmp_path: Path) -> None:
    (found,) = _lag_findings(tmp_path, {2})
    assert (found.item_index, found.severity) == (2, Severity.WARNING)
    assert found.message.startswith("late pickup: timestamp is +3h")
    assert "1 of 4 items late" in found.message


def test_real_recording_late_throughout_is_an_error(tmp_path: Path) -> None:
    found = _lag_findings(tmp_path, {0, 1, 2, 3})
    assert [v.severity for v in found] == [Severity.ERROR] * 4
    assert "4 of 4 items late" in found[0].message


def test_feed_severity_error_keeps_the_outlier_a_warning(tmp_path: Path) -> None:
    extra = '\n[feeds.severity]\ntimestamp-matches-dateline = "error"\n'
    (found,) = _lag_findings(tmp_path, {1}, extra)
    assert found.severity is Severity.WARNING
    assert {v.severity for v in _lag_findings(tmp_path, {0, 1, 2}, extra)} == {Severity.ERROR}


def test_configured_warning_is_honoured_by_the_runner(tmp_path: Path) -> None:
    extra = 'severity = "warning"\n'
    assert {v.severity for v in _lag_findings(tmp_path, {0, 1, 2, 3}, extra)} == {Severity.WARNING}
