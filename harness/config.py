"""Read ``harness.toml`` or ``[tool.harness]`` into a frozen :class:`HarnessConfig`.

Precedence: an explicit ``--config FILE`` (CLI or ``--harness-config`` in pytest) wins; otherwise
the nearest ``harness.toml`` walking up from the start directory, then the nearest
``pyproject.toml`` that has a ``[tool.harness]`` table; otherwise the defaults (no feeds, cassettes
in ``./cassettes``). Relative paths are relative to the configuration file.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from harness.errors import ConfigError
from harness.model import Severity
from harness.urls import normalize_url
from harness.verdict import parse_severity

_TOP_KEYS = {
    "cassettes",
    "schemas",
    "feeds",
    "record",
    "max-age",
    "limits",
    "cache-dir",
    "fail-on",
    "plugins",
}
CACHE_ENV = "FEEDHARNESS_CACHE"
_CACHE_OFF = frozenset({"", "off", "0", "false", "no", "none"})
# [limits] key -> the keyword argument of the parsers that accept it (built-ins all do).
LIMIT_OPTIONS = {"max-body-bytes": "max_bytes", "max-items": "max_items", "max-nodes": "max_nodes"}
_RECORD_KEYS = {
    "user-agent",
    "timeout",
    "retries",
    "scrub-headers",
    "scrub-query-params",
    "fail-after",
    "per-origin",
}
_FEED_KEYS = {
    "cassette",
    "name",
    "url",
    "urls",
    "parser",
    "parser-options",
    "schema",
    "invariants",
    "severity",
    "boilerplate",
    "allowed-hosts",
    "language",
    "timezone",
    "description",
}


@dataclass(frozen=True, slots=True)
class InvariantSetting:
    """One invariant as configured for a feed: its parameters and its severity."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One configured feed."""

    name: str
    urls: tuple[str, ...]
    parser: str
    parser_options: Mapping[str, Any] = field(default_factory=dict)
    schema: str | None = None  # None: the parser's own schema
    invariants: tuple[InvariantSetting, ...] | None = None  # None: the parser's defaults
    invariants_replace: bool = False  # a list replaces the parser's defaults; a table amends them
    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # check id -> severity
    boilerplate: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    language: str | None = None
    timezone: str | None = None
    cassette: str = ""  # file name under the cassettes folder that `harness record` writes

    def claims(self, url: str) -> bool:
        """True when ``url`` is one of this feed's URLs (scheme/host case and fragments ignored)."""
        key = normalize_url(url)
        return any(normalize_url(u) == key for u in self.urls)


@dataclass(frozen=True, slots=True)
class RecordSettings:
    """How `harness record` talks to the live feeds and what it scrubs before writing."""

    user_agent: str = "feedharness/0.1 (+https://pypi.org/project/feedharness/)"
    timeout: float = 30.0  # seconds per request
    retries: int = 3  # on connection errors, 429 and 5xx, with exponential backoff
    scrub_headers: tuple[str, ...] = ()  # on top of the built-in list
    scrub_query_params: tuple[str, ...] = ()  # on top of the built-in list
    fail_after: int = 1  # consecutive transport failures (across runs) that fail a run
    # Requests at once to one origin (scheme, host, port). 1 is what a polite crawler does; a
    # project whose feeds share one host (the routes of an RSSHub instance, say) may raise it
    # for its own server. Bounded by 16, the default number of feeds recorded at once.
    per_origin: int = 1


