"""Fixtures of the hostile-input suite: bait (a marker file + a trap server), a project."""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hostile_inputs import Bait, write_bait
from hostile_support import make_project


@dataclass
class Trap:
    """A 127.0.0.1 listener that counts connections: any connection means a fetch happened."""

    url: str
    connections: list[str] = field(default_factory=list)


@pytest.fixture
def trap() -> Iterator[Trap]:
    """A listening socket; the test fails if anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.05)
    found = Trap(f"http://127.0.0.1:{server.getsockname()[1]}")
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            found.connections.append(str(peer))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    stop.set()
    thread.join()
    server.close()
    assert found.connections == [], f"something connected to the trap: {found.connections}"


@pytest.fixture
def bait(tmp_path: Path, trap: Trap) -> Bait:
    """A marker file, a DTD that defines it, and the trap URL."""
    folder = tmp_path / "bait"
    folder.mkdir()
    return write_bait(folder, trap.url, f"MARKER-{secrets.token_hex(8)}")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project under tmp_path."""
    return make_project(tmp_path / "project")
