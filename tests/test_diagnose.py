"""`hotfix-hooks diagnose` over a production history built with the real git: deploy and backup tags, merges,
hotfix and ordinary commits, configuration files, incident records."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import incident_store, production_history
from hotfix_lib.config import Config
from hotfix_lib.incident import RESOLVED, Incident
from tests.conftest import World
from tests.gitutil import git, hotfix_hooks, rev

HOUR = 3600
# 30 s of slack so that ages printed a few seconds later still floor to the same minute
SLACK = 30


@dataclasses.dataclass
class History:
    work: Path
    remote: Path
    now: int
    c1: str  # tuned config/db.yaml, deploy tag hotfix-deploy-20990101-000000 (5 days ago)
    f1: str  # "Add search" on feature/search, written 40 h ago
    m: str  # feature/search merged 20 h ago
    h1: str  # the INC-7 hotfix commit, 4 h ago
    c3: str  # the hotfix merged 3 h ago, deploy tag hotfix-deploy-20200101-000000
    c4: str  # an ordinary commit 1 h ago: production's tip


def dated(seconds_ago: int, now: int) -> dict[str, str]:
    stamp = f"@{now - seconds_ago - SLACK} +0000"
    return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}


def commit(work: Path, now: int, ago: int, files: dict[str, str], msg: str) -> str:
    for path, content in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(content)
        git(work, "add", path)
    git(work, "commit", "-q", "-m", msg, env=dated(ago, now))
    return rev(work, "HEAD")


def merge(work: Path, now: int, ago: int, branch: str) -> str:
    git(work, "merge", "-q", "--no-ff", "--no-edit", branch, env=dated(ago, now))
    return rev(work, "HEAD")


def tag(work: Path, now: int, ago: int, name: str, target: str) -> None:
    git(work, "tag", "-a", name, "-m", f"tag {name}", target, env=dated(ago, now))


@pytest.fixture
def history(tmp_path: Path) -> History:
    now = int(time.time())
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(tmp_path, "init", "-q", str(work))
    commit(work, now, 240 * HOUR, {"app.py": "print('hello')\n"}, "Initial commit")
    git(work, "switch", "-q", "-c", "production")
    c1 = commit(work, now, 120 * HOUR, {"config/db.yaml": "pool: 10\n"}, "Tune pool size")
    git(work, "switch", "-q", "-c", "feature/search")
    f1 = commit(work, now, 40 * HOUR, {"search.py": "def search(): ...\n", "Dockerfile": "FROM python:3.12\n"},
                "Add search")
    git(work, "switch", "-q", "production")
    m = merge(work, now, 20 * HOUR, "feature/search")
    git(work, "switch", "-q", "-c", "hotfix/INC-7-db-timeouts")
    h1 = commit(work, now, 4 * HOUR, {"config/db.yaml": "pool: 10\ntimeout: 30\n"},
                "Raise the database timeout\n\nIncident: INC-7\nSeverity: 1")
    git(work, "switch", "-q", "production")
    c3 = merge(work, now, 3 * HOUR, "hotfix/INC-7-db-timeouts")
    c4 = commit(work, now, 1 * HOUR, {"app.py": "print('hello')\nlog_slow_queries()\n"}, "Log slow queries")
    # Names that sort the opposite way to their dates: the newest deploy is the one named 2020.
    tag(work, now, 120 * HOUR, "hotfix-deploy-20990101-000000", c1)
    tag(work, now, 3 * HOUR, "hotfix-deploy-20200101-000000", c3)
    git(work, "tag", "backup/pre-hotfix-20991231-000000", c1)  # lightweight: dated by its commit, 5 days ago
    tag(work, now, 3 * HOUR, "backup/pre-hotfix-20200101-000000", m)
    git(work, "switch", "-q", "main")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "origin", "main", "production", "hotfix/INC-7-db-timeouts", "--tags")
    git(work, "fetch", "-q", "origin")
    return History(work=work, remote=remote, now=now, c1=c1, f1=f1, m=m, h1=h1, c3=c3, c4=c4)


def declare(work: Path, incident_id: str, branch: str, status: str = "active") -> None:
    repo = pygit2.Repository(str(work))
    incident_store.create(repo, Incident(
        id=incident_id, severity=1, commander="Dana", description="db timeouts", ticket=None,
        base="production", branch=branch, started_at="2026-01-01T00:00:00Z", status=status,
    ))


def events(work: Path, incident_id: str) -> list[tuple[str, object]]:
    record = incident_store.load(pygit2.Repository(str(work)), incident_id)
    assert record is not None
    return [(e.kind, e.data) for e in record.events]


def test_default_window_is_since_the_previous_deploy_by_tag_date(history: History) -> None:
    result = hotfix_hooks(history.work, "diagnose")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"Production:   production at {history.c4[:10]} (origin/production)\n"
        f"Last deploy:  hotfix-deploy-20200101-000000  3h00m ago  {history.c3[:10]}\n"
        f"Last backup:  backup/pre-hotfix-20200101-000000  3h00m ago  {history.m[:10]}\n"
        "Window:       since the deploy hotfix-deploy-20200101-000000: 1 commit(s), 0 hotfix(es); "
        "1 file(s) changed, 0 configuration\n"
        "\n"
        "Reached production (newest first):\n"
        f"  {history.c4[:10]}   1h00m ago          -           On Call: Log slow queries\n"
        "\n"
        "Files changed (configuration first):\n"
        "  M app.py\n"
        "\n"
        "Active incidents:\n"
        "  none\n"
    )


def test_a_duration_counts_when_changes_reached_production_not_when_they_were_written(history: History) -> None:
    result = hotfix_hooks(history.work, "diagnose", "--since", "24h")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[3] == ("Window:       in the last 24h: 5 commit(s), 2 hotfix(es); 4 file(s) changed, "
                      "2 configuration")
    start = out.index("Reached production (newest first):") + 1
    listed = out[start:out.index("", start)]
    assert listed == [
        f"  {history.c4[:10]}   1h00m ago          -           On Call: Log slow queries",
        f"  {history.c3[:10]}   3h00m ago  HOTFIX  INC-7       On Call: "
        "Merge branch 'hotfix/INC-7-db-timeouts' into production",
        f"  {history.h1[:10]}   4h00m ago  HOTFIX  INC-7       On Call: Raise the database timeout",
        f"  {history.m[:10]}  20h00m ago  merge   -           On Call: Merge branch 'feature/search' into production",
        # written 40 h ago, but it reached production with the merge 20 h ago
        f"  {history.f1[:10]}  40h00m ago          -           On Call: Add search",
    ]
    files = out[out.index("Files changed (configuration first):") + 1:][:4]
    assert files == ["  A Dockerfile  [config]", "  M config/db.yaml  [config]", "  M app.py", "  A search.py"]


def test_a_shorter_duration_stops_at_what_production_was_then(history: History) -> None:
    result = hotfix_hooks(history.work, "diagnose", "--since", "4h30m", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [c["sha"] for c in doc["commits"]] == [history.c4, history.c3, history.h1]
    assert doc["window"] == {"since": "4h30m", "kind": "duration", "boundary": history.m, "truncated": False}
    assert [(f["path"], f["config"]) for f in doc["files"]] == [("config/db.yaml", True), ("app.py", False)]


def test_since_a_revision(history: History) -> None:
    result = hotfix_hooks(history.work, "diagnose", "--since", "hotfix-deploy-20990101-000000", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [c["sha"] for c in doc["commits"]] == [history.c4, history.c3, history.h1, history.m, history.f1]
    assert doc["window"]["kind"] == "rev"


def test_json_is_stable_and_complete(history: History) -> None:
    declare(history.work, "INC-7", "hotfix/INC-7-db-timeouts")
    declare(history.work, "INC-3", "hotfix/INC-3-old", status=RESOLVED)
    first = hotfix_hooks(history.work, "diagnose", "--json", "--since", "24h")
    second = hotfix_hooks(history.work, "diagnose", "--json", "--since", "24h")
    assert (first.returncode, first.stderr) == (0, "")
    doc = json.loads(first.stdout)
    assert first.stdout == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    again = json.loads(second.stdout)
    doc.pop("generated_at")
    again.pop("generated_at")
    assert doc == again
    assert doc["production"] == {"branch": "production", "ref": "origin/production", "sha": history.c4}
    assert doc["last_deploy"] == {
        "name": "hotfix-deploy-20200101-000000", "sha": history.c3, "on_production": True,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(history.now - 3 * HOUR - SLACK)),
    }
    assert doc["last_backup"]["name"] == "backup/pre-hotfix-20200101-000000"
    assert doc["commits"][1] == {
        "sha": history.c3, "author": "On Call", "subject": "Merge branch 'hotfix/INC-7-db-timeouts' into production",
        "incidents": ["INC-7"], "hotfix": True, "merge": True,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(history.now - 3 * HOUR - SLACK)),
    }
    assert [(c["hotfix"], c["merge"]) for c in doc["commits"]] == [
        (False, False), (True, True), (True, False), (False, True), (False, False)]
    assert doc["files"][0] == {"path": "Dockerfile", "status": "A", "config": True}
    assert doc["incidents"] == [{"id": "INC-7", "level": "CRITICAL", "branch": "hotfix/INC-7-db-timeouts",
                                 "commander": "Dana", "started_at": "2026-01-01T00:00:00Z"}]


def test_on_the_incident_branch_the_suspects_go_on_the_timeline(history: History) -> None:
    declare(history.work, "INC-7", "hotfix/INC-7-db-timeouts")
    git(history.work, "switch", "-q", "hotfix/INC-7-db-timeouts")
    result = hotfix_hooks(history.work, "diagnose", "--since", "4h30m")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("\n\nRecorded on the timeline of INC-7.\n")
    assert events(history.work, "INC-7") == [("diagnosed", {
        "since": "4h30m",
        "suspects": [
            {"sha": history.c4, "subject": "Log slow queries", "hotfix": False},
            {"sha": history.c3, "subject": "Merge branch 'hotfix/INC-7-db-timeouts' into production", "hotfix": True},
            {"sha": history.h1, "subject": "Raise the database timeout", "hotfix": True},
        ],
        "files": ["config/db.yaml", "app.py"],
    })]


def test_elsewhere_or_for_a_resolved_incident_nothing_is_recorded(history: History) -> None:
    declare(history.work, "INC-7", "hotfix/INC-7-db-timeouts", status=RESOLVED)
    declare(history.work, "INC-8", "hotfix/INC-8-other")
    assert hotfix_hooks(history.work, "diagnose").returncode == 0  # on main
    git(history.work, "switch", "-q", "hotfix/INC-7-db-timeouts")
    result = hotfix_hooks(history.work, "diagnose", "--json")
    assert result.returncode == 0
    json.loads(result.stdout)
    assert events(history.work, "INC-7") == []
    assert events(history.work, "INC-8") == []


def test_offline_by_default_and_fetch_brings_the_remote_news(history: History, tmp_path: Path) -> None:
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(history.remote), str(other))
    git(history.work, "switch", "-q", "production")
    newest = commit(history.work, history.now, 0, {"settings.toml": "debug = false\n"}, "Turn debug off")
    tag(history.work, history.now, 0, "hotfix-deploy-20200102-000000", newest)
    git(history.work, "push", "-q", "origin", "production", "--tags")
    declare(history.work, "INC-9", "hotfix/INC-9-debug")
    git(history.work, "push", "-q", "origin", incident_store.REFSPEC)

    stale = json.loads(hotfix_hooks(other, "diagnose", "--json").stdout)
    assert stale["production"]["sha"] == history.c4
    assert stale["incidents"] == []
    fresh = hotfix_hooks(other, "diagnose", "--json", "--fetch")
    assert fresh.returncode == 0, fresh.stderr
    doc = json.loads(fresh.stdout)
    assert doc["production"]["sha"] == newest
    assert doc["last_deploy"]["name"] == "hotfix-deploy-20200102-000000"
    assert doc["window"]["since"] == "hotfix-deploy-20200101-000000"
    assert [c["sha"] for c in doc["commits"]] == [newest, history.c4]
    assert [i["id"] for i in doc["incidents"]] == ["INC-9"]


def test_a_failed_fetch_is_one_line_without_the_credentials(history: History) -> None:
    git(history.work, "remote", "set-url", "origin", "http://deploy:s3cret@127.0.0.1:9/app.git")
    result = hotfix_hooks(history.work, "diagnose", "--fetch")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("hotfix-hooks: `git fetch origin` failed: ")
    assert result.stderr.endswith(". To fix: run without --fetch to use the local refs\n")
    assert "s3cret" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_since_that_is_neither_duration_nor_revision(history: History) -> None:
    result = hotfix_hooks(history.work, "diagnose", "--since", "yesterday")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "hotfix-hooks: --since 'yesterday' is neither a duration (90m, 24h, 2d) nor a commit, branch or tag here. "
        "To fix: hotfix-hooks diagnose --since 24h\n"
    )


def test_without_any_deploy_tag_the_window_is_24_hours(bare_world: World) -> None:
    result = hotfix_hooks(bare_world.work, "diagnose", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["window"] == {"since": "24h", "kind": "duration", "boundary": None, "truncated": False}
    assert [c["subject"] for c in doc["commits"]] == ["Add readme", "Initial commit"]
    assert (doc["last_deploy"], doc["last_backup"]) == (None, None)


def test_the_summary_start_prints(history: History) -> None:
    declare(history.work, "INC-7", "hotfix/INC-7-db-timeouts")
    text = production_history.summary(pygit2.Repository(str(history.work)), Config())
    assert text.splitlines() == [
        "What changed on production since the deploy hotfix-deploy-20200101-000000: 1 commit(s), 0 hotfix(es); "
        "1 file(s) changed, 0 configuration",
        f"  last deploy: hotfix-deploy-20200101-000000  3h00m ago  {history.c3[:10]}",
        f"  last backup: backup/pre-hotfix-20200101-000000  3h00m ago  {history.m[:10]}",
        f"  {history.c4[:10]}   1h00m ago          -           On Call: Log slow queries",
        "  active incidents: INC-7",
        "  full picture: hotfix-hooks diagnose",
    ]



def test_the_summary_never_fails_start(history: History) -> None:
    text = production_history.summary(pygit2.Repository(str(history.work)), Config(production_branch="release"))
    assert text == (
        "What changed on production: unknown (there is no branch 'release' here, nor origin/release); "
        "try hotfix-hooks diagnose --fetch"
    )


def test_start_prints_the_summary_after_creating_the_branch(world: World) -> None:
    result = hotfix_hooks(world.work, "start", "INC-5", "--severity", "1", "--commander", "Ana",
                          "--description", "db down")
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    first = out.index("What changed on production in the last 24h: 2 commit(s), 0 hotfix(es); 2 file(s) changed, "
                      "0 configuration")
    assert out[first - 1] == "Branch hotfix/INC-5-db-down from production is checked out; commander Ana"
    assert out[first + 1:first + 7] == [
        "  last deploy: none",
        "  last backup: none",
        f"  {rev(world.work, 'production')[:10]}    just now          -           On Call: Add readme",
        f"  {rev(world.work, 'production~1')[:10]}    just now          -           On Call: Initial commit",
        "  active incidents: INC-5",
        "  full picture: hotfix-hooks diagnose",
    ]
