"""A block repeating across items is new boilerplate only when the baseline's items lacked it.

A one-item recording cannot show which blocks repeat: when the next recording holds a second
article by the same author (same date line minute, same author block), the blocks it repeats were
in the one item already. ``diff`` and ``history`` have the baseline's recordings at hand and pass
their text blocks to ``compare``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from drift_paths import CASSETTES
from helpers import write_cassette

from harness.audit.feeddoc import FeedDoc, html_join, html_parts
from harness.audit.operators import RandomChoices, get_operator
from harness.cassettes import load_cassette
from harness.drift import Finding, block_texts, compare, diff, history
from harness.drift.baseline import dumps, from_data, profile
from harness.drift.fingerprint import Fingerprint

Print = Callable[[Path], Fingerprint]
ONE_ITEM = CASSETTES / "feedx-rfi_2023-05.yaml"  # one article, with the author block 作者：艾娃
PROMO = "<div><p>欢迎关注我们的官方账号，获取更多精彩内容和独家报道。</p></div>"


def _variant(tmp_path: Path, name: str, *, promo: bool = False) -> Path:
    """The one-item recording with a second article by the same author (and a promo block)."""
    cassette = load_cassette(ONE_ITEM)
    body = cassette.fetch(cassette.url).body
    two = get_operator("item-count").apply(body, RandomChoices(3))
    if promo:
        doc = FeedDoc(two)
        for entry in doc.entries():
            holder = html_parts(entry.get("body") or "")
            holder.append(html_parts(PROMO)[0])
            entry.set("body", html_join(holder))
        two = doc.to_bytes()
    return write_cassette(tmp_path, name, cassette.url, two.decode("utf-8"))


def _drift(findings: Iterable[Finding]) -> list[str]:
    return [f.kind for f in findings if f.is_drift]


def test_blocks_the_one_item_already_had_are_not_new(fingerprint: Print, tmp_path: Path) -> None:
    old, new = fingerprint(ONE_ITEM), fingerprint(_variant(tmp_path, "two.yaml"))
    assert (len(old.items), len(new.items)) == (1, 2)
    assert new.boilerplate  # the date line and the author block repeat in the two items
    assert _drift(diff(old, new).findings) == []
    # without the baseline's blocks, a profile of one item would call them new boilerplate
    blind = replace(profile([old]), texts=frozenset())
    assert "boilerplate-new" in _drift(compare(blind, new))
    assert _drift(compare(blind, new, seen=block_texts([old]))) == []
    # a profile keeps them (a stored baseline too: check decides as diff does)
    assert _drift(compare(profile([old]), new)) == []
    stored = from_data(json.loads(dumps(profile([old]))), "rfi.baseline.json")
    assert _drift(compare(stored, new)) == []


def test_a_new_block_in_both_items_is_still_new(fingerprint: Print, tmp_path: Path) -> None:
    old = fingerprint(ONE_ITEM)
    new = fingerprint(_variant(tmp_path, "two-promo.yaml", promo=True))
    assert "boilerplate-new" in _drift(diff(old, new).findings)


def test_history_passes_the_reference_blocks_too(fingerprint: Print, tmp_path: Path) -> None:
    old, new = fingerprint(ONE_ITEM), fingerprint(_variant(tmp_path, "two.yaml"))
    assert _drift(history([old, new]).findings) == []
