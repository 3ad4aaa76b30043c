"""The nightly job users copy (docs/nightly.sh, which docs/nightly-github-actions.yml runs), night
after night against a feed on 127.0.0.1 whose behaviour changes: healthy, drifted, down twice,
back, healthy, changed. `gh` is a fake on PATH that logs what would be posted and keeps the
issues and pull requests it was asked to open; the project is a temporary git repository with a
bare "origin". Nothing touches the internet.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from record_servers import RFI_BODY, ROOT, FeedServer, Reply

from harness.cassettes import load_cassette

FEED_PATH = "/rss/rfi.xml"
SCRIPT = ROOT / "docs" / "nightly.sh"
GIT = shutil.which("git") or "git"  # the job needs git: a missing one fails the test
SH = shutil.which("sh") or "/bin/sh"
WORKFLOW = ROOT / "docs" / "nightly-github-actions.yml"
SCHEMA = json.loads((ROOT / "schemas" / "record-summary.schema.json").read_text(encoding="utf-8"))

# A stand-in for the GitHub CLI: each call is logged (argv, and the --body-file's text as it was
# when called); issues and pull requests live in a JSON file so later nights find them.
FAKE_GH = textwrap.dedent(
    """\
    import json, os, sys
    from pathlib import Path

    home = Path(os.environ["FAKE_GH_DIR"])
    db_path = home / "db.json"
    db = json.loads(db_path.read_text()) if db_path.exists() else {"issues": [], "prs": []}
    args = sys.argv[1:]

    def opt(name):
        return args[args.index(name) + 1] if name in args else None

    body = opt("--body-file")
    entry = {"argv": args, "body": Path(body).read_text() if body else None}
    with (home / "log.jsonl").open("a") as log:
        log.write(json.dumps(entry) + "\\n")
    verb = args[:2]
    if verb == ["issue", "list"]:
        assert opt("--jq") == '.[] | "\\\\(.number)\\\\t\\\\(.title)"', opt("--jq")
        for issue in db["issues"]:
            if issue["state"] == "open" and opt("--label") in issue["labels"]:
                print(f"{issue['number']}\\t{issue['title']}")
    elif verb == ["issue", "create"]:
        number = len(db["issues"]) + len(db["prs"]) + 1
        db["issues"].append({"number": number, "title": opt("--title"), "state": "open",
                             "body": entry["body"], "labels": [opt("--label")], "comments": []})
        print(f"https://github.invalid/o/r/issues/{number}")
    elif verb[0] == "issue" and verb[1] in ("edit", "comment", "close"):
        issue = next(i for i in db["issues"] if i["number"] == int(args[2]))
        if verb[1] == "edit":
            issue.update(title=opt("--title"), body=entry["body"])
        elif verb[1] == "comment":
            issue["comments"].append(entry["body"])
        else:
            issue["state"] = "closed"
    elif verb == ["pr", "list"]:
        open_prs = [p for p in db["prs"] if p["head"] == opt("--head") and p["state"] == "open"]
        if open_prs:
            print(open_prs[0]["number"])
    elif verb == ["pr", "create"]:
        number = len(db["issues"]) + len(db["prs"]) + 1
        db["prs"].append({"number": number, "head": opt("--head"), "title": opt("--title"),
                          "body": entry["body"], "state": "open"})
    elif verb == ["pr", "edit"]:
        pr = next(p for p in db["prs"] if p["number"] == int(args[2]))
        pr.update(title=opt("--title"), body=entry["body"])
    elif verb != ["label", "create"]:
        sys.exit(f"fake gh: unexpected {args}")
    db_path.write_text(json.dumps(db))
    """
)
POSTS = {"create", "edit", "comment", "close"}  # what changes an issue or a pull request


class Night:
    """One run of docs/nightly.sh in the project: its exit code and what it posted."""

    def __init__(self, code: int, calls: list[dict[str, Any]], output: str) -> None:
        self.code = code
        self.calls = calls
        self.output = output

    @property
    def posts(self) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["argv"][1] in POSTS and c["argv"][0] in ("issue", "pr")]

    def verbs(self) -> list[str]:
        return [" ".join(c["argv"][:2]) for c in self.posts]


class Project:
    """A git repository with harness.toml and a committed cassette of the served feed."""

    def __init__(self, root: Path, server: FeedServer) -> None:
        self.root = root / "project"
        self.gh = root / "gh"
        self.bin = root / "bin"
        for folder in (self.root / "cassettes", self.gh, self.bin):
            folder.mkdir(parents=True)
        (self.root / "harness.toml").write_text(
            'cassettes = "cassettes"\n\n[record]\ntimeout = 5\nretries = 0\nfail-after = 2\n\n'
            f'[[feeds]]\nname = "rfi"\nurl = "{server.url(FEED_PATH)}"\nparser = "feedx-rfi"\n'
            'timezone = "Europe/Paris"\n\n[feeds.parser-options]\ntimezone = "Europe/Paris"\n',
            encoding="utf-8",
        )
        (root / "gitconfig").write_text("", encoding="utf-8")
        gh = self.bin / "gh"
        gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
        gh.chmod(0o755)
        self.env = {
            **os.environ,
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "HARNESS": f"{shlex.quote(sys.executable)} -m harness",
            "FAKE_GH_DIR": str(self.gh),
            "FEEDHARNESS_CACHE": "off",
            "GIT_CONFIG_GLOBAL": str(root / "gitconfig"),  # empty: no user's settings
            "GIT_AUTHOR_NAME": "test",
            "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "test",
            "GIT_COMMITTER_EMAIL": "test@example.invalid",
        }
        self.env.pop("FEEDHARNESS_RECORD_ARGS", None)
        self.env.pop("GITHUB_ACTIONS", None)
        self.git("init", "-q", "-b", "main", str(root / "origin.git"), "--bare", cwd=root)
        self.git("init", "-q", "-b", "main")
        self.git("remote", "add", "origin", str(root / "origin.git"))
        first = self.run_harness("record")
        assert first.returncode == 0, first.stdout + first.stderr
        self.git("add", "harness.toml", "cassettes/rfi.yaml")
        self.git("commit", "-q", "-m", "the feed and its cassette")
        self.git("push", "-q", "origin", "main")
        self.cassette = self.root / "cassettes" / "rfi.yaml"
        self.committed = self.cassette.read_bytes()
        self.nights: list[Night] = []

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            [GIT, *args], cwd=cwd or self.root, env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def run_harness(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "harness", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def night(self) -> Night:
        log = self.gh / "log.jsonl"
        log.unlink(missing_ok=True)
        done = subprocess.run(
            [SH, str(SCRIPT), "report"],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        night = Night(done.returncode, calls, done.stdout + done.stderr)
        jsonschema.validate(self.summary(), SCHEMA)
        self.nights.append(night)
        # what each night did, for `pytest -s` (the closing notes quote it)
        states = ", ".join(f"{f['feed']}: {f['state']}" for f in self.summary()["feeds"])
        print(f"night {len(self.nights)}: exit {done.returncode}; {states}; posted {night.verbs()}")
        for call in calls:
            body = (call.get("body") or "").strip().splitlines()
            print(f"    {' '.join(call['argv'][:3])}: {body[0] if body else ''}")
        return night

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / "report" / "summary.json").read_text())
        return data

    def feed(self) -> dict[str, Any]:
        (feed,) = self.summary()["feeds"]
        return dict(feed)

    def state(self) -> dict[str, Any]:
        path = self.root / "cassettes" / ".harness-record-state.json"
        data: dict[str, Any] = json.loads(path.read_text())
        return dict(data["feeds"]["rfi"])

    def db(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.gh / "db.json").read_text())
        return data


@pytest.fixture
def project(tmp_path: Path, server: FeedServer) -> Project:
    server.route(FEED_PATH, Reply())
    return Project(tmp_path, server)


def test_a_week_of_nights(project: Project, server: FeedServer) -> None:
    key = 'feedharness: "rfi"'

    # night 1: healthy. The cassette is byte-identical; nothing is posted (no issue is open).
    night = project.night()
    assert night.code == 0, night.output
    assert night.posts == []
    assert project.feed()["state"] == "unchanged"
    assert project.feed()["issue"]["action"] == "close"
    assert project.cassette.read_bytes() == project.committed
    assert project.git("status", "--porcelain") == "?? report/\n"

    # night 2: drifted (every item lost its id). One issue, its body the Markdown report; the
    # cassette is kept and the new recording left for review.
    server.route(FEED_PATH, Reply(body=re.sub(rb"<guid[^>]*>[^<]*</guid>", b"", RFI_BODY)))
    night = project.night()
    assert night.code == 1
    assert night.verbs() == ["issue create"]
    (create,) = night.posts
    body = (project.root / "report" / "rfi.md").read_text(encoding="utf-8")
    assert create["body"] == body
    assert create["argv"][create["argv"].index("--title") + 1] == f"{key} drifted"
    assert create["argv"][create["argv"].index("--label") + 1] == "feedharness"
    assert body.startswith("## feedharness: `rfi` drifted\n")
    assert "missing-guid" in body
    assert "`harness diff cassettes/rfi.yaml cassettes/rfi.new.yaml`" in body
    assert project.cassette.read_bytes() == project.committed
    assert (project.root / "cassettes" / "rfi.new.yaml").is_file()

    # night 3: the server fails. With fail-after 2 a first failure is flaky: nothing posted,
    # exit 0, the drift issue left as it is.
    server.route(FEED_PATH, Reply(status=503, body=b"busy", headers=[]))
    night = project.night()
    assert night.code == 0, night.output
    assert night.posts == []
    assert project.feed()["state"] == "flaky"
    assert project.feed()["issue"]["action"] == "none"
    assert "flaky: 1 of 2 allowed consecutive failures" in night.output
    since = project.state()["failing_since"]
    assert since == project.summary()["recorded_at"]

    # night 4: failing again. The feed's one issue is updated: failing since night 3, 2 runs.
    night = project.night()
    assert night.code == 1
    assert night.verbs() == ["issue edit"]
    (edit,) = night.posts
    assert edit["argv"][2] == "1"  # the issue of night 2, not a new one
    assert edit["argv"][edit["argv"].index("--title") + 1] == f"{key} failing since {since}"
    assert f"Failing since {since}, 2 runs" in edit["body"]
    assert "HTTP 503 Service Unavailable" in edit["body"]
    assert project.cassette.read_bytes() == project.committed

    # night 5: back, serving what the cassette holds. Recovery: a comment, then the issue closed.
    server.route(FEED_PATH, Reply())
    night = project.night()
    assert night.code == 0, night.output
    assert night.verbs() == ["issue comment", "issue close"]
    assert f"Recovered after 2 failed runs since {since}" in night.posts[0]["body"]
    assert project.db()["issues"][0]["state"] == "closed"
    assert project.state()["failures"] == 0

    # night 6: healthy. The recovery was told once: nothing posted.
    night = project.night()
    assert night.code == 0, night.output
    assert night.posts == []
    assert project.feed()["state"] == "unchanged"

    # night 7: new content in the same form: replaced, proposed in a pull request on a branch;
    # the checked-out branch keeps the committed cassette.
    server.route(FEED_PATH, Reply(body=RFI_BODY.replace(b"</channel>", b" </channel>")))
    night = project.night()
    assert night.code == 0, night.output
    assert night.verbs() == ["pr create"]
    assert "`rfi`: `cassettes/rfi.yaml` (replaced, 2 items)" in night.posts[0]["body"]
    assert project.git("rev-parse", "--abbrev-ref", "HEAD") == "main\n"
    assert project.cassette.read_bytes() == project.committed
    pushed = project.root.parent / "pushed.yaml"
    pushed.write_text(project.git("show", "feedharness/recordings:cassettes/rfi.yaml"))
    (interaction,) = load_cassette(pushed).interactions
    assert interaction.response.body == RFI_BODY.replace(b"</channel>", b" </channel>")
    remote = project.git("ls-remote", "origin", "feedharness/recordings")
    assert remote.strip()

    # night 8: the same new content again: the open pull request is updated, not duplicated.
    night = project.night()
    assert night.verbs() == ["pr edit"]
    assert len(project.db()["prs"]) == 1


def test_a_pluggable_post_command_gets_the_same_decisions(
    project: Project, server: FeedServer
) -> None:
    log = project.root.parent / "posted.txt"
    poster = project.bin / "post"
    poster.write_text(
        f'#!/bin/sh\nprintf "%s|%s|%s|%s\\n" "$1" "$2" "$3" "$4" >> {shlex.quote(str(log))}\n',
        encoding="utf-8",
    )
    poster.chmod(0o755)
    project.env["FEEDHARNESS_POST"] = str(poster)
    server.route(FEED_PATH, Reply(status=500, body=b"", headers=[]))
    project.env["FEEDHARNESS_RECORD_ARGS"] = "--fail-after 1"
    night = project.night()
    assert night.code == 1
    assert night.calls == []  # gh is never called
    (line,) = log.read_text(encoding="utf-8").splitlines()
    state = project.state()
    assert line == (
        f'open|feedharness: "rfi"|feedharness: "rfi" failing since {state["failing_since"]}'
        "|report/rfi.md"
    )


def test_a_usage_error_posts_nothing(project: Project) -> None:
    project.env["FEEDHARNESS_RECORD_ARGS"] = "--fail-after 0"
    log = project.gh / "log.jsonl"
    done = subprocess.run(
        [SH, str(SCRIPT), "report"], cwd=project.root, env=project.env, capture_output=True
    )
    assert done.returncode == 2
    assert b"--fail-after: expected a positive integer, got 0" in done.stderr
    assert b"nothing posted" in done.stderr
    assert not log.exists()


def test_the_workflow_runs_the_script_that_is_tested() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow[True]["schedule"][0]["cron"]  # YAML 1.1 reads the key "on" as True
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in steps if "run" in s]
    assert any(re.search(r"(^|\s)sh docs/nightly\.sh report\b", run) for run in runs)
    assert any("pip install" in run for run in runs)
    assert {"issues", "pull-requests", "contents"} <= set(job["permissions"])
