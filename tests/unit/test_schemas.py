"""The shipped JSON Schemas are valid Draft 2020-12 and item errors carry the JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from harness.errors import ConfigError
from harness.schemas import (
    fast_validator_for,
    item_violations,
    load_schemas,
    validate_item,
    validator_for,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.mark.parametrize("name", ["feed-item", "article", "report"])
def test_schema_is_valid_against_the_metaschema(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_validators_are_built_once() -> None:
    assert validator_for(SCHEMAS, "article") is validator_for(SCHEMAS, "article")


def test_article_schema_includes_the_feed_item_schema_and_reports_paths() -> None:
    item = {
        "id": "x",
        "url": "https://x.test/",
        "title": "t",
        "published": "2023-12-06 15:45",
        "author": None,
        "summary": None,
        "content": None,
        "categories": [],
        "enclosures": [],
        "dateline": {"text": "06/12/2023 - 16:42", "time": "16:42"},
        "lead": None,
        "paragraphs": ["a", 3],
        "images": [],
    }
    found = {v.field: v for v in item_violations(validator_for(SCHEMAS, "article"), item, 4)}
    assert set(found) == {"published", "dateline/time", "paragraphs/1"}
    assert found["paragraphs/1"].observed == "3"
    assert found["published"].item_index == 4
    assert found["published"].item_id == "x"


def test_invalid_schema_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "bad.schema.json").write_text('{"type": 12}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.schema\.json: not a valid Draft 2020-12 schema"):
        load_schemas(tmp_path)
    (tmp_path / "bad.schema.json").write_text("{", encoding="utf-8")
    load_schemas.cache_clear()
    with pytest.raises(ConfigError, match=r"invalid JSON"):
        load_schemas(tmp_path)


def _article() -> dict[str, object]:
    return {
        "id": "x",
        "url": "https://x.test/",
        "title": "t",
        "published": "2023-12-06T15:45:03Z",
        "author": None,
        "summary": None,
        "content": None,
        "categories": [],
        "enclosures": [],
        "dateline": {"text": "06/12/2023 - 16:42", "time": "2023-12-06T16:42:00+01:00"},
        "lead": None,
        "paragraphs": ["a"],
        "images": [],
    }


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(key=st.sampled_from(sorted(_article())), value=JSONISH, drop=st.booleans())
def test_fast_path_agrees_with_jsonschema(key: str, value: object, drop: bool) -> None:
    """jsonschema-rs (fast path) and jsonschema accept and reject the same article records."""
    item = _article()
    if drop:
        del item[key]
    else:
        item[key] = value
    fast = fast_validator_for(SCHEMAS, "article")
    assert fast is not None
    assert fast.is_valid(item) == validator_for(SCHEMAS, "article").is_valid(item)
    assert (validate_item(SCHEMAS, "article", item, 0) == []) == fast.is_valid(item)
