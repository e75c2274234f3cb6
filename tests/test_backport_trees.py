"""The in-memory pick builds the same tree as `git cherry-pick`, including the shapes the fast path rebuilds
by hand: a directory replaced by a file and back, a directory emptied, a mode change."""

from __future__ import annotations

from pathlib import Path

from tests.gitutil import commit_file, git, hotfix_hooks, rev, tree_state


def test_type_changes_build_the_tree_git_cherry_pick_builds(repo: Path) -> None:
    commit_file(repo, "conf/a/b.txt", "deep\n", "Nested config")
    commit_file(repo, "tool.sh", "echo\n", "Tool")
    git(repo, "branch", "production")
    commit_file(repo, "feature.py", "feature = 1\n", "Feature work on main")
    base = rev(repo, "main")
    git(repo, "switch", "-q", "production")
    git(repo, "rm", "-q", "-r", "conf/a")
    commit_file(repo, "conf/a", "now a file\n", "Directory becomes a file")
    git(repo, "rm", "-q", "app.py")
    commit_file(repo, "app.py/main.py", "print('hi')\n", "File becomes a directory")
    (repo / "tool.sh").chmod(0o755)
    git(repo, "add", "tool.sh")
    git(repo, "commit", "-q", "-m", "Tool is executable")
    git(repo, "rm", "-q", "conf/a")
    git(repo, "commit", "-q", "-m", "Drop the last config file")
    shas = git(repo, "rev-list", "--reverse", "main..production").stdout.split()

    git(repo, "switch", "-q", "-c", "by-git", base)
    git(repo, "cherry-pick", "-x", *shas)
    git(repo, "switch", "-q", "production")
    before = tree_state(repo)

    hotfix_hooks(repo, "backport", f"{shas[0]}~1..production", "--onto", "main", check=True)

    assert tree_state(repo) == before
    ours = git(repo, "rev-list", "--reverse", f"{base}..main").stdout.split()
    theirs = git(repo, "rev-list", "--reverse", f"{base}..by-git").stdout.split()
    assert [rev(repo, f"{c}^{{tree}}") for c in ours] == [rev(repo, f"{c}^{{tree}}") for c in theirs]
    assert [git(repo, "log", "-1", "--format=%B", c).stdout for c in ours] == [
        git(repo, "log", "-1", "--format=%B", c).stdout for c in theirs]
