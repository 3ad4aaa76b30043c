"""A drift report full of hostile feed text, and what the report tests check it with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from drift_paths import VARIANTS
from lxml import html as lxml_html

from harness.cassettes import load_cassette, make_interaction, write_cassette
from harness.drift import DriftReport, FeedHistory, Finding, diff
from harness.drift.fingerprint import Fingerprint

Print = Callable[[Path], Fingerprint]
HOSTILE = (
    "<script>alert(1)</script> @someone [click](javascript:alert(1)) ``` `tick` "
    "<img src=x onerror=alert(2)> https://evil.example/x <!-- c --> | a | b |"
)


def build_hostile_report(tmp_path: Path, fingerprint: Print) -> DriftReport:
    """rfi-base with a hostile block in every item (so it repeats: a boilerplate candidate)."""
    base = load_cassette(VARIANTS / "rfi-base.yaml")
    interaction = base.interactions[0]
    block = f'<div class="promo">{HOSTILE}</div>'.replace("]]>", "")
    body = interaction.response.body.decode("utf-8").replace(
        "]]></description>", block + "]]></description>"
    )
    body = body.replace("<title>", "<title>@someone `x` ", 2)
    path = tmp_path / "hostile.yaml"
    write_cassette(
        path,
        [
            make_interaction(
                interaction.uri, body.encode(), headers={"Content-Type": "application/rss+xml"}
            )
        ],
        base.meta,
    )
    result = diff(fingerprint(VARIANTS / "rfi-base.yaml"), fingerprint(path))
    assert result.drifted
    assert any("script" in e.excerpt for f in result.findings for e in f.examples)
    return DriftReport("diff", (result,))


def history_of(*findings: Finding) -> FeedHistory:
    """Feed rfi with these findings, first seen in a recording whose name needs escaping."""
    return FeedHistory("rfi", ("a,b:c.yaml",), findings)


def outside_code(html_text: str, needle: str) -> list[str]:
    """Text holding ``needle`` that is not inside a <code> element."""
    root = lxml_html.fromstring(f"<div>{html_text}</div>")

    def in_code(el: object) -> bool:
        return any(a.tag == "code" for a in [el, *el.iterancestors()])  # type: ignore[attr-defined]

    bad = []
    for node in root.iter():
        if node.text and needle in node.text and not in_code(node):
            bad.append(node.text)
        parent = node.getparent()
        if node.tail and needle in node.tail and (parent is None or not in_code(parent)):
            bad.append(node.tail)
    return bad
