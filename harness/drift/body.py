"""The HTML body of an item, walked once: element paths, attributes, links, text blocks, roles.

The body is parsed with lxml's HTML parser. Its top-level children (and the texts around them)
are the *blocks*, numbered in order; a signal notes the block where it was first met. Text
blocks (leaf blocks) are hashed for the boilerplate look-up (:mod:`harness.drift.draft`), and
the parser's dateline, lead, paragraphs and author are found among them (``role:`` signals).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any, NamedTuple

from lxml import etree

from harness.drift.draft import Draft
from harness.drift.forms import MEMO, digest, host_key, link_form, norm, short
from harness.drift.structure import EMPHASIS, LOOSE, Tally, coarse_label, position_signals
from harness.model import Item

__all__ = [
    "TAG_NAME",
    "URLISH",
    "block_parents",
    "element_form",
    "holds_no_block",
    "may_be_urlish",
    "parse_body",
    "role_signals",
    "tag_case",
    "text_of",
    "walk",
]

_BLOCKS = frozenset({
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd",
    "dt", "figcaption", "section", "article", "aside", "header", "footer", "address", "center",
    "table", "ul", "ol", "dl", "figure", "form", "main", "nav", "tr",
})  # fmt: skip
_BLOCK_TAGS = tuple(sorted(_BLOCKS))
_SKIP = frozenset({"script", "style", "noscript", "template", "head"})
_DIGITS = re.compile(r"\d+")
_ASCII_DIGITS = re.compile(r"[0-9]+")
TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9]*)")
_UPPER_TAG = re.compile(r"<[A-Z][A-Z0-9]*(?![A-Za-z0-9])")  # TAG_NAME names with isupper()
_LOWER_TAG = re.compile(r"<[a-z][a-z0-9]*(?![A-Za-z0-9])")  # TAG_NAME names with islower()
_WORD = re.compile(r"\w")
URLISH = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|run|best|xyz|top|fr|cn|io)\b")
_URLISH_TLD = re.compile(r"\.(?:com|net|org|run|best|xyz|top|fr|cn|io)")
_SHAPE_MAX = 200
_HOST_FAMILY = {"href": "host", "src": "imghost"}
_PATH_DEPTH = 3
_LABEL_MAX = 60
_HTML_PARSER = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
)


def parse_body(html: str) -> Any:
    """The ``body`` element of an HTML fragment (the root when it has none); None if unreadable."""
    data = ("<html><body>" + html + "</body></html>").encode("utf-8", "surrogatepass")
    try:
        root = etree.fromstring(data, _HTML_PARSER)
    except (etree.LxmlError, ValueError):
        return None
    if root is None:
        return None
    body = root.find("body")
    return root if body is None else body


def _parser_lowercases() -> bool:
    """Whether the HTML parser writes ASCII tag names in lowercase (libxml2 does)."""
    names = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Div", "P", "BLOCKQUOTE"
    body = parse_body("".join(f"<{n}>x</{n}>" for n in names))
    tags = [el.tag for el in body.iterdescendants()] if body is not None else []
    return tags == [n.lower() for n in names]


_PARSER_LOWERCASES = _parser_lowercases()


@functools.lru_cache(maxsize=MEMO)
def element_form(
    tag: str, classes: str | None, names: tuple[str, ...]
) -> tuple[str, str, tuple[str, ...]]:
    """(label, lowercase tag, ``attr:`` signals) of an element: a pure function of its tag,
    class attribute and attribute names, so the walk computes it once per distinct element form.
    """
    lower = tag.lower()
    attrs = tuple(
        f"attr:{lower}@{name.lower()[:30]}"
        for name in names
        if name != "class" and not name.startswith("data-")
    )
    if not names:
        return lower[:24], lower, attrs
    parts = [lower[:24]]
    parts += ["." + _DIGITS.sub("D", c)[:24] for c in sorted(set((classes or "").split()))[:3]]
    data = sorted(a for a in names if a.startswith("data-"))[:3]
    parts += [f"[{_ASCII_DIGITS.sub('D', a)[:30]}]" for a in data]
    return "".join(parts)[:_LABEL_MAX], lower, attrs


def tag_case(html: str, draft: Draft) -> None:
    """How tag names are written: the share of ``TAG_NAME`` names that are upper/lowercase.

    A name is all of ``[A-Za-z0-9]`` and starts with a letter, so ``isupper()`` means no
    lowercase letter in it: ``_UPPER_TAG`` counts those (the lookahead rejects a cut name).
    """
    head = html[:200_000]
    upper = len(_UPPER_TAG.findall(head))
    lower = len(_LOWER_TAG.findall(head))
    if upper + lower == 0:
        return
    share = upper / (upper + lower)
    form = "upper" if share >= 0.8 else "lower" if share <= 0.2 else "mixed"
    draft.add(f"case:{form}", excerpt=short(html[:400], 100))


class _Step(NamedTuple):
    """What the walk needs of an element, a pure function of its path state and its form."""

    n: int  # numbers the steps (an element's signals depend on more than its path state)
    sid: int  # the element's path state (labels and raw tag), numbered
    labels: tuple[str, ...]  # labels of the last three levels
    raw: str
    tag: str  # lowercase
    path: str  # labels of the last three levels, joined with "/"
    signals: tuple[str, ...]  # ``tag:`` path and ``attr:`` signals
    blockish: bool  # a block tag or a child of a ``body`` tag: a text block if it is a leaf
    kind: int  # _IMG, _LINK or 0: which link attribute the element has signals for
    leafy: bool  # blockish and not a link: a text block when it holds no block
    coarse: str  # the coarse label of ``pos:`` signals (harness.drift.structure)
    emph: str  # "strong" or "em" for an emphasis element, else ""


_IMG = 1
_LINK = 2
_STEPS: dict[tuple[int, str, str | None, tuple[str, ...]], _Step] = {}
_STATES: dict[tuple[tuple[str, ...], str], int] = {}
_NUMBERS = itertools.count()  # numbers steps and states, never twice
_STEPS_MAX = 200_000  # memo entries; both are cleared between walks beyond this


def _state(labels: tuple[str, ...], raw: str) -> int:
    sid = _STATES.get((labels, raw))
    if sid is None:
        sid = _STATES[labels, raw] = next(_NUMBERS)
    return sid


def _step(key: tuple[int, str, str | None, tuple[str, ...]], parent: _Step) -> _Step:
    _, raw, classes, names = key
    label, tag, attrs = element_form(raw, classes, names)
    labels = (*parent.labels, label)[-_PATH_DEPTH:]
    path = "/".join(labels)
    blockish = tag in _BLOCKS or parent.raw == "body"
    signals = (f"tag:{path}", *attrs)
    sid = _state(labels, raw)
    kind = _IMG if tag == "img" else _LINK if tag == "a" else 0
    leafy = blockish and tag != "a"  # link texts (categories, tags) are content, not blocks
    coarse = coarse_label(raw, classes)
    emph = EMPHASIS.get(tag, "")
    step = _Step(
        next(_NUMBERS), sid, labels, raw, tag, path, signals, blockish, kind, leafy, coarse, emph
    )
    _STEPS[key] = step
    return step


def block_parents(body: Any, html: str) -> set[Any] | None:
    """The elements with a block child, found in C; None when tag names may need ``lower()``.

    The HTML parser lowercases ASCII tag names (checked once, :data:`_PARSER_LOWERCASES`);
    the only other character ``str.lower()`` turns into ASCII is the Kelvin sign.
    """
    if not _PARSER_LOWERCASES or "\u212a" in html:
        return None
    return {c.getparent() for c in body.iter(_BLOCK_TAGS)}


def walk(body: Any, draft: Draft, html: str) -> dict[str, tuple[str, int, Any]]:
    """Walk the body once: paths, attributes, links, text blocks; return text -> (path, top, el).

    The top-level children of the body (and the texts around them) are the *blocks*, numbered
    ``top`` in order; every element is visited in document order, a block's tail text after
    its elements. Script, style and the like are skipped with everything inside them.
    """
    by_text: dict[str, tuple[str, int, Any]] = {}
    text_by_tag: Counter[str] = Counter()
    images = 0
    tally = Tally()
    containers, holders = tally.containers, (tally.emphasis, tally.images, tally.links)
    blocks = draft.blocks
    loose = norm(body.text or "")
    if loose:
        blocks.append(loose)
        _text_block("#text", loose, 0, draft, text_by_tag)
        tally.note(tally.containers, LOOSE, len(loose), 0, "", "#text")
    where = draft.where  # a signal already placed needs nothing more (where ⊆ signals)
    add = draft.add
    if len(_STEPS) > _STEPS_MAX:  # numbers are never reused: a key of before only misses
        _STEPS.clear()
        _STATES.clear()
    root = _Step(-1, _state((), body.tag), (), body.tag, "", "", (), False, 0, False, "", "")
    # each visited element's step; the dict keeps the element proxies alive, so an element's
    # getparent() is the very object stored here (absent: inside a skipped element)
    steps_of: dict[Any, _Step] = {body: root}
    get_step = steps_of.get
    memo = _STEPS.get
    done: set[int] = set()  # steps whose signals are placed already
    with_block = block_parents(body, html)
    block: Any = None  # the current top-level block
    top = 0
    for el in body.iterdescendants():
        parent = el.getparent()
        raw = el.tag
        if parent is body:
            if block is not None:
                tail = block.tail  # the text after a block is the next block
                if tail and not tail.isspace():  # whitespace normalizes to nothing
                    _tail(block, draft, text_by_tag, tally)
                block = None
            if not isinstance(raw, str) or raw in _SKIP:
                continue
            block, top = el, len(blocks)
            blocks.append(el)
            up = root
        else:
            found = get_step(parent)
            if found is None or not isinstance(raw, str) or raw in _SKIP:
                continue
            up = found
        names = el.keys()
        key = (up.sid, raw, el.get("class") if names else None, tuple(names))
        step = memo(key) or _step(key, up)
        steps_of[el] = step
        if step.n not in done:
            done.add(step.n)
            for signal in step.signals:
                if signal not in where:
                    add(signal, top)
        kind = step.kind
        if (kind or step.emph) and (kind or ((el.text or len(el)) and text_of(el).strip())):
            # an image, a link or an emphasis holding text (not an empty icon): where it sits
            table = holders[kind]  # 0: emphasis, _IMG: images, _LINK: links
            counted = table.get((up.n, step.n))
            if counted is None:
                table[up.n, step.n] = [1, top, up.coarse, step.emph or step.tag]
            else:
                counted[0] += 1
        if kind:
            if kind == _IMG:
                images += 1
                link = _link_signals(el.get("src") or el.get("data-src") or "", "src")
            else:
                href = el.get("href")
                link = () if href is None else _link_signals(href, "href")
            for signal in link:
                if signal not in where:
                    add(signal, top)
        if not step.leafy:
            continue
        if with_block is None:
            if not holds_no_block(el):
                continue
        elif el in with_block:
            continue
        text = " ".join(((el.text or "") if not len(el) else text_of(el)).split())  # norm
        if text:
            _text_block(step.tag, text, top, draft, text_by_tag)
            held = containers.get((up.n, step.n))
            if held is None:
                containers[up.n, step.n] = [len(text), top, up.coarse, step.coarse]
            else:
                held[0] += len(text)
            if text not in by_text:
                by_text[text] = (step.path, top, el)
    if block is not None:
        _tail(block, draft, text_by_tag, tally)
    position_signals(draft, tally)
    draft.metrics["images"] = float(images)
    draft.metrics["text"] = float(sum(text_by_tag.values()))
    draft.metrics.setdefault("paragraphs", float(len(draft.texts)))
    if text_by_tag:
        draft.signals.add(f"tb:{text_by_tag.most_common(1)[0][0]}")
    return by_text


def _tail(block: Any, draft: Draft, text_by_tag: Counter[str], tally: Tally) -> None:
    """The text after a top-level block, as a block of its own."""
    tail = norm(block.tail or "")
    if tail:
        draft.blocks.append(tail)
        top = len(draft.blocks) - 1
        _text_block("#text", tail, top, draft, text_by_tag)
        tally.note(tally.containers, LOOSE, len(tail), top, "", "#text")


def text_of(el: Any) -> str:
    """``"".join(el.itertext())`` (the element's text and its descendants', no tail), in C."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)  # type: ignore[no-any-return]


