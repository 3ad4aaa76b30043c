"""The pipeline: input file -> response -> parser -> schema -> invariants -> CassetteResult."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.cassettes.age import stale_warning
from harness.cassettes.cache import CassetteCache
from harness.cassettes.paths import ITEM_HEAD_BYTES, discover, is_cassette_path
from harness.cassettes.scrub import Scrubber
from harness.cassettes.store import Cassette, Interaction, load_cassette
from harness.config import FeedConfig, HarnessConfig, InvariantSetting
from harness.errors import (
    CassetteError,
    FetchError,
    HarnessError,
    ParseError,
    TransportError,
)
from harness.feedsetup import GENERIC_INVARIANTS, FeedSetup, build_setup
from harness.fileio import read_bounded
from harness.model import (
    CassetteResult,
    FeedOutput,
    Fetch,
    Response,
    Result,
    Severity,
    Violation,
)
from harness.schemas import default_schema_dir, validate_item
from harness.urls import normalize_url

# What a report calls a failure, by exception (first match; any other HarnessError: config).
_ERROR_KINDS: dict[type[HarnessError], str] = {
    TransportError: "transport",
    CassetteError: "cassette",
    ParseError: "parse",
    FetchError: "parse",
}
_MAX_ITEM_FILE = 16 * 1024 * 1024


class Runner:
    """Checks files against a configuration; parsers and validators are built once."""

    def __init__(self, config: HarnessConfig) -> None:
        self.config = config
        self.schema_dir = (config.schemas or default_schema_dir()).resolve()
        self.setups = {
            feed.name: build_setup(feed, self.schema_dir, config.limits) for feed in config.feeds
        }
        self._generic: dict[str, FeedSetup] = {}
        self.cache = None if config.cache_dir is None else CassetteCache(config.cache_dir)
        self._prints: Any = None  # FingerprintCache, built at the first drift check
        self._bases: tuple[Path, tuple[Path, ...]] | None = None
        # Configured URLs as `harness record` writes them (secret query values scrubbed).
        scrub = Scrubber.from_settings(config.record).url
        self._scrubbed_urls = {
            normalize_url(scrub(u)): feed.name
            for feed in config.feeds
            for u in feed.urls
            if scrub(u) != u
        }

    def generic(self, parser_name: str) -> FeedSetup:
        """The setup for inputs no configured feed claims: default invariants of the parser."""
        if parser_name not in self._generic:
            feed = FeedConfig(
                name="",
                urls=(),
                parser=parser_name,
                invariants=tuple(InvariantSetting(n) for n in GENERIC_INVARIANTS),
            )
            setup = build_setup(feed, self.schema_dir, self.config.limits)
            self._generic[parser_name] = replace(setup, name=None)
        return self._generic[parser_name]

    def check_paths(self, paths: Sequence[Path], *, jobs: int = 1) -> Result:
        """Check every cassette or stored item under ``paths`` (default: the cassettes folder).

        With ``jobs > 1`` files are checked in that many worker processes; results keep the
        input order, so the report is identical to a serial run.
        """
        targets = list(discover(paths or [self.config.cassettes]))
        if jobs <= 1 or len(targets) < 2:
            return Result(tuple(self.check_file(p) for p in targets))
        return Result(tuple(_check_parallel(self.config, targets, min(jobs, len(targets)))))

    def check_file(self, path: Path) -> CassetteResult:
        """Check one file; broken input becomes a BROKEN result, never an exception."""
        shown = self.display(path)
        try:
            if is_cassette_path(path):
                return self._check_cassette(path, shown)
            return self._check_item_file(path, shown)
        except HarnessError as err:
            return _broken(shown, _kind(err), RuntimeError(_renamed(err, path, shown)))
        except Exception as err:  # a bug of ours or of a plugin: one input never stops the run
            return _broken(shown, "internal", RuntimeError(f"internal error: {_crash(err)}"))

    def check_parsed(
        self, response: Response, *, fetch: Fetch | None = None, shown: str | None = None
    ) -> tuple[CassetteResult, FeedOutput | None]:
        """Like check_response, plus the parser's output (None when the input is broken)."""
        shown = shown or response.url
        setup = self.setup_for_url(response.url)
        result = _base_result(shown, setup, response.url)
        try:
            output = _parse(setup, response, fetch or _no_fetch(shown), shown)
        except (ParseError, FetchError) as err:  # TransportError is a ParseError
            return _broken(shown, _kind(err), err, result), None
        return self._evaluate(result, setup, output, response.body), output

    def check_response(
        self, response: Response, *, fetch: Fetch | None = None, shown: str | None = None
    ) -> CassetteResult:
        """Check an in-memory response as if recorded: the feed is found by its URL."""
        return self.check_parsed(response, fetch=fetch, shown=shown)[0]

    def plan(self, path: Path) -> tuple[str | None, tuple[str, ...]]:
        """Feed and checks a cassette will get, without parsing it; CassetteError if unreadable."""
        setup = self.setup_for_url(self.load_cassette(path).url)
        return setup.name, setup.checks

    def display(self, path: Path) -> str:
        """The path as reports show it: relative to the project (config folder) when inside it."""
        resolved = path.resolve()
        for base in self._display_bases():
            if resolved.is_relative_to(base):
                return resolved.relative_to(base).as_posix()
        return resolved.as_posix()

    def _display_bases(self) -> tuple[Path, ...]:
        """The config folder and the working folder, resolved (once per folder, not per file)."""
        cwd = Path.cwd()
        if self._bases is None or self._bases[0] != cwd:
            source = self.config.source
            found = ((source.parent.resolve(),) if source else ()) + (cwd.resolve(),)
            self._bases = (cwd, found)
        return self._bases[1]

    def setup_for_url(self, url: str) -> FeedSetup:
        """The setup of the feed claiming ``url`` (also when the recording scrubbed its secrets)."""
        feed = self.config.feed_for_url(url)
        name = feed.name if feed else self._scrubbed_urls.get(normalize_url(url))
        return self.setups[name] if name else self.generic("rss")

    def load_cassette(self, path: Path) -> Cassette:
        """A cassette, decoded from YAML or served by the cache of decoded cassettes."""
        return self._load_keyed(path)[0]

    def _load_keyed(self, path: Path) -> tuple[Cassette, str | None]:
        """The cassette and its file's SHA-256 when the cache computed it (None: cache off)."""
        if self.cache is None:
            return load_cassette(path), None
        return self.cache.load_keyed(path)

    def _check_cassette(self, path: Path, shown: str) -> CassetteResult:
        cassette, content = self._load_keyed(path)
        setup = self.setup_for_url(cassette.url)
        result = _base_result(shown, setup, cassette.url)
        recorded = _responses_for(cassette.interactions, cassette.url)
        if recorded > 1:  # the first wins, as vcrpy replays them in order: say so
            note = f"{recorded} recorded responses for {cassette.url}: the first one is checked"
            result = replace(result, notes=(*result.notes, note))
        stale = stale_warning(cassette.meta, self.config.max_age, datetime.now(UTC))
        if stale is not None:
            age = Violation(
                "max-age", stale, severity=setup.severity.get("max-age", Severity.WARNING)
            )
            result = replace(result, violations=(age,), checks=("max-age",))
        try:
            response = cassette.fetch(cassette.url)
        except FetchError as err:
            return _broken(shown, "cassette", err, result)
        try:
            output = _parse(setup, response, cassette.fetch, shown)
        except (ParseError, FetchError) as err:
            return _broken(shown, _kind(err), err, result)
        return self._evaluate(result, setup, output, response.body, content)

    def _check_item_file(self, path: Path, shown: str) -> CassetteResult:
        from harness.parsers.itemdump import looks_like_itemdump

        data = _read_bounded(path)
        if not looks_like_itemdump(data[:ITEM_HEAD_BYTES]):
            raise CassetteError(f"{shown}: neither a cassette (.yaml/.yml) nor a stored feed item")
        probe = self.generic("itemdump")
        response = Response(url=shown, status=200, headers={}, body=data)
        output = _parse(probe, response, _no_fetch(shown), shown)
        url = output.items[0].get("url") if output.items else None
        feed = self._feed_for_host(url)
        setup = probe if feed is None else _with_parser(self.setups[feed.name], probe)
        return self._evaluate(_base_result(shown, setup, url), setup, output)

    def _feed_for_host(self, url: Any) -> FeedConfig | None:
        host = (urlsplit(url).hostname or "") if isinstance(url, str) else ""
        for feed in self.config.feeds:
            if any(host == h or host.endswith("." + h) for h in feed.allowed_hosts):
                return feed
        return None

    def _has_baseline(self, feed: str) -> bool:
        from harness.drift.baseline import baseline_path

        return baseline_path(self.config.cassettes, feed).is_file()

    def _evaluate(
        self,
        result: CassetteResult,
        setup: FeedSetup,
        output: FeedOutput,
        body: bytes | None = None,
        content: str | None = None,
    ) -> CassetteResult:
        context = setup.context
        if context.language is None and isinstance(output.feed.get("language"), str):
            context = replace(context, language=output.feed["language"])
        found: list[Violation] = list(output.problems)
        for index, item in enumerate(output.items):
            found.extend(validate_item(self.schema_dir, setup.schema, item, index))
        drift_checks: tuple[str, ...] = ()
        if setup.name and body is not None and self._has_baseline(setup.name):
            from harness.drift import baseline_violations

            drift_checks = ("drift",)
            found.extend(
                baseline_violations(
                    self.config.cassettes,
                    setup.name,
                    result.path,
                    output,
                    body,
                    fingerprint=self._fingerprinter(setup, content),
                )
            )
        for inv in setup.invariants:
            try:
                found.extend(inv.iter_violations(output.items, context))
            except Exception as err:  # a crashing invariant is reported, the others still run
                found.append(Violation(inv.id, f"invariant {inv.id!r} crashed: {_crash(err)}"))
        violations = (*result.violations, *_apply_severity(found, setup.severity))
        problem_checks = sorted({v.check for v in output.problems} - set(setup.checks))
        return replace(
            result,
            dialect=output.dialect,
            items=len(output.items),
            checks=(*result.checks, *setup.checks, *drift_checks, *problem_checks),
            violations=violations,
        )

    def _fingerprinter(self, setup: FeedSetup, content: str | None) -> Any:
        """fingerprint_output served from the fingerprint cache, when the recording's form can
        be keyed (cache on, the cassette's hash known, a parser of this package); else None."""
        if content is None or self.config.cache_dir is None or not setup.name:
            return None
        from harness.drift.fingerprint import Fingerprint, fingerprint_output
        from harness.drift.fingerprint_cache import FingerprintCache

        if self._prints is None:
            self._prints = FingerprintCache(self.config.cache_dir)
        prints: FingerprintCache = self._prints
        feed = self.config.feed_named(setup.name)
        settings = {
            "parser": feed.parser,
            "parser-options": dict(feed.parser_options),
            "limits": dict(self.config.limits),
        }
        key = prints.key(content, setup.parser, settings)
        if key is None:
            return None

        def fingerprint(base: Fingerprint, output: FeedOutput, body: bytes) -> Fingerprint:
            found = prints.get(key, base)
            if found is None:
                found = fingerprint_output(base, output, body)
                prints.put(key, found)
            return found

        return fingerprint


