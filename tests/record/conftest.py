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
