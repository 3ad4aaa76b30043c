"""The built-in invariants. Each yields violations; the runner stamps id and severity."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from harness import textsafe
from harness.invariants import CheckContext, invariant
from harness.model import Item, Violation
from harness.textclass import SCRIPT_RE, clearly_in_script, script_share

BUILTIN_BOILERPLATE: tuple[str, ...] = (
    "获取更多RSS",  # feedx.net promo footer
    "feedx.net",
    "feedx.xyz",
    "feedx.best",
    "feedx.run",
    "feedx.top",
    "data-selfpromo",
    "o-self-promo",  # RFI self-promotion blocks
    "share-button",
    "share-modal",
    "data-root-share",  # RFI share widget (2023-09 on)
    "intent/tweet",
    "api.whatsapp.com",
)


def shorten(value: Any, width: int = 120) -> str:
    """A one-line, bounded rendering of an observed value."""
    text = value if isinstance(value, str) else repr(value)
    return textsafe.shorten(" ".join(text.split()), width)


def violation(item: Item, index: int, field: str, message: str, **kw: Any) -> Violation:
    """A violation naming the item by index, id and URL."""
    observed = kw.pop("observed", None)
    return Violation(
        check="",
        message=message,
        field=field,
        observed=None if observed is None else shorten(observed),
        item_index=index,
        item_id=_str_or_none(item.get("id")),
        item_url=_str_or_none(item.get("url")),
        **kw,
    )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_PARAGRAPH_PATHS = tuple(f"paragraphs/{i}" for i in range(256))  # formatted once, not per call


def text_fields(item: Item) -> list[tuple[str, str]]:
    """(path, text) of every plain-text field of an item or article record."""
    get = item.get
    found = []
    for key in ("title", "lead", "author"):
        value = get(key)
        if isinstance(value, str):
            found.append((key, value))
    dateline = get("dateline")
    if isinstance(dateline, dict) and isinstance(dateline.get("text"), str):
        found.append(("dateline/text", dateline["text"]))
    paragraphs = get("paragraphs")
    if paragraphs:
        paths = _PARAGRAPH_PATHS
        found += [
            (paths[i] if i < 256 else f"paragraphs/{i}", p)
            for i, p in enumerate(paragraphs)
            if isinstance(p, str)
        ]
    return found


def _parse_utc(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _minutes(delta: timedelta) -> str:
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hours, rest = divmod(total, 3600)
    return (
        f"{sign}{hours}h{rest // 60:02d}m{rest % 60:02d}s"
        if hours
        else f"{sign}{rest // 60}m{rest % 60:02d}s"
    )


@invariant("timestamp-matches-dateline")
def timestamp_matches_dateline(
    items: Sequence[Item],
    ctx: CheckContext,
    *,
    max_lead: timedelta = timedelta(minutes=5),
    max_lag: timedelta = timedelta(minutes=90),
) -> Iterator[Violation]:
    """The item timestamp is at most max-lead before and max-lag after the body's date line."""
    for i, item in enumerate(items):
        stamp = _parse_utc(item.get("published"))
        dateline = item.get("dateline")
        if stamp is None:
            yield violation(
                item,
                i,
                "published",
                "item has no usable timestamp to compare",
                observed=item.get("published_raw"),
                expected="a parseable timestamp",
            )
            continue
        if not isinstance(dateline, dict):
            yield violation(
                item,
                i,
                "dateline",
                "body has no date line",
                observed=None,
                expected="a date line like DD/MM/YYYY - HH:MM",
            )
            continue
        line_time = _parse_utc(dateline.get("time"))
        if line_time is None:
            yield violation(
                item,
                i,
                "dateline/time",
                "date line does not parse",
                observed=dateline.get("text"),
                expected="DD/MM/YYYY - HH:MM",
            )
            continue
        offset = stamp - line_time
        if offset < -max_lead or offset > max_lag:
            yield violation(
                item,
                i,
                "published",
                f"timestamp is {_minutes(offset)} from the date line "
                f"{dateline.get('text')!r} ({line_time.astimezone(UTC):%Y-%m-%dT%H:%M}Z)",
                observed=item.get("published"),
                expected=f"between {_minutes(-max_lead)} and {_minutes(max_lag)} of the date line",
            )


_URL_DATE = re.compile(r"/(20\d{2})(\d{2})(\d{2})-")


