"""The one replay path: a file -> its cassette -> the feed that claims it -> the response -> the
parsed output, or a named failure.

Every command asks this module, so ``check``, ``diff``, ``bless``, ``history``, ``audit``,
``record`` and the pytest plugin agree on which feed a recording belongs to (also when
``harness record`` scrubbed a secret out of its URL) and read it the same way (through the cache
of decoded cassettes when it is on). Checks, drift and reports happen above this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.cassettes import Cassette, Interaction, load_cassette
from harness.cassettes.cache import CassetteCache
from harness.cassettes.load import DEFAULT_MAX_BODY_BYTES
from harness.cassettes.model import REDIRECT_STATUSES, first_header
from harness.cassettes.paths import ITEM_HEAD_BYTES, is_cassette_file
from harness.cassettes.scrub import Scrubber
from harness.config import FeedConfig, HarnessConfig, InvariantSetting
from harness.errors import CassetteError, FetchError, HarnessError, ParseError, TransportError
from harness.feedsetup import GENERIC_INVARIANTS, FeedSetup, build_setup
from harness.feedsniff import declares_feed, not_a_feed
from harness.fileio import read_bounded
from harness.model import FeedOutput, Fetch, Response, SkippedInteraction
from harness.parsers.itemdump import looks_like_itemdump
from harness.schemas import default_schema_dir
from harness.urls import normalize_url

__all__ = [
    "FAILURE_KINDS",
    "Failure",
    "Recording",
    "Replay",
    "Replayer",
    "crash_text",
    "failure_kind",
    "internal_failure",
    "one_line",
]

# The kinds of failure a report names, and what each means (the reports explain them).
FAILURE_KINDS = ("transport", "cassette", "parse", "config", "internal")
# Which kind an exception is (first match; any other HarnessError: config).
_KIND_OF: dict[type[HarnessError], str] = {
    TransportError: "transport",
    CassetteError: "cassette",
    ParseError: "parse",
    FetchError: "parse",
}
# A stored item is one article as an archiver wrote it: a few KB, never megabytes.
MAX_ITEM_FILE = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a recording could not be read or parsed: a kind (FAILURE_KINDS) and one line."""

    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class Replay:
    """One recording replayed: what was read, which feed claims it, what its parser made of it.

    ``setup`` is None only when the file could not be read at all; ``output`` is None when the
    recording was not parsed (yet) or its parsing failed (then ``failure`` says why).
    """

    shown: str
    setup: FeedSetup | None
    url: str | None = None
    cassette: Cassette | None = None
    content: str | None = None  # SHA-256 of the cassette file, when the cassette cache knew it
    response: Response | None = None
    fetch: Fetch | None = None
    output: FeedOutput | None = None
    failure: Failure | None = None
    notes: tuple[str, ...] = ()
    # Which interaction of the cassette (1 for the first) when the cassette holds several feed
    # responses or its one feed response is not its first; None otherwise.
    interaction: int | None = None

    @property
    def recorded_at(self) -> str | None:
        """The cassette's ``harness: recorded_at`` stamp, as written."""
        stamp = None if self.cassette is None else self.cassette.meta.get("recorded_at")
        return None if stamp is None else str(stamp)

    @property
    def feed(self) -> str | None:
        """The name of the configured feed that claims the recording (None: no feed does)."""
        return None if self.setup is None else self.setup.name


@dataclass(frozen=True, slots=True)
class Recording:
    """Every feed response of one file, each a Replay, and the interactions that are not feeds.

    ``replays`` is empty when the cassette holds no feed response (then ``skipped`` says what it
    holds); a file that could not be read is one Replay whose ``failure`` says why.
    """

    shown: str
    replays: tuple[Replay, ...]
    skipped: tuple[SkippedInteraction, ...] = ()


@dataclass(frozen=True, slots=True)
class _Found:
    """A feed response found in a cassette: the interaction, and the response to parse."""

    number: int  # 1 for the first interaction
    interaction: Interaction
    response: Response | None  # None: a redirect that does not resolve (failure says why)
    failure: str | None = None


