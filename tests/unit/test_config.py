"""Configuration: the minimal shape, pyproject/harness.toml discovery, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import find_config, load_config
from harness.errors import ConfigError
from harness.model import Severity
from harness.urls import normalize_url

MINIMAL = """
cassettes = "recordings"

[[feeds]]
name = "rfi"
url = "https://feedx.net/rss/rfi.xml"
parser = "feedx-rfi"
"""


def write(tmp_path: Path, text: str, name: str = "harness.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_harness_toml_paths_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert config.cassettes == tmp_path / "recordings"
    assert config.schemas is None
    (feed,) = config.feeds
    assert (feed.name, feed.urls, feed.parser) == (
        "rfi",
        ("https://feedx.net/rss/rfi.xml",),
        "feedx-rfi",
    )
    assert feed.invariants is None


def test_pyproject_tool_harness_is_found_from_a_subfolder(tmp_path: Path) -> None:
    body = MINIMAL.replace('cassettes = "recordings"', '[tool.harness]\ncassettes = "recordings"')
    body = body.replace("[[feeds]]", "[[tool.harness.feeds]]")
    write(tmp_path, body, "pyproject.toml")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / "pyproject.toml"
    assert load_config(start=sub).feeds[0].name == "rfi"


def test_harness_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "[tool.harness]\ncassettes = 'x'\n", "pyproject.toml")
    write(tmp_path, MINIMAL)
    assert find_config(tmp_path) == tmp_path / "harness.toml"


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(start=tmp_path)
    assert config.feeds == ()
    assert config.source is None


def test_invariant_table_params_and_severity(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[feeds.invariants]
timestamp-matches-dateline = { max-lag = "60m", severity = "warning" }
script-matches-language = false
[feeds.severity]
date-format = "warning"
"""
    )
    (feed,) = load_config(write(tmp_path, text)).feeds
    assert feed.invariants is not None
    (setting,) = feed.invariants
    assert setting.params == {"max-lag": "60m"}
    assert setting.severity is Severity.WARNING
    assert feed.disabled == {"script-matches-language"}
    assert feed.severity == {"date-format": Severity.WARNING}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "cassete = 'x'\n",
            "unknown key(s) 'cassete'; allowed: cache-dir, cassettes, fail-on, feeds, limits, max-age, plugins, record, schemas",
        ),
        ("[record]\ntimeout = 0\n", "record.timeout: expected a positive duration like '30s'"),
        ("[record]\nretries = 99\n", "record.retries: expected an integer from 0 to 10"),
        (
            "[record]\nproxy = 'x'\n",
            "unknown key(s) 'proxy'; allowed: fail-after, per-origin, retries",
        ),
        ("max-age = 'a week'\n", "max-age: expected a duration"),
        (
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'https://x.test/'\ncassette = '../../etc/x.yaml'\n",
            "must be a relative .yaml/.yml path inside the cassettes folder",
        ),
        (
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'https://x.test/'\ncassette = '/tmp/x.yaml'\n",
            "must be a relative .yaml/.yml path",
        ),
        ("[[feeds]]\nname = 'a'\nurl = 'https://x.test/'\n", "missing required key 'parser'"),
        ("[[feeds]]\nname = 'a'\nparser = 'rss'\n", "missing required key 'url'"),
        (
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'feed.xml'\n",
            "is not an absolute http(s) URL",
        ),
        (
            "[[feeds]]\nname = '../x'\nparser = 'rss'\nurl = 'https://x.test/'\n",
            "not a valid feed name",
        ),
        (
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'https://x.test/'\ncolour = 1\n",
            "unknown key(s) 'colour'",
        ),
        (
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'https://x.test/'\n"
            "[feeds.severity]\nschema = 'fatal'\n",
            "'fatal' is not a severity; allowed: 'error', 'warning'",
        ),
        ("feeds = 3\n", "feeds: expected a list, got int 3"),
        (
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'https://x.test/'\n"
            "[[feeds]]\nname = 'a'\nparser = 'rss'\nurl = 'https://y.test/'\n",
            "repeated: a",
        ),
        ("cassettes = [\n", "invalid TOML"),
    ],
)
def test_bad_configuration_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")


