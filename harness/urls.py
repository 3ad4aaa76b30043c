"""The one rule for when two URLs name the same resource (RFC 3986 section 6.2.3)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["normalize_url", "origin"]

# RFC 3986 6.2.3: a port equal to the scheme's default is the same as no port.
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """Case of scheme and host, a default port, an empty path and the fragment don't matter.

    A port is dropped only when it is its own scheme's default (``https://h:80/`` keeps ``:80``).
    A malformed URL (bad host or port) is never an error here: it is compared as written.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError:
        return url
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    # strip() again: dropping an empty query ("?") or fragment can leave trailing whitespace
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, "")).strip()


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url`` (the default port spelled out), lower case: the origin
    (RFC 6454 section 4) `harness record` is polite to, one key for the scheduler and the
    fetcher."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, 80)
    except ValueError:
        port = 0  # a bad port: the fetcher reports it; the URL still gets a key of its own
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"
