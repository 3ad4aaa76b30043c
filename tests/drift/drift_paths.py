"""Where the drift tests find their data (all inside the repository)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRIFT = ROOT / "tests" / "data" / "drift"
VARIANTS = DRIFT / "variants"
REAL = ROOT / "tests" / "data" / "cassettes" / "real"
CASSETTES = ROOT / "cassettes"
