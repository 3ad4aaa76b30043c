"""Schema-valid records from the strategies; invariants are total on them; reports round-trip."""

from __future__ import annotations

import json
from functools import cache

from _budget import ROOT, budget
from hypothesis import given
from jsonschema import Draft202012Validator
from lxml import etree
from referencing import Registry, Resource

from harness.invariants import CheckContext, available_invariants, get_invariant
from harness.model import Result, Violation
from harness.report.result import Format, render
from harness.report.result_json import to_json_data
from harness.strategies import article_records, feed_items, recorded_variants, records, results


@cache
def validator(schema: str) -> Draft202012Validator:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in (ROOT / "schemas").glob("*.json")]
    registry: Registry[object] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in docs
    )
    schema_doc = next(d for d in docs if d["$id"].endswith(f"/{schema}.schema.json"))
    return Draft202012Validator(schema_doc, registry=registry)


def _errors(schema: str, instance: object) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator(schema).iter_errors(instance)]


@budget(100)
@given(feed_items())
def test_feed_items_are_valid_feed_items(item: dict[str, object]) -> None:
    assert _errors("feed-item", item) == []


@budget(100)
@given(article_records())
def test_article_records_are_valid_articles(record: dict[str, object]) -> None:
    assert _errors("article", record) == []


CONTEXTS = [
    CheckContext(),
    CheckContext(
        feed="rfi",
        timezone="Europe/Paris",
        boilerplate=("获取更多RSS",),
        allowed_hosts=("rfi.fr",),
        language="zh",
    ),
    CheckContext(language="en", allowed_hosts=("example.org",)),
]


@budget(60)
@given(article_records(), article_records(), feed_items())
def test_every_invariant_is_total_on_valid_records(a: dict, b: dict, c: dict) -> None:
    for name in available_invariants():
        bound = get_invariant(name).bind({})
        for ctx in CONTEXTS:
            for found in bound.iter_violations([a, b, c], ctx):
                assert isinstance(found, Violation)
                assert found.check == name


@budget(60)
@given(results())
def test_json_report_round_trips_through_its_schema(result: Result) -> None:
    text = render(result, Format.JSON)
    data = json.loads(text)
    assert _errors("report", data) == []
    assert data == json.loads(json.dumps(to_json_data(result)))
    assert data["summary"]["exit_code"] == result.exit_code


@budget(40)
@given(results())
def test_every_report_format_renders_hostile_results(result: Result) -> None:
    for fmt in Format:
        text = render(result, fmt)
        assert text.endswith("\n") or fmt is Format.JUNIT
        assert "\x1b" not in text
    etree.fromstring(render(result, Format.JUNIT).encode("utf-8"))


@budget(40)
@given(records("article"))
def test_records_dispatches_by_schema_name(record: dict[str, object]) -> None:
    assert _errors("article", record) == []


@budget(5)
@given(recorded_variants(ROOT / "cassettes" / "feedx-rfi_2023-09.yaml", timezone="Europe/Paris"))
def test_recorded_variants_pass_the_feeds_checks(response: object) -> None:
    from harness.config import load_config
    from harness.runner import Runner

    result = Runner(load_config(ROOT / "harness.toml")).check_response(response)  # type: ignore[arg-type]
    assert [v for v in result.violations if v.severity == "error"] == []
