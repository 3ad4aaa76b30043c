"""The one rule for when two URLs name the same resource (RFC 3986 section 6.2.3)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["normalize_url"]

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
