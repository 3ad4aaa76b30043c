"""Consecutive pairs of real recordings: byte-level evidence, and `harness diff`'s verdicts.

    PYTHONPATH=. .venv/bin/python tools/corpus_pairs.py list            # the pairs, per corpus
    PYTHONPATH=. .venv/bin/python tools/corpus_pairs.py show OLD NEW    # what changed in the bytes
    PYTHONPATH=. .venv/bin/python tools/corpus_pairs.py table [--check] # rewrite docs/verdicts.md

The truth (expected exit code, finding kinds, the evidence) is written by hand in
``tests/data/drift/verdicts.toml`` after reading both documents (``show`` helps); ``table`` only
adds what ``harness diff`` says today (run through ``harness.cli.run``, in this process) and
writes ``docs/verdicts.md``; ``--check`` writes nothing and exits 1 when the file would change.
Not part of the package; reads only files of the repository.
"""

from __future__ import annotations

import argparse
import html
import io
import itertools
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.cassettes import load_cassette
from harness.cli import run

REPO = Path(__file__).resolve().parent.parent
DRIFT = REPO / "tests" / "data" / "drift"
VERDICTS = DRIFT / "verdicts.toml"
DOC = REPO / "docs" / "verdicts.md"
CONFIG = REPO / "harness.toml"
CORPORA: dict[str, tuple[str, str]] = {  # corpus -> (folder under the repository, glob)
    "dapenti": ("tests/data/drift/dapenti", "dapenti_*.yaml"),
    "rss-arch": ("tests/data/drift/rss-arch", "ft-home_*.yaml"),
    "rss-arch-feeds": ("tests/data/drift/rss-arch-feeds", "*.yaml"),
    "feedx-items": ("tests/data/drift/feedx-items", "feedx-rfi_*.yaml"),
    "feedx-periods": ("cassettes", "feedx-rfi_*.yaml"),
}

# --- pairs -------------------------------------------------------------------------------------


def feed_of(path: Path) -> str:
    """``wsj_world_2025-04-19T0918_5318f7c.yaml`` -> ``wsj_world``."""
    return path.name.split("_20", 1)[0]


def consecutive_pairs() -> Iterator[tuple[str, str, str]]:
    """(corpus, old, new) for each feed's recordings in name (= time) order; repo-relative."""
    for corpus, (folder, pattern) in CORPORA.items():
        by_feed: dict[str, list[Path]] = {}
        for path in sorted((REPO / folder).glob(pattern)):
            by_feed.setdefault(feed_of(path), []).append(path)
        for paths in by_feed.values():
            for old, new in itertools.pairwise(paths):
                yield corpus, rel(old), rel(new)


def rel(path: Path) -> str:
    return path.resolve().relative_to(REPO).as_posix()


# --- the form of one document ------------------------------------------------------------------

