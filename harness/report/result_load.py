"""Read JSON check reports back into a `Result`, and put the shards of one run together.

The JSON report (`result_json`) holds everything the other formats are made of, so a `Result`
read back renders every format as the run itself did. Each input is validated against
schemas/report.schema.json, then written again from what was read: a report that does not come
back the same (a field this version does not know, a summary that does not add up) is refused
rather than merged into a report that would silently differ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.findings import Cause, Example, Finding, Scope, SignalChange
from harness.model import CassetteResult, Result, Severity, SkippedInteraction, Violation
from harness.report.result_json import to_json_data

__all__ = ["Merged", "ShardReport", "load_result", "merge", "read_report"]

_RUN_KEYS = ("shard", "skipped_files")  # what `render_check_json` adds to `to_json_data`
_ENTRY_SHARD_KEYS = ("position",)


@dataclass(frozen=True, slots=True)
class ShardReport:
    """One JSON report as read: its file, its result, its run threshold and shard block."""

    path: str
    result: Result
    version: str
    fail_on: Severity
    shard: Mapping[str, Any] | None  # None: written without --shard
    positions: tuple[int, ...]  # each entry's place in the whole run (shard reports only)
    skipped_files: tuple[tuple[str, str], ...]  # (shown path, reason): passed over by the scan


@dataclass(frozen=True, slots=True)
class Merged:
    """The whole run put back together, and the files its folder scan passed over."""

    result: Result
    skipped_files: tuple[tuple[str, str], ...]  # (shown path, reason)


def read_report(path: Path) -> ShardReport:
    """Read, validate and load one JSON check report; HarnessError (one line, naming it)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise HarnessError(f"{path}: cannot read: {err.strerror or err}") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise HarnessError(f"{path}: not a JSON report: {err}") from None
    _validate(path, data)
    fail_on = Severity(data["summary"]["fail_on"])
    result = load_result(data)
    plain = {k: v for k, v in data.items() if k not in _RUN_KEYS}
    plain["cassettes"] = [
        {k: v for k, v in entry.items() if k not in _ENTRY_SHARD_KEYS}
        for entry in data["cassettes"]
    ]
    again = to_json_data(result)
    again["summary"]["fail_on"] = fail_on.value  # an empty shard keeps the run's threshold
    again["version"] = data["version"]  # another version's report: merge() names it
    if again != plain:
        raise HarnessError(
            f"{path}: the report does not read back the same (edited, or written by a "
            "feedharness with other report fields?): cannot merge it faithfully"
        )
    shard = data.get("shard")
    positions = tuple(entry.get("position", -1) for entry in data["cassettes"])
    if shard is not None and -1 in positions:
        raise HarnessError(f"{path}: a shard report whose entries lack their 'position'")
    skipped = tuple((s["path"], s["reason"]) for s in data.get("skipped_files", ()))
    return ShardReport(str(path), result, data["version"], fail_on, shard, positions, skipped)


def load_result(data: Mapping[str, Any]) -> Result:
    """A schema-valid JSON report -> the `Result` it was written from."""
    fail_on = Severity(data["summary"]["fail_on"])
    return Result(tuple(_cassette(entry, fail_on) for entry in data["cassettes"]))


def merge(reports: Sequence[ShardReport], *, version: str) -> Merged:
    """The shards of one run (every K of N once, same run) as the unsharded run's result.

    One report written without --shard is taken as it is (a report converted to another
    format). HarnessError, naming the file, for anything else.
    """
    if not reports:
        raise HarnessError("no reports to merge")
    for report in reports:
        if report.version != version:
            raise HarnessError(
                f"{report.path}: written by feedharness {report.version}, this is {version}: "
                "merge with the version that wrote the shards"
            )
    plain = [r for r in reports if r.shard is None]
    if plain:
        if len(reports) > 1:
            raise HarnessError(
                f"{plain[0].path}: not a shard report (written without --shard): merge takes "
                "the shard reports of one run, or one report alone"
            )
        return Merged(plain[0].result, plain[0].skipped_files)
    first, block = reports[0], _block(reports[0])
    by_index: dict[int, ShardReport] = {}
    for report in reports:
        _same_run(first, report)
        index, count = int(_block(report)["index"]), int(block["count"])
        if index > count:
            raise HarnessError(f"{report.path}: shard {index}/{count}: K > N")
        if index in by_index:
            raise HarnessError(
                f"{report.path}: shard {index}/{count} given twice (also {by_index[index].path})"
            )
        by_index[index] = report
    missing = [f"{k}/{count}" for k in range(1, count + 1) if k not in by_index]
    if missing:
        raise HarnessError(
            f"shard {', '.join(missing)} missing (given: {', '.join(r.path for r in reports)}): "
            "the merged report would leave out their feeds"
        )
    entries = sorted(
        (position, index, n, cassette)
        for index, report in by_index.items()
        for n, (position, cassette) in enumerate(
            zip(report.positions, report.result.cassettes, strict=True)
        )
    )
    return Merged(Result(tuple(e[3] for e in entries)), first.skipped_files)


