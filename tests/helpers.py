"""Small builders shared by the integration tests: hand-written vcrpy cassettes and configs."""

from __future__ import annotations

import json
import re
from pathlib import Path

RSS_ITEM = """<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>
<pubDate>{date}</pubDate><description><![CDATA[{body}]]></description></item>"""


def rss(items: list[dict[str, str]], *, title: str = "Test feed", language: str = "en") -> str:
    """An RSS 2.0 document with the given items (keys: title, link, guid, date, body)."""
    rendered = "\n".join(
        RSS_ITEM.format(
            title=i.get("title", "t"),
            link=i.get("link", "https://example.test/a"),
            guid=i.get("guid", i.get("link", "https://example.test/a")),
            date=i.get("date", "Wed, 06 Dec 2023 15:45:03 GMT"),
            body=i.get("body", "b"),
        )
        for i in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.test/</link><language>{language}</language>\n{rendered}\n"
        "</channel></rss>\n"
    )


def cassette_yaml(
    url: str,
    body: str,
    *,
    status: int = 200,
    content_type: str = "application/rss+xml; charset=utf-8",
) -> str:
    """A one-interaction cassette in vcrpy's YAML format (body as a JSON-quoted YAML string)."""
    return (
        "interactions:\n"
        "- request:\n"
        "    body: null\n"
        "    headers: {}\n"
        "    method: GET\n"
        f"    uri: {url}\n"
        "  response:\n"
        "    body:\n"
        f"      string: {json.dumps(body, ensure_ascii=False)}\n"
        f"    headers:\n      Content-Type:\n      - {content_type}\n"
        f"    status:\n      code: {status}\n      message: OK\n"
        "version: 1\n"
    )


def write_cassette(folder: Path, name: str, url: str, body: str, **kw: object) -> Path:
    """Write a hand-made cassette and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(cassette_yaml(url, body, **kw), encoding="utf-8")  # type: ignore[arg-type]
    return path


# no-mojibake's candidates (UTF-8 read as Windows-1252), written out here as the tests' reference
MOJIBAKE_CANDIDATE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


def reference_find_mojibake(text: str) -> tuple[str, str] | None:
    """find_mojibake as first written: every candidate run, no pre-check (the fast paths'
    reference)."""
    for match in MOJIBAKE_CANDIDATE.finditer(text):
        out = bytearray()
        for char in match.group(0):
            try:
                out += char.encode("cp1252")
            except UnicodeEncodeError:
                if ord(char) > 0xFF:
                    break
                out.append(ord(char))
        else:
            try:
                return match.group(0), bytes(out).decode("utf-8")
            except UnicodeDecodeError:
                continue
    return None
