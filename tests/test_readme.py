"""The README's code examples run as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import rss

from harness.invariants import CheckContext, get_invariant
from harness.model import Response

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def run_block(marker: str) -> dict[str, Any]:
    (code,) = [b for b in BLOCKS if marker in b]
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102  (our own documentation)
    return namespace


def test_parser_example() -> None:
    cls = run_block("class SectionParser")["SectionParser"]
    body = rss([{"title": "A", "link": "https://x.test/a"}]).replace(
        "<title>A</title>", "<title>A</title><category>news</category>"
    )
    body = body.replace(
        "</channel>",
        "<item><title>B</title><link>https://x.test/b</link>"
        "<category>sport</category></item></channel>",
    )
    response = Response("https://x.test/feed.xml", 200, {}, body.encode())
    output = cls(section="news").parse(response, fetch=lambda url: response)
    assert [item["title"] for item in output.items] == ["A"]
    assert cls.schema == "feed-item"


def test_invariant_example() -> None:
    run_block('@invariant("summary-short")')
    bound = get_invariant("summary-short").bind({"max-chars": 5})
    items = [{"id": "1", "url": "https://x.test/1", "summary": "far too long"}]
    (found,) = bound.iter_violations(items, CheckContext())
    assert (found.check, found.field, found.item_index) == ("summary-short", "summary", 0)


# --- the shell commands of the tour and of "In your own project", run as written ------------

HARNESS_BIN = Path(sys.executable).parent  # where the `harness` console script is installed
ROOT = Path(__file__).resolve().parent.parent


def section(heading: str) -> str:
    """The README text from ``heading`` to the next heading of the same level."""
    level = heading.split(" ")[0]
    start = README.index(f"\n{heading}\n")
    end = README.find(f"\n{level} ", start + len(heading) + 2)
    return README[start : end if end != -1 else len(README)]


def shell_lines(text: str) -> list[str]:
    """Every command line of the ```sh blocks in ``text``; pip installs need a network."""
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    return [line for line in lines if not line.startswith("pip ")]


TOUR = shell_lines(section("## A 5-minute tour"))
DOOR = shell_lines(README[README.index("**In your own project.**") : README.index("## A 5-minute")])


def sh(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{HARNESS_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env |= {"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "NO_COLOR": "1"}  # nothing depends on them
    return subprocess.run(
        ["/bin/sh", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository's project (configuration, cassettes, schemas) and the files the
    tour names as examples of the user's own."""
    for name in ("cassettes", "schemas"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "harness.toml", tmp_path)
    (tmp_path / "other").mkdir()
    shutil.copy(
        ROOT / "cassettes" / "dapenti_2015-01-05.yaml", tmp_path / "other" / "recorded-feed.yaml"
    )
    (tmp_path / "path" / "to").mkdir(parents=True)
    item = ROOT / "tests" / "data" / "items" / "rfi" / "2023-01-28_1008000.md"
    shutil.copy(item, tmp_path / "path" / "to" / "stored-item.md")
    return tmp_path


def test_the_tour_has_commands() -> None:
    assert len(TOUR) >= 6
    assert all(line.startswith("harness ") for line in TOUR)
    assert DOOR == ["harness init tests/cassettes && harness check"]


@pytest.mark.parametrize("line", TOUR)
def test_tour_command_runs_as_written(line: str, checkout: Path) -> None:
    done = sh(line, checkout)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout[-2000:]
    if " -o " in line:
        assert (checkout / line.split(" -o ")[1].split()[0]).is_file()


@pytest.mark.parametrize("line", DOOR)
def test_own_project_command_runs_as_written(line: str, tmp_path: Path) -> None:
    """A user's project: pytest-recording cassettes and no configuration yet."""
    folder = tmp_path / "tests" / "cassettes"
    for module, name in (
        ("test_news", "dapenti_2015-01-05.yaml"),
        ("test_en", "dw-en-all_2015-02-23.yaml"),
    ):
        (folder / module).mkdir(parents=True)
        shutil.copy(ROOT / "cassettes" / name, folder / module / "test_feed.yaml")
    done = sh(line, tmp_path)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout[-2000:]
    assert "wrote harness.toml" in done.stdout
    assert "2 cassettes: 2 passed" in done.stdout


def test_add_a_feed_example_works_when_copied(tmp_path: Path) -> None:
    (toml,) = [
        b for b in re.findall(r"```toml\n(.*?)```", README, flags=re.DOTALL) if "[[feeds]]" in b
    ]
    (tmp_path / "harness.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "cassettes").mkdir()
    shutil.copy(ROOT / "cassettes" / "feedx-rfi_2023-09.yaml", tmp_path / "cassettes")
    for line in ("harness list", "harness check", "harness check rfi"):
        done = sh(line, tmp_path)
        assert (done.returncode, done.stderr) == (0, ""), (line, done.stdout[-2000:])
