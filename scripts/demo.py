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
    # one stream, so that what git, the hooks and the CLI say stays in the order it happened
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

        step("Install the hooks (git hooks in .git/hooks, chaining any that were there)")
        hh(work, "install")

        step("The hooks guard production: a direct commit and a misnamed hotfix branch are refused")
        run(work, "git", "switch", "-q", "production")
        (work / "app.py").write_text("def login():\n    return True  # quick fix\n")
        run(work, "git", "commit", "-qam", "Quick fix on production", ok=(1,))
        run(work, "git", "checkout", "-q", "--", "app.py")
        run(work, "git", "switch", "-q", "-c", "hotfix-login")
        run(work, "git", "commit", "-q", "--allow-empty", "-m", "Fix", ok=(1,))
        run(work, "git", "switch", "-q", "main")
        run(work, "git", "branch", "-q", "-D", "hotfix-login")

        step("Declare the incident: hotfix-hooks start")
        hh(work, "start", "INC-101", "--severity", "1", "--commander", "Ana Lima", "--description",
           "Login accepts any password", "--ticket", "https://tracker.example/INC-101", "--push")

        step("Two commits on the hotfix branch: the incident trailers are added by the hooks")
        (work / "app.py").write_text("def login(user, password):\n    return check_password(user, password)\n")
        run(work, "git", "commit", "-qam", "Check the password again")
        (work / "test_app.py").write_text("def test_login_rejects_bad_password():\n    assert True\n")
        run(work, "git", "add", "test_app.py")
        run(work, "git", "commit", "-qm", "Add a regression test")
        run(work, "git", "log", "-2", "--format=--- %h %s%n%(trailers)")

        step("Finish: merge into production, backup + deploy tags, backport onto main, archive, resolve")
        hh(work, "finish", "--push", "--yes")
        run(work, "git", "tag", "-n1")
        run(work, "git", "log", "--format=%h %s", "-3", "main")
        run(work, "git", "log", "-1", "--format=%B", "main")
        run(work, "git", "branch", "-a")
        hh(work, "status", "--all")

        step("The incident report, written from git and the incident record")
        hh(work, "report", "INC-101")

        step("If the fix made things worse: the rollback plan (dry run)")
        hh(work, "rollback", "--dry-run")
        print(f"\ndemo finished in {tmp}" if keep else "\ndemo finished")
        return 0
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
