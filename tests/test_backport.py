"""Backports with real git: what post-merge / post-commit / `backport` carry to main, and what they leave alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pygit2
import pytest

from hotfix_lib import backport_plan
from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, maybe_rev, message, rev, tree_state

BRANCH = "hotfix/INC-7-login"


def start(work: Path) -> None:
    hotfix_hooks(work, "start", "INC-7", "--severity", "2", "--commander", "Ana", "--description", "Login",
                 "--no-fetch", check=True)


def diverge_main(work: Path) -> str:
    """main gets work of its own, so that a backport is a real cherry-pick and not a fast-forward."""
    git(work, "switch", "-q", "main")
    return commit_file(work, "feature.py", "feature = 1\n", "Feature work on main")


def hotfix_with_commits(world: World, n: int = 2) -> list[str]:
    work = world.work
    diverge_main(work)
    start(work)
    shas = []
    for i in range(n):
        env = {"GIT_AUTHOR_NAME": f"Dev {i}", "GIT_AUTHOR_EMAIL": f"dev{i}@example.com"}
        (work / f"fix{i}.py").write_text(f"fix = {i}\n")
        git(work, "add", f"fix{i}.py")
        git(work, "commit", "-q", "-m", f"Fix part {i}", env=env)
        shas.append(rev(work, "HEAD"))
    return shas


def merge_into_production(work: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    git(work, "switch", "-q", "production")
    return git(work, "merge", "-q", "--no-edit", *extra, BRANCH)


def picked_on_main(work: Path, main_before: str) -> list[str]:
    return git(work, "rev-list", "--reverse", f"{main_before}..main").stdout.split()


def test_merge_no_ff_backports_in_order_with_x_lines_authors_and_trailers(world: World) -> None:
    shas = hotfix_with_commits(world, 3)
    work = world.work
    main_before = rev(work, "main")
    git(work, "switch", "-q", "production")
    proc = git(work, "merge", "-q", "--no-ff", "--no-edit", BRANCH)
    assert "hotfix-hooks: backported 3 commit(s) to main" in proc.stderr
    new = picked_on_main(work, main_before)
    assert len(new) == 3
    for original, picked in zip(shas, new, strict=True):
        assert git(work, "log", "-1", "--format=%an <%ae>", picked).stdout == git(
            work, "log", "-1", "--format=%an <%ae>", original).stdout
        assert message(work, picked) == message(work, original).rstrip("\n") + (
            f"\n(cherry picked from commit {original})\n\n")
        assert git(work, "diff", f"{original}^", original).stdout == git(work, "diff", f"{picked}^", picked).stdout
    assert git(work, "reflog", "-1", "--format=%gs", "main").stdout.strip() == "cherry-pick: Fix part 2"
    assert git(work, "status", "--porcelain").stdout == ""
    assert git(work, "branch", "--show-current").stdout.strip() == "production"


def test_the_work_tree_and_index_are_byte_identical(world: World) -> None:
    hotfix_with_commits(world, 2)
    work = world.work
    merge_into_production(work, "--no-ff")
    # backport again by hand (nothing new) and check every byte of HEAD, index and work tree
    (work / "untracked.txt").write_text("mine\n")
    before = tree_state(work)
    git(work, "branch", "-f", "main", "main~2")  # undo the backport so there is work to do
    hotfix_hooks(work, "backport", check=True)
    assert tree_state(work) == before


def test_x_line_placement_matches_git_cherry_pick(world: World, tmp_path: Path) -> None:
    work = world.work
    for msg in ("Plain subject", "Subject\n\nBody paragraph.", "Subject\n\nSigned-off-by: A <a@b.c>"):
        git(work, "switch", "-q", "-C", "src", "production")
        sha = commit_file(work, "x.py", msg, msg, "--no-verify")
        git(work, "switch", "-q", "-C", "by-git", "production")
        git(work, "cherry-pick", "-x", sha)
        theirs = message(work, "by-git")
        original = pygit2.Repository(str(work)).revparse_single(sha).peel(pygit2.Commit)
        ours = backport_plan.cherry_message(original.message, sha)
        assert ours + "\n" == theirs, msg


def test_patch_id_is_gits_stable_patch_id(world: World) -> None:
    work = world.work
    sha = commit_file(work, "a.py", "a = 1\nb = 2\n", "Two lines", "--no-verify")
    commit_file(work, "a.py", "a = 1\nb = 3\n", "Change b", "--no-verify")
    from hotfix_lib.backport import patch_id

    repo = pygit2.Repository(str(work))
    for rev_ in (sha, "HEAD"):
        diff = git(work, "show", rev_).stdout
        theirs = git(work, "patch-id", "--stable", input=diff).stdout.split()[0]
        assert patch_id(repo, repo.revparse_single(rev_).peel(pygit2.Commit)) == theirs


def test_fast_forward_merge(world: World) -> None:
    work = world.work
    start(work)
    main_before = diverge_main(work)
    git(work, "switch", "-q", BRANCH)
    fix = commit_file(work, "fix.py", "fix = 1\n", "Fix")
    git(work, "switch", "-q", "production")
    proc = git(work, "merge", "-q", "--ff-only", BRANCH)
    assert "backported 1 commit(s) to main" in proc.stderr
    assert message(work, "main").endswith(f"(cherry picked from commit {fix})\n\n")
    assert rev(work, "main~1") == main_before


def test_git_pull_into_production(world: World) -> None:
    shas = hotfix_with_commits(world, 1)
    work = world.work
    git(work, "push", "-q", "origin", f"{BRANCH}:production")
    git(work, "switch", "-q", "production")
    main_before = rev(work, "main")
    proc = git(work, "pull", "-q", "--no-rebase", "origin", "production")
    assert "backported 1 commit(s) to main" in proc.stderr
    assert f"(cherry picked from commit {shas[0]})" in message(work, picked_on_main(work, main_before)[0])


def test_conflicted_merge_concluded_with_git_commit(world: World) -> None:
    shas = hotfix_with_commits(world, 1)
    work = world.work
    git(work, "switch", "-q", "-c", "other", "production")
    commit_file(work, "fix0.py", "other = 1\n", "Other change to the same file")
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--no-edit", "other")
    main_before = rev(work, "main")
    assert git(work, "merge", "--no-edit", BRANCH, check=False).returncode == 1
    (work / "fix0.py").write_text("fix = 0\n")
    git(work, "add", "fix0.py")
    proc = git(work, "commit", "-q", "--no-edit")
    assert "backported 1 commit(s) to main" in proc.stderr
    assert f"(cherry picked from commit {shas[0]})" in message(work, picked_on_main(work, main_before)[0])


def test_squash_merge_backports_the_squash_commit(world: World) -> None:
    hotfix_with_commits(world, 2)
    work = world.work
    main_before = rev(work, "main")
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--squash", BRANCH)
    assert rev(work, "main") == main_before  # nothing committed yet, nothing backported
    git(work, "commit", "-q", "--no-edit")
    squash = rev(work, "production")
    new = picked_on_main(work, main_before)
    assert len(new) == 1
    assert message(work, new[0]).endswith(f"(cherry picked from commit {squash})\n\n")
    assert sorted(git(work, "ls-tree", "--name-only", "main").stdout.split()) == [
        "README.md", "app.py", "feature.py", "fix0.py", "fix1.py"]


def test_rerunning_duplicates_nothing(world: World) -> None:
    hotfix_with_commits(world, 2)
    work = world.work
    merge_into_production(work, "--no-ff")
    main_after = rev(work, "main")
    proc = hotfix_hooks(work, "backport", check=True)
    assert "(cherry-picked before as" in proc.stdout
    assert rev(work, "main") == main_after


def test_picks_made_by_hand_with_and_without_x_are_skipped(world: World) -> None:
    shas = hotfix_with_commits(world, 3)
    work = world.work
    git(work, "switch", "-q", "main")
    git(work, "cherry-pick", "-x", shas[0])
    git(work, "cherry-pick", shas[1])  # no -x: only the patch-id tells
    main_before = rev(work, "main")
    git(work, "switch", "-q", "production")
    dry = hotfix_hooks(work, "backport", "--dry-run", f"production..{BRANCH}", check=True).stdout.splitlines()
    assert dry[0] == "main:"
    assert dry[1].startswith(f"  skip     {shas[0][:12]} Fix part 0 (cherry-picked before as ")
    assert dry[2].startswith(f"  skip     {shas[1][:12]} Fix part 1 (same change as ")
    assert dry[3] == f"  pick     {shas[2][:12]} Fix part 2"
    assert rev(work, "main") == main_before  # dry run
    merge_into_production(work, "--no-ff")
    assert len(picked_on_main(work, main_before)) == 1


def test_an_empty_pick_is_skipped(world: World) -> None:
    work = world.work
    start(work)
    fix = commit_file(work, "app.py", "print('fixed')\n", "Fix app")
    git(work, "switch", "-q", "main")
    (work / "other.py").write_text("other = 1\n")
    git(work, "add", "other.py")
    # main has the same content by other means: a different patch (two files), so only the pick tells
    commit_file(work, "app.py", "print('fixed')\n", "Fix app and add other")
    main_before = rev(work, "main")
    git(work, "switch", "-q", "production")
    dry = hotfix_hooks(work, "backport", "--dry-run", fix, check=True).stdout.splitlines()
    assert dry[1] == f"  skip     {fix[:12]} Fix app (empty: the target already has this change)"
    hotfix_hooks(work, "backport", fix, check=True)
    assert rev(work, "main") == main_before


def pending_backports(work: Path) -> list[str]:
    data = json.loads(hotfix_hooks(work, "status", "--json", check=True).stdout)
    return list(data["incidents"][0]["pending_backports"])


def _conflicting_world(world: World) -> tuple[str, str]:
    work = world.work
    start(work)
    fix = commit_file(work, "app.py", "print('hotfix')\n", "Fix app")
    later = commit_file(work, "later.py", "later = 1\n", "Later fix")
    git(work, "switch", "-q", "main")
    commit_file(work, "app.py", "print('main rewrote it')\n", "Rewrite on main")
    return fix, later


def test_conflict_then_continue(world: World) -> None:
    fix, later = _conflicting_world(world)
    work = world.work
    main_before = rev(work, "main")
    proc = merge_into_production(work, "--no-ff")
    assert (f"backport to main stopped: {fix[:12]} (Fix app) conflicts in app.py; main was not moved. "
            "To resolve: hotfix-hooks backport --continue") in proc.stderr
    assert rev(work, "main") == main_before
    assert pending_backports(work) == ["main"]
    first = hotfix_hooks(work, "backport", "--continue")
    assert first.returncode == 1
    wt = Path(first.stdout.split(" in ", 2)[2].split(" (edit")[0])
    assert (wt / "app.py").read_text().startswith("<<<<<<<")
    (wt / "app.py").write_text("print('both')\n")
    git(wt, "add", "app.py")
    git(wt, "cherry-pick", "--continue", env={"GIT_EDITOR": "true"})
    done = hotfix_hooks(work, "backport", "--continue")
    assert done.returncode == 0, done.stdout + done.stderr
    new = picked_on_main(work, main_before)
    assert len(new) == 2
    assert f"(cherry picked from commit {fix})" in message(work, new[0])
    assert f"(cherry picked from commit {later})" in message(work, new[1])
    assert git(work, "show", "main:app.py").stdout == "print('both')\n"
    assert not wt.exists()
    events = json.loads(git(work, "show", "refs/hotfix-hooks/incidents/INC-7:incident.json").stdout)["events"]
    backports = [e["data"] for e in events if e["kind"] == "backport"]
    assert [(b["target"], b["new"]) for b in backports] == [("main", new)]
    assert pending_backports(work) == []


def test_conflict_then_abort(world: World) -> None:
    _conflicting_world(world)
    work = world.work
    main_before = rev(work, "main")
    merge_into_production(work, "--no-ff")
    hotfix_hooks(work, "backport", "--continue")
    proc = hotfix_hooks(work, "backport", "--abort", check=True)
    assert proc.stdout == "backport onto main aborted; main was not moved\n"
    assert rev(work, "main") == main_before
    assert git(work, "worktree", "list").stdout.count("\n") == 1
    assert maybe_rev(work, "refs/hotfix-hooks/backport/main") is None


def test_two_targets_one_conflicts(world: World) -> None:
    work = world.work
    git(work, "branch", "release/1.0", "production")
    (work / ".hotfix-hooks.yaml").write_text("backport_targets: [main, 'release/*']\n")
    fix, _ = _conflicting_world(world)
    release_before = rev(work, "release/1.0")
    proc = merge_into_production(work, "--no-ff")
    assert "backport to main stopped" in proc.stderr
    assert "backported 2 commit(s) to release/1.0" in proc.stderr
    assert f"(cherry picked from commit {fix})" in message(work, "release/1.0~1")
    assert rev(work, "release/1.0~2") == release_before


def test_target_checked_out_in_another_worktree(world: World) -> None:
    hotfix_with_commits(world, 1)
    work = world.work
    git(work, "switch", "-q", "production")
    other = world.tmp / "main-wt"
    git(work, "worktree", "add", "-q", str(other), "main")
    (other / "feature.py").write_text("local change\n")
    proc = git(work, "merge", "-q", "--no-ff", "--no-edit", BRANCH)
    assert f"main is checked out in {other} with local changes; it was not moved" in proc.stderr
    git(other, "checkout", "--", "feature.py")
    hotfix_hooks(work, "backport", check=True)
    assert (other / "fix0.py").read_text() == "fix = 0\n"  # its work tree followed, like git would
    assert git(other, "status", "--porcelain").stdout == ""


def test_target_moved_between_plan_and_update_is_recomputed(world: World) -> None:
    hotfix_with_commits(world, 1)
    work = world.work
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--no-ff", "--no-edit", BRANCH)
    git(work, "branch", "-f", "main", "main~1")  # undo what post-merge did, to backport by hand
    env = {**os.environ, "HOTFIX_HOOKS_TEST_PAUSE": "planned", "HOTFIX_HOOKS_TEST_PAUSE_SECONDS": "3"}
    proc = subprocess.Popen([sys.executable, "-m", "hotfix_lib", "backport"], cwd=work, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    assert proc.stderr.readline().strip() == "hotfix-hooks: paused at planned"
    concurrent = git(work, "commit-tree", "-p", "main", "-m", "Concurrent", "main^{tree}").stdout.strip()
    git(work, "update-ref", "refs/heads/main", concurrent)
    proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert rev(work, "main~1") == concurrent  # rebuilt on top of the concurrent commit, not over it


def test_killed_between_plan_and_update_leaves_the_old_tip_and_rerun_completes(world: World) -> None:
    hotfix_with_commits(world, 2)
    work = world.work
    merge_into_production(work, "--no-ff")
    git(work, "branch", "-f", "main", "main~2")
    main_before = rev(work, "main")
    for point in ("planned", "before-ref-update"):
        env = {**os.environ, "HOTFIX_HOOKS_TEST_PAUSE": point}
        proc = subprocess.Popen([sys.executable, "-m", "hotfix_lib", "backport"], cwd=work, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stderr is not None
        assert proc.stderr.readline().strip() == f"hotfix-hooks: paused at {point}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert rev(work, "main") == main_before
    hotfix_hooks(work, "backport", check=True)
    assert len(picked_on_main(work, main_before)) == 2


def test_merge_into_a_non_production_branch_does_nothing(world: World) -> None:
    hotfix_with_commits(world, 1)
    work = world.work
    git(work, "switch", "-q", "-c", "staging", "production")
    main_before = rev(work, "main")
    proc = git(work, "merge", "-q", "--no-ff", "--no-edit", BRANCH)
    assert proc.stderr == ""
    assert rev(work, "main") == main_before


def test_repository_without_main(tmp_path: Path) -> None:
    work = tmp_path / "r"
    git(tmp_path, "init", "-q", "-b", "production", str(work))
    commit_file(work, "a.py", "a = 1\n", "init")
    (work / ".hotfix-hooks.yaml").write_text("production_branch: production\n")
    hotfix_hooks(work, "install", check=True)
    git(work, "switch", "-q", "-c", "hotfix/INC-1-x")
    commit_file(work, "b.py", "b = 1\n", "Fix")
    git(work, "switch", "-q", "production")
    proc = git(work, "merge", "-q", "--no-ff", "--no-edit", "hotfix/INC-1-x")
    assert "hotfix-hooks: backport to main: no branch main here; nothing backported" in proc.stderr
    assert rev(work, "production^2") == rev(work, "hotfix/INC-1-x")


@pytest.mark.parametrize("bad", ["nope..HEAD", "no-such-rev"])
def test_bad_range_is_one_line(world: World, bad: str) -> None:
    proc = hotfix_hooks(world.work, "backport", bad)
    assert proc.returncode == 1
    assert proc.stderr == f"hotfix-hooks: {bad!r} is not a commit or a range. To fix: pass A..B or a commit\n"