def _same_run(first: ShardReport, other: ShardReport) -> None:
    """Shards of one run: the same split (digest), shard count, threshold and folder scan."""
    if other.fail_on is not first.fail_on:
        raise HarnessError(
            f"{other.path}: fail-on {other.fail_on.value}, but {first.path} has "
            f"{first.fail_on.value}: shards of one run share one threshold"
        )
    for key in ("count", "units", "files", "digest", "skipped_files"):
        if _run_fact(other, key) != _run_fact(first, key):
            raise HarnessError(
                f"{other.path}: a shard of another run than {first.path} ({key} differs: "
                "other files, feeds, configuration or shard count)"
            )


def _run_fact(report: ShardReport, key: str) -> Any:
    return report.skipped_files if key == "skipped_files" else _block(report)[key]


def _block(report: ShardReport) -> Mapping[str, Any]:
    if report.shard is None:  # merge() takes shard reports only past its first check
        raise HarnessError(f"{report.path}: not a shard report (written without --shard)")
    return report.shard


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    from harness.schemas import default_schema_dir

    schema_path = default_schema_dir() / "report.schema.json"
    return Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))


def _validate(path: Path, data: Any) -> None:
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the top"
        raise HarnessError(
            f"{path}: not a feedharness check report (harness check --format json): "
            f"{error.message} (at {where})"
        )


def _cassette(entry: Mapping[str, Any], fail_on: Severity) -> CassetteResult:
    error = entry["error"]
    return CassetteResult(
        path=entry["path"],
        feed=entry["feed"],
        url=entry["url"],
        parser=entry["parser"],
        schema=entry["schema"],
        dialect=entry["dialect"],
        items=entry["items"],
        checks=tuple(entry["checks"]),
        violations=tuple(_violation(v) for v in entry["violations"]),
        error_kind=None if error is None else error["kind"],
        error=None if error is None else error["message"],
        notes=tuple(entry["notes"]),
        findings=tuple(_finding(f) for f in entry["findings"]),
        fail_on=fail_on,
        interaction=entry.get("interaction"),
        skipped=tuple(
            SkippedInteraction(s["interaction"], s["url"], s["reason"])
            for s in entry.get("skipped", ())
        ),
        skip_reason=entry.get("skip_reason"),
    )


def _violation(v: Mapping[str, Any]) -> Violation:
    item = v["item"]
    return Violation(
        check=v["check"],
        message=v["message"],
        field=v["field"],
        observed=v["observed"],
        expected=v["expected"],
        item_index=item["index"],
        item_id=item["id"],
        item_url=item["url"],
        severity=Severity(v["severity"]),
    )


def _finding(f: Mapping[str, Any]) -> Finding:
    return Finding(
        kind=f["kind"],
        feed=f.get("feed"),
        scope=Scope(f["scope"]),
        level=Severity(f["level"]),
        title=f["title"],
        explanation=f.get("explanation", ""),
        field=f["field"],
        signals=tuple(
            SignalChange(s["signal"], s["before"], s["after"], s.get("change", ""))
            for s in f["signals"]
        ),
        examples=tuple(Example(e["item"], e.get("title", ""), e["excerpt"]) for e in f["examples"]),
        first_seen=f.get("first_seen"),
        last_good=f.get("last_good"),
        seen_in=tuple(f.get("seen_in", ())),
        detail=f.get("detail"),
        cause=Cause(f["cause"]),
    )