class Replayer:
    """Reads recordings for one configuration; parsers and their setups are built once."""

    def __init__(self, config: HarnessConfig) -> None:
        self.config = config
        self.schema_dir = (config.schemas or default_schema_dir()).resolve()
        self.setups = {
            feed.name: build_setup(feed, self.schema_dir, config.limits) for feed in config.feeds
        }
        self._generic: dict[str, FeedSetup] = {}
        self.cache = None if config.cache_dir is None else CassetteCache(config.cache_dir)
        self._bases: tuple[Path, tuple[Path, ...]] | None = None
        # Configured URLs as `harness record` writes them (secret query values scrubbed).
        scrub = Scrubber.from_settings(config.record).url
        self._scrubbed_urls = {
            normalize_url(scrub(u)): feed.name
            for feed in config.feeds
            for u in feed.urls
            if scrub(u) != u
        }

    # --- which feed -------------------------------------------------------------------------

    def feed_for_url(self, url: str) -> FeedConfig | None:
        """The configured feed claiming ``url``, also when a recording scrubbed its secrets."""
        feed = self.config.feed_for_url(url)
        if feed is not None:
            return feed
        name = self._scrubbed_urls.get(normalize_url(url))
        return None if name is None else self.config.feed_named(name)

    def setup_for_url(self, url: str) -> FeedSetup:
        """The setup of the feed claiming ``url``; the generic ``rss`` setup when none does."""
        feed = self.feed_for_url(url)
        return self.setups[feed.name] if feed else self.generic("rss")

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

    # --- reading ----------------------------------------------------------------------------

    def load(self, path: Path) -> tuple[Cassette, str | None]:
        """The cassette and its file's SHA-256 when the cache computed it (None: cache off)."""
        limit = self.config.limits.get("max_bytes", DEFAULT_MAX_BODY_BYTES)  # a body, decoded
        if self.cache is None:
            return load_cassette(path, max_body_bytes=limit), None
        return self.cache.load_keyed(path, max_body_bytes=limit)

    def open(self, path: Path, *, shown: str | None = None, feed: str | None = None) -> Replay:
        """Read ``path`` and find its feed and response, without parsing; failures are named.

        A cassette holding several feed responses is a failure naming them, unless ``feed``
        (a configured feed's name) says which one is wanted and the cassette holds one of it.
        """
        shown = shown or self.display(path)
        try:
            if is_cassette_file(path):  # by its name, else by its first bytes
                return self._open_cassette(path, shown, feed)
            return self._open_item_file(path, shown)
        except HarnessError as err:
            failure = Failure(failure_kind(err), _renamed(err, path, shown))
            return Replay(shown, None, failure=failure)
        except Exception as err:  # a bug of ours or of a plugin: one input never stops the run
            return Replay(shown, None, failure=internal_failure(err))

    def replay(self, path: Path, *, shown: str | None = None, feed: str | None = None) -> Replay:
        """Read and parse ``path``: the whole replay path, one call (``feed``: see open)."""
        return self.parse(self.open(path, shown=shown, feed=feed))

    def open_all(self, path: Path, *, shown: str | None = None) -> Recording:
        """Read ``path`` and find every feed response in it, without parsing; failures named."""
        shown = shown or self.display(path)
        if not is_cassette_file(path):
            return Recording(shown, (self.open(path, shown=shown),))
        try:
            cassette, content = self.load(path)
            return self._open_every_feed(cassette, content, shown)
        except HarnessError as err:
            failure = Failure(failure_kind(err), _renamed(err, path, shown))
            return Recording(shown, (Replay(shown, None, failure=failure),))
        except Exception as err:  # a bug of ours or of a plugin: one input never stops the run
            return Recording(shown, (Replay(shown, None, failure=internal_failure(err)),))

    def replay_all(self, path: Path, *, shown: str | None = None) -> Recording:
        """Read ``path`` and parse each of its feed responses.

        Pages a feed's parser fetched from the cassette (an article page, say) are its own
        inputs: they are not listed as skipped.
        """
        opened = self.open_all(path, shown=shown)
        fetched: set[str] = set()
        replays = tuple(self.parse(_recording_fetches(r, fetched)) for r in opened.replays)
        skipped = tuple(s for s in opened.skipped if normalize_url(s.url) not in fetched)
        return replace(opened, replays=replays, skipped=skipped)

    def replay_response(
        self, response: Response, *, fetch: Fetch | None = None, shown: str | None = None
    ) -> Replay:
        """Parse an in-memory response as if recorded: the feed is found by its URL."""
        shown = shown or response.url
        opened = Replay(
            shown,
            self.setup_for_url(response.url),
            url=response.url,
            response=response,
            fetch=fetch or _no_fetch(shown),
        )
        return self.parse(opened)

    def parse(self, opened: Replay) -> Replay:
        """Run the feed's parser on an opened recording (unchanged when it failed or is parsed)."""
        if opened.failure or opened.output is not None or opened.response is None:
            return opened
        assert opened.setup is not None
        assert opened.fetch is not None
        try:
            output = _parse(opened.setup, opened.response, opened.fetch, opened.shown)
        except HarnessError as err:
            return replace(opened, failure=Failure(failure_kind(err), _prefixed(opened.shown, err)))
        except Exception as err:  # a bug of ours or of a plugin: one input never stops the run
            return replace(opened, failure=internal_failure(err))
        return replace(opened, output=output)

    def _open_cassette(self, path: Path, shown: str, feed: str | None) -> Replay:
        """The cassette's one feed response; several are a failure naming them (not a pick)."""
        cassette, content = self.load(path)
        replays = self._open_every_feed(cassette, content, shown).replays
        if not replays:  # no feed in it: read its first response, as always
            return self._open_first(cassette, content, shown)
        if len(replays) > 1 and feed is not None:
            replays = tuple(r for r in replays if r.feed == feed) or replays
        if len(replays) == 1:
            return replace(replays[0], interaction=None)
        found = ", ".join(_entry_name(r) for r in replays)
        message = (
            f"{shown}: {len(replays)} feed responses in one cassette ({found}); "
            "this command reads one feed: 'harness check' checks each"
        )
        failure = Failure("cassette", message)
        setup = replays[0].setup if feed is not None and replays[0].feed == feed else None
        return Replay(shown, setup, url=cassette.url, cassette=cassette, failure=failure)

    def _open_every_feed(self, cassette: Cassette, content: str | None, shown: str) -> Recording:
        found, skipped, repeats = self._find_feeds(cassette)
        label = len(found) > 1 or (len(found) == 1 and found[0].number != 1)
        replays = []
        for feed in found:
            setup = self.setup_for_url(feed.interaction.uri)
            notes = (repeats[feed.number],) if feed.number in repeats else ()
            replay = Replay(
                shown,
                setup,
                url=feed.interaction.uri,
                cassette=cassette,
                content=content,
                response=feed.response,
                fetch=cassette.fetch,
                notes=notes,
                interaction=feed.number if label else None,
            )
            if feed.failure is not None:
                replay = replace(
                    replay, failure=Failure("cassette", _prefixed(shown, feed.failure))
                )
            replays.append(replay)
        return Recording(shown, tuple(replays), tuple(skipped))

    def _find_feeds(
        self, cassette: Cassette
    ) -> tuple[list[_Found], list[SkippedInteraction], dict[int, str]]:
        """The feed responses (in order), the interactions skipped, notes on repeated requests.

        A feed response is a GET answered for a configured feed's URL (whatever it holds: the
        feed's parser judges it), a response served as a feed (its Content-Type), or any other
        2xx response whose head looks like a feed. A
        repeated URL is checked once per distinct response; an identical one is noted.
        """
        found: list[_Found] = []
        skipped: list[SkippedInteraction] = []
        repeats: dict[int, list[int]] = {}  # a feed response's number -> its identical repeats
        earlier: dict[str, list[_Found]] = {}  # normalized URL -> its feed responses so far
        reached: dict[str, int] = {}  # normalized URL -> the redirect that led to it
        for number, interaction in enumerate(cassette.interactions, 1):
            key = normalize_url(interaction.uri)
            reason = self._skip_reason(
                cassette, interaction, earlier.get(key, []), reached.get(key)
            )
            if isinstance(reason, _Found):  # an identical re-request: noted on the first
                repeats.setdefault(reason.number, []).append(number)
                continue
            if reason is not None:
                skipped.append(SkippedInteraction(number, interaction.uri, reason))
                continue
            feed = _resolved(cassette, number, interaction)
            found.append(feed)
            earlier.setdefault(key, []).append(feed)
            if feed.response is not None and feed.response.url != interaction.uri:
                reached[normalize_url(feed.response.url)] = number
        return found, skipped, _repeat_notes(found, repeats)

    def _skip_reason(
        self,
        cassette: Cassette,
        interaction: Interaction,
        earlier: list[_Found],
        reached_from: int | None,
    ) -> str | _Found | None:
        """None: a feed response to check; a _Found: the same as that one; else why skipped."""
        method = interaction.method.upper()
        if method != "GET":
            return f"a {method} request, not a feed fetch"
        response = interaction.response
        same = next((f for f in earlier if _same(f.interaction.response, response)), None)
        if same is not None:
            return same
        if earlier and not 200 <= response.status < 300:
            first = earlier[0].number
            return f"HTTP {response.status} on a re-request: the response of #{first} is checked"
        if reached_from is not None:
            return f"reached by the redirect of #{reached_from}: checked there"
        if self.feed_for_url(interaction.uri) is not None:
            return None
        failed = not 200 <= response.status < 300 and response.status not in REDIRECT_STATUSES
        if failed and _feed_elsewhere(cassette, interaction):
            return None  # a failed fetch of a URL that answered a feed elsewhere: a feed's
        return _unclaimed_reason(cassette, interaction)

    def _open_first(self, cassette: Cassette, content: str | None, shown: str) -> Replay:
        """The cassette's first interaction, read as a feed (its parser says what it is)."""
        setup = self.setup_for_url(cassette.url)
        opened = Replay(shown, setup, url=cassette.url, cassette=cassette, content=content)
        recorded = _responses_for(cassette.interactions, cassette.url)
        if recorded > 1:  # the first wins, as vcrpy replays them in order: say so
            note = f"{recorded} recorded responses for {cassette.url}: the first one is checked"
            opened = replace(opened, notes=(note,))
        try:
            response = cassette.fetch(cassette.url)
        except FetchError as err:
            return replace(opened, failure=Failure("cassette", _prefixed(shown, err)))
        return replace(opened, response=response, fetch=cassette.fetch)

    def _open_item_file(self, path: Path, shown: str) -> Replay:
        """A stored item (the seed's form): its feed is found by the host of the item's URL."""
        try:
            data = read_bounded(path, MAX_ITEM_FILE)
        except OSError as err:
            raise CassetteError(f"{path}: cannot read: {err.strerror or err}") from None
        if not looks_like_itemdump(data[:ITEM_HEAD_BYTES]):
            raise CassetteError(f"{shown}: neither a cassette (.yaml/.yml) nor a stored feed item")
        probe = self.generic("itemdump")
        response = Response(url=shown, status=200, headers={}, body=data)
        output = _parse(probe, response, _no_fetch(shown), shown)
        url = output.items[0].get("url") if output.items else None
        feed = self._feed_for_host(url)
        setup = probe if feed is None else _with_parser(self.setups[feed.name], probe)
        url = url if isinstance(url, str) else None
        return Replay(shown, setup, url=url, output=output)  # no feed document: no response

    def _feed_for_host(self, url: Any) -> FeedConfig | None:
        host = (urlsplit(url).hostname or "") if isinstance(url, str) else ""
        for feed in self.config.feeds:
            if any(host == h or host.endswith("." + h) for h in feed.allowed_hosts):
                return feed
        return None


