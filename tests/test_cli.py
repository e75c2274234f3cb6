"""The CLI's own contract: exit codes reach the shell, errors are one line."""

from __future__ import annotations

from pathlib import Path

from tests.gitutil import hotfix_hooks


def test_unknown_command_and_version(repo: Path) -> None:
    assert hotfix_hooks(repo, "--version").stdout.startswith("hotfix-hooks, version ")
    proc = hotfix_hooks(repo, "no-such-command")
    assert proc.returncode == 2
    assert "No such command 'no-such-command'" in proc.stderr


def test_outside_a_repository_is_one_line(tmp_path: Path) -> None:
    proc = hotfix_hooks(tmp_path, "config")
    assert (proc.returncode, proc.stderr) == (
        1, "hotfix-hooks: not inside a git repository. To fix: cd into your repository, or run `git init`\n")


def test_click_exit_codes_reach_the_shell(repo: Path) -> None:
    # --help exits through ctx.exit(0); a usage error through click's own code 2
    assert hotfix_hooks(repo, "--help").returncode == 0
    assert hotfix_hooks(repo, "install", "--no-such-flag").returncode == 2
