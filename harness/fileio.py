"""Files written whole or not at all, and files read with a size bound.

Every file feedharness writes for the user (cassettes, baselines, reports, cache entries) goes
through :func:`write_atomic`: the bytes go to a hidden temporary file in the same folder
(``.<name>.<random>.tmp``, skipped by folder scans), are flushed to disk, and the temporary file is
renamed over the target. A crash, a kill or a full disk leaves either the old file or the new one,
never half of one (POSIX ``rename(2)`` is atomic within one file system).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "TooLarge",
    "fsync_dir",
    "os_reason",
    "read_bounded",
    "replace_durably",
    "temp_name",
    "write_atomic",
]


class TooLarge(OSError):
    """A file is larger than the caller's bound (the message gives both sizes)."""


def temp_name(path: Path) -> Path:
    """A fresh hidden temporary file name beside ``path``."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")


def write_atomic(
    path: Path, data: bytes | str | Callable[[BinaryIO], None], *, durable: bool = True
) -> None:
    """Replace ``path`` by ``data`` (bytes, text written as UTF-8, or a function that writes).

    The new file keeps the mode of the file it replaces. ``durable`` also fsyncs the file and
    its folder, so the rename survives a power loss (off for caches, which may be rebuilt).
    Raises OSError; the temporary file is removed on any failure.

    A target that exists and is not a regular file (``-o /dev/null``, ``-o /dev/stdout``, a
    named pipe) is written into, never renamed over: renaming would replace the device node
    (as root, ``/dev/null`` itself) by a plain file.
    """
    path = Path(path)
    if _special(path):
        with open(path, "wb") as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
        return
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "wb") as stream:
            if callable(data):
                data(stream)
            else:
                stream.write(data.encode("utf-8") if isinstance(data, str) else data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # keep the old file's mode
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable:
        fsync_dir(path.parent)


def _special(path: Path) -> bool:
    """Whether ``path`` exists as something other than a regular file or a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def replace_durably(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` (atomic) and make the rename durable."""
    os.replace(source, target)
    fsync_dir(Path(target).parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename durable where the platform allows opening a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, refused (TooLarge) past ``max_bytes`` without reading them all.

    The size is checked before reading (a huge file costs nothing) and again after (a file that
    grows while being read). Other failures raise OSError as ``open`` does.
    """
    with Path(path).open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > max_bytes:
            raise TooLarge(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"file is over the {max_bytes:,}-byte limit (it grew while being read)")
    return data


def os_reason(err: OSError) -> str:
    """Why a file operation failed, in a few words: ``No such file or directory``."""
    return err.strerror or str(err) or type(err).__name__
