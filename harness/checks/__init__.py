"""The check-writing API (``violation``, ``text_fields``, ``shorten``); built-ins by theme.

The built-in invariants live in :mod:`harness.checks.dates`, ``.text``, ``.boilerplate``,
``.links``, ``.items`` and ``.script``; :mod:`harness.invariants` names them by dotted path.
"""

from harness.checks.api import shorten, text_fields, violation

__all__ = ["shorten", "text_fields", "violation"]
