"""Fixtures of the recording tests: a scripted HTTP server on 127.0.0.1 and injected sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from record_servers import FeedServer, Sleeps


@pytest.fixture
def server() -> Iterator[FeedServer]:
    feed_server = FeedServer().start()
    try:
        yield feed_server
    finally:
        feed_server.stop()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fetcher reads proxies from the environment: the machine's own must not reach the
    servers on 127.0.0.1 (test_proxy sets its own)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
