"""The check-writing API (``violation``, ``text_fields``) and the built-in invariants."""

from harness.checks import fields, form  # noqa: F401  (register the built-in invariants)
from harness.checks.core import shorten, text_fields, violation

__all__ = ["shorten", "text_fields", "violation"]
