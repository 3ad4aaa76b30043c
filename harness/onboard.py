"""``harness init``: a configuration inferred from recordings a project already has.

Every cassette under the folders given is read through the one replay path
(:class:`harness.replay.Replayer`, generic ``rss`` setup: no configuration yet) and grouped by the
URL of its first request, which is how ``harness check`` matches a cassette to its feed. Feed URLs
given on the command line name feeds too (no network: their recordings, if any, give the content).
For each feed the inference rules below say what is written and why; the generic invariants are
run on the recorded items and only those that pass are kept, so the first ``harness check`` is
green and every kept check means something.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from harness.cassettes.paths import discover, is_cassette_file
from harness.config import HarnessConfig
from harness.dates import parse_feed_date
from harness.invariants import CheckContext, get_invariant
from harness.model import FeedOutput, Item, Severity
from harness.replay import Replay, Replayer
from harness.schemas import validate_item
from harness.textclass import strip_tags
from harness.urls import normalize_url

__all__ = ["FoundFeed", "Inference", "Skipped", "infer", "render_toml"]

PARSER = "rss"  # the built-in parser that reads RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed 1.x
DIALECT_NAMES = {
    "rss2.0": "RSS 2.0",
    "rss1.0": "RSS 1.0",
    "rss0.9x": "RSS 0.9x",
    "atom1.0": "Atom 1.0",
    "jsonfeed1.0": "JSON Feed 1.0",
    "jsonfeed1.1": "JSON Feed 1.1",
}
# The invariants that mean something on any feed the rss parser reads (the article checks,
# date lines and paragraphs, need an article parser). Parser defaults first, in their order.
CANDIDATES = (
    "items-present",
    "unique-ids",
    "title-nonempty",
    "links-absolute",
    "no-markup-in-text",
    "no-mojibake",
    "fields-present",
    "text-complete",
    "script-matches-language",
    "timezone-matches",
)
_HOST_PREFIXES = frozenset({"www", "m", "rss", "feeds", "feed"})  # feeds.bbc.co.uk -> bbc
# Second-level labels that name a registry or a hosting service, not the site: the label before
# them does (bbc.co.uk -> bbc, orx365.github.io -> orx365).
_SHARED_LABELS = frozenset(
    {
        "co",
        "com",
        "org",
        "net",
        "ac",
        "gov",
        "edu",
        "github",
        "gitlab",
        "blogspot",
        "wordpress",
        "substack",
        "medium",
        "tumblr",
        "netlify",
        "pages",
    }
)
MAX_HOSTS = 3  # more distinct link hosts than this: no allowed-hosts (a portal, not one site)
# Path parts that say nothing about which feed it is (dropped from derived names).
_GENERIC_PARTS = frozenset(
    {"rss", "feed", "feeds", "atom", "index", "xml", "json", "rdf", "www", "blog", "default"}
)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file init could not use, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """One feed as init writes it: what was inferred, and why."""

    name: str
    url: str
    cassettes: tuple[str, ...] = ()
    dialect: str | None = None
    items: int = 0
    language: str | None = None
    language_why: str = ""
    zone: str | None = None  # a fixed offset "+08:00" for timezone-matches
    zone_why: str = ""
    allowed_hosts: tuple[str, ...] = ()
    hosts_why: str = ""
    kept: tuple[str, ...] = ()
    left_out: tuple[tuple[str, str], ...] = ()  # (invariant, why)
    lowered: Mapping[str, int] = field(default_factory=dict)  # check -> count, rated warning

    def summary(self) -> str:
        """One line: what was inferred, and why."""
        dialect = DIALECT_NAMES.get(self.dialect or "", self.dialect or "no recording")
        parts = [
            f"{self.name}: {self.url}",
            f"{len(self.cassettes)} cassette(s), {self.items} item(s), {dialect}",
            f"language {self.language or '-'} ({self.language_why})",
            f"timezone {self.zone or '-'} ({self.zone_why})",
            f"{len(self.kept)} invariant(s) pass"
            + (f", left out: {', '.join(n for n, _ in self.left_out)}" if self.left_out else ""),
        ]
        if self.lowered:
            parts.append(f"rated warning: {', '.join(sorted(self.lowered))}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Inference:
    """What init found: the feeds, the cassettes folder, and the files it skipped."""

    feeds: tuple[FoundFeed, ...]
    cassettes: Path | None
    skipped: tuple[Skipped, ...] = ()


def infer(sources: Sequence[str | Path], *, cache_dir: Path | None = None) -> Inference:
    """Read the cassettes under the folders/files in ``sources``; URLs in it name feeds."""
    urls = [str(s) for s in sources if _is_url(str(s))]
    paths = [Path(s) for s in sources if not _is_url(str(s))]
    folder = _common_folder(paths)
    replayer = Replayer(HarnessConfig(cassettes=folder or Path.cwd(), cache_dir=cache_dir))
    groups: dict[str, list[Replay]] = {normalize_url(u): [] for u in urls}
    shown: dict[str, str] = {normalize_url(u): u for u in urls}
    skipped: list[Skipped] = []
    for path in _cassette_files(paths):
        replay = replayer.replay(path)
        if replay.failure is not None or replay.output is None or replay.url is None:
            reason = replay.failure.message if replay.failure else "no feed response in it"
            skipped.append(Skipped(replay.shown, reason.removeprefix(f"{replay.shown}: ")))
            continue
        key = normalize_url(replay.url)
        groups.setdefault(key, []).append(replay)
        shown.setdefault(key, replay.url)
    names = _unique_names(shown[k] for k in groups)
    feeds = tuple(
        _found(name, shown[key], groups[key], replayer.schema_dir)
        for name, key in zip(names, groups, strict=True)
    )
    return Inference(feeds, folder, tuple(skipped))


def _is_url(text: str) -> bool:
    return urlsplit(text).scheme in ("http", "https")


def _common_folder(paths: Sequence[Path]) -> Path | None:
    """The folder ``harness check`` walks: the one folder given, else the common parent."""
    if not paths:
        return None
    folders = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([f.resolve() for f in folders]))


def _cassette_files(paths: Sequence[Path]) -> list[Path]:
    """Cassettes under the folders (recursively: pytest-recording's <module>/<test>.yaml too)."""
    return [p for p in discover(paths) if is_cassette_file(p)]  # by name, else by content


# --- names ------------------------------------------------------------------------------------


def derive_name(url: str) -> str:
    """A feed name from the URL: the site's label, then what the path adds (``feedx-rfi``)."""
    parts = urlsplit(url)
    labels = [x for x in (parts.hostname or "feed").split(".") if x not in _HOST_PREFIXES]
    site = labels[-2] if len(labels) >= 2 else (labels[0] if labels else "feed")
    if site in _SHARED_LABELS and len(labels) >= 3:
        site = labels[-3]
    if _is_local(parts.hostname):  # a test server's address names no site: the path does
        site = ""
    words = [w for w in re.split(r"[^a-z0-9]+", parts.path.lower()) if w]
    words = [w for w in words if w not in _GENERIC_PARTS and w not in ("php", "asp", "aspx")]
    return _slug("-".join([site, *words[-2:]])) or "feed"


def _is_local(host: str | None) -> bool:
    """An IP address or localhost (RFC 6761 6.3), as tests record from."""
    if host is None or host == "localhost":
        return host is not None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]+", "-", text.lower())).strip("-")


