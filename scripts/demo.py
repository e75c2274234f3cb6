"""The README's main command: a whole incident, from declaring it to the report, in a throwaway repository.

Drives the real `git` and the real `hotfix-hooks` CLI in a temporary directory with a bare remote, and
prints each step with what it did: install, start, two commits on the hotfix branch (with their trailers),
finish --push (backup tag, merge, deploy tag, backport onto main, archive), the report, rollback --dry-run.
Leaves nothing behind unless --keep is given.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
INCIDENT = "INC-4242"


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m" if sys.stdout.isatty() else f"\n== {title}")


def run(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    print(f"$ {' '.join(args)}")
    # stderr into stdout: the hooks' lines then appear where git printed them
    proc = subprocess.run(list(args), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          check=False)
    out = proc.stdout.rstrip()
    if out:
        print("  " + out.replace("\n", "\n  "))
    if proc.returncode not in ok:
        raise SystemExit(f"demo failed: `{' '.join(args)}` exited {proc.returncode}")
    return proc


def hh(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    return run(cwd, str(BIN / "hotfix-hooks"), *args, ok=ok)


def commit(work: Path, content: str, message: str) -> None:
    (work / "app.py").write_text(content)
    run(work, "git", "commit", "-q", "-a", "-m", message)


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

        step("Meanwhile, development goes on on main")
        (work / "README").write_text("The demo service.\n")
        run(work, "git", "add", "README")
        run(work, "git", "commit", "-q", "-m", "Document the service")
        run(work, "git", "push", "-q", "origin", "main")

        step("03:12 - login is broken in production: declare the incident")
        hh(work, "start", INCIDENT, "--severity", "1", "--commander", "Ana Lima", "--description", "Login broken",
           "--ticket", "https://tickets.example/INC-4242", "--push")

        step("Two commits on the hotfix branch; the hooks stamp each with the incident trailers")
        commit(work, "def login():\n    return check_password(strict=True)\n", "Check the password strictly")
        commit(work, "def login():\n    return check_password(strict=True, retries=0)\n", "Do not retry logins")
        run(work, "git", "log", "--format=%h %s%n%(trailers:only,unfold)", "production..HEAD")

        step("Finish: merge into production, push (backup tag first), deploy tag, backport, archive, resolve")
        hh(work, "finish", "--dry-run", "--push")
        hh(work, "finish", "--push", "--yes")

        step("What git now holds")
        run(work, "git", "ls-remote", "--heads", "--tags", "origin")
        run(work, "git", "log", "--oneline", "--graph", "-6", "production")
        shipped = run(work, "git", "log", "--format=%h %s", "--grep=cherry picked from", "main").stdout
        print("the fix is on main" if shipped.strip() else "the fix is not on main (no backport engine here)")
        hh(work, "status", "--all")

        step("The incident report, written from what git recorded")
        hh(work, "report", INCIDENT)

        step("If the fix makes things worse: what a rollback would do")
        hh(work, "rollback", "--dry-run")
        print(f"\ndemo finished in {tmp}" if keep else "\ndemo finished")
        return 0
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