def holds_no_block(el: Any) -> bool:
    """A leaf block: no child is a block element (checked for blocks and the body's children)."""
    return not any(isinstance(c.tag, str) and c.tag.lower() in _BLOCKS for c in el)


def _text_block(tag: str, text: str, top: int, draft: Draft, text_by_tag: Counter[str]) -> None:
    text_by_tag[tag] += len(text)
    if _WORD.search(text):  # punctuation between links (", ") is not a block
        draft.texts.append((digest(text), top, text))
    if len(text) <= _SHAPE_MAX and may_be_urlish(text) and URLISH.search(text):
        masked = URLISH.sub("<url>", text)
        draft.add(f"shape:{digest(masked)}", top, short(text))


def may_be_urlish(text: str) -> bool:
    """False when ``URLISH`` cannot match: no ``://`` (of ``https?://``), no ``www.``, no TLD."""
    return "://" in text or "www." in text or _URLISH_TLD.search(text) is not None


@functools.lru_cache(maxsize=MEMO)
def _link_signals(value: str, kind: str) -> tuple[str, ...]:
    """The signals of an ``href`` (``kind``, ``host``) or ``src`` (``kind``, ``imghost``)."""
    form, host = link_form(value)
    if not host:
        return (f"{kind}:{form}",)
    return f"{kind}:{form}", f"{_HOST_FAMILY[kind]}:{host_key(host)}"