@invariant("url-date-matches-timestamp")
def url_date_matches_timestamp(
    items: Sequence[Item], ctx: CheckContext, *, tolerance_days: int = 1, required: bool = False
) -> Iterator[Violation]:
    """The YYYYMMDD in the item URL is within tolerance-days of the item timestamp."""
    for i, item in enumerate(items):
        url, stamp = item.get("url"), _parse_utc(item.get("published"))
        match = _URL_DATE.search(unquote(url)) if isinstance(url, str) else None
        if match is None:
            if required:
                yield violation(
                    item,
                    i,
                    "url",
                    "URL carries no /YYYYMMDD- date",
                    observed=url,
                    expected="/YYYYMMDD-",
                )
            continue
        if stamp is None:
            continue  # reported by timestamp checks
        try:
            year, month, day = (int(g) for g in match.groups())
            url_day = datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            yield violation(
                item,
                i,
                "url",
                "URL date is not a calendar date",
                observed=match.group(0),
                expected="/YYYYMMDD-",
            )
            continue
        days = (stamp.date() - url_day.date()).days
        if abs(days) > tolerance_days:
            yield violation(
                item,
                i,
                "url",
                f"URL date is {days:+d} days from the timestamp",
                observed=match.group(0).strip("/-"),
                expected=f"{stamp:%Y%m%d} ± {tolerance_days} day(s)",
            )


@invariant("paragraphs-nonempty")
def paragraphs_nonempty(
    items: Sequence[Item], ctx: CheckContext, *, min_paragraphs: int = 1
) -> Iterator[Violation]:
    """At least min-paragraphs paragraphs, none empty or whitespace-only."""
    for i, item in enumerate(items):
        paragraphs = item.get("paragraphs") or []
        if len(paragraphs) < min_paragraphs:
            yield violation(
                item,
                i,
                "paragraphs",
                f"{len(paragraphs)} paragraph(s)",
                observed=str(len(paragraphs)),
                expected=f">= {min_paragraphs}",
            )
        for j, para in enumerate(paragraphs):
            if not isinstance(para, str) or not para.strip():
                yield violation(
                    item,
                    i,
                    f"paragraphs/{j}",
                    "empty paragraph",
                    observed=repr(para),
                    expected="non-blank text",
                )


@invariant("boilerplate-stripped")
def boilerplate_stripped(
    items: Sequence[Item], ctx: CheckContext, *, markers: tuple[str, ...] = ()
) -> Iterator[Violation]:
    """No configured or built-in boilerplate marker appears in any text field."""
    wanted = tuple(dict.fromkeys((*ctx.boilerplate, *markers)))
    pattern = _markers_pattern(wanted)
    if pattern is None:
        return
    folded = _folded_pattern(wanted)
    for i, item in enumerate(items):
        fields = text_fields(item)
        # A case-insensitive regex tries every marker at every position (~15x slower than a
        # plain search): a plain search of the case-folded text clears most items first.
        if not folded.search(_fold("\n".join(text for _, text in fields))):
            continue
        for path, text in fields:
            found = pattern.search(text)
            if found:
                yield violation(
                    item,
                    i,
                    path,
                    f"boilerplate marker {found.group(0)!r} in text",
                    observed=text[max(0, found.start() - 30) : found.end() + 30],
                    expected="no boilerplate",
                )


