"""Plain, frozen records shared by every module: responses, parsed feeds, violations, results."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from harness.severity import Severity as Severity  # re-exported: the records speak it

if TYPE_CHECKING:
    from harness.findings import Finding

Item = dict[str, Any]
"""One parsed item: JSON-compatible plain data (str, int, float, bool, None, list, dict)."""

# What identifies an item across recordings and within one: RSS <guid> / Atom <id> / JSON Feed
# "id" (parsers put it in "id"), else its link ("url"). A title is not an identity: two items
# may share one ("Daily briefing"), and an edited title is still the same item.
IDENTITY_FIELDS = ("id", "url")


def item_identity(item: Item) -> str | None:
    """The item's identity: its id, else its URL (stripped; blank counts as missing)."""
    for key in IDENTITY_FIELDS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def item_key(item: Item, index: int) -> str:
    """The identity, else its position (``#3``): a key for any item of one recording."""
    return item_identity(item) or f"#{index}"


@dataclass(frozen=True, slots=True)
class Response:
    """One recorded HTTP response, as a parser sees it."""

    url: str
    status: int
    headers: Mapping[str, str]  # names lower-cased, repeated values joined with ", "
    body: bytes

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if recorded."""
        return self.headers.get("content-type")


Fetch = Callable[[str], Response]
"""What the runner hands a parser for extra pages: served from the same cassette on replay."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One failed expectation about one item (or the whole feed when item fields are None)."""

    check: str  # invariant id, "schema", or a parser problem id such as "date-parseable"
    message: str
    field: str = ""  # JSON path inside the item, e.g. "dateline/time" or "paragraphs/3"
    observed: str | None = None  # shortened, plain text
    expected: str | None = None
    item_index: int | None = None
    item_id: str | None = None
    item_url: str | None = None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class FeedOutput:
    """What a parser returns: envelope metadata, the items, the problems met while parsing."""

    dialect: str  # "rss2.0", "rss1.0", "rss0.9x", "atom1.0", "jsonfeed1.x", "itemdump"
    feed: Mapping[str, Any]  # title, link, language, ...
    items: list[Item]
    problems: tuple[Violation, ...] = ()


class Outcome(StrEnum):
    """The status of one checked cassette or file."""

    PASS = "pass"  # noqa: S105  (an outcome, not a password)
    FAIL = "fail"  # at least one violation or finding at or above the run's fail-on severity
    BROKEN = "broken"  # the input could not be checked at all
    SKIPPED = "skipped"  # a cassette with no feed response in it (an API call, a page): not a fault


@dataclass(frozen=True, slots=True)
class SkippedInteraction:
    """A recorded interaction of a cassette that is not a feed response, and why it is not."""

    interaction: int  # its position in the cassette, 1 for the first
    url: str
    reason: str  # one line, e.g. "HTML page (text/html), not a feed"


@dataclass(frozen=True, slots=True)
class CassetteResult:
    """The result of checking one cassette (or item file)."""

    path: str  # as the user named it (relative to the working directory when possible)
    feed: str | None  # configured feed name; None when no configured feed claims the URL
    url: str | None
    parser: str | None
    schema: str | None
    dialect: str | None = None
    items: int = 0
    checks: tuple[str, ...] = ()
    violations: tuple[Violation, ...] = ()
    error_kind: str | None = None  # when BROKEN: a kind of harness.replay.FAILURE_KINDS
    error: str | None = None  # one line
    notes: tuple[str, ...] = ()  # e.g. "no configured feed claims this URL: checked with rss"
    findings: tuple[Finding, ...] = ()  # drift against the feed's baseline
    fail_on: Severity = Severity.ERROR  # the run's threshold (harness.verdict)
    # Which interaction of the cassette (1 for the first) when it holds several feed responses
    # or its feed response is not its first; None: the cassette's one feed response, first.
    interaction: int | None = None
    skipped: tuple[SkippedInteraction, ...] = ()  # interactions not checked (not feeds), and why
    skip_reason: str | None = None  # set when the cassette has no feed response at all

    @property
    def outcome(self) -> Outcome:
        """BROKEN if unreadable, SKIPPED if no feed in it, FAIL at or above ``fail_on``."""
        if self.error is not None:
            return Outcome.BROKEN
        if self.skip_reason is not None:
            return Outcome.SKIPPED
        floor = self.fail_on.rank
        if any(v.severity.rank >= floor for v in self.violations) or any(
            f.level.rank >= floor for f in self.findings
        ):
            return Outcome.FAIL
        return Outcome.PASS


@dataclass(frozen=True, slots=True)
class Result:
    """The result of a whole run, in input order."""

    cassettes: tuple[CassetteResult, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        """0 all pass (or skipped: no feed), 1 any failing its fail-on severity, 2 any broken."""
        outcomes = {c.outcome for c in self.cassettes}
        if Outcome.BROKEN in outcomes:
            return 2
        if Outcome.FAIL in outcomes:
            return 1
        return 0
