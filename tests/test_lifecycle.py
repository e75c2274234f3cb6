"""The whole incident, end to end with real git and a bare remote: start, commit, finish, status, report."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import incident_store
from hotfix_lib.incident import Incident
from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, maybe_rev, rev, trailers

BRANCH = "hotfix/INC-42-login-broken"
START = ["start", "INC-42", "--severity", "1", "--commander", "Ana", "--description", "Login broken",
         "--ticket", "https://t.example/INC-42", "--no-fetch"]


def declare(world: World, push: bool = False) -> Path:
    hotfix_hooks(world.work, *START, *(["--push"] if push else []), check=True)
    commit_file(world.work, "login.py", "def login():\n    return True\n", "Fix login")
    commit_file(world.work, "login.py", "def login():\n    return check()\n", "Check the password")
    return world.work


def record(work: Path, incident_id: str = "INC-42") -> Incident:
    loaded = incident_store.load(pygit2.Repository(str(work)), incident_id)
    assert loaded is not None
    return loaded


def test_full_lifecycle(world: World) -> None:
    work = declare(world, push=True)
    assert maybe_rev(world.remote, f"refs/heads/{BRANCH}") is not None
    hotfix_tip = rev(work, BRANCH)
    prod_before = rev(work, "production")
    proc = hotfix_hooks(work, "finish", "--push", "--yes")
    assert proc.returncode == 0, proc.stderr

    # merged with git's own message and the incident trailers
    merge = rev(work, "production")
    assert rev(work, "production^1") == prod_before
    assert rev(work, "production^2") == hotfix_tip
    msg = git(work, "log", "-1", "--format=%B", merge).stdout
    assert msg.startswith(f"Merge branch '{BRANCH}' into production\n")
    assert trailers(work, merge)[:3] == ["Incident: INC-42", "Severity: 1 (CRITICAL)", "Commander: Ana"]
    # every hotfix commit carries its trailers
    for sha in (hotfix_tip, f"{hotfix_tip}~1"):
        assert "Incident: INC-42" in trailers(work, sha)
    # shipped: the remote has production, the backup of what it was, the deploy tag and the archive tag
    assert maybe_rev(world.remote, "refs/heads/production") == merge
    tags = git(world.remote, "tag", "-l").stdout.split()
    backup = [t for t in tags if t.startswith("backup/pre-hotfix-")]
    deploy = [t for t in tags if t.startswith("hotfix-deploy-")]
    assert len(backup) == 1
    assert len(deploy) == 1
    assert rev(world.remote, f"{backup[0]}^{{commit}}") == prod_before
    assert rev(world.remote, f"{deploy[0]}^{{commit}}") == merge
    assert rev(world.remote, "archive/hotfix/INC-42-login-broken^{commit}") == hotfix_tip
    assert git(work, "cat-file", "-t", "archive/hotfix/INC-42-login-broken").stdout.strip() == "tag"
    # the branch is gone here and there; the incident is resolved, on the remote too
    assert maybe_rev(work, f"refs/heads/{BRANCH}") is None
    assert maybe_rev(world.remote, f"refs/heads/{BRANCH}") is None
    done = record(work)
    assert done.status == "resolved"
    assert [e.kind for e in done.events] == [
        "declared", "backport", "merged", "pushed", "deployed", "archived", "deleted", "resolved"]
    pushed = next(e for e in done.events if e.kind == "pushed")
    assert pushed.data == {"branch": "production", "commit": merge, "backup_tag": backup[0]}
    assert next(e for e in done.events if e.kind == "deleted").data == {
        "branch": BRANCH, "where": ["here", "on origin"]}
    # the fix reached main through post-merge, and main was pushed
    for sha in (f"{hotfix_tip}~1", hotfix_tip):
        assert f"(cherry picked from commit {rev(work, sha)})" in git(work, "log", "--format=%B", "main").stdout
    assert maybe_rev(world.remote, "refs/heads/main") == rev(work, "main")
    record_ref = "refs/hotfix-hooks/incidents/INC-42"
    assert maybe_rev(world.remote, record_ref) == rev(work, record_ref)

    # a second run finds everything done and records nothing new
    again = hotfix_hooks(work, "finish", "INC-42", "--dry-run")
    assert again.stdout.splitlines()[0] == f"done already: merge {BRANCH} into production (--no-ff)"
    rerun = hotfix_hooks(work, "finish", "INC-42", "--push", "--yes", check=True)
    assert "production was already pushed to origin" in rerun.stdout
    assert f"{BRANCH} was already deleted" in rerun.stdout
    assert [e.kind for e in record(work).events] == [e.kind for e in done.events]
    assert maybe_rev(world.remote, "refs/heads/production") == merge


def test_report_facts_and_from_a_second_clone(world: World) -> None:
    work = declare(world, push=True)
    hotfix_hooks(work, "finish", "--push", "--yes", check=True)
    here = hotfix_hooks(work, "report", "INC-42", check=True).stdout
    assert "# Incident report: INC-42" in here
    assert "- **Severity:** 1 (CRITICAL)" in here
    assert "- **Status:** resolved" in here
    assert "- A `login.py`" in here
    assert "Fix login — On Call" in here
    assert "archive/hotfix/INC-42-login-broken" in here
    backup = git(work, "tag", "-l", "backup/pre-hotfix-*").stdout.strip()
    assert f"| Pushed production ({rev(work, 'production')[:12]}); production was backed up as `{backup}` —" in here
    assert f"| Branch `{BRANCH}` deleted (here and on origin) —" in here
    picked = git(work, "log", "--format=%H", "-2", "--reverse", "main").stdout.split()
    assert f"| Backported to `main`: {picked[0][:12]}, {picked[1][:12]} —" in here
    for blank in ("## Impact", "## Root cause", "## Lessons learned", "## Action items"):
        assert f"{blank}\n\n_To be written by the team._" in here
    assert here.rstrip().endswith("Generated by hotfix-hooks from the incident record and the repository.")
    assert hotfix_hooks(work, "report", "INC-42", check=True).stdout == here  # deterministic

    other = world.clone("teammate")
    git(other, "fetch", "-q", "origin", "refs/hotfix-hooks/incidents/*:refs/hotfix-hooks/incidents/*")
    assert hotfix_hooks(other, "report", "INC-42", check=True).stdout == here
    facts = json.loads(hotfix_hooks(other, "report", "INC-42", "--format", "json", check=True).stdout)
    assert [c["subject"] for c in facts["commits"]] == ["Fix login", "Check the password"]
    assert {t["kind"] for t in facts["tags"]} == {"backup", "deploy", "archive"}


def test_report_to_a_file(world: World, tmp_path: Path) -> None:
    work = declare(world)
    out = tmp_path / "report.md"
    proc = hotfix_hooks(work, "report", "INC-42", "--output", str(out), check=True)
    assert proc.stdout == f"wrote {out}\n"
    assert out.read_text().startswith("# Incident report: INC-42\n")
    assert "- **Status:** active" in out.read_text()


def test_dry_run_prints_every_step_and_changes_nothing(world: World) -> None:
    work = declare(world)
    refs = git(work, "for-each-ref").stdout
    proc = hotfix_hooks(work, "finish", "--push", "--dry-run", check=True)
    assert proc.stdout.splitlines() == [
        f"would: merge {BRANCH} into production (--no-ff)",
        "would: push production to origin (pre-push takes the backup)",
        "would: tag the deployed tip hotfix-deploy-{time} and push it",
        "would: push the backport targets (main)",
        "would: archive the branch as the tag archive/hotfix/INC-42-login-broken",
        f"would: delete the branch {BRANCH} here and on origin",
        "would: mark INC-42 resolved and push the record",
    ]
    assert git(work, "for-each-ref").stdout == refs


@pytest.mark.parametrize("case", ["dirty", "no-commits", "no-trailer", "not-on-branch", "no-yes", "diverged",
                                  "unknown-id"])
def test_refusals_name_the_fix_and_change_nothing(world: World, case: str) -> None:
    hotfix_hooks(world.work, *START, check=True)
    if case != "no-commits":
        commit_file(world.work, "login.py", "x = 1\n", "Fix login")
    args = ["finish", "--yes"]
    expected = ""
    if case == "dirty":
        (world.work / "login.py").write_text("uncommitted\n")
        expected = "the work tree has uncommitted changes. To fix: commit them on the hotfix branch, or stash them"
    elif case == "no-commits":
        expected = f"{BRANCH} has no commits beyond production. To fix: commit the fix first"
    elif case == "no-trailer":
        git(world.work, "commit", "--allow-empty", "-q", "--no-verify", "--amend", "-m", "No trailer",
            env={"GIT_EDITOR": "true"})
        (world.work / ".git" / "hooks" / "commit-msg").unlink()
        (world.work / ".git" / "hooks" / "prepare-commit-msg").unlink()
        git(world.work, "commit", "--allow-empty", "-q", "--amend", "-m", "No trailer")
        expected = "has no `Incident: INC-42` trailer. To fix: git rebase -i production"
    elif case == "not-on-branch":
        git(world.work, "switch", "-q", "main")
        expected = "not on a hotfix branch (main). To fix: switch to the hotfix branch, or pass the incident ID"
    elif case == "no-yes":
        args = ["finish"]
        expected = "finishing INC-42 needs confirmation. To fix: hotfix-hooks finish INC-42 --yes"
    elif case == "diverged":
        other = world.clone("other")
        git(other, "switch", "-q", "production")
        git(other, "commit", "-q", "--allow-empty", "-m", "Shipped from another clone")
        git(other, "push", "-q", "--no-verify", "origin", "production")
        git(world.work, "update-ref", "refs/heads/production", git(
            world.work, "commit-tree", "-p", "production", "-m", "Local only", "production^{tree}").stdout.strip())
        expected = "local production and origin/production have diverged. To fix: git switch production && git merge"
    elif case == "unknown-id":
        args = ["finish", "INC-404", "--yes"]
        expected = "hotfix-hooks: no incident INC-404 is recorded. To fix: hotfix-hooks status --all"
    refs = git(world.work, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads").stdout
    proc = hotfix_hooks(world.work, *args)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1
    assert expected in proc.stderr
    assert git(world.work, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads").stdout == refs
    assert record(world.work).status == "active"


def test_local_production_behind_the_remote_is_brought_up_to_date(world: World) -> None:
    work = declare(world)
    other = world.clone("other")
    git(other, "switch", "-q", "production")
    git(other, "commit", "-q", "--allow-empty", "-m", "Shipped from another clone")
    git(other, "push", "-q", "--no-verify", "origin", "production")
    hotfix_hooks(work, "finish", "--yes", check=True)
    assert rev(work, "production^1") == rev(other, "production")


def test_finish_by_id_from_another_branch_returns_there(world: World) -> None:
    work = declare(world)
    git(work, "switch", "-q", "main")
    proc = hotfix_hooks(work, "finish", "INC-42", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert git(work, "branch", "--show-current").stdout == "main\n"
    assert rev(work, "production^2") == rev(work, "archive/hotfix/INC-42-login-broken^{commit}")
    assert maybe_rev(work, f"refs/heads/{BRANCH}") is None


def test_resume_after_a_conflicted_merge(world: World) -> None:
    work = declare(world)
    git(work, "switch", "-q", "-c", "feature", "production")
    commit_file(work, "login.py", "def login():\n    return False\n", "Conflicting change")
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--no-edit", "--no-ff", "feature")
    git(work, "switch", "-q", BRANCH)
    proc = hotfix_hooks(work, "finish", "--yes")
    assert proc.returncode == 1
    assert (f"the merge of {BRANCH} into production stopped on conflicts in login.py. To fix: resolve them, "
            "`git add` and `git commit`, then run hotfix-hooks finish INC-42 again") in proc.stderr
    early = hotfix_hooks(work, "finish", "INC-42", "--yes")
    assert early.returncode == 1
    assert early.stderr == ("hotfix-hooks: a merge is in progress. To fix: conclude it (resolve, then `git commit`) "
                            "or abort it, then run hotfix-hooks finish INC-42\n")
    (work / "login.py").write_text("def login():\n    return check()\n")
    git(work, "add", "login.py")
    git(work, "commit", "-q", "--no-edit")
    proc = hotfix_hooks(work, "finish", "INC-42", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert "archived" in proc.stdout
    assert "merged" not in proc.stdout  # the merge was already done by hand
    assert f"recorded the merge {rev(work, 'production')[:12]} into production" in proc.stdout
    done = record(work)
    assert done.status == "resolved"
    # post-commit backported the merge concluded by hand; finish recorded the merge itself
    assert [e.kind for e in done.events] == ["declared", "backport", "merged", "archived", "deleted", "resolved"]
    merged = done.events[2]
    assert merged.data == {"commit": rev(work, "production"), "into": "production"}
    assert merged.time == git(work, "log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%dT%H:%M:%SZ",
                              "production", env={"TZ": "UTC"}).stdout.strip()
    assert rev(work, "production^2") == rev(work, "archive/hotfix/INC-42-login-broken^{commit}")


def test_status_with_zero_one_and_two_incidents(world: World) -> None:
    assert hotfix_hooks(world.work, "status", check=True).stdout == "No active incidents.\n"
    assert json.loads(hotfix_hooks(world.work, "status", "--json", check=True).stdout) == {"incidents": []}
    hotfix_hooks(world.work, *START, check=True)
    commit_file(world.work, "a.py", "a = 1\n", "Fix a")
    one = hotfix_hooks(world.work, "status", check=True).stdout
    assert one.splitlines()[:2] == ["INC-42  CRITICAL (severity 1)  active",
                                    f"  commander Ana; branch {BRANCH}; 1 commit(s)"]
    git(world.work, "switch", "-q", "main")
    hotfix_hooks(world.work, "start", "OPS-7", "--severity", "3", "--commander", "Bo", "--description", "Disk",
                 "--no-fetch", check=True)
    data = json.loads(hotfix_hooks(world.work, "status", "--json", check=True).stdout)
    assert [i["id"] for i in data["incidents"]] == ["INC-42", "OPS-7"]
    first = data["incidents"][0]
    assert sorted(first) == sorted([
        "id", "severity", "level", "commander", "branch", "status", "started_at", "age_minutes", "target_minutes",
        "over_target", "commits", "pending_backports", "last_backup", "last_deploy"])
    assert (first["level"], first["target_minutes"], first["commits"], first["over_target"]) == (
        "CRITICAL", 15, 1, False)
    commit_file(world.work, "disk.py", "d = 1\n", "Free disk")
    hotfix_hooks(world.work, "finish", "OPS-7", "--yes", check=True)
    assert [i["id"] for i in json.loads(hotfix_hooks(world.work, "status", "--json").stdout)["incidents"]] == [
        "INC-42"]


def test_status_shows_a_stopped_backport_on_its_own_incident_only(world: World) -> None:
    work = declare(world)
    git(work, "switch", "-q", "main")
    commit_file(work, "login.py", "def login():\n    return None\n", "Rework login on main")
    hotfix_hooks(work, "start", "OPS-7", "--severity", "3", "--commander", "Bo", "--description", "Disk",
                 "--no-fetch", check=True)
    git(work, "switch", "-q", "production")
    merged = git(work, "merge", "-q", "--no-ff", "--no-edit", BRANCH)
    assert "hotfix-hooks backport --continue" in merged.stderr  # post-merge stopped on main's conflict
    data = json.loads(hotfix_hooks(work, "status", "--json", check=True).stdout)
    assert {i["id"]: i["pending_backports"] for i in data["incidents"]} == {"INC-42": ["main"], "OPS-7": []}
    assert "  pending backports: main" in hotfix_hooks(work, "status", check=True).stdout


class _Hook(http.server.BaseHTTPRequestHandler):
    bodies: list[bytes] = []  # noqa: RUF012 (one server per test)
    delay = threading.Event()

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(self.rfile.read(length))
        if self.path == "/slow":
            self.delay.wait(10)
        status = 500 if self.path == "/broken" else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    _Hook.bodies = []
    _Hook.delay = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://hook:s3cret@127.0.0.1:{server.server_port}"
    _Hook.delay.set()
    server.shutdown()


def test_webhook_posts_start_finish_and_announce_without_leaking_the_url(world: World, webhook: str) -> None:
    env = {"HOTFIX_HOOKS_WEBHOOK_URL": f"{webhook}/ok"}
    started = hotfix_hooks(world.work, *START, env=env, check=True)
    commit_file(world.work, "a.py", "a = 1\n", "Fix a")
    update = hotfix_hooks(world.work, "announce", "update", "--message", "Root cause found", env=env, check=True)
    finished = hotfix_hooks(world.work, "finish", "--yes", env=env, check=True)
    texts = [json.loads(b)["text"] for b in _Hook.bodies]
    assert [t.splitlines()[0] for t in texts] == [
        "🚨 PRODUCTION INCIDENT DECLARED", "📊 INCIDENT UPDATE - INC-42", "✅ INCIDENT RESOLVED - INC-42"]
    assert "Commander: Ana" in texts[0]
    assert texts[1].endswith("Root cause found")
    assert update.stdout.rstrip("\n") == texts[1]
    again = hotfix_hooks(world.work, "finish", "INC-42", "--yes", env=env, check=True)
    assert len(_Hook.bodies) == 3  # a finish that finds the incident resolved announces nothing
    for proc in (started, update, finished, again):
        assert "s3cret" not in proc.stdout + proc.stderr
        assert "127.0.0.1" not in proc.stdout + proc.stderr


def test_webhook_failure_and_timeout_are_warnings(world: World, webhook: str) -> None:
    hotfix_hooks(world.work, *START, check=True)
    broken = hotfix_hooks(world.work, "announce", "declared", env={"HOTFIX_HOOKS_WEBHOOK_URL": f"{webhook}/broken"})
    assert broken.returncode == 0
    assert broken.stderr == "warning: the webhook answered 500; the announcement was not posted\n"
    git(world.work, "switch", "-q", "main")
    hotfix_hooks(world.work, "start", "OPS-7", "--severity", "3", "--commander", "Bo", "--description", "Disk",
                 "--no-fetch", check=True)
    git(world.work, "switch", "-q", "main")
    which = hotfix_hooks(world.work, "announce", "update")
    assert (which.returncode, which.stderr) == (1, "hotfix-hooks: no incident ID given, and not exactly one incident "
                                                   "is active. To fix: pass the incident ID: hotfix-hooks announce "
                                                   "update INC-123\n")
    slow = hotfix_hooks(world.work, "announce", "declared", "INC-42",
                        env={"HOTFIX_HOOKS_WEBHOOK_URL": f"{webhook}/slow", "HOTFIX_HOOKS_WEBHOOK_TIMEOUT": "0.5"})
    assert slow.returncode == 0
    assert slow.stderr.startswith("warning: the webhook could not be reached")
    assert "s3cret" not in slow.stderr
