"""Script invariants: text in the feed language's script, no mojibake."""

from __future__ import annotations

from invariant_items import SEED, run, variant


def test_script_matches_language_catches_mojibake() -> None:
    mojibake = [p.encode("utf-8").decode("latin-1") for p in SEED["paragraphs"]]
    (found,) = run("script-matches-language", [variant(paragraphs=mojibake, lead=None, title="x")])
    assert "Latin-1" in found.message
    english = variant(
        paragraphs=["The quick brown fox jumps over the lazy dog " * 3],
        lead=None,
        title="Fox",
        author=None,
    )
    assert run("script-matches-language", [english])
    assert run("script-matches-language", [english], language="en") == []


def test_no_mojibake_finds_utf8_read_as_windows_1252_in_text_and_html() -> None:
    assert run("no-mojibake", [SEED]) == []
    (found,) = run("no-mojibake", [variant(lead="Ã–sterreich")])
    assert found.field == "lead"
    assert "'Ã–' is UTF-8 for 'Ö'" in found.message
    html = variant(summary="<p>l’Ã©tÃ©</p>")
    assert [v.field for v in run("no-mojibake", [html])] == ["summary"]
    assert run("no-mojibake", [html], html_fields=False) == []
