"""Items for the invariant tests: the seed article record, its variants, recorded items."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from harness.cassettes import load_cassette
from harness.invariants import CheckContext, get_invariant
from harness.model import Item, Response
from harness.parsers.feedx import FeedxRfiParser
from harness.parsers.rss import RssParser

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
URL = (
    "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F%E6%A3%80%E7%B4%A2/%E8%A6%81%E9%97%BB%E8%A7%A3%E8%AF%B4/"
    "20231206-%E7%8E%8B%E6%AF%85"
)
SEED: dict[str, Any] = {  # the seed item (corpus/seed), as the feedx-rfi parser returns it
    "id": URL,
    "url": URL,
    "title": "王毅与布林肯通电话 聚焦加沙战事和台湾问题 - 要闻解说",
    "published": "2023-12-06T15:45:03Z",
    "published_raw": "Wed, 06 Dec 2023 15:45:03 GMT",
    "author": "夏榕",
    "summary": "<div>06/12/2023 - 16:42</div>…",
    "content": None,
    "categories": [],
    "enclosures": [],
    "dateline": {
        "text": "06/12/2023 - 16:42",
        "time": "2023-12-06T16:42:00+01:00",
        "timezone": "Europe/Paris",
    },
    "lead": "据法新社援引中国外交部称，中国外交部长王毅周三12月6日通过电话与美国国务卿布林肯讨论了以色列与哈马斯之间的冲突。",
    "paragraphs": [
        "法新社说，据中国外交部一份新闻稿指出，有关加沙局势王毅在电话中说：“当务之急是停火，以尽快结束战斗。”",
        "上个月，中国国家主席习近平在金砖国家（Brics）虚拟特别峰会上亲自呼吁立即停止敌对行动。",
    ],
    "images": [
        "https://s.rfi.fr/media/display/e8ac8e10-744e-11ee-a457-005056bfb2b6/w:1280/p:16x9/AP23299790617867.jpg"
    ],
}
CTX = CheckContext(
    feed="rfi",
    timezone="Europe/Paris",
    boilerplate=("获取更多RSS",),
    allowed_hosts=("rfi.fr",),
    language="zh",
)
RFI = CheckContext(feed="rfi", timezone="Europe/Paris", language="zh")
DAPENTI = CheckContext(feed="dapenti", timezone="Asia/Shanghai", language="zh")
RSS = CheckContext(feed="ft-home", language="en")


def run(
    check: str, items: list[dict[str, Any]], ctx: CheckContext = CTX, **params: Any
) -> list[Any]:
    """The violations of invariant ``check`` (bound with ``params``) on ``items``."""
    return list(get_invariant(check).bind(params).iter_violations(items, ctx))


def variant(**changes: Any) -> dict[str, Any]:
    """The seed item with ``changes``."""
    item = copy.deepcopy(SEED)
    item.update(changes)
    return item


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"unexpected fetch of {url}")


@cache
def _items(name: str) -> tuple[Item, ...]:
    cassette = load_cassette(CASSETTES / name)
    parser = FeedxRfiParser() if name.startswith("feedx-rfi") else RssParser()
    return tuple(parser.parse(cassette.fetch(cassette.url), fetch=_no_fetch).items)


def recorded_items(name: str) -> list[Item]:
    """A copy of the items of a bundled recording, as its feed's parser reads them."""
    return copy.deepcopy(list(_items(name)))