def _unique_names(urls: Iterable[str]) -> list[str]:
    """Derived names, made unique with -2, -3... in the order found."""
    names: list[str] = []
    for url in urls:
        base = derive_name(url)
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


# --- one feed ---------------------------------------------------------------------------------


def _found(name: str, url: str, replays: Sequence[Replay], schema_dir: Path) -> FoundFeed:
    outputs = [r.output for r in replays if r.output is not None]
    if not outputs:
        why = "no recording: run 'harness record' first"
        return FoundFeed(name, url, language_why=why, zone_why=why)
    items = [item for output in outputs for item in output.items]
    language, language_why = infer_language(outputs, items)
    zone, zone_why = infer_zone(items)
    hosts, hosts_why = infer_hosts(items)
    context = CheckContext(feed=name, language=language, allowed_hosts=hosts)
    kept, left_out = run_candidates(outputs, context, zone)
    return FoundFeed(
        name,
        url,
        cassettes=tuple(r.shown for r in replays),
        dialect=_dialect(outputs),
        items=len(items),
        language=language,
        language_why=language_why,
        zone=zone,
        zone_why=zone_why,
        allowed_hosts=hosts,
        hosts_why=hosts_why,
        kept=kept,
        left_out=left_out,
        lowered=_lowered(outputs, schema_dir),
    )


def _dialect(outputs: Sequence[FeedOutput]) -> str:
    dialects = sorted({o.dialect for o in outputs})
    return dialects[0] if len(dialects) == 1 else "/".join(dialects)


