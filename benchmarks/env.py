"""A hermetic place to run git: its own HOME, global config and template dir, so the numbers do not depend on
the user's git configuration, and the commands the harness runs (never through a shell)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# The environment that runs the harness; hotfix-hooks and pre-commit are installed next to it.
BIN = Path(sys.executable).parent

GITCONFIG = """\
[user]
\tname = On Call
\temail = oncall@example.com
[init]
\tdefaultBranch = main
[advice]
\tdetachedHead = false
[protocol "file"]
\tallow = always
[gc]
\tauto = 0
[maintenance]
\tauto = false
"""


class BenchError(Exception):
    """A command the harness relies on failed: the measurement is broken, not slow."""


def hermetic(root: Path) -> None:
    home = root / "home"
    template = home / "empty-template"
    template.mkdir(parents=True)
    (home / ".gitconfig").write_text(GITCONFIG)
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "HOTFIX_HOOKS_FAIL_OPEN", "HOTFIX_HOOKS_WEBHOOK_URL"):
        os.environ.pop(var, None)
    os.environ.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TEMPLATE_DIR=str(template),
        GIT_EDITOR="true",
        GIT_TERMINAL_PROMPT="0",
        PRE_COMMIT_HOME=str(home / "pre-commit-cache"),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
    )


def run(cwd: Path, *args: str, input: bytes | None = None) -> str:
    proc = subprocess.run(list(args), cwd=cwd, input=input, capture_output=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(args)}` exited {proc.returncode}: {last_line(proc.stderr or proc.stdout)}")
    return proc.stdout.decode("utf-8", "replace")


def output(cwd: Path, *args: str) -> str:
    """Everything the command printed, stdout and stderr (commit hooks print on stderr)."""
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(args)}` exited {proc.returncode}: {last_line(proc.stderr or proc.stdout)}")
    return (proc.stdout + proc.stderr).decode("utf-8", "replace")


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    return run(cwd, "git", *args, input=input)


def rev(cwd: Path, name: str) -> str:
    return git(cwd, "rev-parse", "--verify", name).strip()


def hotfix_hooks(cwd: Path, *args: str) -> str:
    return run(cwd, str(BIN / "hotfix-hooks"), *args)


def last_line(output: bytes) -> str:
    lines = output.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(no output)"
