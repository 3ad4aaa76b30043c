"""The pytest plugin: configured cassettes become test items, one per feed response x check.

Enabled in any project with a harness configuration (``harness.toml`` or ``[tool.harness]``):
every cassette file under the configured cassettes folder that pytest walks into is collected
(add the folder to ``testpaths`` or name it on the command line). Replay is offline. Options:
``--harness-config FILE`` (wins over the nearest config file), ``--harness-off`` and
``--harness-record-mode MODE``: record the configured feeds first, with the same code and modes
as ``harness record --record-mode`` (without it, nothing is recorded).
Heavy imports happen only in projects that have a harness configuration.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.model import CassetteResult, Violation
    from harness.record import FeedRecord, RecordReport
    from harness.runner import Runner
    from harness.shard import Plan, Shard

_RUNNER = pytest.StashKey["Runner | None"]()
_RECORDED = pytest.StashKey["RecordReport"]()
_RECORD_MODES = ("once", "new_episodes", "rewrite", "none")  # harness.record.transaction.RecordMode
_ITEM_MODES = ("check", "cassette")
_WHOLE = "*"  # the check of the one item a cassette has with --harness-items=cassette


class HarnessWarning(UserWarning):
    """A warning-level violation found while replaying a cassette."""


class HarnessCheckFailed(Exception):
    """An error-level violation (or a broken cassette) found while replaying."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the --harness-* options."""
    group = parser.getgroup("harness", "feedharness cassette replay")
    group.addoption(
        "--harness-config",
        dest="harness_config",
        type=Path,
        metavar="FILE",
        help="harness.toml or pyproject.toml to use (default: the nearest one)",
    )
    group.addoption(
        "--harness-off",
        dest="harness_off",
        action="store_true",
        help="do not collect cassettes as tests",
    )
    group.addoption(
        "--harness-items",
        dest="harness_items",
        choices=_ITEM_MODES,
        default=None,
        help="'check': one test per cassette x check (default); 'cassette': one test per "
        "cassette, failing with all its violations (far fewer items: pytest -n scales with it)",
    )
    parser.addini(
        "harness_items", "default of --harness-items (check or cassette)", default="check"
    )
    group.addoption(
        "--harness-fail-on",
        dest="harness_fail_on",
        choices=("error", "warning", "info"),
        default=None,
        help="fail a cassette's test on violations and drift findings at or above this "
        "severity (default: the configuration's fail-on, else error), as 'harness check'",
    )
    group.addoption(
        "--harness-shard",
        dest="harness_shard",
        type=_shard_option,
        default=None,
        metavar="K/N",
        help="collect shard K of N of the configured cassettes: whole feeds, balanced by "
        "bytes, the same split as 'harness check --shard K/N' (an empty shard passes)",
    )
    group.addoption(
        "--harness-record-mode",
        dest="harness_record_mode",
        choices=_RECORD_MODES,
        default=None,
        help="record the configured feeds before collecting (as 'harness record'); "
        "default: record nothing, replay only",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Load the harness configuration once; a bad one stops pytest with a usage error."""
    if not config.getoption("harness_off"):
        _item_mode(config)  # a wrong harness_items stops pytest before collecting
        config.stash[_RUNNER] = _build_runner(config)
        if config.getoption("harness_shard", None) is not None:
            config.pluginmanager.register(_ShardPlugin(config), "harness-shard")


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """With --harness-record-mode: record the configured feeds before collecting cassettes."""
    mode = session.config.getoption("harness_record_mode", None)
    runner = _runner(session.config)
    if mode is None or runner is None:
        return
    from harness.errors import HarnessError
    from harness.record.state import STATE_NAME
    from harness.record.transaction import record_feeds

    try:  # failures are counted across runs in the same state file as 'harness record''s
        report = record_feeds(
            runner.config,
            mode=mode,
            progress=_TerminalProgress(session.config),
            state=runner.config.cassettes / STATE_NAME,
        )
    except HarnessError as err:
        raise pytest.UsageError(f"feedharness: {err}") from None
    session.config.stash[_RECORDED] = report


# Its own name (pluggy's specname): another pytest_collection_modifyitems here cannot replace it.
@pytest.hookimpl(trylast=True, specname="pytest_collection_modifyitems")
def pytest_collection_modifyitems_record(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With --harness-record-mode: one test per recorded feed, first, failing when its cassette
    was not recorded (kept, failed, missing): pytest's summary line counts it."""
    report: RecordReport | None = config.stash.get(_RECORDED, None)
    if report is not None:
        items[:0] = [
            RecordItem.from_parent(
                session,
                name=f"harness-record[{r.feed}]",
                nodeid=f"harness-record[{r.feed}]",
                record=r,
            )
            for r in report.feeds
        ]


class RecordItem(pytest.Item):
    """One feed's recording (made before collection): fails as `harness record` would."""

    def __init__(self, *, record: FeedRecord, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.record = record
        self.user_properties.append(("feed", record.feed))

    def runtest(self) -> None:
        """Fail with the feed's block of the record report; warn when it is only flaky."""
        from harness.record.report import RecordReport

        lines = "\n".join(
            RecordReport(self.config.stash[_RECORDED].mode, (self.record,)).lines[:-1]
        )
        if not self.record.ok:
            raise HarnessCheckFailed(lines)
        if self.record.flaky:
            warnings.warn(HarnessWarning(lines), stacklevel=1)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The feed's record report, without a traceback."""
        if isinstance(excinfo.value, HarnessCheckFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int | None, str]:
        """Location shown in reports."""
        return self.record.cassette, None, self.name


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The recording report, as `harness record` prints it."""
    report: RecordReport | None = config.stash.get(_RECORDED, None)
    if report is not None:
        terminalreporter.section("harness record")
        for line in report.lines:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A feed that was not recorded (kept, failed, missing) fails an otherwise green run."""
    report = session.config.stash.get(_RECORDED, None)
    if report is not None and report.exit_code and session.exitstatus in (0, 5):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


class _TerminalProgress:
    """harness.record.transaction's progress protocol, on pytest's terminal (one line per feed)."""

    def __init__(self, config: pytest.Config) -> None:
        import threading

        self.reporter = config.pluginmanager.get_plugin("terminalreporter")
        self.lock = threading.Lock()

    def started(self, feed: str) -> None:
        """Nothing to show yet."""

    def finished(self, record: FeedRecord) -> None:
        """The feed's progress line."""
        if self.reporter is not None:
            with self.lock:
                self.reporter.write_line(record.progress_line)


def _item_mode(config: pytest.Config) -> str:
    mode = config.getoption("harness_items", None) or config.getini("harness_items")
    if mode not in _ITEM_MODES:
        raise pytest.UsageError(
            f"feedharness: harness_items is {mode!r}, expected one of: {', '.join(_ITEM_MODES)}"
        )
    return str(mode)


def _runner(config: pytest.Config) -> Runner | None:
    return config.stash.get(_RUNNER, None)


def _build_runner(config: pytest.Config) -> Runner | None:
    from harness.config import find_config, load_config
    from harness.drift import BaselineStep
    from harness.errors import HarnessError
    from harness.runner import Runner
    from harness.severity import Severity

    path = config.getoption("harness_config") or find_config(config.rootpath)
    if path is None:
        return None
    try:
        harness_config = load_config(path)
        fail_on = config.getoption("harness_fail_on", None)
        if fail_on is not None:  # the command line wins over the file, as in 'harness check'
            harness_config = replace(harness_config, fail_on=Severity(fail_on))
        return Runner(harness_config, steps=(BaselineStep,))
    except HarnessError as err:
        raise pytest.UsageError(f"feedharness: {err}") from None


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect cassette files under the configured cassettes folder: by name (.yaml/.yml), else
    by content (vcrpy's suffix-less names, its JSON serializer, Betamax), as ``harness check``."""
    if parent.config.getoption("harness_off"):
        return None
    runner = _runner(parent.config)
    if runner is None or not file_path.resolve().is_relative_to(runner.config.cassettes.resolve()):
        return None
    from harness.cassettes.paths import is_cassette_file, is_review_copy

    if is_review_copy(file_path) or not is_cassette_file(file_path):
        return None
    shard: _ShardPlugin | None = parent.config.pluginmanager.get_plugin("harness-shard")
    if shard is not None and not shard.takes(runner, file_path):
        return None
    return CassetteFile.from_parent(parent, path=file_path)


def _shard_option(value: str) -> Shard:
    from harness.shard import shard_argument

    return shard_argument(value)


class _ShardPlugin:
    """--harness-shard K/N: the split of the configured cassettes, made once, on first use."""

    def __init__(self, config: pytest.Config) -> None:
        self.shard: Shard = config.getoption("harness_shard")
        self.plan: Plan | None = None

    def takes(self, runner: Runner, path: Path) -> bool:
        """Whether the cassette at ``path`` is this shard's (the whole folder is split once)."""
        return self._plan(runner).takes(runner.display(path))

    def _plan(self, runner: Runner) -> Plan:
        if self.plan is None:
            from harness.cassettes.paths import scan
            from harness.shard import plan

            folder = runner.config.cassettes
            files = scan([folder]).files if folder.is_dir() else ()
            self.plan = plan(runner.replayer, files, self.shard)  # as `harness check` splits
        return self.plan

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """An empty shard (more shards than feeds) passes, as 'harness check --shard' does.

        Under pytest-xdist the controller collects nothing itself: it splits here too.
        """
        runner = _runner(session.config)
        if runner is None or session.exitstatus != pytest.ExitCode.NO_TESTS_COLLECTED:
            return
        if not self._plan(runner).files:
            session.exitstatus = pytest.ExitCode.OK


class CassetteFile(pytest.File):
    """One cassette: a 'load' item, then one item per check; replayed once, on first use.

    Collection only reads the cassette to learn its feed and checks, so ``pytest -n N``
    (pytest-xdist) spreads the replay work over workers instead of repeating it in each.
    """

    def collect(self) -> Iterator[pytest.Item]:
        """Yield 'load', one item per configured check, and 'parser' for parse-time problems.

        A cassette of several feed responses gets these items for each, named ``load[#2]``
        (its interaction); a cassette with no feed in it one 'cassette' item, skipped.
        """
        from harness.errors import HarnessError

        runner = _runner(self.config)
        assert runner is not None
        if _item_mode(self.config) == "cassette":  # nothing to plan: the cassette is read once
            yield CheckItem.from_parent(self, name="cassette", check=_WHOLE, feed=None)
            return
        try:
            plans = runner.plan_all(self.path)
        except HarnessError as err:
            yield CheckItem.from_parent(self, name="load", check="load", feed=None, error=str(err))
            return
        if not plans:
            yield CheckItem.from_parent(self, name="cassette", check=_WHOLE, feed=None)
        for interaction, feed, checks in plans:
            suffix = "" if interaction is None else f"[#{interaction}]"
            for check in ("load", *checks, "parser"):
                yield CheckItem.from_parent(
                    self,
                    name=check + suffix,
                    check=check,
                    feed=feed,
                    planned=checks,
                    interaction=interaction,
                )


_RESULTS = pytest.StashKey["dict[Path, tuple[CassetteResult, ...]]"]()


class CheckItem(pytest.Item):
    """One check of one cassette."""

    def __init__(
        self,
        *,
        check: str,
        feed: str | None,
        error: str | None = None,
        planned: tuple[str, ...] = (),
        interaction: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.planned = planned
        self.interaction = interaction
        self.load_error = error
        self.shown = str(self.path)
        self.user_properties.append(("feed", feed or "unclaimed"))

    def _results(self) -> tuple[CassetteResult, ...]:
        """Every result of the cassette (one per feed response), replayed once per process."""
        cache = self.config.stash.setdefault(_RESULTS, {})
        if self.path not in cache:
            runner = _runner(self.config)
            assert runner is not None
            cache[self.path] = runner.check_file_all(self.path)
        return cache[self.path]

    def _result(self) -> CassetteResult:
        """This item's feed response (by interaction); the whole cassette's one when unlabelled."""
        results = self._results()
        mine = [r for r in results if r.interaction == self.interaction]
        if not mine:  # the cassette changed since collection
            raise HarnessCheckFailed(
                f"cassette: no feed response #{self.interaction} any more; collect again"
            )
        return mine[0]

    def runtest(self) -> None:
        """Run the check; with one item per cassette, every feed response of it."""
        if self.check == _WHOLE and self.load_error is None:
            self._run_whole()
        else:
            self._run_one()

    def _run_whole(self) -> None:
        results = self._results()
        if all(r.skip_reason is not None for r in results):
            # no feed response in the cassette (API calls, an HTML page): nothing to check, as
            # 'harness check' reports it (SKIP, exit 0); a configured feed's failed fetch is
            # never skipped but BROKEN, so a skip here hides no failure
            pytest.skip(f"{results[0].path}: {results[0].skip_reason}")
        failures = []
        for result in results:
            try:
                self._check_result(result)
            except HarnessCheckFailed as err:
                label = "" if result.interaction is None else f"#{result.interaction}: "
                failures.append(f"{label}{err}")
        if failures:
            raise HarnessCheckFailed("\n".join(failures))

    def _run_one(self) -> None:
        if self.load_error is not None:
            raise HarnessCheckFailed(f"cassette: {self.load_error}")
        self._check_result(self._result())

    def _check_result(self, result: CassetteResult) -> None:
        """Fail on what fails the verdict (violations and drift findings at or above fail-on);
        warn on the rest, as ``harness check`` reports it."""
        from harness.findings import DRIFT_CHECK
        from harness.report.finding import text_lines
        from harness.report.result_common import entry_label
        from harness.verdict import fails

        self.shown = entry_label(result)
        if self.check == _WHOLE:
            self.user_properties[:] = [("feed", result.feed or "unclaimed")]
        if result.error is not None:
            prefix = "" if self.check in ("load", _WHOLE) else "not checked: "
            raise HarnessCheckFailed(f"{prefix}{result.error_kind}: {result.error}")
        mine = [v for v in result.violations if self._owns(v.check, self.planned)]
        drift = list(result.findings) if self._owns(DRIFT_CHECK, self.planned) else []
        for v in mine:
            if not fails(v.severity, result.fail_on):
                warnings.warn(HarnessWarning(f"{self.shown}: {self._shown_line(v)}"), stacklevel=1)
        for f in drift:
            if not fails(f.level, result.fail_on):
                line = f"{DRIFT_CHECK} ({f.level.value}): {f.kind}: {f.title}"
                warnings.warn(HarnessWarning(f"{self.shown}: {line}"), stacklevel=1)
        errors = [v for v in mine if fails(v.severity, result.fail_on)]
        failing = [f for f in drift if fails(f.level, result.fail_on)]
        if errors or failing:
            lines = [self._shown_line(v) for v in errors[:20]]
            if len(errors) > 20:
                lines.append(f"... and {len(errors) - 20} more")
            lines += [line for f in failing for line in text_lines(f, "")]
            counts = [f"{len(errors)} violation(s)"] if errors else []
            counts += [f"{len(failing)} drift finding(s)"] if failing else []
            raise HarnessCheckFailed(
                " and ".join(counts)
                + ("" if self.check == _WHOLE else f" of {self.check}")
                + ":\n"
                + "\n".join(lines)
            )

    def _shown_line(self, v: Violation) -> str:
        """The CLI's line; with one item per cassette, led by the check that found it."""
        return f"{v.check}: {_line(v)}" if self.check == _WHOLE else _line(v)

    def _owns(self, check: str, planned: tuple[str, ...]) -> bool:
        """The 'parser' item owns the problems parsers report (date-format, body-structure...)."""
        if self.check == "parser":
            return check not in planned
        return self.check in (check, _WHOLE)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The violations, as the CLI shows them, without a traceback."""
        if isinstance(excinfo.value, HarnessCheckFailed):
            feed = dict(self.user_properties).get("feed", "unclaimed")
            return f"{self.shown} [{feed}]: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Location shown in reports."""
        return self.path, None, f"{self.shown}::{self.name}"


def _line(v: Violation) -> str:
    from harness.report.result_common import violation_line

    return violation_line(v)
