"""`harness diff` on every consecutive pair of real recordings, against verdicts from the bytes.

The expected exit codes and finding kinds are written by hand in
``tests/data/drift/verdicts.toml`` after reading both documents (``docs/verdicts.md`` gives the
evidence); nothing here is computed from the tool. Where today's tool disagrees, the pair is a
strict xfail whose reason is the cause found, so it flags itself once the tool is fixed.
"""

from __future__ import annotations

import io
import itertools
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ROOT / "tests" / "data" / "drift" / "verdicts.toml"
DOC = ROOT / "docs" / "verdicts.md"
CONFIG = ROOT / "harness.toml"
FOLDERS = {  # corpus -> (folder, glob): the recordings whose consecutive pairs are judged
    "dapenti": ("tests/data/drift/dapenti", "dapenti_*.yaml"),
    "rss-arch": ("tests/data/drift/rss-arch", "ft-home_*.yaml"),
    "rss-arch-feeds": ("tests/data/drift/rss-arch-feeds", "*.yaml"),
    "feedx-items": ("tests/data/drift/feedx-items", "feedx-rfi_*.yaml"),
    "feedx-periods": ("cassettes", "feedx-rfi_*.yaml"),
}
EXIT = {0: "no change of form", 1: "drift", 2: "transport failure"}


def _load() -> list[dict[str, Any]]:
    with VERDICTS.open("rb") as fh:
        return list(tomllib.load(fh)["pair"])


PAIRS = _load()


def _id(pair: dict[str, Any]) -> str:
    return f"{Path(pair['old']).stem}->{Path(pair['new']).stem}"


def _param(pair: dict[str, Any]) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=pair["xfail"])] if "xfail" in pair else []
    return pytest.param(pair, id=_id(pair), marks=marks)


def harness_diff(old: str, new: str) -> tuple[int, list[tuple[str, str]]]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["--config", str(CONFIG), "diff", str(ROOT / old), str(ROOT / new), "--format", "json"]
    code = run(argv, stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    return code, [(f["kind"], f["level"]) for feed in data["feeds"] for f in feed["findings"]]


@pytest.mark.parametrize("pair", [_param(p) for p in PAIRS])
def test_diff_agrees_with_the_evidence(pair: dict[str, Any]) -> None:
    code, findings = harness_diff(pair["old"], pair["new"])
    kinds = {kind for kind, _ in findings}
    assert (code, EXIT.get(code)) == (pair["expected"], EXIT[pair["expected"]]), findings
    if pair["expected"] == 1:
        assert kinds & set(pair["kinds"]), f"expected one of {pair['kinds']}, got {findings}"
    if pair["expected"] == 2:
        assert "transport" in kinds


def _consecutive() -> set[tuple[str, str]]:
    pairs = set()
    for folder, pattern in FOLDERS.values():
        by_feed: dict[str, list[str]] = {}
        for path in sorted((ROOT / folder).glob(pattern)):
            by_feed.setdefault(path.name.split("_20", 1)[0], []).append(f"{folder}/{path.name}")
        for names in by_feed.values():
            pairs |= set(itertools.pairwise(names))
    return pairs


def test_every_consecutive_pair_is_judged_once() -> None:
    judged = [(p["old"], p["new"]) for p in PAIRS if not p.get("bridge")]
    assert len(judged) == len(set(judged))
    assert set(judged) == _consecutive()
    for pair in PAIRS:
        assert (ROOT / pair["old"]).is_file()
        assert (ROOT / pair["new"]).is_file()
        assert pair["corpus"] in FOLDERS
        assert pair["expected"] in EXIT
        assert bool(pair.get("kinds")) == (pair["expected"] == 1)
        assert pair["evidence"].strip()


def test_a_bridge_spans_exactly_one_transport_failure() -> None:
    by_file = {(p["old"], p["new"]): p["expected"] for p in PAIRS if not p.get("bridge")}
    for bridge in (p for p in PAIRS if p.get("bridge")):
        middle = [new for old, new in by_file if old == bridge["old"]]
        assert len(middle) == 1
        assert by_file[(bridge["old"], middle[0])] == 2
        assert by_file[(middle[0], bridge["new"])] == 2


def test_the_document_pins_the_same_verdicts() -> None:
    cells = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in DOC.read_text("utf-8").splitlines()
        if line.startswith("| ") and "→" in line.split("|")[1]
    ]
    cells = [c for c in cells if c[0] != "pair (old → new)"]  # the header rows
    shown = [(c[0].replace(" (over a failure)", ""), c[2], int(c[3][0])) for c in cells]
    wanted = [
        (f"{Path(p['old']).stem} → {Path(p['new']).stem}", p["truth"], p["expected"]) for p in PAIRS
    ]
    assert sorted(shown) == sorted(wanted)
