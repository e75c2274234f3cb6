"""The README's main command: every hook the suite has, acting for real in a throwaway repository.

Drives the real `git` and the real `hotfix-hooks` CLI in a temporary directory with a bare remote, and
prints each step with what it did. Leaves nothing behind unless --keep is given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m" if sys.stdout.isatty() else f"\n== {title}")


def run(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    print(f"$ {' '.join(args)}")
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, check=False)
    out = (proc.stdout + proc.stderr).rstrip()
    if out:
        print("  " + out.replace("\n", "\n  "))
    if proc.returncode not in ok:
        raise SystemExit(f"demo failed: `{' '.join(args)}` exited {proc.returncode}")
    return proc


def hh(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    return run(cwd, str(BIN / "hotfix-hooks"), *args, ok=ok)


def main() -> int:
    keep = "--keep" in sys.argv
    tmp = Path(tempfile.mkdtemp(prefix="hotfix-hooks-demo-"))
    home = tmp / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = On Call\n\temail = oncall@example.com\n"
                                      "[init]\n\tdefaultBranch = main\n")
    os.environ.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"), GIT_CONFIG_NOSYSTEM="1",
                      GIT_EDITOR="true")
    try:
        remote, work = tmp / "remote.git", tmp / "work"
        step("A repository with main and production, and a bare remote")
        run(tmp, "git", "init", "-q", "--bare", str(remote))
        run(tmp, "git", "init", "-q", str(work))
        (work / "app.py").write_text("def login():\n    return check_password()\n")
        run(work, "git", "add", "app.py")
        run(work, "git", "commit", "-q", "-m", "Initial commit")
        run(work, "git", "branch", "production")
        run(work, "git", "remote", "add", "origin", str(remote))
        run(work, "git", "push", "-q", "-u", "origin", "main", "production")

        step("Install the hooks")
        hh(work, "install")
        hh(work, "config")
        print(f"\ndemo finished in {tmp}" if keep else "\ndemo finished")
        return 0
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
