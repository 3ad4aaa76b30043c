"""Files written whole or not at all; files read within a bound."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.fileio import TooLarge, read_bounded, write_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("data", [b"bytes\n", "text, 中文\n"])
def test_write_atomic_writes_bytes_and_text(tmp_path: Path, data: bytes | str) -> None:
    target = tmp_path / "out.txt"
    write_atomic(target, data)
    expected = data if isinstance(data, bytes) else data.encode("utf-8")
    assert target.read_bytes() == expected
    assert leftovers(tmp_path) == []


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_bytes() == b"new"


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def fails(stream: BinaryIO) -> None:
        stream.write(b"half of it")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, fails)
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_an_interrupt_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def interrupted(stream: BinaryIO) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, interrupted)
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


@given(size=st.integers(0, 64), bound=st.integers(0, 64))
def test_read_bounded(tmp_path_factory: pytest.TempPathFactory, size: int, bound: int) -> None:
    path = tmp_path_factory.mktemp("r") / "f"
    path.write_bytes(b"x" * size)
    if size <= bound:
        assert read_bounded(path, bound) == b"x" * size
    else:
        with pytest.raises(TooLarge, match=f"{size:,} bytes, over the {bound:,}-byte limit"):
            read_bounded(path, bound)


def test_read_bounded_does_not_read_a_huge_file(tmp_path: Path) -> None:
    huge = tmp_path / "sparse"
    with huge.open("wb") as stream:
        stream.truncate(8 * 1024**3)  # 8 GiB, sparse: reading it would take seconds and memory
    with pytest.raises(TooLarge):
        read_bounded(huge, 1024)


def test_read_bounded_of_a_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "gone", 10)
    assert not os.path.exists(tmp_path / "gone")


def test_a_special_file_is_written_into_not_renamed_over(tmp_path: Path) -> None:
    """``-o /dev/null`` or a named pipe: renaming over it would replace the node by a file."""
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "report\n")
    reader.join(10)
    assert got == [b"report\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary file left
