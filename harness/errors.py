"""The exception hierarchy: raised on misuse or broken input, never for check failures."""

from __future__ import annotations


class HarnessError(Exception):
    """Base class of every error feedharness raises on purpose."""


class ConfigError(HarnessError, ValueError):
    """The configuration (harness.toml / [tool.harness] / CLI flags) is invalid."""


class CassetteError(HarnessError):
    """A cassette file cannot be read: bad YAML, wrong structure, missing fields."""


class ParseError(HarnessError):
    """A recorded body is not a feed the parser can read (non-feed, truncated, empty)."""


class TransportError(ParseError):
    """The recording shows a transport problem (HTTP error, empty or corrupt body), not drift."""


class FetchError(HarnessError):
    """A parser asked for a URL that the cassette did not record."""


class UnknownPluginError(HarnessError, KeyError):
    """No parser, invariant or drift operator is registered under the requested name."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""