_WORKER: Runner | None = None


def _init_worker(config: HarnessConfig) -> None:
    global _WORKER  # one Runner per worker process, built once
    _WORKER = Runner(config)


def _check_in_worker(path: Path) -> CassetteResult:
    assert _WORKER is not None
    return _WORKER.check_file(path)


def _check_parallel(config: HarnessConfig, targets: list[Path], jobs: int) -> list[CassetteResult]:
    """Largest files first, one at a time, so no worker is left with a big file at the end."""
    from concurrent.futures import ProcessPoolExecutor

    order = sorted(range(len(targets)), key=lambda n: -_size(targets[n]))
    results: list[CassetteResult | None] = [None] * len(targets)
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        done = pool.map(_check_in_worker, [targets[n] for n in order])
        for n, result in zip(order, done, strict=True):
            results[n] = result
    return [r for r in results if r is not None]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_bounded(path: Path) -> bytes:
    try:
        return read_bounded(path, _MAX_ITEM_FILE)
    except OSError as err:
        raise CassetteError(f"{path}: cannot read: {err.strerror or err}") from None


def _no_fetch(shown: str) -> Any:
    def fetch(url: str) -> Response:
        raise FetchError(f"{shown}: a stored item has no recorded responses; cannot fetch {url}")

    return fetch


