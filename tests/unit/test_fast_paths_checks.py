"""Fast paths of the invariants give the answers of the plain code they replaced.

Each test keeps the plain version as a reference (the code as it was before the fast path) and
compares on generated input built from the characters that matter: lead characters of mojibake
and their UTF-8 neighbours, lone surrogates, CJK and Latin text, URL pieces, markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from helpers import reference_find_mojibake
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.checks import text_fields
from harness.checks.links import link_problem
from harness.invariants import CheckContext, get_invariant
from harness.model import Violation
from harness.textclass import SCRIPT_CLASSES, SCRIPT_RE, script_share
from harness.textclass import may_hold_mojibake as _may_hold_mojibake

# --- references: the plain code --------------------------------------------------------------

_LEADS = tuple(chr(code) for code in range(0xC2, 0xF5))
_TAG = re.compile(r"<[^<>]*>")
_CANDIDATE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


def _reference_text_fields(item: dict[str, Any]) -> list[tuple[str, str]]:
    found = [(k, item[k]) for k in ("title", "lead", "author") if isinstance(item.get(k), str)]
    dateline = item.get("dateline")
    if isinstance(dateline, dict) and isinstance(dateline.get("text"), str):
        found.append(("dateline/text", dateline["text"]))
    paragraphs = item.get("paragraphs")
    if paragraphs:
        found += [(f"paragraphs/{i}", p) for i, p in enumerate(paragraphs) if isinstance(p, str)]
    return found


def _reference_may_hold(text: str) -> bool:
    return any(lead in text for lead in _LEADS)


def _reference_mojibake_fields(
    item: dict[str, Any], html_fields: bool
) -> Iterator[tuple[str, str]]:
    fields = _reference_text_fields(item)
    html = [
        (key, item[key])
        for key in ("summary", "content")
        if html_fields and isinstance(item.get(key), str)
    ]
    if not _reference_may_hold("\n".join(text for _, text in (*fields, *html))):
        return
    yield from fields
    for key, raw in html:
        if _CANDIDATE.search(raw):
            yield key, _TAG.sub(" ", raw)


def _reference_letters(pattern: str, text: str) -> int:
    return sum(map(len, re.compile(f"[{pattern}]+").findall(text)))


_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"


def _reference_script_share(text: str, lang: str) -> tuple[float, int, int]:
    letters = sum(map(len, re.compile(r"[^\W\d_]+").findall(text)))
    wanted = _reference_letters(SCRIPT_CLASSES.get(lang, _LATIN), text)
    latin1 = _reference_letters("\u00c0-\u00ff", text)
    return (min(1.0, wanted / letters) if letters else 1.0), letters, latin1


def _reference_script_violations(
    items: list[dict[str, Any]],
    lang: str,
    min_share: float,
    max_latin1_share: float,
    min_letters: int,
) -> Iterator[tuple[int, str, str | None]]:
    non_latin = lang in SCRIPT_CLASSES
    for i, item in enumerate(items):
        text = " ".join(t for _, t in _reference_text_fields(item))
        share, letters, latin1 = _reference_script_share(text, lang)
        if letters < min_letters:
            continue
        if share < min_share or (non_latin and latin1 / letters > max_latin1_share):
            message = (
                f"{share:.0%} of letters in the {lang!r} script, {latin1 / letters:.0%} Latin-1 "
                "(mojibake?)"
            )
            yield i, message, None


def _reference_link_problem(link: Any, hosts: tuple[str, ...]) -> str | None:
    if not isinstance(link, str):
        return "link is not a string"
    try:
        parts = urlsplit(link)
        hostname = parts.hostname
    except ValueError as err:
        return f"malformed URL ({err})"
    if parts.scheme not in ("http", "https") or not hostname:
        return "relative or non-http link"
    host = hostname.lower()
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        return f"link on host {host!r}, not an allowed host"
    return None


_MARKUP = (
    re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(\s[^<>]*)?/?>|<!--|-->"),
    re.compile(r"&(?:amp;)*lt;\s*/?[A-Za-z]", re.IGNORECASE),
    re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
)


def _reference_markup(item: dict[str, Any]) -> list[tuple[str, int]]:
    found = []
    for path, text in _reference_text_fields(item):
        for pattern in _MARKUP:
            match = pattern.search(text)
            if match:
                found.append((path, match.start()))
                break
    return found


def _outcome(run: Any) -> Any:
    """The violations a call yields, or the exception it raises (type and message)."""
    try:
        return list(run())
    except Exception as err:  # the runner reports a crashing invariant by its message
        return (type(err).__name__, str(err))


# --- strategies --------------------------------------------------------------------------------

_CHARS = [
    *"aZ09 _\n-.,;",
    *_LEADS[:3],
    *_LEADS[-3:],
    "\u00c0",  # UTF-8 C3 80: a C3 byte, not a lead
    "\u00c1",
    "\u00d7",  # ×, a lead (C3 97)
    "\u00f5",  # first after the leads (C3 B5)
    "\u00ff",
    "\u0080",
    "\u00a9",
    "\u00bf",
    "\u0100",
    "\u2019",
    "\u20ac",
    "\u4e2d",
    "\u6587",
    "\u3002",
    "\uff0c",
    "\ufa6e",  # unassigned, inside the Han class
    "\U00020000",
    "\U0001f600",
    "\ud800",  # a lone surrogate (surrogateescape decoding leaves them)
    "\udcc3",
    "\u0416",
    "\u05d0",
    "\u03b1",
    "\u3042",
    "\uac00",
]
_MIXED = st.text(alphabet=st.sampled_from(_CHARS), max_size=40)
_ANY_TEXT = st.one_of(_MIXED, st.text(max_size=20), st.text(alphabet="abc XYZ.", max_size=40))
_MOJIBAKE = [
    w.encode("utf-8").decode("cp1252", "replace") for w in ("é", "’", "王", "ü", "×", "\u00a0")
]
_HTML = st.lists(
    st.one_of(st.sampled_from([*_MOJIBAKE, "<p>", "</p>", '<a title="Ã©">', "中文"]), _MIXED),
    max_size=6,
).map("".join)


# --- text_fields -------------------------------------------------------------------------------


@st.composite
def _items(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("title", "lead", "author", "summary", "content"):
        if draw(st.booleans()):
            item[key] = draw(st.one_of(_ANY_TEXT, _HTML, st.none(), st.integers()))
    if draw(st.booleans()):
        item["dateline"] = draw(
            st.one_of(st.fixed_dictionaries({"text": st.one_of(_MIXED, st.none())}), st.none())
        )
    if draw(st.booleans()):
        item["paragraphs"] = draw(
            st.one_of(
                st.lists(st.one_of(_ANY_TEXT, st.none(), st.integers()), max_size=5),
                _MIXED,
                st.none(),
            )
        )
    return item


@given(_items())
def test_text_fields_matches_the_reference(item: dict[str, Any]) -> None:
    assert text_fields(item) == _reference_text_fields(item)


def test_text_fields_names_paragraphs_past_the_formatted_paths() -> None:
    item = {"paragraphs": [f"p{i}" if i % 7 else None for i in range(300)]}
    assert text_fields(item) == _reference_text_fields(item)
    assert text_fields(item)[-1] == ("paragraphs/299", "p299")


# --- no-mojibake -------------------------------------------------------------------------------


@settings(max_examples=500)
@given(_MIXED)
@example("\u00c0\u00c1\u00f5\u00ff")  # C3 bytes without a lead
@example("\udcc3\u00c3")
def test_may_hold_mojibake_matches_the_lead_scan(text: str) -> None:
    assert _may_hold_mojibake(text) == _reference_may_hold(text)


def test_may_hold_mojibake_on_every_character_next_to_the_leads() -> None:
    for code in [*range(0x80, 0x180), 0xD800, 0xDCC3, 0xDFFF, 0x4E2D, 0x10000]:
        text = f"\u4e2d{chr(code)}x"
        assert _may_hold_mojibake(text) == _reference_may_hold(text), hex(code)


@settings(max_examples=300)
@given(_items(), st.booleans())
def test_no_mojibake_fires_exactly_where_the_reference_does(
    item: dict[str, Any], html_fields: bool
) -> None:
    check = get_invariant("no-mojibake").bind({"html-fields": html_fields})
    found = [(v.field, v.message) for v in check.iter_violations([item], CheckContext())]
    expected = []
    for path, text in _reference_mojibake_fields(item, html_fields):
        hit = reference_find_mojibake(text)
        if hit:
            message = f"mojibake: {hit[0]!r} is UTF-8 for {hit[1]!r} read as Windows-1252"
            expected.append((path, message))
            break
    assert found == expected


# --- script-matches-language -------------------------------------------------------------------

_LANGS = st.sampled_from(["zh", "ja", "ko", "ru", "ar", "he", "el", "en", "fr", "xx"])


@settings(max_examples=500)
@given(_ANY_TEXT, _LANGS)
@example("abc def", "zh")
@example("abc def", "en")
@example("", "en")
@example("123 ...", "zh")
def test_script_share_matches_the_three_scans(text: str, lang: str) -> None:
    assert script_share(text, lang) == _reference_script_share(text, lang)


@settings(max_examples=500)
@given(
    texts=st.lists(_ANY_TEXT, min_size=1, max_size=4),
    lang=_LANGS,
    min_share=st.one_of(st.sampled_from([0.5, 0.0, 1.0, -0.5, 1.5, math.nan]), st.floats(0, 1)),
    max_latin1_share=st.sampled_from([0.1, 0.0, -0.1, 1.0, math.nan]),
    min_letters=st.sampled_from([20, 5, 1, 0, -1]),
)
@example(["\ufa6e\ufa6e"], "zh", 0.5, 0.1, 0)  # no letters, min-letters 0: the plain code crashes
@example(["\u4e2d\u6587\u4e2d\u6587\u00e9"], "zh", 0.5, 0.1, 1)  # Latin-1 in Chinese text
@example(["\u4e2d\u6587\u4e2d\u6587"], "zh", 0.5, -0.1, 1)  # a negative Latin-1 share fails
@example(["a\u4e2d.,;;..."], "zh", 0.5, 0.1, 1)  # few characters in the script
@example(["abcde"], "zh", 0.5, 0.1, 5)  # exactly min-letters characters, all letters
def test_script_matches_language_fires_exactly_where_the_reference_does(
    texts: list[str],
    lang: str,
    min_share: float,
    max_latin1_share: float,
    min_letters: int,
) -> None:
    items = [{"title": t} for t in texts] + [{"title": texts[0], "paragraphs": texts[1:]}]
    params = {
        "language": lang,
        "min_share": min_share,
        "max_latin1_share": max_latin1_share,
        "min_letters": min_letters,
    }
    fn = get_invariant("script-matches-language").fn

    def ours() -> Iterator[tuple[int, str, str | None]]:
        for v in fn(items, CheckContext(), **params):
            assert isinstance(v, Violation)
            yield v.item_index or 0, v.message, None

    def reference() -> Iterator[tuple[int, str, str | None]]:
        return _reference_script_violations(items, lang, min_share, max_latin1_share, min_letters)

    assert _outcome(ours) == _outcome(reference)


# --- links-absolute ----------------------------------------------------------------------------

_URL_PIECES = st.sampled_from(
    [
        "http",
        "https",
        "HTTP",
        "Https",
        "ftp",
        "://",
        ":",
        "//",
        "/",
        "?",
        "#",
        "@",
        "[",
        "]",
        "::1",
        ":80",
        ":",
        ":x",
        "%",
        "%2F",
        "rfi.fr",
        "www.RFI.fr",
        "a-b.example.com",
        "127.0.0.1",
        "example.c",
        ".",
        "-",
        " ",
        "\t",
        "\n",
        "\x00",
        "\x1f",
        "\x7f",
        "é",
        "\uff0e",  # fullwidth full stop: NFKC makes it '.', urlsplit checks such hosts
        "\u2100",  # ℀: NFKC a/c, refused by urlsplit in a host
        "path",
        "x=1",
    ]
)
_URLS = st.lists(_URL_PIECES, max_size=10).map("".join)
_PLAIN_URLS = st.builds(
    "{}://{}{}{}".format,
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[A-Za-z0-9.-]{1,12}", fullmatch=True),
    st.sampled_from(["", ":", ":8080", ":0"]),
    st.one_of(st.just(""), st.text(max_size=12).map("/".__add__), _URLS),
)
_HOSTS = st.sampled_from([(), ("rfi.fr",), ("rfi.fr", "example.com"), ("c",), ("",)])


@settings(max_examples=1000)
@given(st.one_of(_URLS, _PLAIN_URLS, st.none(), st.integers()), _HOSTS)
@example("http://rfi.fr", ("rfi.fr",))
@example("http://www.rfi.fr/a b", ("rfi.fr",))
@example("http://RFI.FR:80/x", ("rfi.fr",))
@example("http://rfi.fr:x/", ("rfi.fr",))
@example("http://rfi.fr.\n/", ())
@example("https://xrfi.fr/", ("rfi.fr",))
@example("http://example.c[o.test/", ())
@example("http://a\uff0eb/", ())
@example("http:///path", ())
def test_link_problem_matches_urlsplit(link: Any, hosts: tuple[str, ...]) -> None:
    assert link_problem(link, hosts) == _reference_link_problem(link, hosts)


# --- no-markup-in-text -------------------------------------------------------------------------

_MARKUP_TEXT = st.lists(
    st.sampled_from(
        [
            *("<", ">", "&", ";", "-->", "<!--", "--", "-", "<p>", "</b>", "<a href=x>", "&amp;"),
            *("&lt;p", "&amp;lt;/b", "&#160;", "&#x2F;", "&nbsp;", "&LT; i", "a", " ", "中", "\n"),
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=500)
@given(st.lists(_MARKUP_TEXT, min_size=1, max_size=4))
@example(["-", "->"])  # '-->' only once joined: a false alarm the full search clears
def test_no_markup_in_text_fires_exactly_where_the_reference_does(texts: list[str]) -> None:
    item = {"title": texts[0], "paragraphs": texts[1:]}
    check = get_invariant("no-markup-in-text").bind({})
    found = [v.field for v in check.iter_violations([item], CheckContext())]
    assert found == [path for path, _ in _reference_markup(item)]


def test_script_classes_hold_no_ascii() -> None:
    """The ASCII path of _script_share counts no ASCII letter in a non-Latin script."""
    for pattern in SCRIPT_RE.values():
        assert not any(pattern.search(chr(code)) for code in range(128))


# --- report: escapes -----------------------------------------------------------------------

_JSON_TEXT = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from([*'a"\\/ \n\t\x00\x1f\x7f\x80\x9f', *_CHARS]), max_size=12),
)


@settings(max_examples=500)
@given(st.one_of(_JSON_TEXT, st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=30)))
@example("plain ASCII text")
@example("DEL \x7f")
@example("tab\there")
def test_escapes_match_the_regex_substitution(text: str) -> None:
    from harness.textsafe import (
        _JSON_UNSAFE,
        _UNSAFE,
        _escape,
        _json_escape,
        json_safe,
        terminal_safe,
    )

    assert terminal_safe(text) == _UNSAFE.sub(_escape, text)
    assert json_safe(text) == _JSON_UNSAFE.sub(_json_escape, text)