_ITEM = re.compile(rb"<(item|entry)[\s>].*?</\1>", re.S)
_DESC = re.compile(rb"<description>(.*?)</description>", re.S)
_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_CLASS = re.compile(r"""class\s*=\s*["']([^"']*)["']""")
_ATTR = re.compile(r"""\s([a-zA-Z-]+)\s*=\s*["']""")
_ELEMENT = re.compile(rb"<([A-Za-z][\w.-]*(?::[\w.-]+)?)[\s/>]")
_XMLNS = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")
_PUBDATE = re.compile(rb"<pubDate>(.*?)</pubDate>", re.S)
_LINK = re.compile(rb"<link>(.*?)</link>", re.S)
_GUID = re.compile(rb"<guid([^>]*)>", re.S)
_SRC = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""")


@dataclass
class Form:
    """What a parser depends on in one recording, content left out."""

    size: int
    items: int
    damage: list[str] = field(default_factory=list)
    declaration: str = ""
    namespaces: set[str] = field(default_factory=set)
    channel_elements: set[str] = field(default_factory=set)
    item_elements: Counter[str] = field(default_factory=Counter)
    description_forms: Counter[str] = field(default_factory=Counter)
    html_tags: Counter[str] = field(default_factory=Counter)
    classes: Counter[str] = field(default_factory=Counter)
    attributes: Counter[str] = field(default_factory=Counter)
    date_shapes: Counter[str] = field(default_factory=Counter)
    link_forms: Counter[str] = field(default_factory=Counter)
    src_forms: Counter[str] = field(default_factory=Counter)
    guids: Counter[str] = field(default_factory=Counter)
    first_description: str = ""


def body_of(path: Path) -> bytes:
    """The recorded response body (the first interaction)."""
    return load_cassette(path).interactions[0].response.body or b""


def form_of(body: bytes) -> Form:
    """Read the form of a recorded feed document with regexes (damaged documents included)."""
    form = Form(size=len(body), items=len(_ITEM.findall(body)))
    if not body.strip():
        form.damage.append("empty body")
    nul = body.find(b"\x00")
    if nul >= 0:
        form.damage.append(f"NUL bytes from byte {nul}")
    splice = re.search(rb"HTTP/1\.[01] \d{3}[^\r\n]*", body)
    if splice:
        form.damage.append(f"{splice.group().decode('latin-1')!r} at byte {splice.start()}")
    head = re.match(rb"\s*<\?xml[^>]*\?>", body.lstrip(b"\x00"))
    form.declaration = head.group().decode("latin-1").strip() if head else "(none)"
    form.namespaces = {f"{(p or b'').decode()}={u.decode()}" for p, u in _XMLNS.findall(body)}
    first_item = _ITEM.search(body)
    envelope = body[: first_item.start()] if first_item else body
    form.channel_elements = {e.decode() for e in _ELEMENT.findall(envelope)}
    for item in _ITEM.finditer(body):
        _read_item(item.group(), form)
    return form


def _read_item(item: bytes, form: Form) -> None:
    desc_match = _DESC.search(item)
    rest = _DESC.sub(b"<description/>", item)
    form.item_elements.update({e.decode() for e in _ELEMENT.findall(rest)} - {"item", "entry"})
    for date in _PUBDATE.findall(item):
        form.date_shapes[date_shape(date.decode("utf-8", "replace"))] += 1
    for link in _LINK.findall(item):
        form.link_forms[link_shape(link.decode("utf-8", "replace"))] += 1
    guid = _GUID.search(item)
    form.guids[guid.group(1).decode().strip() if guid else "(no guid)"] += 1
    if desc_match is None:
        form.description_forms["(no description)"] += 1
        return
    raw = desc_match.group(1).decode("utf-8", "replace")
    how, markup = description_form(raw)
    form.description_forms[how] += 1
    form.first_description = form.first_description or raw[:160]
    form.html_tags.update(set(_TAG.findall(markup)))
    for classes in _CLASS.findall(markup):
        form.classes.update(classes.split())
    form.attributes.update(set(_ATTR.findall(markup)))
    form.src_forms.update({link_shape(u) for u in _SRC.findall(markup)})


def description_form(raw: str) -> tuple[str, str]:
    """How a description carries its text ('CDATA HTML', 'escaped HTML', 'plain text', ...)."""
    stripped = raw.strip()
    if stripped.startswith("<![CDATA["):
        inner = stripped.removeprefix("<![CDATA[").removesuffix("]]>")
        has_tags = _TAG.search(inner) is not None
        return ("CDATA HTML" if has_tags else "CDATA text"), inner
    if "&amp;lt;" in raw:
        return "double-escaped HTML", html.unescape(html.unescape(raw))
    unescaped = html.unescape(raw)
    if _TAG.search(unescaped):
        return "entity-escaped HTML", unescaped
    return ("plain text" if stripped else "empty"), ""


def date_shape(text: str) -> str:
    """'Mon, 05 Jan 2015 10:30:59 +0800' -> 'Aaa, 99 Aaa 9999 99:99:99 +0800' (zones kept)."""
    shape = re.sub(r"\d", "9", text.strip())
    zone = re.search(r"([+-]\d{4}|[A-Z]{2,4})$", text.strip())
    shape = re.sub(r"[A-Za-z]+", lambda m: "A" + "a" * (len(m.group()) - 1), shape)
    return shape[: -len(zone.group())] + zone.group() if zone else shape


def link_shape(url: str) -> str:
    """Scheme, host and first path segment: ``https://archive.is/newest/…``."""
    url = html.unescape(url.strip())
    match = re.match(r"([a-z]+:)?(//[^/?#]*)?(/+[^/?#]*)?", url)
    if not match or not match.group():
        return "(relative) " + url[:20]
    return "".join(g for g in match.groups() if g) + "/…"


def compare(old: Form, new: Form) -> list[str]:
    """The differences of form, one line each (set differences; counts only for a gist)."""
    lines = [f"items {old.items} -> {new.items}; bytes {old.size} -> {new.size}"]
    for name in ("damage", "declaration"):
        if getattr(old, name) != getattr(new, name):
            lines.append(f"{name}: {getattr(old, name)!r} -> {getattr(new, name)!r}")
    for name in Form.__dataclass_fields__:
        a, b = getattr(old, name), getattr(new, name)
        if not isinstance(a, set | Counter):
            continue
        gone, came = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        if gone or came:
            lines.append(f"{name}: gone {gone} / new {came}")
        if isinstance(a, Counter) and name.endswith("forms") and a != b:
            lines.append(f"{name}: {dict(a)} -> {dict(b)}")
    lines.append(f"first description before: {old.first_description!r}")
    lines.append(f"first description after:  {new.first_description!r}")
    return lines


# --- what harness diff says --------------------------------------------------------------------


