"""Sample results shared by the tests of the check-report formats: fixed cases and strategies."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from harness.model import CassetteResult, Result, Severity, Violation
from harness.report.result_common import ERROR_KINDS

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def dateline(index: int, severity: Severity = Severity.ERROR) -> Violation:
    return Violation(
        "timestamp-matches-dateline",
        "timestamp is 1h off the date line",
        field="dateline/time",
        observed="10:00",
        expected="11:00",
        item_index=index,
        item_id=f"a{index}",
        item_url=f"https://www.rfi.fr/cn/a{index}",
        severity=severity,
    )


NO_LINK = Violation(
    "items-have-links", "item has no link", field="url", item_index=9, severity=Severity.WARNING
)
FAILING = CassetteResult(
    path="cassettes/rfi-zh.yaml",
    feed="rfi-zh",
    url="https://www.rfi.fr/cn/rss",
    parser="feedx-rfi",
    schema="article",
    dialect="rss2.0",
    items=12,
    checks=("schema", "timestamp-matches-dateline", "items-have-links"),
    violations=(dateline(4), dateline(7), NO_LINK),
)
UNCLAIMED = CassetteResult(
    path="cassettes/other.yaml",
    feed=None,
    url="https://example.org/feed",
    parser="rss",
    schema="feed-item",
    dialect="atom1.0",
    items=3,
    checks=("schema",),
    notes=("no configured feed claims this URL: checked with rss",),
)
BROKEN = CassetteResult(
    path="cassettes/down.yaml",
    feed="voa-zh",
    url="https://www.voachinese.com/rss",
    parser="rss",
    schema="feed-item",
    error_kind="transport",
    error="HTTP 503 Service Unavailable",
)
PASSING = replace(UNCLAIMED, path="cassettes/ok.yaml", feed="ok", notes=())
SMALL = Result(cassettes=(FAILING, UNCLAIMED, BROKEN))

HOSTILE = (
    "<script>alert(1)</script> @someone [click](javascript:alert(1)) ](javascript:"
    " ` `` ``` ```` ````` |pipe| \n# heading\r\n\x1b[31mred\x1b[0m \u202eevil\u202c"
    " <!-- hidden --> https://evil.example/x"
)
HOSTILE_VIOLATION = Violation(
    HOSTILE,
    HOSTILE,
    field=HOSTILE,
    observed=HOSTILE,
    expected=HOSTILE,
    item_index=0,
    item_id=HOSTILE,
    item_url=HOSTILE,
)
HOSTILE_RESULT = Result(
    cassettes=(
        CassetteResult(
            path=HOSTILE,
            feed=HOSTILE,
            url=HOSTILE,
            parser=HOSTILE,
            schema=HOSTILE,
            items=1,
            checks=(HOSTILE,),
            violations=(HOSTILE_VIOLATION,) * 5,
            notes=(HOSTILE,),
        ),
        replace(BROKEN, path=HOSTILE, feed=HOSTILE, error_kind=HOSTILE, error=HOSTILE),
        replace(UNCLAIMED, path=HOSTILE, parser=HOSTILE, violations=(HOSTILE_VIOLATION,)),
    )
)

# --- strategies over the model ---------------------------------------------------------------

_SPICE = st.sampled_from(["\x1b[31m", "\u202e", "\x00", "\n", "\r", "\x85", "`", "``", "|", "<"])
TEXT = st.lists(st.one_of(st.text(max_size=12), _SPICE), max_size=4).map("".join)
NAMES = st.sampled_from(["schema", "items-have-links", "date-parseable", "a|b", "x`y"])
VIOLATIONS = st.builds(
    Violation,
    check=NAMES | TEXT,
    message=TEXT,
    field=TEXT,
    observed=st.none() | TEXT,
    expected=st.none() | TEXT,
    item_index=st.none() | st.integers(0, 10**6),
    item_id=st.none() | TEXT,
    item_url=st.none() | TEXT,
    severity=st.sampled_from(Severity),
)
CASSETTES = st.builds(
    CassetteResult,
    path=TEXT,
    feed=st.none() | TEXT,
    url=st.none() | TEXT,
    parser=st.none() | TEXT,
    schema=st.none() | TEXT,
    dialect=st.none() | TEXT,
    items=st.integers(0, 10**6),
    checks=st.lists(NAMES | TEXT, max_size=4).map(tuple),
    violations=st.lists(VIOLATIONS, max_size=6).map(tuple),
    error_kind=st.none() | st.sampled_from(ERROR_KINDS) | TEXT,
    error=st.none() | TEXT,
    notes=st.lists(TEXT, max_size=2).map(tuple),
)
RESULTS = st.builds(Result, cassettes=st.lists(CASSETTES, max_size=4).map(tuple))