# Languages a script identifies on its own. Han with kana is Japanese, Hangul is Korean (Unicode
# blocks, as harness.textclass classes them); Latin, Cyrillic and Arabic are each written by
# many languages, so they name none.
_SCRIPTS = (
    ("ja", re.compile("[\u3040-\u30ff\u31f0-\u31ff]"), 0.05, "kana among the letters"),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"), 0.5, "Hangul letters"),
    ("zh", re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"), 0.5, "Han letters"),
    ("el", re.compile("[\u0370-\u03ff\u1f00-\u1fff]"), 0.5, "Greek letters"),
    ("he", re.compile("[\u0590-\u05ff]"), 0.5, "Hebrew letters"),
)
_LETTER = re.compile(r"[^\W\d_]")


def infer_language(outputs: Sequence[FeedOutput], items: Sequence[Item]) -> tuple[str | None, str]:
    """The feed's declared language, else the one its items' script names; and why."""
    # RSS 2.0 <language> (and dc:language in RSS 1.0), Atom xml:lang on <feed> (RFC 4287 2),
    # JSON Feed "language" (1.1): the parsers put each in feed["language"].
    declared = sorted({o.feed["language"] for o in outputs if o.feed.get("language")})
    if len(declared) == 1:
        return declared[0], "declared by the feed"
    if declared:
        return None, f"the recordings declare {', '.join(declared)}: not one"
    text = " ".join(strip_tags(_item_text(item)) for item in items)
    letters = len(_LETTER.findall(text))
    if letters < 50:
        return None, f"not declared, and only {letters} letters to tell the script"
    for lang, script, share, what in _SCRIPTS:
        found = len(script.findall(text)) / letters
        if found >= share:
            return lang, f"not declared; {found:.0%} {what} in the items"
    return None, "not declared, and the items' script (Latin, Cyrillic...) names no one language"


def _item_text(item: Item) -> str:
    return " ".join(str(item.get(key) or "") for key in ("title", "summary", "content"))


def infer_zone(items: Sequence[Item]) -> tuple[str | None, str]:
    """A fixed UTC offset when every written item date carries the same one; and why.

    The offsets are those the dates are written with (``published_raw``): RFC 822 section 5
    zones (``+0800``, ``GMT``, ``EST``; RSS 2.0 dates) and RFC 3339 offsets (``+08:00``, ``Z``;
    Atom and JSON Feed). One offset for all: the feed writes that fixed offset, which
    timezone-matches then holds. Several (``+01:00`` and ``+02:00``: a zone with daylight saving
    time, or several zones): nothing is inferred, since the IANA zone is not knowable from them.
    """
    offsets: dict[timedelta, int] = {}
    for item in items:
        offset = _written_offset(item.get("published_raw"))
        if offset is not None:
            offsets[offset] = offsets.get(offset, 0) + 1
    if not offsets:
        return None, "no item date with an offset"
    if len(offsets) > 1:
        seen = ", ".join(_offset_text(o) for o in sorted(offsets))
        return None, f"item dates carry {seen} (daylight saving or several zones): set timezone"
    ((offset, count),) = offsets.items()
    return _offset_text(offset), f"all {count} item dates carry it"


def _written_offset(raw: object) -> timedelta | None:
    if not isinstance(raw, str):
        return None
    try:
        written = parse_feed_date(raw).value
    except ValueError:
        return None  # date-parseable reports it
    return None if written is None else written.utcoffset()


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def infer_hosts(items: Sequence[Item]) -> tuple[tuple[str, ...], str]:
    """The hosts of the items' links when few (links-absolute then keeps them there); and why."""
    hosts = sorted(
        {
            (urlsplit(url).hostname or "").lower()
            for item in items
            if isinstance(url := item.get("url"), str)
        }
        - {""}
    )
    if not hosts:
        return (), "no item links"
    if len(hosts) > MAX_HOSTS:
        return (), f"item links on {len(hosts)} hosts: not restricted"
    return tuple(hosts), "the hosts of every item link in the recordings"


def run_candidates(
    outputs: Sequence[FeedOutput], context: CheckContext, zone: str | None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Run each candidate invariant on every recording: the ids that pass, and why the rest fail."""
    kept: list[str] = []
    left_out: list[tuple[str, str]] = []
    for name in CANDIDATES:
        why = _why_not(name, context, zone)
        if why is None:
            why = _first_failure(name, outputs, context, zone)
        if why is None:
            kept.append(name)
        else:
            left_out.append((name, why))
    return tuple(kept), tuple(left_out)


def _why_not(name: str, context: CheckContext, zone: str | None) -> str | None:
    """Why a candidate would check nothing here (it would pass without meaning)."""
    if name == "script-matches-language" and context.language is None:
        return "no language inferred"
    if name == "timezone-matches" and zone is None:
        return "no fixed offset inferred"
    return None


def _first_failure(
    name: str, outputs: Sequence[FeedOutput], context: CheckContext, zone: str | None
) -> str | None:
    params = {"zone": zone} if name == "timezone-matches" else {}
    bound = get_invariant(name).bind(params)
    for output in outputs:
        ctx = CheckContext(
            feed=context.feed,
            language=context.language,
            allowed_hosts=context.allowed_hosts,
            dialect=output.dialect,
        )
        found = list(bound.iter_violations(output.items, ctx))
        if found:
            first = found[0]
            where = "" if first.item_index is None else f"item {first.item_index}: "
            return f"{len(found)} violation(s), e.g. {where}{' '.join(first.message.split())}"
    return None


def _lowered(outputs: Sequence[FeedOutput], schema_dir: Path) -> dict[str, int]:
    """Checks the recordings already fail outside the invariants (parser problems, the schema),
    by count: init rates them warnings so the first check is green, and says so."""
    counts: dict[str, int] = {}
    for output in outputs:
        for problem in output.problems:
            if problem.severity is Severity.ERROR:
                counts[problem.check] = counts.get(problem.check, 0) + 1
        for index, item in enumerate(output.items):
            for _ in validate_item(schema_dir, "feed-item", item, index):
                counts["schema"] = counts.get("schema", 0) + 1
    return counts


# --- writing ----------------------------------------------------------------------------------


def render_toml(found: Inference, base: Path, *, table: str = "") -> str:
    """The configuration as TOML; ``table`` "tool.harness" for pyproject.toml. Paths relative
    to ``base``, the folder of the file written."""
    head = f"[{table}]\n" if table else ""
    feeds = f"[[{table}.feeds]]" if table else "[[feeds]]"
    sub = f"{table}.feeds" if table else "feeds"
    lines = [
        "# Written by `harness init` from the recordings found; review it, then `harness check`.",
        head.rstrip("\n"),
        f"cassettes = {_quote(_relative(found.cassettes, base))}",
    ]
    lines = [line for line in lines if line]
    for feed in found.feeds:
        lines += ["", *_feed_lines(feed, feeds, sub)]
    return "\n".join(lines) + "\n"


def _relative(folder: Path | None, base: Path) -> str:
    if folder is None:
        return "cassettes"
    return Path(os.path.relpath(folder.resolve(), base.resolve())).as_posix()


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _feed_lines(feed: FoundFeed, header: str, sub: str) -> list[str]:
    dialect = DIALECT_NAMES.get(feed.dialect or "", feed.dialect or "no recording yet")
    lines = [
        header,
        f"name = {_quote(feed.name)}",
        f"url = {_quote(feed.url)}",
        f'parser = "{PARSER}"   # {dialect}; the rss parser reads RSS, Atom and JSON Feed',
    ]
    if feed.language:
        lines.append(f"language = {_quote(feed.language)}   # {feed.language_why}")
    else:
        lines.append(f"# language: not inferred ({feed.language_why})")
    if feed.allowed_hosts:
        hosts = ", ".join(map(_quote, feed.allowed_hosts))
        lines.append(f"allowed-hosts = [{hosts}]   # {feed.hosts_why}")
    if feed.dialect is None:
        return lines
    lines += ["", f"[{sub}.invariants]   # the generic invariants that pass on the recordings"]
    for name in feed.kept:
        if name == "timezone-matches":
            lines.append(f'{name} = {{ zone = "{feed.zone}" }}   # {feed.zone_why}')
        else:
            lines.append(f"{name} = true")
    for name, why in feed.left_out:
        lines.append(f"{name} = false   # left out: {_comment(why)}")
    if feed.lowered:
        lines += ["", f"[{sub}.severity]   # the recordings fail these already: review, then raise"]
        for check, count in sorted(feed.lowered.items()):
            lines.append(f'{check} = "warning"   # {count} found')
    return lines


def _comment(text: str) -> str:
    return " ".join(text.split())[:160]
