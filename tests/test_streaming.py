"""`harness check` writes its report while it checks (issue 15): the same report, sooner.

The report is written from `Runner.iter_paths` as results arrive; these tests pin that the
streamed text is the text of the whole result in every format, serial or parallel, to
standard output or a file, and that a failing cassette's section is out before the last
cassette has even been read.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cli import run
from harness.config import load_config
from harness.drift import BaselineStep
from harness.report.result import Format, render
from harness.report.result_json import to_json_data
from harness.runner import AHEAD, Runner

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "cassettes"
CONFIG = ROOT / "harness.toml"


def cli(*args: str, stdout: io.StringIO | None = None) -> tuple[int, str]:
    out = stdout if stdout is not None else io.StringIO()
    code = run(["--config", str(CONFIG), *args], stdout=out, stderr=io.StringIO())
    return code, out.getvalue()


def _copy(source: Path, target: Path, n: int) -> None:
    """A copy with its own bytes (the caches are keyed by content, not by name)."""
    target.write_bytes(source.read_bytes() + f"\n# copy {n}\n".encode())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every recording of tests/data/cassettes (pass, fail, broken, several feeds, no feed)
    twice over: more files than -j 2 keeps in flight, so the window refills."""
    folder = tmp_path_factory.mktemp("corpus")
    sources = sorted(p for p in DATA.rglob("*.yaml") if p.is_file())
    n = 0
    for round_ in range(2):
        for source in sources:
            _copy(source, folder / f"{round_}-{source.parent.name}-{source.name}", n)
            n += 1
    assert n > 2 * AHEAD + 2
    return folder


def _reference(paths: list[Path], fmt: Format) -> str:
    """The report of the whole result, checked serially and rendered in one go."""
    runner = Runner(load_config(CONFIG), steps=(BaselineStep,))
    return render(runner.check_paths(paths, jobs=1), fmt)


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streamed_report_is_the_whole_results_report(
    corpus: Path, fmt: Format, jobs: str, tmp_path: Path
) -> None:
    expected = _reference([corpus], fmt)
    code, streamed = cli("check", str(corpus), "--format", fmt.value, "-j", jobs)
    assert streamed == expected
    assert code == 2  # the corpus has broken recordings
    report = tmp_path / "report"
    assert cli("check", str(corpus), "--format", fmt.value, "-j", jobs, "-o", str(report))[0] == 2
    assert report.read_text(encoding="utf-8") == expected
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary file left


@pytest.mark.parametrize("fmt", list(Format))
def test_bundled_cassettes_streamed_in_parallel_as_serially(fmt: Format) -> None:
    code, streamed = cli("check", "--format", fmt.value, "-j", "2")
    _, serial = cli("check", "--format", fmt.value, "-j", "1")
    assert streamed == serial
    assert code == 0
    if fmt is Format.JSON:  # check's JSON adds the files skipped (SOURCES.md) after the results
        data = json.loads(streamed)
        assert [f["path"] for f in data.pop("skipped_files")] == ["cassettes/SOURCES.md"]
        assert data == json.loads(_reference([ROOT / "cassettes"], fmt))
    elif fmt is not Format.TEXT:  # text adds the files skipped (SOURCES.md) after the summary
        assert streamed == _reference([ROOT / "cassettes"], fmt)


def test_streamed_json_is_the_documents_data(corpus: Path) -> None:
    """The JSON text is assembled from pieces: it must still be the one document's data."""
    runner = Runner(load_config(CONFIG), steps=(BaselineStep,))
    data = to_json_data(runner.check_paths([corpus]))
    _, streamed = cli("check", str(corpus), "--format", "json", "-j", "2")
    assert json.loads(streamed) == data
    assert len(data["cassettes"]) > 2 * AHEAD  # not a trivially small document


def test_streamed_junit_is_laid_out_as_one_indented_tree(corpus: Path) -> None:
    _, streamed = cli("check", str(corpus), "--format", "junit", "-j", "2")
    root = ET.fromstring(streamed)
    cases = list(root.iter("testcase"))
    assert root.get("tests") == str(len(cases))
    assert root.get("failures") == str(sum(c.find("failure") is not None for c in cases))
    assert root.get("errors") == str(sum(c.find("error") is not None for c in cases))
    ET.indent(root)
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    assert streamed == declaration + ET.tostring(root, encoding="unicode") + "\n"


class _Watcher(io.StringIO):
    """Standard output that notes how many cassettes had been read when a FAIL was written.

    Every cassette read goes through the cache of decoded cassettes (a file per content), in
    whichever process reads it, so the entries in the cache folder count the cassettes read.
    """

    def __init__(self, cache: Path) -> None:
        super().__init__()
        self.cache = cache
        self.read_at_first_fail: int | None = None

    def write(self, text: str) -> int:
        if self.read_at_first_fail is None and text.startswith("FAIL"):
            self.read_at_first_fail = sum(1 for _ in self.cache.rglob("*.fhc"))
        return super().write(text)


@pytest.mark.parametrize("jobs", [1, 2])
def test_first_failing_cassette_is_written_before_the_last_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _copy(DATA / "variants" / "title-empty.yaml", corpus / "000-fails.yaml", 0)
    many = jobs * AHEAD + 8  # more than the runner keeps in flight
    for n in range(1, many + 1):
        _copy(DATA / "variants" / "seed.yaml", corpus / f"{n:03d}-passes.yaml", n)
    cache = tmp_path / "cache"
    monkeypatch.setenv("FEEDHARNESS_CACHE", str(cache))
    out = _Watcher(cache)
    code, text = cli("check", str(corpus), "-j", str(jobs), stdout=out)
    assert code == 1
    assert text.startswith("FAIL ")
    assert "000-fails.yaml" in text.splitlines()[0]
    assert sum(1 for _ in cache.rglob("*.fhc")) == many + 1  # every cassette was read, cached
    assert out.read_at_first_fail is not None
    assert out.read_at_first_fail <= jobs * AHEAD < many + 1


def test_a_reader_stopping_early_leaves_no_worker_behind(corpus: Path) -> None:
    runner = Runner(load_config(CONFIG))
    results = runner.iter_paths([corpus], jobs=2)
    first = next(results)
    results.close()  # cancels what was queued, waits for what runs, shuts the pool down
    assert first == runner.check_file_all(sorted(corpus.iterdir())[0])[0]


def test_spooled_reports_larger_than_memory_buffer(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spools past their memory size move to a temporary file: the report is the same."""
    import harness.report.result_common as common

    expected = {fmt: _reference([corpus], fmt) for fmt in Format if fmt is not Format.TEXT}
    monkeypatch.setattr(common, "SPOOL_BYTES", 64)
    for fmt, text in expected.items():
        assert cli("check", str(corpus), "--format", fmt.value)[1] == text


def test_copies_are_distinct(corpus: Path) -> None:
    """The fixture's files differ in bytes, so no cache can serve one for another."""
    contents = [p.read_bytes() for p in corpus.iterdir()]
    assert len(set(contents)) == len(contents)
