"""Helpers for scenario tests: run the real git and the real CLI, build repositories like a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def git(cwd: Path, *args: str, input: str | bytes | None = None, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    data = input.decode() if isinstance(input, bytes) else input
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=data, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def rev(cwd: Path, name: str) -> str:
    return git(cwd, "rev-parse", "--verify", "--quiet", name).stdout.strip()


def maybe_rev(cwd: Path, name: str) -> str | None:
    proc = git(cwd, "rev-parse", "--verify", "--quiet", name, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def message(cwd: Path, name: str = "HEAD") -> str:
    return git(cwd, "log", "-1", "--format=%B", name).stdout


def trailers(cwd: Path, name: str = "HEAD") -> list[str]:
    msg = message(cwd, name)
    out = git(cwd, "interpret-trailers", "--parse", input=msg).stdout
    return out.splitlines()


def commit_file(cwd: Path, path: str, content: str, msg: str, *extra: str) -> str:
    target = cwd / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    git(cwd, "add", path)
    git(cwd, "commit", "-q", "-m", msg, *extra)
    return rev(cwd, "HEAD")


def hotfix_hooks(cwd: Path, *args: str, input: str | None = None, check: bool = False,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it (a subprocess of this interpreter, so the installed package)."""
    proc = subprocess.run(
        [sys.executable, "-m", "hotfix_lib", *args], cwd=cwd, input=input, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, check=False,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"hotfix-hooks {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def tree_state(cwd: Path) -> tuple[str, str, str]:
    """HEAD, the index and the work tree (tracked and untracked), to prove a step left them alone."""
    head = git(cwd, "rev-parse", "HEAD").stdout
    index = (cwd / ".git" / "index").read_bytes().hex() if (cwd / ".git" / "index").exists() else ""
    files = []
    for p in sorted(cwd.rglob("*")):
        if ".git" in p.relative_to(cwd).parts or not p.is_file():
            continue
        files.append(f"{p.relative_to(cwd)}:{p.read_bytes().hex()}")
    return head, index, "\n".join(files)