def failure_kind(err: HarnessError) -> str:
    """What a report calls this failure (transport, cassette, parse; else config)."""
    return next((kind for t, kind in _KIND_OF.items() if isinstance(err, t)), "config")


def internal_failure(err: Exception) -> Failure:
    """A crash of ours or of a plugin, on one line (the traceback stays ours).

    The kind says "internal"; the message says what was raised (reports name the kind).
    """
    return Failure("internal", crash_text(err))


def crash_text(err: BaseException) -> str:
    """'ValueError: Invalid IPv6 URL': what was raised, on one line."""
    return one_line(f"{type(err).__name__}: {err}")


def one_line(text: object) -> str:
    """Any message on one line: runs of whitespace (newlines included) as one space."""
    return " ".join(str(text).split())


def _no_fetch(shown: str) -> Fetch:
    def fetch(url: str) -> Response:
        raise FetchError(f"{shown}: a stored item has no recorded responses; cannot fetch {url}")

    return fetch


def _parse(setup: FeedSetup, response: Response, fetch: Fetch, shown: str) -> FeedOutput:
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


def _resolved(cassette: Cassette, number: int, interaction: Interaction) -> _Found:
    """The response to parse: the interaction's own, or where its recorded redirects lead."""
    response = interaction.response
    if response.status not in REDIRECT_STATUSES:
        return _Found(number, interaction, response)
    if first_header(interaction.response_headers, "location") is None:
        return _Found(number, interaction, response)
    try:
        return _Found(number, interaction, cassette.fetch(interaction.uri))
    except FetchError as err:
        return _Found(number, interaction, None, failure=str(err))


