"""Whether a successful response can be a feed at all: an empty body, an HTML page, an anti-bot
challenge served with status 200 are transport problems of a recording, never format drift."""

from __future__ import annotations

from harness.model import Response

__all__ = ["feed_problem"]

_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body")
_ANTIBOT_TITLES = (
    "just a moment",
    "attention required",
    "access denied",
    "captcha",
    "are you a robot",
    "verify you are human",
    "security check",
    "ddos-guard",
)


def feed_problem(response: Response) -> str | None:
    """Why a 2xx response cannot be a feed (empty, an HTML page, an anti-bot page), or None."""
    body = response.body
    if not body.strip():
        return "empty body" if not body else f"body is only whitespace ({len(body)} bytes)"
    head = _skip_prolog(body[:4096].removeprefix(b"\xef\xbb\xbf"))
    if not head.lower().startswith(_HTML_START):
        return None
    title = _html_title(body)
    kind = "an HTML page"
    mitigated = response.headers.get("cf-mitigated", "")
    if mitigated or any(marker in title.lower() for marker in _ANTIBOT_TITLES):
        kind = "an anti-bot challenge page"
    shown = f"title {title!r}" if title else "no <title>"
    return f"not a feed: {kind} ({response.content_type or 'no Content-Type'}, {shown})"


def _skip_prolog(head: bytes) -> bytes:
    """Leading whitespace, XML declarations and comments removed."""
    while True:
        head = head.lstrip()
        if head.startswith(b"<?"):
            end = head.find(b"?>")
        elif head.startswith(b"<!--"):
            end = head.find(b"-->")
        else:
            return head
        if end < 0:
            return head
        head = head[end + 2 :].lstrip(b">")


def _html_title(body: bytes) -> str:
    lower = body[:65536].lower()
    start = lower.find(b"<title")
    if start < 0:
        return ""
    start = lower.find(b">", start) + 1
    end = lower.find(b"</title", start)
    if start <= 0 or end < 0:
        return ""
    text = body[start:end].decode("utf-8", "replace")
    return " ".join(text.split())[:80]