@dataclass(frozen=True, slots=True)
class HarnessConfig:
    """The whole configuration; ``source`` is the file it came from (None: defaults)."""

    cassettes: Path
    schemas: Path | None = None  # None: the schemas shipped with feedharness
    feeds: tuple[FeedConfig, ...] = ()
    source: Path | None = None
    record: RecordSettings = field(default_factory=RecordSettings)
    max_age: timedelta | None = None  # `harness check` warns about older cassettes
    limits: Mapping[str, int] = field(default_factory=dict)  # parser keyword -> value ([limits])
    cache_dir: Path | None = field(default_factory=lambda: default_cache_dir())  # None: off
    fail_on: Severity = Severity.ERROR  # a run fails on findings at or above this (verdict)
    plugins: tuple[str, ...] = ()  # the user's modules, imported at load (their @invariant)
    # Lookups by normalized URL and by name, built once: a project of thousands of feeds looks
    # a feed up for every recorded request, and a scan per lookup made a run quadratic.
    _by_url: dict[str, FeedConfig] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, FeedConfig] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_url: dict[str, FeedConfig] = {}
        for feed in self.feeds:  # the first feed that claims a URL wins, as in the file
            for url in feed.urls:
                by_url.setdefault(normalize_url(url), feed)
        object.__setattr__(self, "_by_url", by_url)
        object.__setattr__(self, "_by_name", {f.name: f for f in reversed(self.feeds)})

    def cassette_path(self, feed: FeedConfig) -> Path:
        """Where `harness record` keeps this feed's current recording (always inside cassettes)."""
        return self.cassettes / feed.cassette

    def feed_for_url(self, url: str) -> FeedConfig | None:
        """The configured feed that claims ``url``, if any."""
        return self._by_url.get(normalize_url(url))

    def feed_named(self, name: str) -> FeedConfig:
        """The feed called ``name``; ConfigError listing the names otherwise."""
        feed = self._by_name.get(name)
        if feed is not None:
            return feed
        known = ", ".join(f.name for f in self.feeds) or "none configured"
        raise ConfigError(f"no feed named {name!r}; configured feeds: {known}")


def default_cache_dir(
    environ: Mapping[str, str] | None = None, configured: Path | bool | None = None
) -> Path | None:
    """Where decoded cassettes are cached; None when caching is off.

    ``FEEDHARNESS_CACHE`` (a folder, or ``off``) wins over ``cache-dir`` in the configuration
    (``configured``: a folder, or False for off), which wins over ``$XDG_CACHE_HOME/feedharness``
    (``~/.cache/feedharness``).
    """
    env = os.environ if environ is None else environ
    chosen = env.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in _CACHE_OFF else Path(chosen)
    if configured is not None:
        return configured if isinstance(configured, Path) else None
    base = env.get("XDG_CACHE_HOME") or ""
    if not base:
        home = env.get("HOME") or ""
        if not home:
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "feedharness"


def find_config(start: Path) -> Path | None:
    """The nearest harness.toml, else the nearest pyproject.toml with [tool.harness]."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "harness.toml"
        if candidate.is_file():
            return candidate
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "harness" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> HarnessConfig:
    """Load the configuration from ``path`` or the nearest config file; defaults when none."""
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            return HarnessConfig(cassettes=(start or Path.cwd()) / "cassettes")
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("harness")
        if data is None:
            raise ConfigError(f"{path}: has no [tool.harness] table")
    return parse_config(data, source=path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from None


def parse_config(data: Mapping[str, Any], *, source: Path) -> HarnessConfig:
    """Validate raw TOML data; every problem is a ConfigError naming the file and the key."""
    where = str(source)
    _check_keys(data, _TOP_KEYS, where)
    base = source.parent
    cassettes = base / _expect(data.get("cassettes", "cassettes"), str, f"{where}: cassettes")
    schemas_raw = data.get("schemas")
    schemas = None if schemas_raw is None else _schema_dir(schemas_raw, base, where)
    raw_feeds = _expect(data.get("feeds", []), list, f"{where}: feeds")
    plugins = _import_plugins(data.get("plugins", []), base, f"{where}: plugins")
    feeds = tuple(
        _parse_feed(raw, f"{where}: {_feed_key(raw, i)}") for i, raw in enumerate(raw_feeds)
    )
    record = _parse_record(data.get("record", {}), f"{where}: record")
    max_age = None
    if "max-age" in data:
        from harness.invariants import parse_duration

        max_age = parse_duration(data["max-age"], f"{where}: max-age")
    limits = _parse_limits(data.get("limits", {}), f"{where}: limits")
    fail_on = _severity(data.get("fail-on", "error"), f"{where}: fail-on")
    cache_dir = default_cache_dir(configured=_parse_cache_dir(data, base, where))
    dupes = sorted(n for n, count in Counter(f.name for f in feeds).items() if count > 1)
    if dupes:
        raise ConfigError(f"{where}: feed names must be unique; repeated: {', '.join(dupes)}")
    return HarnessConfig(
        cassettes=cassettes,
        schemas=schemas,
        feeds=feeds,
        source=source,
        record=record,
        max_age=max_age,
        limits=limits,
        cache_dir=cache_dir,
        fail_on=fail_on,
        plugins=plugins,
    )


def _schema_dir(raw: Any, base: Path, where: str) -> Path:
    """``schemas``: a folder of the user's ``*.schema.json`` that exists (no key: the shipped)."""
    folder: Path = base / str(_expect(raw, str, f"{where}: schemas"))
    if not folder.is_dir():
        raise ConfigError(
            f"{where}: schemas: folder {folder} not found; leave the key out to use the "
            "schemas shipped with feedharness (feed-item, article)"
        )
    return folder