def _same(a: Response, b: Response) -> bool:
    return a.status == b.status and a.body == b.body


def _unclaimed_reason(cassette: Cassette, interaction: Interaction) -> str | None:
    """Why a response no configured feed claims is not a feed to check (None: it is one).

    A redirect is skipped (where it leads is judged on its own) unless it leads nowhere: a
    loop, an invalid or unrecorded target is a broken recording, reported as such.
    """
    response = interaction.response
    location = first_header(interaction.response_headers, "location")
    if response.status in REDIRECT_STATUSES and location is not None:
        if _resolved(cassette, 0, interaction).failure is not None:
            return None
        return f"redirect (HTTP {response.status}) to {one_line(location)}"
    if declares_feed(response):  # served as a feed: checked as one, broken or not
        return None
    if not 200 <= response.status < 300:
        return f"HTTP {response.status} from a URL no configured feed claims"
    return not_a_feed(response)


def _feed_elsewhere(cassette: Cassette, failed: Interaction) -> bool:
    """Whether another GET of the same URL in the cassette answered with a feed."""
    key = normalize_url(failed.uri)
    return any(
        i is not failed
        and i.method.upper() == "GET"
        and 200 <= i.response.status < 300
        and normalize_url(i.uri) == key
        and not_a_feed(i.response) is None
        for i in cassette.interactions
    )


