"""Parsers read every generated dialect back, and never crash on mutated real recordings."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from _budget import CASSETTES, ROOT, budget
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from harness.audit.feedwriter import parsed_dialect
from harness.audit.operators import operators
from harness.cassettes import load_cassette
from harness.config import load_config
from harness.errors import HarnessError
from harness.model import Response, Severity
from harness.parsers.feedx import FeedxRfiParser
from harness.parsers.itemdump import ItemDumpParser
from harness.parsers.rss import RssParser
from harness.runner import Runner
from harness.strategies import DataChoices, GeneratedFeed, feed_documents, feedx_feeds

SMALL = [
    "feedx-rfi_2020-10.yaml",
    "feedx-rfi_2023-11.yaml",
    "ft-home_2026-02-21.yaml",
    "dw-en-all_2015-02-23.yaml",
]
PARSERS = [RssParser(), FeedxRfiParser(), ItemDumpParser()]


@cache
def recording(name: str) -> Response:
    cassette = load_cassette(CASSETTES / name)
    return cassette.fetch(cassette.url)


@cache
def validator(schema: str) -> Draft202012Validator:
    docs = {
        p.name: json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.json")
    }
    registry: Registry[object] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in docs.values()
    )
    return Draft202012Validator(docs[f"{schema}.schema.json"], registry=registry)


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"unexpected fetch of {url}")


def _parse_all(body: bytes, url: str) -> None:
    """Every parser either parses ``body`` or raises one of the harness's own errors."""
    for parser in PARSERS:
        try:
            output = parser.parse(
                Response(url, 200, {"content-type": "application/xml"}, body), fetch=_no_fetch
            )
        except HarnessError:
            continue
        for item in output.items:
            errors = [e.message for e in validator(parser.schema).iter_errors(item)]
            assert errors == [], (parser.name, errors)


# --- generated documents read back ---------------------------------------------------------------


@budget(100)
@given(feed_documents())
def test_rss_parser_reads_every_generated_dialect(feed: GeneratedFeed) -> None:
    output = RssParser().parse(
        Response("https://feeds.test/feed", 200, {}, feed.body), fetch=_no_fetch
    )
    assert output.dialect == parsed_dialect(feed.dialect)
    fields = ("id", "url", "title", "published", "author", "categories", "enclosures")
    assert [{k: i[k] for k in fields} for i in output.items] == feed.expected()
    assert [v for v in output.problems if v.severity is Severity.ERROR] == []


@budget(50)
@given(feedx_feeds())
def test_generated_rfi_articles_read_back_and_pass_every_rfi_check(feed: GeneratedFeed) -> None:
    output = FeedxRfiParser().parse(
        Response("https://feedx.net/rss/rfi.xml", 200, {}, feed.body), fetch=_no_fetch
    )
    for article, record in zip(feed.articles, output.items, strict=True):
        expected = article.expected()
        assert {k: record[k] for k in expected} == expected
    config = load_config(ROOT / "harness.toml")
    result = Runner(config).check_response(
        Response("https://feedx.net/rss/rfi.xml", 200, {}, feed.body)
    )
    assert [v for v in result.violations if v.severity is Severity.ERROR] == []


# --- real recordings, changed by every operator ---------------------------------------------------


@pytest.mark.parametrize("op", operators(), ids=lambda op: op.id)
@budget(10)
@given(data=st.data(), name=st.sampled_from(SMALL))
def test_parsers_never_crash_on_operator_output(op, data: st.DataObject, name: str) -> None:
    from harness.audit.feeddoc import NotApplicable

    response = recording(name)
    try:
        body = op.apply(response.body, DataChoices(data), timezone="Europe/Paris")
    except NotApplicable:
        return
    _parse_all(body, response.url)


@budget(40)
@given(data=st.data(), name=st.sampled_from(SMALL))
def test_parsers_never_crash_on_chained_operators(data: st.DataObject, name: str) -> None:
    from harness.audit.feeddoc import NotApplicable

    body = recording(name).body
    chain = data.draw(st.lists(st.sampled_from(operators()), min_size=2, max_size=4))
    for op in chain:
        try:
            body = op.apply(body, DataChoices(data))
        except NotApplicable:
            continue
        except HarnessError:
            break
    _parse_all(body, recording(name).url)


_EDITS = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
)


@budget(100)
@given(name=st.sampled_from(SMALL), edits=st.lists(_EDITS, min_size=1, max_size=6))
def test_parsers_never_crash_on_damaged_bytes(
    name: str, edits: list[tuple[str, int, object]]
) -> None:
    body = bytearray(recording(name).body)
    for kind, where, what in edits:
        at = where % (len(body) + 1)
        if kind == "insert":
            body[at:at] = what  # type: ignore[assignment]
        elif kind == "delete":
            del body[at : at + int(what)]  # type: ignore[call-overload]
        elif kind == "flip" and at < len(body):
            body[at] ^= int(what)  # type: ignore[call-overload]
        elif kind == "truncate":
            del body[at:]
    _parse_all(bytes(body), recording(name).url)


def test_generated_documents_exist_for_every_dialect() -> None:
    from harness.audit.feedwriter import DIALECTS

    assert set(DIALECTS) == {
        "rss0.90",
        "rss0.91",
        "rss0.92",
        "rss1.0",
        "rss2.0",
        "atom1.0",
        "jsonfeed1.1",
    }


def test_small_recordings_exist() -> None:
    assert all((CASSETTES / name).is_file() for name in SMALL), sorted(
        p.name for p in Path(CASSETTES).iterdir()
    )