def harness_diff(old: str, new: str) -> tuple[int, list[tuple[str, str]]]:
    """Exit code and (kind, level) of every finding of ``harness diff OLD NEW``."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["--config", str(CONFIG), "diff", str(REPO / old), str(REPO / new), "--format", "json"]
    code = run(argv, stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    kinds = [(f["kind"], f["level"]) for feed in data["feeds"] for f in feed["findings"]]
    return code, kinds


# --- the document -------------------------------------------------------------------------------


def load_verdicts(path: Path = VERDICTS) -> list[dict[str, Any]]:
    """The hand-written truth table: one ``[[pair]]`` per compared pair."""
    with path.open("rb") as fh:
        return list(tomllib.load(fh)["pair"])


def md(text: str) -> str:
    """Feed text safe in a Markdown table cell (pipes, angle brackets, backticks as entities)."""
    text = html.escape(text, quote=False).replace("|", "&#124;").replace("`", "&#96;")
    return text.replace("\n", " ")


def cell(text: str) -> str:
    """Evidence text: ``code spans`` kept as code (escaped inside), the rest escaped."""
    parts = re.split(r"``(.*?)``", text)
    return "".join(md(p) if i % 2 == 0 else f"<code>{md(p)}</code>" for i, p in enumerate(parts))


def table_rows(verdicts: Sequence[dict[str, Any]], corpus: str) -> Iterator[str]:
    for v in (v for v in verdicts if v["corpus"] == corpus):
        code, kinds = harness_diff(v["old"], v["new"])
        said = ", ".join(f"{k} ({lvl})" for k, lvl in kinds) or "no finding"
        expected = f"{v['expected']}" + (f": {', '.join(v['kinds'])}" if v.get("kinds") else "")
        agree = "yes" if code == v["expected"] else "**no**"
        pair = f"{Path(v['old']).stem} → {Path(v['new']).stem}"
        if v.get("bridge"):
            pair += " (over a failure)"
        yield (
            f"| {md(pair)} | {cell(v['evidence'])} | {v['truth']} | {md(expected)} "
            f"| {code}: {md(said)} | {agree} |"
        )


HEADER = "| pair (old → new) | what changed in the bytes | truth | expected exit: kinds "
HEADER += "| `harness diff` today | agree |\n|---|---|---|---|---|---|"


def render(verdicts: Sequence[dict[str, Any]], intro: str) -> str:
    parts = [intro.rstrip() + "\n"]
    titles = {
        "dapenti": "dapenti.com (`tests/data/drift/dapenti/`)",
        "rss-arch": "ft-home via orx365/rss-arch (`tests/data/drift/rss-arch/`)",
        "rss-arch-feeds": "the other rss-arch feeds (`tests/data/drift/rss-arch-feeds/`)",
        "feedx-items": "feedx RFI, one stored item per recording (`tests/data/drift/feedx-items/`)",
        "feedx-periods": "feedx RFI, the bundled markup periods (`cassettes/feedx-rfi_*.yaml`)",
    }
    for corpus, title in titles.items():
        rows = list(table_rows(verdicts, corpus))
        agree = sum(r.endswith("| yes |") for r in rows)
        real = sum(v["expected"] == 1 for v in verdicts if v["corpus"] == corpus)
        parts.append(
            f"\n## {title}\n\n{len(rows)} pairs, {real} with a change of form; "
            f"{agree} agree with `harness diff` today.\n\n"
        )
        parts.append(HEADER + "\n" + "\n".join(rows) + "\n")
    return "".join(parts)


INTRO_END = "<!-- tables below: tools/corpus_pairs.py table -->"


def main(argv: Sequence[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = args.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="consecutive pairs per corpus, and whether verdicts.toml has them")
    show = sub.add_parser("show", help="the differences of form between two recordings")
    show.add_argument("old", type=Path)
    show.add_argument("new", type=Path)
    table = sub.add_parser("table", help="rewrite docs/verdicts.md (tool columns re-run)")
    table.add_argument("--check", action="store_true")
    opts = args.parse_args(argv)
    if opts.command == "show":
        print("\n".join(compare(form_of(body_of(opts.old)), form_of(body_of(opts.new)))))
        print("harness diff:", harness_diff(rel(opts.old), rel(opts.new)))
        return 0
    verdicts = load_verdicts()
    if opts.command == "list":
        known = {(v["old"], v["new"]) for v in verdicts}
        for corpus, old, new in consecutive_pairs():
            print(f"{corpus}\t{old}\t{new}\t{'judged' if (old, new) in known else 'NOT JUDGED'}")
        return 0
    intro = DOC.read_text("utf-8").split(INTRO_END)[0] + INTRO_END + "\n"
    text = render(verdicts, intro)
    if opts.check:
        stale = DOC.read_text("utf-8") != text
        print("docs/verdicts.md would change" if stale else "docs/verdicts.md is current")
        return 1 if stale else 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {rel(DOC)}: {len(verdicts)} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
