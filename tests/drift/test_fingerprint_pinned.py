"""Fingerprints are pinned: speed work on the fingerprint modules must not change any result.

``fingerprints-pinned.json`` holds, for each bundled cassette, a SHA-256 of its whole fingerprint
(every field, in order) and one per item, so a failure names the items that changed. The fast
helpers are also compared with the obvious slow definitions they replace, on real text and on
Hypothesis-drawn text.

After an intended change of fingerprints or cassettes, regenerate and review the diff:
    python tests/drift/test_fingerprint_pinned.py
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from drift_paths import CASSETTES, DRIFT, ROOT
from helpers import MOJIBAKE_CANDIDATE, reference_find_mojibake
from hypothesis import example, given
from hypothesis import strategies as st

from harness.config import load_config
from harness.drift import Fingerprinter
from harness.drift import body as bodym
from harness.drift import textsignals as textm
from harness.drift.baseline import dumps, load_baseline, profile
from harness.drift.draft import Draft
from harness.drift.envelope import item_bounds
from harness.drift.forms import norm, short
from harness.replay import Replayer
from harness.textclass import SCRIPT_CLASSES, script_share
from harness.textsafe import shorten

GOLDEN = DRIFT / "fingerprints-pinned.json"


def _plain(obj: Any) -> Any:
    """JSON data of a fingerprint: sets and mappings sorted, floats exact.

    Mappings are sorted: the boilerplate's order follows set iteration, which varies with
    PYTHONHASHSEED, and nothing reads it in order (baseline files sort their keys).
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, frozenset | set):
        return sorted(obj)
    if isinstance(obj, list | tuple):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return sorted([str(k), _plain(v)] for k, v in obj.items())
    if isinstance(obj, float):
        return repr(obj)
    return obj


