"""Squash merges into production: git marks them with SQUASH_MSG, which is gone by post-commit (and a
reset throws it away)."""

from __future__ import annotations

from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, message, rev
from tests.test_backport import BRANCH, hotfix_with_commits, picked_on_main


def test_conflicted_squash_merge_concluded_with_git_commit_is_backported(world: World) -> None:
    hotfix_with_commits(world, 1)
    work = world.work
    git(work, "switch", "-q", "-c", "other", "production")
    commit_file(work, "fix0.py", "other = 1\n", "Other change to the same file")
    for branch in ("production", "main"):  # main has it too, so the squash commit's change applies there
        git(work, "switch", "-q", branch)
        git(work, "merge", "-q", "--no-edit", "other")
    git(work, "switch", "-q", "production")
    main_before = rev(work, "main")
    assert git(work, "merge", "--squash", BRANCH, check=False).returncode == 1
    (work / "fix0.py").write_text("fix = 0\n")
    git(work, "add", "fix0.py")
    print("MARK", list((work / ".git").iterdir()))
    proc = git(work, "commit", "-q", "--no-edit")
    print("STDERR", proc.stderr)
    squash = rev(work, "production")
    assert "backported 1 commit(s) to main" in proc.stderr
    new = picked_on_main(work, main_before)
    assert len(new) == 1
    assert f"(cherry picked from commit {squash})" in message(work, new[0])
    assert git(work, "show", "main:fix0.py").stdout == "fix = 0\n"


def test_a_squash_the_user_reset_does_not_backport_the_next_commit(world: World) -> None:
    hotfix_with_commits(world, 1)
    work = world.work
    git(work, "switch", "-q", "production")
    git(work, "merge", "-q", "--squash", BRANCH)
    git(work, "reset", "-q", "--hard")
    (work / ".hotfix-hooks.yaml").write_text("protect_production: false\n")  # a direct commit, for once
    main_before = rev(work, "main")
    commit_file(work, "ops.txt", "paged\n", "Unrelated production commit")
    assert rev(work, "main") == main_before


def test_a_squash_committed_with_dash_m_is_allowed_and_backported(world: World) -> None:
    work = world.work
    hotfix_hooks(work, "start", "INC-4", "--severity", "3", "--commander", "Ana", "--description", "Squash",
                 "--no-fetch", check=True)
    commit_file(work, "sq.py", "sq = 1\n", "Squashed fix")
    git(work, "switch", "-q", "production")
    main_before = rev(work, "main")
    git(work, "merge", "-q", "--squash", "hotfix/INC-4-squash")
    proc = git(work, "commit", "-q", "-m", "Squash INC-4 into production")
    assert "backported 1 commit(s) to main" in proc.stderr
    assert rev(work, "main~1") == main_before
