"""Scrub secrets and volatile values from recorded interactions before anything is written.

What goes, and why (the configured ``scrub-headers`` and ``scrub-query-params`` add to the lists):

- **Secret headers** (request and response): the value becomes ``SCRUBBED``; the header stays, so
  a reviewer still sees that the request was authenticated. ``Set-Cookie`` keeps only the cookie's
  name (``name=SCRUBBED``): its attributes hold volatile expiry dates.
- **Secret query parameters** (``api_key``, ``token``, ``sig``...) in request URIs and in
  ``Location``/``Content-Location`` headers: the value becomes ``SCRUBBED``, the rest of the URL
  is kept byte for byte, so recorded redirects still lead to recorded requests.
- **Echoes**: every scrubbed value of 6 characters or more (and its percent-encoded forms) is
  replaced wherever else it appears: bodies, URIs, other headers. Shorter values are scrubbed
  where they stand but not searched for (they would hit ordinary text).
- **Volatile response headers** (``Date``, ``Age``, ``Expires``, request/trace ids, CDN ray and
  cache headers, ``Report-To``, ``NEL``, ``Server-Timing``...) are dropped: they change on every
  request and would bury a reviewable diff. ``ETag`` and ``Last-Modified`` are kept: they change
  only with the content, and tell which version of a resource was recorded (add them to
  ``scrub-headers`` if a server rotates them).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, unquote_plus, urlsplit, urlunsplit

from harness.cassettes.model import Interaction, make_interaction
from harness.config import RecordSettings

__all__ = [
    "MIN_ECHO_LENGTH",
    "PLACEHOLDER",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMS",
    "VOLATILE_HEADERS",
    "Scrubber",
]

PLACEHOLDER = "SCRUBBED"
"""What a secret becomes: plain letters, harmless in XML, JSON, HTML, URLs and YAML."""

MIN_ECHO_LENGTH = 6
"""Scrubbed values at least this long are also replaced wherever else they appear."""

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "apikey",
        "x-auth-token",
        "x-access-token",
        "x-csrf-token",
        "x-xsrf-token",
        "x-amz-security-token",
    }
)
SECRET_QUERY_PARAMS = frozenset(
    {
        "api_key",
        "api-key",
        "apikey",
        "key",
        "token",
        "access_token",
        "auth_token",
        "id_token",
        "refresh_token",
        "auth",
        "sig",
        "signature",
        "secret",
        "client_secret",
        "password",
        "passwd",
        "session",
        "sessionid",
        "sid",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "awsaccesskeyid",
    }
)
VOLATILE_HEADERS = frozenset(
    {
        "date",
        "age",
        "expires",
        "x-request-id",
        "request-id",
        "x-correlation-id",
        "x-trace-id",
        "traceparent",
        "tracestate",
        "x-amzn-requestid",
        "x-amzn-trace-id",
        "x-amz-request-id",
        "x-amz-id-2",
        "x-amz-cf-id",
        "x-amz-cf-pop",
        "cf-ray",
        "cf-cache-status",
        "x-served-by",
        "x-timer",
        "x-github-request-id",
        "x-fastly-request-id",
        "x-runtime",
        "x-response-time",
        "report-to",
        "reporting-endpoints",
        "nel",
        "server-timing",
    }
)
_VOLATILE_PREFIXES = ("x-cache",)  # X-Cache, X-Cache-Hits, X-Cache-Status...
_URL_HEADERS = frozenset({"location", "content-location"})
_AUTH_SCHEMES = frozenset({"basic", "bearer", "token", "digest", "apikey", "key", "hmac"})


@dataclass(frozen=True, slots=True)
class Scrubber:
    """Which header and query-parameter names are secret (lower-case), and what is volatile."""

    headers: frozenset[str] = SECRET_HEADERS
    params: frozenset[str] = SECRET_QUERY_PARAMS
    volatile: frozenset[str] = VOLATILE_HEADERS

    @classmethod
    def from_settings(
        cls, settings: RecordSettings, *, extra_headers: Iterable[str] = ()
    ) -> Scrubber:
        """The built-in lists plus the configured ones; ``extra_headers`` are secret too."""
        names = {*settings.scrub_headers, *extra_headers}
        return cls(
            headers=SECRET_HEADERS | {n.lower() for n in names},
            params=SECRET_QUERY_PARAMS | {p.lower() for p in settings.scrub_query_params},
        )

    def url(self, url: str) -> str:
        """``url`` with the values of secret query parameters replaced; the rest kept as is."""
        parts = urlsplit(url)
        if not parts.query:
            return url
        query = "&".join(self._param(pair) for pair in parts.query.split("&"))
        return urlunsplit(parts._replace(query=query))

    def interactions(self, interactions: Sequence[Interaction]) -> tuple[Interaction, ...]:
        """Scrubbed copies: secret values out of headers, URLs and bodies, volatile headers gone."""
        echoes = self._echoes(interactions)
        return tuple(self._interaction(i, echoes) for i in interactions)

    def secrets(self, interactions: Sequence[Interaction]) -> tuple[str, ...]:
        """Every secret value found in the interactions (headers, cookies, query parameters)."""
        found: set[str] = set()
        for interaction in interactions:
            found.update(self._url_secrets(interaction.uri))
            for name, values in interaction.request_headers.items():
                if name.lower() in self.headers:
                    found.update(v for value in values for v in _header_secrets(name, value))
            for name, values in interaction.response_headers.items():
                lower = name.lower()
                if lower in self.headers:
                    found.update(v for value in values for v in _header_secrets(name, value))
                elif lower in _URL_HEADERS:
                    found.update(v for value in values for v in self._url_secrets(value))
        found.discard("")
        found.discard(PLACEHOLDER)
        return tuple(sorted(found, key=lambda s: (-len(s), s)))

    # --- internals ------------------------------------------------------------------------

    def _param(self, pair: str) -> str:
        name, sep, _ = pair.partition("=")
        if sep and unquote_plus(name).lower() in self.params:
            return f"{name}={PLACEHOLDER}"
        return pair

    def _url_secrets(self, url: str) -> list[str]:
        query = urlsplit(url).query
        found = []
        for pair in query.split("&") if query else ():
            name, sep, value = pair.partition("=")
            if sep and unquote_plus(name).lower() in self.params:
                found += [value, unquote_plus(value)]
        return found

    def _echoes(self, interactions: Sequence[Interaction]) -> tuple[str, ...]:
        forms: set[str] = set()
        for secret in self.secrets(interactions):
            if len(secret) >= MIN_ECHO_LENGTH:
                forms.update((secret, quote(secret, safe=""), quote_plus(secret)))
        return tuple(sorted(forms, key=lambda s: (-len(s), s)))  # longest first

    def _interaction(self, interaction: Interaction, echoes: tuple[str, ...]) -> Interaction:
        body = interaction.response.body
        for echo in echoes:
            body = body.replace(echo.encode("utf-8"), PLACEHOLDER.encode("ascii"))
        headers = self._response_headers(interaction.response_headers, echoes)
        for name in headers:
            if name.lower() == "content-length":
                headers[name] = (str(len(body)),)
        return make_interaction(
            _replace_all(self.url(interaction.uri), echoes),
            body,
            status=interaction.response.status,
            reason=interaction.reason,
            headers=headers,
            method=interaction.method,
            request_headers=self._request_headers(interaction.request_headers, echoes),
        )

    def _request_headers(
        self, headers: Mapping[str, tuple[str, ...]], echoes: tuple[str, ...]
    ) -> dict[str, tuple[str, ...]]:
        return {
            name: tuple(
                PLACEHOLDER if name.lower() in self.headers else _replace_all(v, echoes)
                for v in values
            )
            for name, values in headers.items()
        }

    def _response_headers(
        self, headers: Mapping[str, tuple[str, ...]], echoes: tuple[str, ...]
    ) -> dict[str, tuple[str, ...]]:
        kept: dict[str, tuple[str, ...]] = {}
        for name, values in headers.items():
            lower = name.lower()
            if lower in self.volatile or lower.startswith(_VOLATILE_PREFIXES):
                continue
            if lower == "set-cookie":
                kept[name] = tuple(f"{_cookie_name(v)}={PLACEHOLDER}" for v in values)
            elif lower in self.headers:
                kept[name] = tuple(PLACEHOLDER for _ in values)
            elif lower in _URL_HEADERS:
                kept[name] = tuple(_replace_all(self.url(v), echoes) for v in values)
            else:
                kept[name] = tuple(_replace_all(v, echoes) for v in values)
        return kept


def _replace_all(text: str, echoes: tuple[str, ...]) -> str:
    for echo in echoes:
        text = text.replace(echo, PLACEHOLDER)
    return text


def _cookie_name(set_cookie: str) -> str:
    return set_cookie.split(";", 1)[0].partition("=")[0].strip()


def _header_secrets(name: str, value: str) -> list[str]:
    """The value, and the parts of it a body could echo: credentials, cookie values."""
    lower = name.lower()
    value = value.strip()
    found = [value]
    if lower in ("cookie", "set-cookie"):
        pairs = value.split(";") if lower == "cookie" else value.split(";", 1)[:1]
        found += [pair.partition("=")[2].strip() for pair in pairs]
        return found
    scheme, _, credentials = value.partition(" ")
    if credentials and scheme.lower() in _AUTH_SCHEMES:
        credentials = credentials.strip()
        found.append(credentials)
        if scheme.lower() == "basic":
            found += _basic_parts(credentials)
    return found


def _basic_parts(credentials: str) -> list[str]:
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return []
    password = decoded.partition(":")[2]
    return [decoded, password] if password else [decoded]