def _sha(obj: Any) -> str:
    text = json.dumps(_plain(obj), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@cache
def _prints() -> Fingerprinter:
    """Fingerprints computed for every call (the fingerprint cache off)."""
    return Fingerprinter(Replayer(replace(load_config(ROOT / "harness.toml"), cache_dir=None)))


def _pins(path: Path) -> dict[str, Any]:
    fp = _prints().path(path, shown=path.name)
    return {
        "fingerprint": _sha(fp),
        "items": {f"{i.index} {i.key}": _sha(i) for i in fp.items},
        "profile": hashlib.sha256(dumps(profile([fp])).encode("utf-8")).hexdigest(),
    }


def _bundled() -> list[Path]:
    return sorted(CASSETTES.glob("*.yaml"))


@pytest.mark.parametrize("path", _bundled(), ids=lambda p: p.stem)
def test_fingerprint_matches_the_pinned_one(path: Path) -> None:
    pinned = json.loads(GOLDEN.read_text(encoding="utf-8"))[path.name]
    found = _pins(path)
    items = pinned["items"] | found["items"]
    assert [k for k in items if pinned["items"].get(k) != found["items"].get(k)] == []
    assert found == pinned


# --- fast helpers against their slow definitions ------------------------------------------------

_WS = re.compile(r"[\s\u3000\xa0]+")
_LETTER = re.compile(r"[^\W\d_]")
_HAN = re.compile(SCRIPT_CLASSES["zh"].join("[]"))  # one character of the Chinese script
_ITEM_SPAN = re.compile(r"<(item|entry)\b.*?</\1\s*>", re.DOTALL)
_TEXT_PARTS = [
    *" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000ab1_²½-./:中文ÃÂ€<>&;\u3400\u4dbf\u9fff\ufa6e\ufaff",
    *("https://", "www.", ".com", ".fr", "<item>", "</item >", "<entry", "</entry>"),
]
TEXT = st.lists(st.sampled_from(_TEXT_PARTS), max_size=60).map("".join)


def _label_slow(el: Any) -> str:
    tag = el.tag.lower() if isinstance(el.tag, str) else "?"
    if not el.attrib:
        return tag[:24]
    parts = [tag[:24]]
    classes = sorted(set((el.get("class") or "").split()))[:3]
    parts += ["." + re.sub(r"\d+", "D", c)[:24] for c in classes]
    data = sorted(a for a in el.attrib if a.startswith("data-"))[:3]
    parts += [f"[{re.sub(r'[0-9]+', 'D', a)[:30]}]" for a in data]
    return "".join(parts)[:60]


@given(TEXT)
@example("  a\u3000\xa0b\x1c ")
def test_norm_short_and_counts_match_their_definitions(text: str) -> None:
    assert norm(text) == _WS.sub(" ", text).strip()
    long = text * 9
    for width in (1, 5, 40, 160):
        assert short(long, width) == shorten(_WS.sub(" ", long).strip(), width)
    assert textm.letters_and_han(text) == (len(_LETTER.findall(text)), len(_HAN.findall(text)))
    if bodym.URLISH.search(text):
        assert bodym.may_be_urlish(text)
    assert [text[a:b] for a, b in item_bounds(text)] == [
        m.group() for m in _ITEM_SPAN.finditer(text)
    ]


_HTML_PARTS = (
    "<p>", "</p>", "<div class='a b2 a'>", "</div>", "<!-- c -->", "<?pi x?>", "&amp;", "&foo;",
    "&#x1F600;", "<![CDATA[x<y]]>", "<script>var a='<p>';</script>", "<br>", "text", " ", "中文",
    "<img data-x1='1' src=//h.example/x alt=''>", "<a href='#'>l</a>", "<td>c</td>", "</b>",
    "<svg><text>t</text></svg>", "<B CLASS='x'>", "\udcff", "<", "<x:y data-id9='2'>z</x:y>",
    "<body>", "<html>", "<textarea>a<b>c</textarea>", "Ã©", "Ã", "©", "\xa0", "\ufffd",
)  # fmt: skip
HTML = st.lists(st.sampled_from(_HTML_PARTS), max_size=16).map("".join)


@given(HTML)
def test_element_text_and_labels_match_their_definitions(html: str) -> None:
    body = bodym.parse_body(html)
    if body is None:
        return
    for el in body.iter():
        if isinstance(el.tag, str):
            assert bodym.text_of(el) == "".join(el.itertext())
            assert bodym.element_form(el.tag, el.get("class"), tuple(el.keys()))[0] == _label_slow(
                el
            )


@given(HTML)
def test_block_parents_match_their_definition(html: str) -> None:
    body = bodym.parse_body(html)
    if body is None:
        return
    found = bodym.block_parents(body, html)
    assert found is not None
    for el in body.iter():
        assert (el in found) == (not bodym.holds_no_block(el))


def _around(text: str, match: re.Match[str]) -> str:
    return short(text[max(0, match.start() - 30) : match.end() + 30], 100)


def _text_signals_slow(body: Any) -> Any:
    draft = Draft("k", 0, "")
    text = " ".join(t for t in body.itertext() if t and not t.isspace())
    markup = textm.ESCAPED_MARKUP.search(text)
    if markup:
        draft.add("text:escaped-markup", excerpt=_around(text, markup))
    runs = [m for m in MOJIBAKE_CANDIDATE.finditer(text) if reference_find_mojibake(m.group())]
    if len(runs) >= 3:
        draft.add("text:mojibake", excerpt=_around(text, runs[0]))
    if "\ufffd" in text:
        draft.add("text:replacement-char")
    share, letters, _ = script_share(text, "zh")
    if letters >= 20:
        draft.metrics["cjk"] = round(share, 4)
    return draft


@given(HTML)
@example("<p>Ã©tÃ©</p>\xa0<p>Ã©\ufffd</p>")
def test_text_signals_match_their_definition(html: str) -> None:
    body = bodym.parse_body(html)
    if body is None:
        return
    draft = Draft("k", 0, "")
    textm.text_signals(body, draft)
    assert draft == _text_signals_slow(body)


def test_the_cjk_letter_runs_are_the_cjk_letters() -> None:
    assert textm.CJK_LETTER_RUNS.pattern == textm.cjk_letter_ranges()


def test_the_pinned_cassettes_split_into_the_same_item_spans() -> None:
    for path in [*_bundled(), *sorted((ROOT / "tests" / "data").glob("**/*.yaml"))]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert [text[a:b] for a, b in item_bounds(text)] == [
            m.group() for m in _ITEM_SPAN.finditer(text)
        ]


# --- baseline files are read once while unchanged -------------------------------------------------


def test_a_baseline_is_reread_only_when_the_file_changes(tmp_path: Path) -> None:
    fp = _prints().path(CASSETTES / "feedx-rfi_2023-11.yaml")
    path = tmp_path / "rfi.baseline.json"
    path.write_text(dumps(profile([fp])), encoding="utf-8")
    first = load_baseline(path)
    assert load_baseline(path) is first
    text = path.read_text(encoding="utf-8").replace('"recordings": 1', '"recordings": 7')
    assert len(text.encode("utf-8")) == path.stat().st_size  # same size, written in place
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    assert load_baseline(path).recordings == 7


def _write_golden() -> None:
    pins = {path.name: _pins(path) for path in _bundled()}
    text = json.dumps(pins, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    GOLDEN.write_text(text, encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}: {len(pins)} cassettes")


if __name__ == "__main__":
    sys.exit(_write_golden())
