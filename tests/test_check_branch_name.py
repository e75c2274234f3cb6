"""The branch-name check as pre-commit runs it (`hotfix-hooks-hook check-branch-name`), without the framework."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.gitutil import git


def check(repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hotfix_lib.hooks", "check-branch-name"], cwd=repo,
                          capture_output=True, text=True, env={**os.environ, **env}, check=False)


def test_the_current_branch_is_checked(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "Hotfix_inc-42_db")
    result = check(repo)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "hotfix-hooks (check-branch-name): branch 'Hotfix_inc-42_db' looks like a hotfix branch but is misnamed; "
        "expected hotfix/INC-42-db. To fix: git branch -m Hotfix_inc-42_db hotfix/INC-42-db\n"
    )
    git(repo, "switch", "-q", "-c", "feature/db")
    assert check(repo).returncode == 0
    git(repo, "switch", "-q", "--detach")
    assert check(repo).returncode == 0


def test_at_pre_push_the_pushed_branches_are_checked_not_the_current_one(repo: Path) -> None:
    git(repo, "switch", "-q", "-c", "hotfix-1")
    pushed = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature/a", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/feature/a"}
    assert check(repo, **pushed).returncode == 0
    tag = {"PRE_COMMIT_LOCAL_BRANCH": "refs/tags/v1", "PRE_COMMIT_REMOTE_BRANCH": "refs/tags/v1"}
    assert check(repo, **tag).returncode == 0
    misnamed = {"PRE_COMMIT_LOCAL_BRANCH": "refs/heads/feature/a", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/hotfix"}
    result = check(repo, **misnamed)
    assert result.returncode == 1
    assert result.stderr.startswith("hotfix-hooks (check-branch-name): branch 'hotfix' looks like a hotfix branch")


def test_the_configured_prefix_and_pattern_apply(repo: Path) -> None:
    (repo / ".hotfix-hooks.yaml").write_text("branch_prefix: emergency/\nincident_pattern: 'OPS[0-9]+'\n")
    git(repo, "switch", "-q", "-c", "emergency/OPS7-disk")
    assert check(repo).returncode == 0
    git(repo, "switch", "-q", "-c", "emergency/INC-7-disk")
    result = check(repo)
    assert result.returncode == 1
    assert "branch 'emergency/INC-7-disk' looks like a hotfix branch but is misnamed" in result.stderr
