"""The README's table of default severities is the one the code applies."""

from __future__ import annotations

import re
from pathlib import Path

from harness.kinds import KINDS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _rows() -> dict[str, str]:
    """severity word -> the kinds its rows name (``error: ...`` row -> "error")."""
    start = README.index("| severity | kinds |")
    rows: dict[str, str] = {}
    for line in README[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        head, kinds = line.strip("|").split("|", 1)
        word = head.strip().split(":")[0].split(",")[0]
        rows[word] = rows.get(word, "") + kinds
    return rows


def test_every_kind_is_in_the_row_of_its_default_severity() -> None:
    rows = _rows()
    for kind, info in KINDS.items():
        named = {w for w, text in rows.items() if re.search(rf"`{re.escape(kind)}`", text)}
        assert info.level in named, (kind, info.level, named)