@functools.lru_cache(maxsize=64)
def _markers_pattern(markers: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of all markers, compiled once per marker set."""
    if not markers:
        return None
    return re.compile("|".join(map(re.escape, markers)), re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _folded_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """The markers case-folded, as one plain alternation."""
    return re.compile("|".join(re.escape(_fold(m)) for m in markers))


_DOTTED = ("\u0130", "\u0131")  # İ and ı: the regex engine matches both with i, casefold does not


def _fold(text: str) -> str:
    """Case folding under which text matching a marker case-insensitively (``re.IGNORECASE``)
    still contains the folded marker (tests/unit/test_fast_paths.py checks every character)."""
    if _DOTTED[0] in text or _DOTTED[1] in text:
        text = text.replace(_DOTTED[0], "i").replace(_DOTTED[1], "i")
    return text.casefold()


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(\s[^<>]*)?/?>|<!--|-->")
_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;\s*/?[A-Za-z]", re.IGNORECASE)
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@invariant("no-markup-in-text")
def no_markup_in_text(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """No tags, escaped tags (&lt;p&gt;) or undecoded entities (&amp; &#160;) in text fields."""
    for i, item in enumerate(items):
        fields = text_fields(item)
        # Every match holds "<" or "&", or is "-->": text without them is plain (most items).
        joined = "\n".join(text for _, text in fields)
        if "<" not in joined and "&" not in joined and "-->" not in joined:
            continue
        for path, text in fields:
            for pattern, what in (
                (_TAG, "markup"),
                (_ESCAPED_TAG, "escaped markup"),
                (_ENTITY, "an undecoded entity"),
            ):
                found = pattern.search(text)
                if found:
                    yield violation(
                        item,
                        i,
                        path,
                        f"{what} in text",
                        observed=text[max(0, found.start() - 20) : found.end() + 20],
                        expected="plain text",
                    )
                    break


@invariant("links-absolute")
def links_absolute(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """Item URL and images are absolute http(s) URLs on the feed's allowed hosts."""
    hosts = tuple(h.lower().lstrip(".") for h in ctx.allowed_hosts)
    for i, item in enumerate(items):
        links: list[tuple[str, Any]] = [("url", item.get("url"))]
        links += [(f"images/{j}", u) for j, u in enumerate(item.get("images") or ())]
        for path, link in links:
            if link is None and path == "url":
                continue  # a feed item without a link is the schema's business
            problem = _link_problem(link, hosts)
            if problem:
                yield violation(
                    item,
                    i,
                    path,
                    problem,
                    observed=link,
                    expected="absolute http(s) URL" + (f" on {', '.join(hosts)}" if hosts else ""),
                )


# A URL whose scheme and host urlsplit reads without surprises: a lower-case http(s) scheme, an
# ASCII host of letters, digits, dots and hyphens (no user, no brackets, no zone), an optional
# numeric port, then nothing urlsplit strips or removes (C0 controls, space). Its host is
# ``group(1).lower()``, as urlsplit's; any other URL goes through urlsplit.
_PLAIN_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(?::[0-9]*)?(?:[/?#][^\x00-\x20]*)?")


def _link_problem(link: Any, hosts: tuple[str, ...]) -> str | None:
    if not isinstance(link, str):
        return "link is not a string"
    plain = _PLAIN_URL.fullmatch(link)
    if plain is not None:
        host = plain.group(1).lower()
    else:
        try:
            parts = urlsplit(link)
            hostname = parts.hostname
        except ValueError as err:  # "http://example.c[o.test/": a malformed IPv6 host
            return f"malformed URL ({err})"
        if parts.scheme not in ("http", "https") or not hostname:
            return "relative or non-http link"
        host = hostname.lower()
    if hosts and host not in hosts and not any(host.endswith("." + h) for h in hosts):
        return f"link on host {host!r}, not an allowed host"
    return None


@invariant("unique-ids")
def unique_ids(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """No two items share an id (or, lacking ids, a URL)."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = item.get("id") or item.get("url")
        if not isinstance(key, str):
            continue
        if key in seen:
            yield violation(
                item, i, "id", f"same id as item {seen[key]}", observed=key, expected="a unique id"
            )
        else:
            seen[key] = i


@invariant("title-nonempty")
def title_nonempty(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """Every item has a non-blank title."""
    for i, item in enumerate(items):
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            yield violation(
                item, i, "title", "empty title", observed=repr(title), expected="non-blank text"
            )


@invariant("script-matches-language")
def script_matches_language(
    items: Sequence[Item],
    ctx: CheckContext,
    *,
    language: str | None = None,
    min_share: float = 0.5,
    max_latin1_share: float = 0.1,
    min_letters: int = 20,
) -> Iterator[Violation]:
    """Text is mostly in the feed language's script; many Latin-1 letters suggest mojibake."""
    lang = (language or ctx.language or "").lower().split("-")[0]
    if not lang:
        return
    non_latin = lang in SCRIPT_RE
    # Whether _clearly_passes may decide: only when an item with no letters is skipped
    # (min_letters >= 1) and a Latin-1 share of 0 passes.
    may_clear = min_letters >= 1 and not max_latin1_share < 0.0
    for i, item in enumerate(items):
        text = " ".join(t for _, t in text_fields(item))
        if len(text) < min_letters or (may_clear and clearly_in_script(text, lang, min_share)):
            continue  # fewer characters than min-letters: fewer letters too
        share, letters, latin1 = script_share(text, lang)
        if letters < min_letters:
            continue
        if share < min_share or (non_latin and latin1 / letters > max_latin1_share):
            yield violation(
                item,
                i,
                "paragraphs",
                f"{share:.0%} of letters in the {lang!r} script, {latin1 / letters:.0%} Latin-1 "
                "(mojibake?)",
                observed=text[:60],
                expected=f">= {min_share:.0%} {lang!r} script, <= {max_latin1_share:.0%} Latin-1",
            )


@invariant("items-present")
def items_present(
    items: Sequence[Item], ctx: CheckContext, *, min_items: int = 1
) -> Iterator[Violation]:
    """The recording holds at least min-items items (an empty feed is reported, not accepted)."""
    if len(items) < min_items:
        yield Violation(
            check="",
            message=f"the feed has {len(items)} item(s)",
            field="items",
            observed=str(len(items)),
            expected=f">= {min_items} item(s)",
        )


import harness.checks.form  # noqa: E402, F401  (registers text-complete and timezone-matches)