def _parse(setup: FeedSetup, response: Response, fetch: Any, shown: str) -> FeedOutput:
    try:
        output = setup.parser.parse(response, fetch=fetch)
    except HarnessError as err:
        raise type(err)(_prefixed(shown, err)) from None
    except Exception as err:  # a third-party parser crashed: report it, keep checking the rest
        raise ParseError(
            f"{shown}: parser {setup.parser_name!r} crashed: {type(err).__name__}: {err}"
        ) from None
    if not isinstance(output, FeedOutput):
        raise ParseError(
            f"{shown}: parser {setup.parser_name!r} returned "
            f"{type(output).__name__}, expected FeedOutput"
        )
    return output


def _responses_for(interactions: Sequence[Interaction], url: str) -> int:
    """How many recorded GETs answer ``url`` (scheme/host case, default port, fragment aside)."""
    wanted = normalize_url(url)
    return sum(
        1 for i in interactions if i.method.upper() == "GET" and normalize_url(i.uri) == wanted
    )


def _crash(err: Exception) -> str:
    """'ValueError: Invalid IPv6 URL' on one line, for reports (the traceback stays ours)."""
    return " ".join(f"{type(err).__name__}: {err}".split())


def _kind(err: HarnessError) -> str:
    """What a report calls this failure (transport, cassette, parse; else config)."""
    return next((kind for t, kind in _ERROR_KINDS.items() if isinstance(err, t)), "config")


