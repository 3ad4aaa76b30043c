"""feedharness: replay recorded feeds through pluggable parsers, check items, report drift."""

from harness.errors import (
    CassetteError,
    ConfigError,
    FetchError,
    HarnessError,
    ParseError,
    TransportError,
    UnknownPluginError,
)
from harness.model import CassetteResult, FeedOutput, Item, Response, Result, Severity, Violation

__version__ = "0.1.0"

__all__ = [
    "CassetteError",
    "CassetteResult",
    "ConfigError",
    "FeedOutput",
    "FetchError",
    "HarnessError",
    "Item",
    "ParseError",
    "Response",
    "Result",
    "Severity",
    "TransportError",
    "UnknownPluginError",
    "Violation",
    "__version__",
]