def test_url_matching_ignores_case_fragment_and_default_port(tmp_path: Path) -> None:
    (feed,) = load_config(write(tmp_path, MINIMAL)).feeds
    assert feed.claims("HTTPS://FeedX.net:443/rss/rfi.xml#x")
    assert not feed.claims("https://feedx.net/rss/dw.xml")
    assert normalize_url("http://a.test") == "http://a.test/"


def test_record_settings_cassette_names_and_max_age(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + "cassette = 'rfi/current.yaml'\n"
        + """
[[feeds]]
name = "dw"
url = "https://rss.dw.com/rdf/rss-chi-all"
parser = "rss"
"""
    )
    text = text.replace('cassettes = "recordings"', 'cassettes = "recordings"\nmax-age = "48h"')
    text += "[record]\nuser-agent = 'my-bot/1'\ntimeout = 5\nscrub-headers = ['X-Api-Key']\n"
    config = load_config(write(tmp_path, text))
    rfi, dw = config.feeds
    assert config.cassette_path(rfi) == tmp_path / "recordings" / "rfi" / "current.yaml"
    assert config.cassette_path(dw) == tmp_path / "recordings" / "dw.yaml"
    assert config.max_age is not None
    assert config.max_age.total_seconds() == 48 * 3600
    assert (config.record.user_agent, config.record.timeout) == ("my-bot/1", 5.0)
    assert config.record.scrub_headers == ("X-Api-Key",)


def test_limits_table_reaches_every_parser_and_feed_options_win(tmp_path: Path) -> None:
    from harness.runner import Runner

    text = MINIMAL.replace(
        'parser = "feedx-rfi"', 'parser = "feedx-rfi"\nparser-options = { max-items = 7 }'
    )
    text += "[limits]\nmax-items = 5\nmax-body-bytes = 1000\n"
    config = load_config(write(tmp_path, text))
    assert config.limits == {"max_items": 5, "max_bytes": 1000}
    runner = Runner(config)
    assert runner.generic("rss").parser.max_items == 5
    with pytest.raises(ConfigError, match=r"limits\.max-items: expected a positive integer"):
        load_config(write(tmp_path, "[limits]\nmax-items = 0\n"))
    assert runner.setups["rfi"].parser.envelope.max_items == 7
    assert runner.setups["rfi"].parser.envelope.max_bytes == 1000


# --- every value validated at load (issue 16) ---------------------------------------------


def feed_with(extra: str, name: str = "rfi") -> str:
    return f"[[feeds]]\nname = '{name}'\nparser = 'rss'\nurl = 'https://x.test/'\n{extra}"


def test_a_misspelt_timezone_is_one_line_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, feed_with("timezone = 'Asia/Shanghia'\n")))
    message = str(info.value)
    assert "feeds['rfi'].timezone: 'Asia/Shanghia' is not an IANA time zone" in message
    assert "did you mean 'Asia/Shanghai'" in message
    assert "\n" not in message


def test_a_valid_timezone_loads(tmp_path: Path) -> None:
    (feed,) = load_config(write(tmp_path, feed_with("timezone = 'Asia/Shanghai'\n"))).feeds
    assert feed.timezone == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("extra", "spot"),
    [
        (
            "[feeds.invariants.timezone-matches]\nzone = 'Europe/Pariss'\n",
            "feeds['rfi'].invariants.timezone-matches.zone: 'Europe/Pariss' is not an IANA",
        ),
        (
            "[feeds.invariants.timezone-matches]\nzone = '+25:00'\n",
            "feeds['rfi'].invariants.timezone-matches.zone: '+25:00' is neither",
        ),
        (
            "[feeds.parser-options]\ntimezone = 'Europe/Parisss'\n",
            "feeds['rfi'].parser-options.timezone: 'Europe/Parisss' is not an IANA",
        ),
    ],
)
def test_zones_of_checks_and_parsers_are_refused_at_load(
    tmp_path: Path, extra: str, spot: str
) -> None:
    """Not one crash per cassette at check time: one line naming the key, at load."""
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, feed_with(extra)))
    assert spot in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "+08:00", "UTC-5", "UTC", "-03:30"])
