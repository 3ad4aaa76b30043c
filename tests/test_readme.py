"""The README's code examples run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from helpers import rss

from harness.invariants import CheckContext, get_invariant
from harness.model import Response

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def run_block(marker: str) -> dict[str, Any]:
    (code,) = [b for b in BLOCKS if marker in b]
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102  (our own documentation)
    return namespace


def test_parser_example() -> None:
    cls = run_block("class SectionParser")["SectionParser"]
    body = rss([{"title": "A", "link": "https://x.test/a"}]).replace(
        "<title>A</title>", "<title>A</title><category>news</category>"
    )
    body = body.replace(
        "</channel>",
        "<item><title>B</title><link>https://x.test/b</link>"
        "<category>sport</category></item></channel>",
    )
    response = Response("https://x.test/feed.xml", 200, {}, body.encode())
    output = cls(section="news").parse(response, fetch=lambda url: response)
    assert [item["title"] for item in output.items] == ["A"]
    assert cls.schema == "feed-item"


def test_invariant_example() -> None:
    run_block('@invariant("summary-short")')
    bound = get_invariant("summary-short").bind({"max-chars": 5})
    items = [{"id": "1", "url": "https://x.test/1", "summary": "far too long"}]
    (found,) = bound.iter_violations(items, CheckContext())
    assert (found.check, found.field, found.item_index) == ("summary-short", "summary", 0)