def role_signals(item: Item, by_text: Mapping[str, tuple[str, int, Any]], draft: Draft) -> None:
    """Where the parser's dateline, lead, paragraphs, author and images were found."""
    dateline = item.get("dateline")
    if isinstance(dateline, dict) and isinstance(dateline.get("text"), str):
        found = by_text.get(norm(dateline["text"]))
        if found is not None:
            draft.add(f"role:dateline={found[0]}#{found[1]}", found[1])
    lead = item.get("lead")
    if isinstance(lead, str) and lead:
        found = by_text.get(norm(lead))
        if found is not None:
            draft.add(f"role:lead={found[0]}|{_child_tags(found[2])}", found[1])
    paragraphs = item.get("paragraphs")
    if isinstance(paragraphs, list) and paragraphs:
        paths = Counter(by_text[p][0] for p in paragraphs if isinstance(p, str) and p in by_text)
        if paths:
            draft.add(f"role:paragraphs={paths.most_common(1)[0][0]}")
    author = item.get("author")
    if isinstance(author, str) and author and "lead" in item:
        for text, (path, top, _) in by_text.items():
            if author in text and len(text) <= len(author) + 16:
                draft.add(f"role:author={path}", top)
                break


def _child_tags(el: Any) -> str:
    return ",".join(sorted({c.tag.lower() for c in el if isinstance(c.tag, str)}))[:40]
