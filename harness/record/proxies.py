"""Which proxy a request of `harness record` goes through, read from the environment as
urllib, requests and httpx read it, and the credentials the proxy is sent."""

from __future__ import annotations

import urllib.request
from base64 import b64encode
from collections.abc import Callable, Mapping
from urllib.parse import SplitResult, unquote, urlsplit

__all__ = ["proxy_authorization", "proxy_for"]


def proxy_for(url: str, proxies: Mapping[str, str]) -> SplitResult | None:
    """The proxy to send ``url`` through, or None (no proxy set, or NO_PROXY names the host);
    ValueError for a proxy URL that is not http://.

    ``proxies`` is what :func:`urllib.request.getproxies` returns: the ``<scheme>_proxy``
    variables (either case, lower case wins), ``all_proxy`` as the fallback (as requests and
    curl use it) and ``no_proxy`` under "no". NO_PROXY is matched as urllib matches it
    (:func:`urllib.request.proxy_bypass_environment`): ``*`` for every host; else a list of
    host names or domain suffixes (``example.com`` and ``.example.com`` both cover
    ``a.example.com``), optionally with a port; IP addresses only literally (no CIDR ranges,
    which requests accepts and urllib does not). Only http:// proxies are supported.
    """
    parts = urlsplit(url)
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if not proxy:
        return None
    host = (parts.hostname or "").lower()
    try:
        where = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        where = host
    if _bypass(where, dict(proxies)):
        return None
    found = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if found.scheme != "http" or not found.hostname:
        raise ValueError(
            f"proxy {found.scheme}://{found.hostname or ''} is not supported "
            "(feedharness talks to http:// proxies: set HTTPS_PROXY=http://host:port)"
        )
    return found


def _bypass(host: str, proxies: dict[str, str]) -> bool:
    """urllib's NO_PROXY match, on the proxies given (not re-read from the environment)."""
    # Public in CPython on every platform, missing from typeshed's stubs.
    match: Callable[[str, dict[str, str]], bool] = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    return match(host, proxies)


def proxy_authorization(proxy: SplitResult) -> dict[str, str]:
    """Basic credentials from ``http://user:password@proxy:port`` (sent to the proxy only)."""
    if proxy.username is None:
        return {}
    user = unquote(proxy.username)
    secret = unquote(proxy.password or "")
    token = b64encode(f"{user}:{secret}".encode()).decode("ascii")
    return {"Proxy-Authorization": f"Basic {token}"}