def test_zones_timezone_matches_reads_load(tmp_path: Path, zone: str) -> None:
    extra = f"[feeds.invariants.timezone-matches]\nzone = '{zone}'\n"
    (feed,) = load_config(write(tmp_path, feed_with(extra))).feeds
    assert feed.invariants is not None
    (setting,) = [s for s in feed.invariants if s.name == "timezone-matches"]
    assert setting.params["zone"] == zone


@pytest.mark.parametrize(("value", "seconds"), [("'30s'", 30.0), ("'1m'", 60.0), ("20", 20.0)])
def test_record_timeout_takes_the_duration_form(tmp_path: Path, value: str, seconds: float) -> None:
    config = load_config(write(tmp_path, f"[record]\ntimeout = {value}\n"))
    assert config.record.timeout == seconds


def test_pyproject_errors_name_the_feed(tmp_path: Path) -> None:
    text = "[tool.harness]\n" + feed_with("colour = 1\n").replace(
        "[[feeds]]", "[[tool.harness.feeds]]"
    )
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text, "pyproject.toml"))
    assert "feeds['rfi']: unknown key(s) 'colour'" in str(info.value)


def test_plugins_are_imported_from_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from harness.invariants import available_invariants

    monkeypatch.setattr(sys, "path", list(sys.path))  # the config folder is added to it
    monkeypatch.delitem(sys.modules, "my_checks_door", raising=False)

    (tmp_path / "my_checks_door.py").write_text(
        "from harness.invariants import invariant\n\n"
        "@invariant('door-check')\n"
        "def door_check(items, ctx):\n"
        "    yield from ()\n",
        encoding="utf-8",
    )
    config = load_config(write(tmp_path, "plugins = ['my_checks_door']\n"))
    assert config.plugins == ("my_checks_door",)
    assert "door-check" in available_invariants()
    monkeypatch.delitem(sys.modules, "my_checks_door")


def test_a_plugin_that_fails_to_import_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "plugins = ['no_such_module_door']\n"))
    message = str(info.value)
    assert "plugins: cannot import plugin module 'no_such_module_door'" in message
    assert "\n" not in message


def test_a_missing_schemas_folder_says_how_to_use_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "schemas = 'schemas'\n"))
    assert "schemas: folder" in str(info.value)
    assert "leave the key out to use the schemas shipped with feedharness" in str(info.value)


def test_a_feed_is_found_by_url_without_scanning_every_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of feeds: one normalization per lookup, not one per configured URL (a scan
    per recorded request made `harness record` over 1,000 feeds spend most of its time here)."""
    feeds = "".join(
        f'[[feeds]]\nname = "f{i}"\nurl = "https://Host{i % 7}.example/f{i}?x=1#top"\n'
        'parser = "rss"\n'
        for i in range(2000)
    )
    config = load_config(
        write(
            tmp_path,
            feeds + '[[feeds]]\nname = "again"\nurl = '
            '"https://host3.example:443/f3?x=1"\nparser = "rss"\n',
        )
    )
    import harness.config as module

    calls: list[str] = []

    def counted(url: str) -> str:
        calls.append(url)
        return normalize_url(url)

    monkeypatch.setattr(module, "normalize_url", counted)
    assert config.feed_for_url(f"HTTPS://host{1999 % 7}.EXAMPLE/f1999?x=1").name == "f1999"
    assert config.feed_for_url("https://host3.example/f3?x=1#other").name == "f3"  # first wins
    assert config.feed_for_url("https://host3.example/f3?x=2") is None
    assert config.feed_named("f1234").name == "f1234"
    assert len(calls) == 3