def _feed_key(raw: Any, index: int) -> str:
    """How errors name a feed: ``feeds['rfi']`` by its name, ``feeds[0]`` when it has none."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"feeds[{name!r}]" if isinstance(name, str) and name else f"feeds[{index}]"


def _import_plugins(raw: Any, base: Path, where: str) -> tuple[str, ...]:
    """Import the user's modules (``plugins = ["mypkg.checks"]``) so their registrations run.

    The configuration's folder is put on ``sys.path`` first (as pytest does for a rootdir's
    conftest), so a module beside ``harness.toml`` imports without being installed.
    """
    modules = _str_tuple(raw, where)
    if modules and str(base) not in sys.path:
        sys.path.insert(0, str(base))
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as err:  # any failure of the user's module is a one-line config error
            raise ConfigError(
                f"{where}: cannot import plugin module {module!r}: {type(err).__name__}: {err}"
            ) from None
    return modules


def _parse_cache_dir(data: Mapping[str, Any], base: Path, where: str) -> Path | bool | None:
    """``cache-dir``: a folder (relative to the file) or false; None when not given."""
    if "cache-dir" not in data:
        return None
    raw = data["cache-dir"]
    if raw is False:
        return False
    if not isinstance(raw, str) or not raw.strip():
        raise ConfigError(
            f"{where}: cache-dir is {raw!r}, expected a folder (relative to this file) or false"
        )
    return base / raw


def _parse_limits(raw: Any, where: str) -> dict[str, int]:
    """``[limits]``: positive integers, by parser keyword (parser-options still win per feed)."""
    raw = _expect(raw, dict, where)
    _check_keys(raw, set(LIMIT_OPTIONS), where)
    limits: dict[str, int] = {}
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}.{key}: expected a positive integer, got {value!r}")
        limits[LIMIT_OPTIONS[key]] = value
    return limits


def _parse_record(raw: Any, where: str) -> RecordSettings:
    raw = _expect(raw, dict, where)
    _check_keys(raw, _RECORD_KEYS, where)
    defaults = RecordSettings()
    timeout = _seconds(raw.get("timeout", defaults.timeout), f"{where}.timeout")
    retries = _expect(raw.get("retries", defaults.retries), int, f"{where}.retries")
    if isinstance(retries, bool) or not 0 <= retries <= 10:
        raise ConfigError(f"{where}.retries: expected an integer from 0 to 10, got {retries!r}")
    fail_after = raw.get("fail-after", defaults.fail_after)
    if isinstance(fail_after, bool) or not isinstance(fail_after, int) or fail_after < 1:
        raise ConfigError(f"{where}.fail-after: expected a positive integer, got {fail_after!r}")
    per_origin = raw.get("per-origin", defaults.per_origin)
    if isinstance(per_origin, bool) or not isinstance(per_origin, int) or not 1 <= per_origin <= 16:
        raise ConfigError(
            f"{where}.per-origin: expected an integer from 1 to 16, got {per_origin!r}"
        )
    return RecordSettings(
        user_agent=_expect(raw.get("user-agent", defaults.user_agent), str, f"{where}.user-agent"),
        timeout=timeout,
        retries=retries,
        scrub_headers=_str_tuple(raw.get("scrub-headers", []), f"{where}.scrub-headers"),
        scrub_query_params=_str_tuple(
            raw.get("scrub-query-params", []), f"{where}.scrub-query-params"
        ),
        fail_after=fail_after,
        per_origin=per_origin,
    )


def _seconds(value: Any, where: str) -> float:
    """A positive duration, in the form every duration takes ("30s", "1m", or seconds)."""
    from harness.invariants import parse_duration

    seconds = parse_duration(value, where).total_seconds()
    if seconds <= 0:
        raise ConfigError(f"{where}: expected a positive duration like '30s', got {value!r}")
    return seconds


def _cassette_name(raw: Mapping[str, Any], name: str, where: str) -> str:
    """The recording's file name: relative, inside the cassettes folder, .yaml/.yml."""
    value = _expect(raw.get("cassette", f"{name}.yaml"), str, f"{where}.cassette")
    parts = Path(value).parts
    if (
        not value
        or Path(value).is_absolute()
        or ".." in parts
        or "\\" in value
        or not value.endswith((".yaml", ".yml"))
    ):
        raise ConfigError(
            f"{where}.cassette: {value!r} must be a relative .yaml/.yml path inside the "
            "cassettes folder (no '..', not absolute)"
        )
    return str(value)


