"""The request URIs read from a cassette's text are the ones decoding it gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.cassettes.load import load_cassette
from harness.cassettes.paths import is_cassette_file
from harness.cassettes.uris import request_uris
from harness.errors import HarnessError

ROOT = Path(__file__).resolve().parents[2]
# real recordings: the bundled ones, the corpora, and files vcrpy and Betamax wrote
FOLDERS = ("cassettes", "tests/data/cassettes", "tests/data/vcrpy", "tests/data/drift")


def _decodable() -> list[Path]:
    found = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or not is_cassette_file(path):
                continue
            try:
                load_cassette(path)
            except HarnessError:  # the broken fixtures: check reports them
                continue
            found.append(path)
    return found


CASSETTES = _decodable()


def test_there_are_many_real_cassettes_of_every_format() -> None:
    assert len(CASSETTES) > 150
    assert {p.suffix for p in CASSETTES} >= {".yaml", ".json"}


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_uris_of_a_real_cassette_are_its_requests(path: Path) -> None:
    assert request_uris(path.read_bytes()) == [i.uri for i in load_cassette(path).interactions]


_URLS = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"[a-z0-9-]{1,12}", fullmatch=True),
    st.text("abc/?=&%'#:-_", max_size=20),
)


@given(st.lists(_URLS, min_size=1, max_size=4), st.sampled_from(["plain", "single", "double"]))
def test_yaml_scalars_in_every_quoting(urls: list[str], style: str) -> None:
    import yaml

    style_char = {"plain": None, "single": "'", "double": '"'}[style]
    lines = []
    for url in urls:
        doc = yaml.dump({"uri": url}, default_style=style_char, width=10_000)
        lines.append("- request:\n    " + doc.strip())
    text = "interactions:\n" + "\n".join(lines) + "\n"
    assert [e["request"]["uri"] for e in yaml.safe_load(text)["interactions"]] == urls
    assert request_uris(text.encode()) == urls


def test_a_body_in_json_cannot_add_a_uri() -> None:
    body = '{\\"uri\\": \\"https://evil.example/\\"}'
    text = (
        f'{{"interactions": [{{"request": {{"uri": "https://a.example/f"}}, "body": "{body}"}}]}}'
    )
    assert request_uris(text.encode()) == ["https://a.example/f"]
