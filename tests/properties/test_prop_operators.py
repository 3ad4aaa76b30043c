"""The operator registry, FeedDoc round trips, determinism, and fingerprints under benign change."""

from __future__ import annotations

from functools import cache

import pytest
from _budget import CASSETTES, ROOT, budget
from hypothesis import given
from hypothesis import strategies as st

from harness.audit.feeddoc import FeedDoc, NotApplicable, html_join, html_parts
from harness.audit.operators import (
    Kind,
    RandomChoices,
    get_operator,
    make_operator,
    operator,
    operators,
)
from harness.cassettes import load_cassette
from harness.config import load_config
from harness.errors import ConfigError, UnknownPluginError
from harness.model import Response
from harness.runner import Runner
from harness.strategies import variants_of

ALL = sorted(p.name for p in CASSETTES.glob("*.yaml"))


@cache
def runner() -> Runner:
    return Runner(load_config(ROOT / "harness.toml"))


@cache
def recording(name: str) -> tuple[Response, object]:
    cassette = load_cassette(CASSETTES / name)
    return cassette.fetch(cassette.url), cassette.fetch


def _outcome(response: Response) -> tuple[object, ...]:
    result = runner().check_response(response)
    return (
        result.outcome,
        result.items,
        sorted((v.check, v.item_index, v.field, v.message) for v in result.violations),
    )


def _items(response: Response) -> list[dict[str, object]]:
    feed = runner().config.feed_for_url(response.url)
    assert feed is not None
    return runner().setups[feed.name].parser.parse(response, fetch=recording_fetch(response)).items


def recording_fetch(response: Response) -> object:
    return lambda url: response


@pytest.mark.parametrize("name", ALL)
def test_feeddoc_round_trip_keeps_every_record_and_result(name: str) -> None:
    response, _ = recording(name)
    doc = FeedDoc(response.body)
    for entry in doc.entries():
        body = entry.get("body")
        if body is not None:
            entry.set("body", html_join(html_parts(body)))
    again = Response(response.url, response.status, response.headers, doc.to_bytes())
    assert _outcome(again) == _outcome(response)
    assert _normal(_items(again)) == _normal(_items(response))
    from harness import drift

    history = drift.diff(_fingerprint(name, response), _fingerprint("again", again))
    assert [(f.kind, f.scope) for f in history.findings] == []


def _html(text: str) -> str:
    text = text.replace("&#13;", "").replace("\r", "")  # CR: XML end-of-line handling
    return html_join(html_parts(text)).replace("\r", "")


def _normal(items: list[dict[str, object]]) -> list[dict[str, object]]:
    """Items with their HTML fields serialized the way FeedDoc writes HTML (quoting, voids)."""
    return [
        {
            k: _html(v) if k in ("summary", "content") and isinstance(v, str) else v
            for k, v in item.items()
        }
        for item in items
    ]


def test_catalog_has_both_kinds_and_documents_every_operator() -> None:
    ops = operators()
    assert {op.kind for op in ops} == {Kind.DRIFT, Kind.BENIGN}
    assert len([op for op in ops if op.kind is Kind.DRIFT]) >= 20
    for op in ops:
        assert op.doc, op.id
        assert op.doc[0].isupper(), op.id
        assert op.doc.endswith("."), op.id
    assert [op.id for op in operators(Kind.BENIGN)] == sorted(
        op.id for op in operators(Kind.BENIGN)
    )


@pytest.mark.parametrize("op", operators(), ids=lambda op: op.id)
def test_operators_are_deterministic_for_a_seed(op) -> None:
    response, _ = recording("feedx-rfi_2023-11.yaml")
    try:
        first = op.apply(response.body, RandomChoices(7), timezone="Europe/Paris")
    except NotApplicable:
        return
    assert op.apply(response.body, RandomChoices(7), timezone="Europe/Paris") == first
    assert first != response.body


def test_custom_operator_registers_by_decorator_and_dotted_path() -> None:
    @operator("title-suffix", kind="drift")
    def title_suffix(doc: FeedDoc, choices: object) -> None:
        """Every title gets the site name appended."""
        for entry in doc.entries():
            entry.set("title", (entry.get("title") or "") + " | Example News")

    assert get_operator("title-suffix").kind is Kind.DRIFT
    assert get_operator("title-suffix").doc == "Every title gets the site name appended."
    dotted = get_operator(f"{__name__}:shout")
    assert (dotted.id, dotted.kind) == ("shout", Kind.BENIGN)


@operator("shout", kind="benign")
def shout(doc: FeedDoc, choices: object) -> None:
    """Titles in upper case (registered at import, found by dotted path)."""
    for entry in doc.entries():
        entry.set("title", (entry.get("title") or "").upper())


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: make_operator("Bad_Id", lambda d, c: None, kind="drift"),
            ConfigError,
            "is not kebab-case",
        ),
        (
            lambda: make_operator("ok-id", lambda d, c: None, kind="nice"),
            ConfigError,
            "kind 'nice' is not one of 'drift', 'benign'",
        ),
        (
            lambda: get_operator("no-such-operator"),
            UnknownPluginError,
            "no operator 'no-such-operator'; available: attribute-order",
        ),
        (
            lambda: get_operator("harness.model:Response"),
            ConfigError,
            "is neither an Operator nor a function",
        ),
    ],
)
def test_operator_errors_say_what_is_allowed(call, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")):
        call()


# --- fingerprints under benign change -------------------------------------------------------------

SMALL = [
    "feedx-rfi_2020-10.yaml",
    "feedx-rfi_2022-03.yaml",
    "feedx-rfi_2023-09.yaml",
    "ft-home_2026-02-21.yaml",
    "dw-en-all_2015-02-23.yaml",
]


def _fingerprint(name: str, response: Response) -> object:
    from harness.drift.fingerprint import Fingerprint, fingerprint_output

    feed = runner().config.feed_for_url(response.url)
    assert feed is not None
    output = runner().setups[feed.name].parser.parse(response, fetch=recording_fetch(response))
    return fingerprint_output(
        Fingerprint(name, feed.name, response.url, None), output, response.body
    )


@pytest.mark.parametrize("name", SMALL)
@budget(6)
@given(data=st.data())
def test_fingerprints_are_stable_under_benign_operators(name: str, data: st.DataObject) -> None:
    from harness import drift

    response, _ = recording(name)
    body = data.draw(variants_of(response.body, timezone="Europe/Paris"))
    variant = Response(response.url, response.status, response.headers, body)
    history = drift.diff(_fingerprint(name, response), _fingerprint("variant", variant))
    # a serialization-only note (info: same parsed values, other bytes) is no drift
    quiet = ("serialization",)
    assert [f.kind for f in history.findings if f.is_drift and f.kind not in quiet] == []