def _parse_feed(raw: Any, where: str) -> FeedConfig:
    raw = _expect(raw, dict, where)
    _check_keys(raw, _FEED_KEYS, where)
    for key in ("name", "parser"):
        if key not in raw:
            raise ConfigError(f"{where}: missing required key {key!r}")
    name = _expect(raw["name"], str, f"{where}.name")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ConfigError(
            f"{where}.name: {name!r} is not a valid feed name (no '/', '\\', leading '.')"
        )
    urls = _urls(raw, where)
    raw_invariants = raw.get("invariants")
    invariants, disabled = _invariants(raw_invariants, f"{where}.invariants")
    _check_zones(raw, invariants, where)
    return FeedConfig(
        name=name,
        urls=urls,
        parser=_expect(raw["parser"], str, f"{where}.parser"),
        parser_options=_expect(raw.get("parser-options", {}), dict, f"{where}.parser-options"),
        schema=_optional_str(raw.get("schema"), f"{where}.schema"),
        invariants=invariants,
        invariants_replace=isinstance(raw_invariants, list),
        disabled=disabled,
        severity=_severities(raw.get("severity", {}), f"{where}.severity"),
        boilerplate=_str_tuple(raw.get("boilerplate", []), f"{where}.boilerplate"),
        allowed_hosts=_str_tuple(raw.get("allowed-hosts", []), f"{where}.allowed-hosts"),
        language=_optional_str(raw.get("language"), f"{where}.language"),
        timezone=_timezone(raw.get("timezone"), f"{where}.timezone"),
        cassette=_cassette_name(raw, name, where),
    )


