"""The recorded-response model: interactions, the cassette, and replaying its redirects offline.

Plain frozen records; reading them from YAML is :mod:`harness.cassettes.load`, writing them
:mod:`harness.cassettes.write`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from harness.errors import FetchError
from harness.model import Response
from harness.urls import normalize_url

__all__ = [
    "CASSETTE_VERSION",
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "Cassette",
    "HeadersIn",
    "Interaction",
    "first_header",
    "header_order",
    "make_interaction",
    "response_headers_joined",
]

CASSETTE_VERSION = 1
"""The vcrpy cassette format version read and written."""
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

HeadersIn = Mapping[str, str | Sequence[str]]
"""Headers as callers give them: one value or several per name."""


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded request and its response."""

    method: str
    uri: str
    request_headers: Mapping[str, tuple[str, ...]]
    response: Response  # response.url == uri; header names lower-cased, values joined ", "
    response_headers: Mapping[str, tuple[str, ...]]  # as recorded (original names), for re-writing
    reason: str = "OK"  # the recorded status message, kept so a rewrite loses nothing

    def __post_init__(self) -> None:
        if self.response.url != self.uri:
            raise ValueError(f"response.url {self.response.url!r} differs from uri {self.uri!r}")


@dataclass(frozen=True, slots=True)
class Cassette:
    """A loaded cassette file: its interactions in recorded order and its ``harness`` metadata."""

    path: Path
    interactions: tuple[Interaction, ...]
    meta: Mapping[str, Any]  # the top-level "harness" mapping (may be empty)

    @property
    def url(self) -> str:
        """The request URI of the first interaction (the feed request)."""
        return self.interactions[0].uri

    def fetch(self, url: str) -> Response:
        """The recorded GET response for url, following recorded redirects; offline only."""
        current, hops = url, 0
        while True:
            interaction = self._find(current)
            if interaction is None:
                via = f" (redirected from {url})" if hops else ""
                raise FetchError(
                    f"{self.path}: no recorded response for {current}{via}; "
                    f"recorded: {self._recorded()}"
                )
            location = first_header(interaction.response_headers, "location")
            if interaction.response.status not in REDIRECT_STATUSES or location is None:
                return interaction.response
            if hops == MAX_REDIRECTS:
                raise FetchError(f"{self.path}: more than {MAX_REDIRECTS} redirects from {url}")
            hops += 1
            current = self._redirect(current, location.strip())

    def _redirect(self, current: str, location: str) -> str:
        try:
            return urljoin(current, location)
        except ValueError as err:  # e.g. "http://[::1": a malformed IPv6 host
            raise FetchError(
                f"{self.path}: {current} redirects to {location!r}, not a valid URL ({err})"
            ) from None

    def _find(self, url: str) -> Interaction | None:
        gets = [i for i in self.interactions if i.method.upper() == "GET"]
        for interaction in gets:
            if interaction.uri == url:
                return interaction
        wanted = normalize_url(url)
        return next((i for i in gets if normalize_url(i.uri) == wanted), None)

    def _recorded(self) -> str:
        uris = list(dict.fromkeys(i.uri for i in self.interactions if i.method.upper() == "GET"))
        more = f" (+{len(uris) - 5} more)" if len(uris) > 5 else ""
        return (", ".join(uris[:5]) or "no GET requests") + more


def make_interaction(
    uri: str,
    body: bytes,
    *,
    status: int = 200,
    reason: str = "OK",
    headers: HeadersIn | None = None,
    method: str = "GET",
    request_headers: HeadersIn | None = None,
) -> Interaction:
    """Build an Interaction from plain values (headers given as str or sequences of str)."""
    response_headers = _header_tuples(headers)
    return Interaction(
        method=method,
        uri=uri,
        request_headers=_header_tuples(request_headers),
        response=Response(
            url=uri, status=status, headers=response_headers_joined(response_headers), body=body
        ),
        response_headers=response_headers,
        reason=reason,
    )


def _header_tuples(headers: HeadersIn | None) -> dict[str, tuple[str, ...]]:
    if not headers:
        return {}
    return {
        name: (value,) if isinstance(value, str) else tuple(value)
        for name, value in headers.items()
    }


def header_order(name: str) -> tuple[str, str]:
    """The sort key of header names in a written cassette: case-insensitive, then exact."""
    return name.lower(), name


def response_headers_joined(
    headers: Mapping[str, tuple[str, ...]],
) -> dict[str, str]:
    """Lower-cased names, repeated values joined with ", " (in the dumped, sorted order)."""
    values: dict[str, list[str]] = {}
    for name in sorted(headers, key=header_order):
        values.setdefault(name.lower(), []).extend(headers[name])
    return {name: ", ".join(vals) for name, vals in values.items()}


def first_header(headers: Mapping[str, tuple[str, ...]], wanted: str) -> str | None:
    """The first value of the header named ``wanted`` (lower-case), in the dumped order."""
    for name in sorted(headers, key=header_order):
        if name.lower() == wanted and headers[name]:
            return headers[name][0]
    return None
