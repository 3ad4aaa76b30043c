"""Fingerprint units: date shapes, hosts, link forms, markup case, speed on a 1 MB recording."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from drift_paths import CASSETTES

from harness.drift.fingerprint import Fingerprint, fingerprint_output
from harness.drift.forms import host_key, shape
from harness.model import FeedOutput
from harness.textclass import find_mojibake

Print = Callable[[Path], Fingerprint]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06/12/2023 - 16:42", "DD/DD/DDDD - DD:DD"),
        ("Wed, 06 Dec 2023 15:45:03 GMT", "AAA, DD AAA DDDD DD:DD:DD AAA"),
        ("Wes, 03 Jun 2015 14:15:00 +0800", "AAA, DD AAA DDDD DD:DD:DD +DDDD"),
        ("  2023年12月06日\u3000 16:42 ", "DDDD年DD月DD日 DD:DD"),
    ],
)
def test_date_shapes(text: str, expected: str) -> None:
    assert shape(text) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [("s.rfi.fr", "rfi.fr"), ("www.feedx.run", "feedx.run"), ("news.bbc.co.uk", "bbc.co.uk")],
)
def test_host_keys(host: str, expected: str) -> None:
    assert host_key(host) == expected


def test_dapenti_signals_and_speed(fingerprint: Print) -> None:
    start = time.perf_counter()
    old = fingerprint(CASSETTES / "dapenti_2015-01-05.yaml")  # 1 MB, 30 items
    new = fingerprint(CASSETTES / "dapenti_2015-06-14.yaml")
    assert time.perf_counter() - start < 5  # about 0.4 s each on a laptop
    assert all("case:upper" in i.signals for i in old.items)
    assert all("case:lower" in i.signals for i in new.items)
    assert old.dialect == new.dialect == "rss2.0"
    assert {"zone:±HHMM", "env:description", "esc:description=cdata"} <= old.items[0].signals
    # the disclaimer opening every item is a boilerplate candidate in both forms
    assert set(old.boilerplate) & set(new.boilerplate)


def test_rfi_roles_and_offsets(fingerprint: Print) -> None:
    fp = fingerprint(CASSETTES / "feedx-rfi_2023-11.yaml")
    seed = next(i for i in fp.items if "20231206" in i.key)
    assert {"role:dateline=div#0", "role:lead=p|strong", "role:paragraphs=div/p"} <= seed.signals
    assert "dshape:DD/DD/DDDD - DD:DD" in seed.signals
    assert seed.metrics["offset"] == pytest.approx(3.05, abs=0.1)  # the seed: 3 min 3 s
    assert not any(s.startswith("leak:") for s in seed.signals)  # feedx-rfi drops the footer


def test_transport_and_errors_have_no_form(fingerprint: Print) -> None:
    broken = fingerprint(CASSETTES.parent / "tests/data/cassettes/broken/invalid-yaml.yaml")
    assert broken.error is not None
    assert not broken.ok
    assert broken.items == ()


def _item_signals(item: dict[str, str]) -> frozenset[str]:
    output = FeedOutput(dialect="rss2.0", feed={}, items=[item])
    return (
        fingerprint_output(Fingerprint("a.yaml", "f", None, None), output, b"<rss/>")
        .items[0]
        .signals
    )


def test_the_fingerprint_finds_the_mojibake_the_check_finds() -> None:
    """``Ã–`` is UTF-8 for ``Ö`` read as Windows-1252 (the dash is cp1252's 0x96)."""
    title = "Ã–sterreich und Ã–l"
    body = "<p>Ã–sterreich, Ã–l, Ã–kostrom</p>"
    assert find_mojibake(title) == ("Ã–", "Ö")
    assert "text:mojibake" in _item_signals({"id": "a", "title": title})
    assert "text:mojibake" in _item_signals({"id": "a", "title": "t", "summary": body})
    # below the thresholds (two in a body, one in a title): no signal
    assert "text:mojibake" not in _item_signals({"id": "a", "title": "Ã–l", "summary": title})


def test_items_are_keyed_by_id_else_url_else_position() -> None:
    """harness.model.item_key: two items may share a title, so a title is no identity."""
    items = [
        {"id": " a ", "title": "same"},
        {"url": "https://x.test/b", "title": "same"},
        {"title": "same"},
        {"id": "  ", "title": "same"},
    ]
    output = FeedOutput(dialect="rss2.0", feed={}, items=items)
    fp = fingerprint_output(Fingerprint("a.yaml", "f", None, None), output, b"<rss/>")
    assert [i.key for i in fp.items] == ["a", "https://x.test/b", "#2", "#3"]