def _check_zones(
    raw: Mapping[str, Any], invariants: tuple[InvariantSetting, ...] | None, where: str
) -> None:
    """Zone names a feed's checks and parser read, refused at load (not once per cassette):
    ``timezone-matches``'s ``zone`` (an IANA name or a fixed offset) and a parser option
    named ``timezone`` (an IANA name)."""
    from harness.dates import zone_named

    options = raw.get("parser-options")
    if isinstance(options, dict) and "timezone" in options:
        _timezone(options["timezone"], f"{where}.parser-options.timezone")
    for setting in invariants or ():
        zone = setting.params.get("zone")
        if setting.name != "timezone-matches" or zone is None:
            continue
        spot = f"{where}.invariants.timezone-matches.zone"
        try:
            zone_named(_expect(zone, str, spot))
        except ValueError:
            if not zone.strip().startswith(("+", "-", "UTC", "GMT")):
                _timezone(zone, spot)  # an IANA typo: the closest names as a suggestion
            raise ConfigError(
                f"{spot}: {zone!r} is neither an IANA time zone (like 'Asia/Shanghai') nor a "
                "fixed offset under 24 hours (like '+08:00')"
            ) from None


def _urls(raw: Mapping[str, Any], where: str) -> tuple[str, ...]:
    if "url" in raw and "urls" in raw:
        raise ConfigError(f"{where}: give either 'url' or 'urls', not both")
    value = raw.get("url", raw.get("urls"))
    if value is None:
        raise ConfigError(f"{where}: missing required key 'url'")
    urls = (value,) if isinstance(value, str) else _str_tuple(value, f"{where}.url")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{where}.url: {url!r} is not an absolute http(s) URL")
    return urls


def _invariants(raw: Any, where: str) -> tuple[tuple[InvariantSetting, ...] | None, frozenset[str]]:
    """``{id = {param = ..., severity = ...}}``, ``{id = true}`` or ``{id = false}`` (disable)."""
    if raw is None:
        return None, frozenset()
    if isinstance(raw, list):
        return tuple(InvariantSetting(_expect(n, str, where)) for n in raw), frozenset()
    raw = _expect(raw, dict, where)
    settings: list[InvariantSetting] = []
    disabled: set[str] = set()
    for name, value in raw.items():
        if value is False:
            disabled.add(name)
            continue
        params = {} if value is True else dict(_expect(value, dict, f"{where}.{name}"))
        severity = _severity(params.pop("severity", "error"), f"{where}.{name}.severity")
        settings.append(InvariantSetting(name, params, severity))
    return tuple(settings), frozenset(disabled)


def _severities(raw: Any, where: str) -> dict[str, Severity]:
    raw = _expect(raw, dict, where)
    return {check: _severity(value, f"{where}.{check}") for check, value in raw.items()}


def _severity(value: Any, where: str) -> Severity:
    return parse_severity(value, where)


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ConfigError(f"{where}: unknown key(s) {names}; allowed: {', '.join(sorted(allowed))}")


def _expect(value: Any, kind: type, where: str) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(
            f"{where}: expected {_KIND_NAMES[kind]}, got {type(value).__name__} {value!r}"
        )
    return value


_KIND_NAMES = {str: "a string", list: "a list", dict: "a table", int: "an integer"}


def _optional_str(value: Any, where: str) -> str | None:
    return None if value is None else str(_expect(value, str, where))


def _timezone(value: Any, where: str) -> str | None:
    """An IANA zone name (``Europe/Paris``); a typo gets the closest names as a suggestion."""
    name = _optional_str(value, where)
    if name is None:
        return None
    try:
        ZoneInfo(name)
        return name
    except (ZoneInfoNotFoundError, ValueError):
        zones = available_timezones()  # only on a miss: scanning the zone database is slow
    close = difflib.get_close_matches(name, sorted(zones), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise ConfigError(f"{where}: {name!r} is not an IANA time zone (like 'Europe/Paris'){hint}")


def _str_tuple(value: Any, where: str) -> tuple[str, ...]:
    items = _expect(value, list, where)
    for i, item in enumerate(items):
        _expect(item, str, f"{where}[{i}]")
    return tuple(items)