def _repeat_notes(found: list[_Found], repeats: dict[int, list[int]]) -> dict[int, str]:
    uris = {f.number: f.interaction.uri for f in found}
    return {
        number: (
            f"{len(again) + 1} identical recorded responses for {uris[number]} "
            f"(#{number}, " + ", ".join(f"#{n}" for n in again) + "): checked once"
        )
        for number, again in repeats.items()
    }


def _entry_name(replay: Replay) -> str:
    """'#2 rfi' or '#3 https://example.test/feed.xml' (no configured feed claims it)."""
    return f"#{replay.interaction} {replay.feed or replay.url}"


def _recording_fetches(replay: Replay, fetched: set[str]) -> Replay:
    """The replay with a fetch that adds each URL its parser asks for to ``fetched``."""
    inner = replay.fetch
    if inner is None:
        return replay

    def fetch(url: str) -> Response:
        fetched.add(normalize_url(url))
        return inner(url)

    return replace(replay, fetch=fetch)


def _renamed(err: Exception, path: Path, shown: str) -> str:
    """The message with the file named as ``shown`` (not by the path it was opened with)."""
    message = str(err)
    for name in dict.fromkeys((str(path), str(path.resolve()))):
        if message.startswith(f"{name}: "):
            return _prefixed(shown, f"{shown}: {message[len(name) + 2 :]}")
    return _prefixed(shown, message)


def _prefixed(shown: str, err: object) -> str:
    message = one_line(err)
    return message if message.startswith(shown) else f"{shown}: {message}"


def _with_parser(setup: FeedSetup, probe: FeedSetup) -> FeedSetup:
    return replace(setup, parser=probe.parser, parser_name=probe.parser_name, schema=probe.schema)
