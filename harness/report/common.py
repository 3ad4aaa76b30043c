"""What every report shares, whatever it reports on: counted nouns and the JSON document."""

from __future__ import annotations

import json
from typing import Any

from harness.textsafe import json_safe

__all__ = ["json_document", "plural"]


def plural(n: int, word: str) -> str:
    """Return "1 error" / "3 errors"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def json_document(data: Any) -> str:
    """Indented JSON, non-ASCII kept, controls, bidi and separators escaped; ends with a newline."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
