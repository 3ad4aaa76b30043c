"""Text outside the RFI form is a body-structure problem; known blocks are known by their links.

Each case takes a real item (the seed, RFI 2023-12-06, or the 2024-02-03 item with the share
widget), changes its markup the way a source does, and checks the problem (and that the real item
has none).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.parsers.rfi import BodyParse, parse_rfi_body
from harness.parsers.rfiform import Place, looks_like_credit, misplaced

ITEMS = Path(__file__).resolve().parent.parent / "data" / "items"
SEED = "seed/000_46e50146a1d95ecb.txt"
SHARE = "rfi/2024-02-03_999990.md"
LEAD = (
    "<p><strong>据法新社援引中国外交部称，中国外交部长王毅周三12月6日通过电话与美国国务卿布林肯讨论"
    "了以色列与哈马斯之间的冲突。路透社报道也说，据美国国务院稍早声明，布林肯就近日中东行和美国在中东"
    "的外交努力与王毅商讨。                    </strong></p>"
)
AUTHOR = (
    '<div><div><div><div><span>作者：</span><a href="/cn/%E4%BD%9C%E8%80%85/%E5%A4%8F%E6%A6%95/" '
    'title="夏榕">夏榕</a></div></div></div></div>'
)
BODY_END = "<div data-selfpromo-newsletter></div>"
PROMO = "<div><p>欢迎关注我们的官方账号，获取更多精彩内容和独家报道。</p></div>"


def _item(name: str) -> tuple[str, str]:
    """(body HTML, link) of a stored item."""
    _, link_line, _, _, body = (ITEMS / name).read_text(encoding="utf-8").split("\n", 4)
    return body, link_line[link_line.rindex("](") + 2 : -1]


def _parse(name: str, old: str = "", new: str = "") -> BodyParse:
    body, link = _item(name)
    if old:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    return parse_rfi_body(body, base_url=link)


def _problems(parsed: BodyParse) -> list[tuple[str, str, str]]:
    return [(p.check, p.field, p.message) for p in parsed.problems]


@pytest.mark.parametrize("name", [SEED, SHARE])
def test_the_real_items_hold_the_form(name: str) -> None:
    assert _parse(name).problems == []


@pytest.mark.parametrize(
    "lead",
    [
        LEAD.replace("<p>", "<h2>").replace("</p>", "</h2>"),
        LEAD.replace("<p>", "<div>").replace("</p>", "</div>"),
        LEAD.replace("<p><strong>", '<p class="t-content__chapo">').replace("</strong>", ""),
    ],
    ids=["h2", "div", "classed-p"],
)
def test_a_lead_in_other_markup_is_text_before_the_body(lead: str) -> None:
    parsed = _parse(SEED, LEAD, lead)
    real = _parse(SEED)
    assert parsed.lead is None
    assert parsed.paragraphs == [real.lead, *real.paragraphs]
    assert _problems(parsed) == [
        (
            "body-structure",
            "paragraphs/0",
            "a text block before the article body that is not the bold lead",
        )
    ]


@pytest.mark.parametrize(
    "block",
    [
        "<p>文／夏榕</p>",
        '<p class="author">记者：夏榕</p>',
        '<div><span>撰稿：</span><a href="/cn/author/夏榕/">夏榕</a></div>',
    ],
)
def test_an_author_credit_in_other_markup_is_reported(block: str) -> None:
    parsed = _parse(SEED, AUTHOR, block)
    assert parsed.author is None
    [problem] = parsed.problems
    assert (problem.check, problem.field) == ("body-structure", f"paragraphs/{18}")
    assert problem.message.startswith("an author credit outside the author block")


def test_text_after_the_body_is_reported() -> None:
    parsed = _parse(SEED, "<br><hr>", PROMO + "<br><hr>")
    assert _problems(parsed) == [
        (
            "body-structure",
            "paragraphs/18",
            "text after the article body, where only the author, share, related-articles and "
            "footer blocks belong",
        )
    ]


def test_a_block_nested_in_the_body_is_reported() -> None:
    parsed = _parse(SEED, BODY_END, PROMO + BODY_END)
    assert parsed.paragraphs[-1] == "欢迎关注我们的官方账号，获取更多精彩内容和独家报道。"
    assert [p.message for p in parsed.problems] == [
        "text in a block nested inside the article body (a block the parser does not know)"
    ]


@pytest.mark.parametrize(
    "promo",
    [
        '<p class="app-promo">下载我们的应用程序，随时随地收听节目和阅读新闻。</p>',
        '<div class="o-newsletter-promo">订阅法广中文每日新闻简报。</div>',
    ],
)
def test_a_promo_block_reaching_the_text_is_reported(promo: str) -> None:
    parsed = _parse(SEED, BODY_END, promo + BODY_END)
    assert [p.message for p in parsed.problems] == [
        "the text of a promo block (a class naming a promo) reaches the paragraphs"
    ]


def test_a_new_paragraph_in_the_body_is_text() -> None:
    # a paragraph of the body's own <div> is article text, whatever it says
    parsed = _parse(SEED, BODY_END, "<p>立即订阅法广每日简报！</p>" + BODY_END)
    assert parsed.problems == []


@pytest.mark.parametrize("label", ["转发 :", "分享到：", "Partager :"])
def test_a_renamed_share_label_is_still_the_share_widget(label: str) -> None:
    parsed = _parse(SHARE, "<div>分享 :</div>", f"<div>{label}</div>")
    assert (parsed.paragraphs, parsed.problems) == (_parse(SHARE).paragraphs, [])


@pytest.mark.parametrize("label", ["订阅更多RSS源：", "RSS订阅："])
def test_a_renamed_footer_label_is_still_the_footer(label: str) -> None:
    parsed = _parse(SEED, "获取更多RSS：", label)
    assert (parsed.paragraphs, parsed.problems) == (_parse(SEED).paragraphs, [])


def test_a_share_block_with_a_long_text_is_not_boilerplate() -> None:
    text = "这是一段很长的正文，" * 5
    html = (
        "<div><p>正文。</p></div><div><p>x</p></div><div>"
        f'{text}<a href="https://www.facebook.com/sharer/x">Facebook</a></div>'
    )
    assert parse_rfi_body(html, base_url="https://www.rfi.fr/cn/").paragraphs == [
        "正文。",
        "x",
        text,
    ]


def test_the_author_is_known_by_its_link_when_the_label_is_garbled() -> None:
    parsed = _parse(SEED, "<span>作者：</span>", "<span>ä½œè€…ï¼š</span>")
    assert (parsed.author, parsed.problems) == ("夏榕", [])


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("文／夏榕", True),
        ("记者：夏榕", True),
        ("撰稿：夏榕、艾娃", True),
        ("作者: Jean Dupont", True),
        ("（译者：纪锦玲）", False),
        ("记者：您好，请问您怎么看？", False),
        ("文章开篇说，在举行了巴黎联合国气候变化大会七年后，巴黎再次成为环境外交的中心。", False),
        ("作者：" + "这是一段很长的正文" * 6, False),
    ],
)
def test_looks_like_credit(text: str, credit: bool) -> None:
    assert looks_like_credit(text) is credit


def test_without_a_body_container_nothing_is_misplaced() -> None:
    places = [
        Place(2, in_container=False, nested=False),
        Place(3, in_container=False, nested=False),
    ]
    assert list(misplaced(["一。", "文／夏榕"], places)) == []


def test_the_body_is_the_container_holding_most_paragraphs() -> None:
    body, nested = Place(4, in_container=True, nested=False), Place(4, True, nested=True)
    places = [Place(2, True, False), body, body, nested, Place(6, True, False)]
    found = [(i, m[:20]) for i, m, _ in misplaced(["a", "b", "c", "d", "e"], places)]
    assert found == [
        (0, "a text block before "),
        (3, "text in a block nest"),
        (4, "text after the artic"),
    ]
