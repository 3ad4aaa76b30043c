"""The replay path: which feed claims a recording, and every way reading one fails, named."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest

from harness.cassettes import make_interaction, write_cassette
from harness.config import load_config
from harness.model import FeedOutput, Fetch, Response
from harness.replay import FAILURE_KINDS, Replayer

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "harness.toml"
RFI = ROOT / "cassettes" / "feedx-rfi_2023-09.yaml"
SEED = ROOT / "tests" / "data" / "items" / "seed"
FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><link>https://example.invalid/1</link></item></channel></rss>"""


@pytest.fixture(scope="module")
def replayer() -> Replayer:
    return Replayer(replace(load_config(CONFIG), cache_dir=None))


def cassette(tmp_path: Path, *interactions: tuple[str, bytes], name: str = "c.yaml") -> Path:
    path = tmp_path / name
    write_cassette(path, [make_interaction(uri, body) for uri, body in interactions])
    return path


def test_a_bundled_recording_is_claimed_and_parsed(replayer: Replayer) -> None:
    replay = replayer.replay(RFI)
    assert (replay.feed, replay.shown, replay.failure) == (
        "rfi",
        "cassettes/feedx-rfi_2023-09.yaml",
        None,
    )
    assert replay.setup is not None
    assert replay.setup.parser_name == "feedx-rfi"
    assert replay.output is not None
    assert len(replay.output.items) == 2
    assert replay.recorded_at is not None


def test_open_does_not_parse(replayer: Replayer) -> None:
    opened = replayer.open(RFI)
    assert opened.response is not None
    assert opened.output is None
    assert replayer.parse(opened).output is not None


@pytest.mark.parametrize(
    ("url", "feed"),
    [
        ("https://feedx.net/rss/rfi.xml", "rfi"),
        ("HTTPS://FEEDX.NET:443/rss/rfi.xml#top", "rfi"),
        ("https://feedx.net:80/rss/rfi.xml", None),  # port 80 is not https's default
        ("http://[::1/feed", None),  # malformed: compared as written, claimed by none
    ],
)
def test_which_feed_claims_a_url(replayer: Replayer, url: str, feed: str | None) -> None:
    found = replayer.feed_for_url(url)
    assert (found.name if found else None) == feed


def test_an_unclaimed_url_gets_the_generic_setup(replayer: Replayer, tmp_path: Path) -> None:
    replay = replayer.replay(cassette(tmp_path, ("https://example.invalid/feed.xml", FEED)))
    assert replay.feed is None
    assert replay.setup is not None
    assert replay.setup.parser_name == "rss"
    assert replay.failure is None


def test_a_second_response_for_the_feed_url_is_noted(replayer: Replayer, tmp_path: Path) -> None:
    url = "https://example.invalid/feed.xml"
    replay = replayer.replay(cassette(tmp_path, (url, FEED), (url, FEED)))
    assert replay.notes == (f"2 identical recorded responses for {url} (#1, #2): checked once",)


@pytest.mark.parametrize(
    ("name", "kind", "says"),
    [
        ("invalid-yaml.yaml", "cassette", "YAML"),
        ("no-response.yaml", "cassette", "response"),
        ("truncated-xml.yaml", "parse", "XML not well formed"),
        ("html-error-page.yaml", "transport", "HTML"),
    ],
)
def test_failures_are_named(replayer: Replayer, name: str, kind: str, says: str) -> None:
    path = ROOT / "tests" / "data" / "cassettes" / "broken" / name
    replay = replayer.replay(path)
    assert replay.failure is not None, name
    assert replay.failure.kind == kind
    assert replay.failure.kind in FAILURE_KINDS
    assert says in replay.failure.message
    assert replay.failure.message.startswith(replay.shown)
    assert "\n" not in replay.failure.message


def test_a_missing_file_is_a_cassette_failure(replayer: Replayer, tmp_path: Path) -> None:
    replay = replayer.replay(tmp_path / "gone.yaml")
    assert replay.failure is not None
    assert replay.failure.kind == "cassette"
    assert replay.setup is None


def test_a_file_that_is_neither_is_named(replayer: Replayer, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("just some notes\n", encoding="utf-8")
    replay = replayer.replay(other)
    assert replay.failure is not None
    assert "neither a cassette (.yaml/.yml) nor a stored feed item" in replay.failure.message


def test_a_stored_item_is_claimed_by_the_host_of_its_url(replayer: Replayer) -> None:
    replay = replayer.replay(next(SEED.iterdir()))
    assert replay.failure is None
    assert replay.feed == "rfi"
    assert replay.setup is not None
    assert replay.setup.parser_name == "itemdump"
    assert replay.response is None  # no feed document: nothing for drift to fingerprint


class _Crashing:
    name: ClassVar[str] = "crashing"
    schema: ClassVar[str] = "feed-item"
    default_invariants: ClassVar[tuple[str, ...]] = ()

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        raise KeyError("boom")


def test_a_crashing_parser_is_a_parse_failure_naming_it(replayer: Replayer, tmp_path: Path) -> None:
    opened = replayer.open(cassette(tmp_path, ("https://example.invalid/feed.xml", FEED)))
    assert opened.setup is not None
    crashing = replace(opened, setup=replace(opened.setup, parser=_Crashing(), parser_name="x"))
    replay = replayer.parse(crashing)
    assert replay.failure is not None
    assert replay.failure.kind == "parse"
    assert "parser 'x' crashed: KeyError" in replay.failure.message


def test_display_is_relative_to_the_project(replayer: Replayer, tmp_path: Path) -> None:
    copy = tmp_path / "x.yaml"
    shutil.copy(RFI, copy)
    assert replayer.display(RFI) == "cassettes/feedx-rfi_2023-09.yaml"
    assert replayer.display(copy) == copy.resolve().as_posix()


def test_a_crash_while_reading_is_an_internal_failure(
    replayer: Replayer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_loader(path: Path, **limits: int) -> None:
        raise RuntimeError("a bug\nof ours")

    monkeypatch.setattr("harness.replay.load_cassette", broken_loader)
    replay = replayer.replay(RFI)
    assert replay.failure is not None
    assert (replay.failure.kind, replay.failure.message) == (
        "internal",
        "RuntimeError: a bug of ours",
    )
