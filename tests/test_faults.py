"""Faults and races with real processes: nothing lost, nothing half-done, git's outcome decided by the policy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev


@pytest.fixture
def pw(bare_world: World) -> World:
    hotfix_hooks(bare_world.work, "install", "--hook", "pre-push", check=True)
    git(bare_world.work, "switch", "-q", "production")
    return bare_world


def break_tag_storage(clone: Path) -> None:
    """A real fault: a file where git keeps the `backup/` tag directory, so creating a backup tag fails."""
    (clone / ".git" / "refs" / "tags").mkdir(parents=True, exist_ok=True)
    (clone / ".git" / "refs" / "tags" / "backup").write_text("not a directory\n")


def test_an_internal_error_in_pre_push_fails_closed_with_the_log_and_the_bypass(pw: World) -> None:
    before = rev(pw.remote, "production")
    commit_file(pw.work, "fix.txt", "fix\n", "Fix\n\nIncident: INC-1")
    break_tag_storage(pw.work)
    proc = git(pw.work, "push", "origin", "production", check=False)
    log = pw.work / ".git" / "hotfix-hooks.log"
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == (
        f"hotfix-hooks (pre-push): internal error, refusing to guess (nothing was changed); see {log}. "
        "To bypass: set `fail_open: true` in .hotfix-hooks.yaml or HOTFIX_HOOKS_FAIL_OPEN=1"
    )
    assert "Traceback" not in proc.stderr
    assert "Traceback (most recent call last)" in log.read_text()
    assert rev(pw.remote, "production") == before
    assert git(pw.remote, "tag", "--list").stdout == ""


@pytest.mark.parametrize("how", ["env", "config"])
def test_fail_open_lets_the_push_through_and_still_says_so(pw: World, how: str) -> None:
    env = {}
    if how == "env":
        env["HOTFIX_HOOKS_FAIL_OPEN"] = "1"
    else:
        (pw.work / ".hotfix-hooks.yaml").write_text("fail_open: true\n")
    new = commit_file(pw.work, "fix.txt", "fix\n", "Fix\n\nIncident: INC-1")
    break_tag_storage(pw.work)
    proc = git(pw.work, "push", "origin", "production", check=False, env=env)
    assert proc.returncode == 0
    assert (f"hotfix-hooks (pre-push): internal error ignored (fail_open); see {pw.work / '.git' / 'hotfix-hooks.log'}"
            in proc.stderr.splitlines())
    assert rev(pw.remote, "production") == new


def test_fail_open_never_lets_a_rule_violation_through(pw: World) -> None:
    (pw.work / ".hotfix-hooks.yaml").write_text("fail_open: true\n")
    before = rev(pw.remote, "production")
    git(pw.work, "reset", "-q", "--hard", "HEAD~1")
    proc = git(pw.work, "push", "--force", "origin", "production", check=False)
    assert proc.returncode == 1
    assert "refusing a non-fast-forward push to the production branch 'production'" in proc.stderr
    assert rev(pw.remote, "production") == before


def backup_tags(repo: Path) -> dict[str, str]:
    """backup tag -> (tag object, commit): a tag that was overwritten would change its tag object."""
    out = git(repo, "for-each-ref", "--format=%(refname:short) %(objectname) %(*objectname)",
              "refs/tags/backup").stdout
    return {name: f"{obj} {target}" for name, obj, target in (line.split() for line in out.splitlines())}


def barrier_hook(clone: Path, barrier: Path) -> None:
    """A pre-push hook of the user's, chained by the installer, that holds each push until both reached their hooks
    (so both have seen the same remote production tip): the race is certain, not left to timing."""
    hook = clone / ".git" / "hooks" / "pre-push"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(
        f'#!/bin/sh\ntouch "{barrier}/{clone.name}"\ni=0\n'
        f'while [ "$(ls "{barrier}" | wc -l)" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done\n'
    )
    hook.chmod(0o755)


def test_two_clones_racing_to_production_keep_distinct_backups(bare_world: World) -> None:
    pw = bare_world
    barrier = pw.tmp / "barrier"
    barrier.mkdir()
    other = pw.clone("other")
    for clone in (pw.work, other):
        barrier_hook(clone, barrier)
        hotfix_hooks(clone, "install", "--hook", "pre-push", check=True)
        git(clone, "switch", "-q", "production")
    old = rev(pw.remote, "production")
    commit_file(pw.work, "a.txt", "a\n", "Fix A\n\nIncident: INC-1")
    commit_file(other, "b.txt", "b\n", "Fix B\n\nIncident: INC-2")
    env = {**os.environ}
    racers = [subprocess.Popen(["git", "push", "origin", "production"], cwd=clone, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for clone in (pw.work, other)]
    results = [(p.wait(), p.communicate()[1]) for p in racers]
    # Both hooks backed up the same old tip before git decided which push wins; git lets exactly one land.
    assert sorted(code for code, _ in results) == [0, 1]
    first = backup_tags(pw.remote)
    assert len(first) == 2, results
    assert {value.split()[1] for value in first.values()} == {old}
    loser = (pw.work, other)[[code for code, _ in results].index(1)]
    git(loser, "pull", "-q", "--rebase", "origin", "production")
    git(loser, "push", "-q", "origin", "production")
    after = backup_tags(pw.remote)
    assert len(after) == 3
    assert {k: v for k, v in after.items() if k in first} == first  # nothing overwritten
    assert rev(pw.remote, "production") == rev(loser, "production")


@pytest.fixture
def deployed(pw: World) -> World:
    """A hotfix pushed to production: the pre-push hook took a backup of what production was."""
    commit_file(pw.work, "fix.txt", "fix\n", "Fix\n\nIncident: INC-7")
    git(pw.work, "push", "-q", "origin", "production")
    return pw


@pytest.mark.parametrize("step", ["rollback:tagged", "rollback:pushed", "rollback:moved"])
def test_a_rollback_killed_between_steps_loses_nothing_and_completes_when_run_again(deployed: World,
                                                                                    step: str) -> None:
    work, remote = deployed.work, deployed.remote
    tip, target = rev(work, "production"), rev(work, "production~1")
    killed = hotfix_hooks(work, "rollback", "--yes", env={"HOTFIX_HOOKS_TEST_KILL": step})
    assert killed.returncode == -9
    # Each branch is at its old or its new tip, and the tip that leaves production is tagged before it leaves.
    assert rev(remote, "production") in (tip, target)
    assert rev(work, "production") in (tip, target)
    assert git(work, "tag", "--points-at", tip, "-l", "rolled-back/*").stdout.strip()
    if step != "rollback:moved":  # the local branch had not moved yet: the same rollback is run again
        again = hotfix_hooks(work, "rollback", "--yes")
        assert again.returncode == 0, again.stderr
    assert (rev(remote, "production"), rev(work, "production")) == (target, target)
    assert git(work, "status", "--porcelain").stdout == ""
    # On the remote the dropped tip stays tagged too (at least by the backup the rollback's own push took).
    assert git(remote, "tag", "--points-at", tip).stdout.strip()


START = ["start", "INC-42", "--severity", "1", "--commander", "Ana", "--description", "login down", "--no-fetch"]


def test_a_start_killed_after_recording_the_incident_completes_when_run_again(bare_world: World) -> None:
    work = bare_world.work
    hotfix_hooks(work, "install", check=True)
    killed = hotfix_hooks(work, *START, env={"HOTFIX_HOOKS_TEST_KILL": "start:recorded"})
    assert killed.returncode == -9
    assert rev(work, "refs/hotfix-hooks/incidents/INC-42")  # the record is there, the branch is not
    assert git(work, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    again = hotfix_hooks(work, *START)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Incident INC-42 resumed: CRITICAL")
    assert git(work, "symbolic-ref", "--short", "HEAD").stdout.strip() == "hotfix/INC-42-login-down"
    assert git(work, "rev-list", "--count", "refs/hotfix-hooks/incidents/INC-42").stdout.strip() == "2"


def test_a_damaged_incident_record_refuses_the_commit_and_leaves_the_message_alone(bare_world: World) -> None:
    work = bare_world.work
    hotfix_hooks(work, "install", check=True)
    hotfix_hooks(work, *START, check=True)
    blob = git(work, "hash-object", "-w", "--stdin", input="not json{").stdout.strip()
    tree = git(work, "mktree", input=f"100644 blob {blob}\tincident.json\n").stdout.strip()
    damaged = git(work, "commit-tree", "-m", "x", tree).stdout.strip()
    git(work, "update-ref", "refs/hotfix-hooks/incidents/INC-42", damaged)
    message = work.parent / "message"
    message.write_bytes(b"Fix it\n\nSigned-off-by: Ana <ana@example.com>\n")
    head = rev(work, "HEAD")
    proc = git(work, "commit", "--allow-empty", "-F", str(message), check=False)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "hotfix-hooks (prepare-commit-msg): the incident record refs/hotfix-hooks/incidents/INC-42 is damaged "
        "(JSONDecodeError: Expecting value: line 1 column 1 (char 0)). To fix: git log -p "
        "refs/hotfix-hooks/incidents/INC-42 shows its versions; restore a good one with git update-ref "
        "refs/hotfix-hooks/incidents/INC-42 <commit>"
    ]
    assert message.read_bytes() == b"Fix it\n\nSigned-off-by: Ana <ana@example.com>\n"
    assert rev(work, "HEAD") == head


@pytest.mark.parametrize("step", [1, 2, 3, 5])  # after the merge, the push, the deploy tag, the archive
def test_a_finish_killed_between_steps_completes_when_run_again(world: World, step: int) -> None:
    work = world.work
    hotfix_hooks(work, *START, check=True)
    fix = commit_file(work, "login.py", "fixed\n", "Fix login")
    killed = hotfix_hooks(work, "finish", "--push", "--yes", env={"HOTFIX_HOOKS_TEST_KILL": f"finish:{step}"})
    assert killed.returncode == -9, killed.stderr
    # finish switched to production to merge: the re-run names the incident, as the refusal without it says
    again = hotfix_hooks(work, "finish", "INC-42", "--push", "--yes")
    assert again.returncode == 0, again.stderr
    production = rev(world.remote, "production")
    assert rev(world.remote, "production^2") == fix  # exactly one merge of the hotfix
    assert rev(work, "production") == production
    tags = git(world.remote, "tag", "-l").stdout.split()
    assert len([t for t in tags if t.startswith("hotfix-deploy-")]) == 1
    assert len([t for t in tags if t.startswith("backup/pre-hotfix-")]) >= 1
    assert rev(world.remote, "refs/tags/archive/hotfix/INC-42-login-down^{commit}") == fix
    assert git(world.remote, "branch", "--list", "hotfix/*").stdout == ""
    assert '"status": "resolved"' in git(work, "show", "refs/hotfix-hooks/incidents/INC-42:incident.json").stdout


def test_a_post_merge_hook_that_fails_never_changes_the_merge(world: World) -> None:
    work = world.work
    hotfix_hooks(work, *START, check=True)
    fix = commit_file(work, "login.py", "fixed\n", "Fix login")
    git(work, "switch", "-q", "production")
    main_before = rev(work, "main")
    # A real fault for whatever the hook does to main: git's lock on it is held (a crashed process left it).
    (work / ".git" / "refs" / "heads" / "main.lock").write_text(main_before + "\n")
    proc = git(work, "merge", "--no-ff", "-m", "Merge hotfix", "hotfix/INC-42-login-down", check=False)
    assert proc.returncode == 0
    assert rev(work, "production^2") == fix
    assert rev(work, "main") == main_before
    log = work / ".git" / "hotfix-hooks.log"
    assert [line for line in proc.stderr.splitlines() if line.startswith("hotfix-hooks")] == [
        f"hotfix-hooks (post-merge): internal error, git's result is unaffected; see {log}"
    ]
    assert "Traceback (most recent call last)" in log.read_text()
    assert "Traceback" not in proc.stderr


def test_finish_in_a_fresh_clone_merges_into_production(bare_world: World) -> None:
    fresh = bare_world.clone("fresh")  # `production` exists here only as origin/production
    hotfix_hooks(fresh, "install", check=True)
    hotfix_hooks(fresh, *START, check=True)
    fix = commit_file(fresh, "login.py", "fixed\n", "Fix login")
    production_before = rev(bare_world.remote, "production")
    dry = hotfix_hooks(fresh, "finish", "--dry-run")
    assert (dry.returncode, dry.stderr) == (1, "hotfix-hooks: the production branch production does not exist. "
                                               "To fix: git branch production origin/production\n")
    proc = hotfix_hooks(fresh, "finish", "--push", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert rev(bare_world.remote, "production^2") == fix
    assert rev(bare_world.remote, "production^1") == production_before


def test_two_backports_racing_on_one_target_both_finish_and_pick_each_commit_once(world: World) -> None:
    work = world.work
    git(work, "switch", "-q", "main")
    commit_file(work, "feature.txt", "feature\n", "Feature work on main")
    hotfix_hooks(work, *START, check=True)
    fixes = [commit_file(work, f"fix{n}.txt", f"{n}\n", f"Fix part {n}") for n in range(2)]
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--no-ff", "--no-edit", "hotfix/INC-42-login-down")
    git(work, "branch", "-f", "main", "main~2")  # undo what post-merge did, to race two backports by hand
    main_before = rev(work, "main")
    # Both stop after planning on the same tip, so both try to move main from it: one must recompute.
    env = {**os.environ, "HOTFIX_HOOKS_TEST_PAUSE": "planned", "HOTFIX_HOOKS_TEST_PAUSE_SECONDS": "2"}
    racers = [subprocess.Popen([sys.executable, "-m", "hotfix_lib", "backport"], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in racers]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    picked = git(work, "rev-list", "--reverse", f"{main_before}..main").stdout.split()
    assert len(picked) == 2
    for fix, pick in zip(fixes, picked, strict=True):
        assert f"(cherry picked from commit {fix})" in git(work, "log", "-1", "--format=%B", pick).stdout
