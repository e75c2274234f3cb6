"""`hotfix-hooks rollback` against a real bare remote: plans, refusals, leases, and nothing left unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import incident_store
from hotfix_lib.incident import Incident
from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev, tree_state
from tests.test_pre_push import hotfix_commit, install_pre_push, tags


@pytest.fixture
def deployed(bare_world: World) -> World:
    """A hotfix (INC-7) pushed to production, so the pre-push hook took a backup of what was there."""
    install_pre_push(bare_world.work)
    git(bare_world.work, "switch", "-q", "production")
    hotfix_commit(bare_world.work, "INC-7")
    git(bare_world.work, "push", "-q", "origin", "production")
    return bare_world


def all_refs(cwd: Path) -> str:
    return git(cwd, "for-each-ref", "--format=%(refname) %(objectname)").stdout


def assert_kept_by_tag(cwd: Path, commit: str) -> None:
    assert git(cwd, "tag", "--points-at", commit, "-l", "rolled-back/*").stdout.strip() != ""


def test_dry_run_shows_the_plan_and_changes_nothing(deployed: World) -> None:
    work = deployed.work
    tip, backup = rev(work, "production"), rev(work, "main")
    (name,) = tags(work)
    before, state = all_refs(work), tree_state(work)
    proc = hotfix_hooks(work, "rollback", "--dry-run")
    assert proc.returncode == 0
    assert proc.stdout == (
        "Production branch: production\n"
        f"Current tip:       {tip[:10]} Fix the login\n"
        f"Roll back to:      {backup[:10]} Add readme ({name})\n"
        "Commits leaving production (1):\n"
        f"  {tip[:10]}  INC-7         Fix the login\n"
        "Dry run: nothing changed (would roll back locally and on origin).\n"
    )
    assert all_refs(work) == before
    assert tree_state(work) == state


def test_refused_without_yes_when_nobody_can_type_rollback(deployed: World) -> None:
    before, remote = all_refs(deployed.work), all_refs(deployed.remote)
    proc = hotfix_hooks(deployed.work, "rollback", input="ROLLBACK\n")
    assert proc.returncode == 1
    assert proc.stderr == ("hotfix-hooks: refusing to roll back production without confirmation. "
                           "To fix: hotfix-hooks rollback --yes\n")
    assert all_refs(deployed.work) == before
    assert all_refs(deployed.remote) == remote


def test_checked_out_clean_moves_branch_index_and_work_tree(deployed: World) -> None:
    work = deployed.work
    tip, backup = rev(work, "production"), rev(work, "main")
    (work / "untracked.txt").write_text("mine\n")
    proc = hotfix_hooks(work, "rollback", "--yes", "--no-push")
    assert proc.returncode == 0, proc.stderr
    assert rev(work, "production") == backup
    assert git(work, "symbolic-ref", "HEAD").stdout.strip() == "refs/heads/production"
    assert not (work / "fix.txt").exists()
    assert (work / "untracked.txt").read_text() == "mine\n"
    assert git(work, "status", "--porcelain").stdout == "?? untracked.txt\n"
    assert_kept_by_tag(work, tip)
    rollback_tags = tags(work, "refs/tags/rollback-*")
    assert list(rollback_tags.values()) == [backup]
    assert git(work, "cat-file", "-t", next(iter(rollback_tags))).stdout.strip() == "tag"
    assert rev(deployed.remote, "production") == tip  # --no-push
    assert f"HOTFIX_HOOKS_ALLOW_REWIND={tip}:{backup} git push --force-with-lease=production:{tip} origin " \
           "production" in proc.stdout
    assert git(work, "reflog", "-1", "--format=%gs", "production").stdout.strip().startswith(
        "hotfix-hooks: rollback to backup/pre-hotfix-")
    # the command it prints publishes exactly this rewind through the pre-push hook, which backs up the tip
    published = git(work, "push", "--force-with-lease=production:" + tip, "origin", "production",
                     env={"HOTFIX_HOOKS_ALLOW_REWIND": f"{tip}:{backup}"})
    assert f"backed up production ({tip[:10]})" in published.stderr
    assert rev(deployed.remote, "production") == backup


def run_at_terminal(cwd: Path, typed: str, *args: str) -> tuple[int, str]:
    """The real CLI with a pseudo-terminal as stdin and stdout, as an engineer at a shell runs it."""
    controller, terminal = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "hotfix_lib", *args], cwd=cwd, stdin=terminal,
                            stdout=terminal, stderr=terminal)
    os.close(terminal)
    os.write(controller, typed.encode())
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the command exited
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return proc.wait(), output.decode(errors="replace").replace("\r\n", "\n")


def test_typing_rollback_at_a_terminal_confirms(deployed: World) -> None:
    work = deployed.work
    tip = rev(work, "production")
    code, output = run_at_terminal(work, "rollback\n", "rollback", "--no-push")
    assert code == 1
    assert "Type ROLLBACK to roll production back locally only: " in output
    assert output.endswith("hotfix-hooks: rollback not confirmed; nothing was changed. To fix: type ROLLBACK at "
                           "the prompt, or pass --yes\n")
    assert rev(work, "production") == tip
    code, output = run_at_terminal(work, "ROLLBACK\n", "rollback", "--no-push")
    assert code == 0, output
    assert rev(work, "production") == rev(work, "main")
    assert_kept_by_tag(work, tip)


def test_checked_out_dirty_is_refused(deployed: World) -> None:
    work = deployed.work
    (work / "fix.txt").write_text("half-done edit\n")
    before, state = all_refs(work), tree_state(work)
    proc = hotfix_hooks(work, "rollback", "--yes")
    assert proc.returncode == 1
    assert proc.stderr == (
        "hotfix-hooks: production is checked out and has uncommitted changes; a rollback would mix them with the "
        "old state. To fix: git stash (or commit them elsewhere), then roll back\n"
    )
    assert all_refs(work) == before
    assert tree_state(work) == state


def test_untracked_file_in_the_way_is_refused_before_anything_moves(deployed: World) -> None:
    work, remote = deployed.work, deployed.remote
    git(work, "rm", "-q", "README.md")
    git(work, "commit", "-q", "-m", "Drop the readme\n\nIncident: INC-7")
    git(work, "push", "-q", "origin", "production")
    (work / "README.md").write_text("my notes\n")
    before, state, remote_refs = all_refs(work), tree_state(work), all_refs(remote)
    proc = hotfix_hooks(work, "rollback", "--yes", "--to", "main")
    assert proc.returncode == 1
    assert proc.stderr == (
        "hotfix-hooks: the work tree cannot be rolled back: error: Untracked working tree file 'README.md' would "
        "be overwritten by merge. To fix: move the untracked files it names out of the way (git status), then "
        "roll back\n"
    )
    assert (all_refs(work), tree_state(work), all_refs(remote)) == (before, state, remote_refs)


def test_checked_out_in_another_worktree_is_refused(deployed: World) -> None:
    work = deployed.work
    git(work, "switch", "-q", "main")
    git(work, "worktree", "add", "-q", str(deployed.tmp / "prod-wt"), "production")
    before = all_refs(work)
    proc = hotfix_hooks(work, "rollback", "--yes")
    assert proc.returncode == 1
    assert proc.stderr == ("hotfix-hooks: production is checked out in another worktree. To fix: run "
                           "`hotfix-hooks rollback` in that worktree\n")
    assert all_refs(work) == before
    tip = rev(work, "production")
    assert hotfix_hooks(deployed.tmp / "prod-wt", "rollback", "--yes", "--no-push").returncode == 0
    assert rev(work, "production") == rev(work, "main")
    assert_kept_by_tag(work, tip)
    assert not (deployed.tmp / "prod-wt" / "fix.txt").exists()


def test_not_checked_out_moves_only_the_branch(deployed: World) -> None:
    work = deployed.work
    git(work, "switch", "-q", "main")
    tip, state = rev(work, "production"), tree_state(work)
    assert hotfix_hooks(work, "rollback", "--yes", "--no-push").returncode == 0
    assert rev(work, "production") == rev(work, "main")
    assert tree_state(work) == state
    assert_kept_by_tag(work, tip)


def test_push_with_a_lease_that_holds(deployed: World) -> None:
    work, remote = deployed.work, deployed.remote
    tip, backup = rev(work, "production"), rev(work, "main")
    proc = hotfix_hooks(work, "rollback", "--yes", "--push")
    assert proc.returncode == 0, proc.stderr
    assert rev(remote, "production") == backup
    assert rev(work, "production") == backup
    assert rev(work, "origin/production") == backup
    # the pre-push hook let exactly this rewind through, and still backed up the dropped tip
    assert "hotfix-hooks (pre-push): backed up production" in proc.stderr
    assert sorted(tags(remote).values()) == sorted([backup, tip])
    assert list(tags(remote, "refs/tags/rolled-back/*").values()) == [tip]
    assert list(tags(remote, "refs/tags/rollback-*").values()) == [backup]
    assert_kept_by_tag(work, tip)


def test_push_with_a_lease_that_fails_changes_nothing(deployed: World) -> None:
    work, remote = deployed.work, deployed.remote
    other = deployed.clone("other")
    install_pre_push(other)
    git(other, "switch", "-q", "production")
    theirs = commit_file(other, "theirs.txt", "x\n", "Another fix\n\nIncident: INC-8")
    git(other, "push", "-q", "origin", "production")
    before, state, remote_refs = all_refs(work), tree_state(work), all_refs(remote)
    proc = hotfix_hooks(work, "rollback", "--yes", "--push")
    assert proc.returncode == 1
    assert proc.stderr.endswith(
        "hotfix-hooks: origin/production is no longer at "
        f"{rev(work, 'production')[:10]}: someone pushed since (lease failed); nothing was changed. To fix: git "
        "fetch origin production, look at what landed, then run hotfix-hooks rollback again\n"
    )
    assert all_refs(work) == before
    assert tree_state(work) == state
    assert all_refs(remote) == remote_refs
    assert rev(remote, "production") == theirs


def test_newest_backup_by_tag_date_not_by_name(deployed: World) -> None:
    work = deployed.work
    first, second = rev(work, "main~1"), rev(work, "main")
    git(work, "tag", "-d", *tags(work))
    old_date = {"GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"}
    git(work, "tag", "-a", "-m", "old", "backup/pre-hotfix-20991231-235959", first, env=old_date)
    git(work, "tag", "-a", "-m", "new", "backup/pre-hotfix-20000101-000000", second)
    git(work, "switch", "-q", "-c", "side", "main")
    side = commit_file(work, "side.txt", "s\n", "Not on production")
    git(work, "tag", "-a", "-m", "newest but elsewhere", "backup/pre-hotfix-20000101-000001", side)
    git(work, "switch", "-q", "production")
    proc = hotfix_hooks(work, "rollback", "--dry-run")
    assert f"Roll back to:      {second[:10]} Add readme (backup/pre-hotfix-20000101-000000)\n" in proc.stdout


def test_no_backup_tag_is_refused(deployed: World) -> None:
    git(deployed.work, "tag", "-d", *tags(deployed.work))
    proc = hotfix_hooks(deployed.work, "rollback", "--yes")
    assert proc.returncode == 1
    assert proc.stderr == (
        "hotfix-hooks: no backup tag matching 'backup/pre-hotfix-*' is an ancestor of production "
        f"({rev(deployed.work, 'production')[:10]}). To fix: pick the commit yourself: hotfix-hooks rollback "
        "--to <tag-or-commit>\n"
    )


def test_explicit_target_need_not_be_an_ancestor(deployed: World) -> None:
    work = deployed.work
    tip = rev(work, "production")
    git(work, "switch", "-q", "-c", "side", "main")
    side = commit_file(work, "side.txt", "s\n", "Known good build")
    git(work, "switch", "-q", "production")
    proc = hotfix_hooks(work, "rollback", "--to", "side", "--yes", "--no-push")
    assert proc.returncode == 0, proc.stderr
    assert rev(work, "production") == side
    assert (work / "side.txt").exists()
    assert_kept_by_tag(work, tip)


def test_rollback_lands_on_the_incident_timeline(deployed: World) -> None:
    work = deployed.work
    repo = pygit2.Repository(str(work))
    incident_store.create(repo, Incident(
        id="INC-7", severity=1, commander="Ana", description="login down", ticket=None, base="production",
        branch="hotfix/INC-7-login-down", started_at="2026-12-04T03:00:00Z",
    ))
    tip = rev(work, "production")
    proc = hotfix_hooks(work, "rollback", "--yes", "--push")
    assert proc.returncode == 0, proc.stderr
    assert "Recorded on the timeline of INC-7." in proc.stdout
    record = incident_store.load(pygit2.Repository(str(work)), "INC-7")
    assert record is not None
    (event,) = record.events
    assert event.kind == "rollback"
    assert event.data["from"] == tip
    assert_kept_by_tag(work, tip)
    assert event.data["rolled_back_tag"] in tags(work, "refs/tags/rolled-back/*")
    assert event.data["to"] == rev(work, "production")
    # the record travelled with the push
    assert rev(deployed.remote, "refs/hotfix-hooks/incidents/INC-7") == rev(work, "refs/hotfix-hooks/incidents/INC-7")