def _renamed(err: Exception, path: Path, shown: str) -> str:
    """The message with the file named as ``shown`` (not by the path it was opened with)."""
    message = str(err)
    for name in dict.fromkeys((str(path), str(path.resolve()))):
        if message.startswith(f"{name}: "):
            return f"{shown}: {message[len(name) + 2 :]}"
    return message


def _prefixed(shown: str, err: Exception) -> str:
    message = " ".join(str(err).split())
    return message if message.startswith(shown) else f"{shown}: {message}"


def _base_result(shown: str, setup: FeedSetup, url: Any) -> CassetteResult:
    notes = (
        ()
        if setup.name
        else (
            f"no configured feed claims this URL: checked with {setup.parser_name}, "
            f"the {setup.schema} schema and the generic invariants",
        )
    )
    return CassetteResult(
        path=shown,
        feed=setup.name,
        url=url if isinstance(url, str) else None,
        parser=setup.parser_name,
        schema=setup.schema,
        notes=notes,
    )


def _broken(
    shown: str, kind: str, err: Exception, known: CassetteResult | None = None
) -> CassetteResult:
    if known is not None:  # the feed is known: keep feed, URL and parser in the report
        return replace(known, error_kind=kind, error=_prefixed(shown, err))
    return CassetteResult(
        path=shown,
        feed=None,
        url=None,
        parser=None,
        schema=None,
        error_kind=kind,
        error=_prefixed(shown, err),
    )


def _apply_severity(
    found: Iterable[Violation], overrides: dict[str, Severity]
) -> Iterator[Violation]:
    for violation in found:
        severity = overrides.get(violation.check)
        yield violation if severity is None else replace(violation, severity=severity)


def _with_parser(setup: FeedSetup, probe: FeedSetup) -> FeedSetup:
    return replace(setup, parser=probe.parser, parser_name=probe.parser_name, schema=probe.schema)
