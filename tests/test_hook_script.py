"""The installed sh hook driven by real git: the fast path, the missing interpreter, chaining a foreign hook.

Some tests swap the interpreter baked into the installed script for a recording stand-in: what is under
test there is the script's own contract (who runs, with which args and stdin, and what exit status wins).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import World
from tests.gitutil import commit_file, git, hotfix_hooks, rev

MISSING = "/nonexistent/venv/bin/python"
PRE_COMMIT = str(Path(sys.executable).parent / "pre-commit")
MARKER_LINE = "# hotfix-hooks: managed hook"


def bake_interpreter(hooks: Path, python: str) -> None:
    for hook in hooks.iterdir():
        if not hook.name.endswith((".sample", "-legacy")):
            text = hook.read_text()
            hook.write_text(re.sub(r"(?m)^py=.*$", f"py={python}", text, count=1))


def missing_line(hook: str) -> str:
    return (
        f"hotfix-hooks ({hook}): cannot run {MISSING} (moved or deleted?). To fix: run `hotfix-hooks install` "
        "again from the environment where hotfix-hooks is installed\n"
    )


def recorder(path: Path, log: Path, name: str) -> Path:
    """A script that logs its name, args and stdin, then exits with the number in `<path>.exit` (default 0).

    `<path>` is the name it was created under: a chained hook keeps reading it after being moved aside."""
    path.write_text(
        "#!/bin/sh\n"
        f"{{ printf '%s:' {name}; printf ' %s' \"$@\"; printf '\\n'; cat; }} >>'{log}'\n"
        f"[ -f '{path}.exit' ] && exit \"$(cat '{path}.exit')\"\n"
        "exit 0\n"
    )
    path.chmod(0o755)
    return path


def test_feature_branch_commit_never_starts_python(world: World) -> None:
    hooks = world.work / ".git" / "hooks"
    bake_interpreter(hooks, MISSING)
    git(world.work, "switch", "-q", "-c", "feature/login")
    proc = git(world.work, "commit", "-q", "--allow-empty", "-m", "Feature work")
    assert (proc.returncode, proc.stderr) == (0, "")
    sub = world.work / "src"
    sub.mkdir()
    proc = git(sub, "commit", "-q", "--allow-empty", "-m", "From a subdirectory")  # hooks run at the root
    assert (proc.returncode, proc.stderr) == (0, "")
    proc = git(world.work, "push", "-q", "origin", "feature/login", "HEAD:refs/tags/v1")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert rev(world.remote, "feature/login") == rev(world.work, "HEAD")


def test_hotfix_looking_branches_go_to_python(world: World) -> None:
    bake_interpreter(world.work / ".git" / "hooks", MISSING)
    for branch in ("hotfix/INC-1-db", "HOTFIX-123", "ops/Hotfix-now"):
        git(world.work, "switch", "-q", "-c", branch, "main")
        proc = git(world.work, "commit", "--allow-empty", "-m", "Fix", check=False)
        assert (proc.returncode, proc.stderr) == (1, missing_line("prepare-commit-msg")), branch
    for branch in ("main", "production"):
        git(world.work, "switch", "-q", branch)
        proc = git(world.work, "commit", "--allow-empty", "-m", "Direct", check=False)
        assert (proc.returncode, proc.stderr) == (1, missing_line("prepare-commit-msg")), branch


def test_a_detached_head_commit_skips_python(world: World) -> None:
    bake_interpreter(world.work / ".git" / "hooks", MISSING)
    git(world.work, "switch", "-q", "--detach", "main")
    proc = git(world.work, "commit", "-q", "--allow-empty", "-m", "Detached")
    assert (proc.returncode, proc.stderr) == (0, "")


def test_config_file_naming_the_branch_or_renaming_branches_goes_to_python(world: World) -> None:
    bake_interpreter(world.work / ".git" / "hooks", MISSING)
    git(world.work, "switch", "-q", "-c", "trunk")
    config = world.work / ".hotfix-hooks.yaml"
    config.write_text("remote: upstream\n")
    assert git(world.work, "commit", "-q", "--allow-empty", "-m", "Unrelated config").returncode == 0
    config.write_text("backport_targets: [trunk]\n")
    proc = git(world.work, "commit", "--allow-empty", "-m", "Named in config", check=False)
    assert (proc.returncode, proc.stderr) == (1, missing_line("prepare-commit-msg"))
    config.write_text("main_branch: develop\n")
    proc = git(world.work, "commit", "--allow-empty", "-m", "Renamed branches", check=False)
    assert (proc.returncode, proc.stderr) == (1, missing_line("prepare-commit-msg"))


def test_post_hooks_never_fail_the_commit_when_the_interpreter_is_gone(world: World) -> None:
    git(world.work, "switch", "-q", "-c", "hotfix/INC-7-cache")
    hotfix_hooks(world.work, "uninstall", "--hook", "prepare-commit-msg", "--hook", "commit-msg", check=True)
    bake_interpreter(world.work / ".git" / "hooks", MISSING)
    proc = git(world.work, "commit", "-q", "--allow-empty", "-m", "Fix cache")
    assert (proc.returncode, proc.stderr) == (0, missing_line("post-commit"))


def test_linked_worktree_commits_take_the_fast_path_too(world: World) -> None:
    bake_interpreter(world.work / ".git" / "hooks", MISSING)
    feature = world.tmp / "feature-wt"
    git(world.work, "worktree", "add", "-q", "-b", "feature/x", str(feature))
    proc = git(feature, "commit", "-q", "--allow-empty", "-m", "In a worktree")
    assert (proc.returncode, proc.stderr) == (0, "")
    hotfix = world.tmp / "hotfix-wt"
    git(world.work, "worktree", "add", "-q", "-b", "hotfix/INC-2-x", str(hotfix))
    proc = git(hotfix, "commit", "--allow-empty", "-m", "Fix", check=False)
    assert (proc.returncode, proc.stderr) == (1, missing_line("prepare-commit-msg"))


def test_pre_push_goes_to_python_only_for_refs_that_may_concern_it(world: World) -> None:
    bake_interpreter(world.work / ".git" / "hooks", MISSING)
    git(world.work, "switch", "-q", "-c", "feature/a")
    git(world.work, "commit", "-q", "--allow-empty", "-m", "A")
    assert git(world.work, "push", "-q", "origin", "feature/a").returncode == 0
    for refspec in ("feature/a:hotfix/INC-3-x", ":feature/a", "feature/a:refs/notes/x", "feature/a:main"):
        proc = git(world.work, "push", "-q", "origin", refspec, check=False)
        assert (proc.returncode, proc.stderr.splitlines()[0]) == (1, missing_line("pre-push").strip()), refspec
    assert rev(world.remote, "feature/a") == rev(world.work, "feature/a")
    proc = git(world.work, "push", "-q", "origin", "main", check=False)  # nothing to push: empty stdin
    assert (proc.returncode, proc.stderr) == (0, "")


def test_a_chained_hook_and_ours_see_the_same_args_and_both_must_pass(repo: Path, tmp_path: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir()
    log = tmp_path / "log"
    team = recorder(hooks / "prepare-commit-msg", log, "team")
    hotfix_hooks(repo, "install", "--hook", "prepare-commit-msg", check=True)
    stand_in = recorder(tmp_path / "python", log, "ours")
    bake_interpreter(hooks, str(stand_in))
    git(repo, "switch", "-q", "-c", "hotfix/INC-4-login")

    commit_file(repo, "a.txt", "a\n", "Fix login")
    assert log.read_text() == (
        "team: .git/COMMIT_EDITMSG message\n"
        "ours: -m hotfix_lib.hooks prepare-commit-msg .git/COMMIT_EDITMSG message\n"
    )

    log.unlink()
    Path(f"{team}.exit").write_text("3")
    before = rev(repo, "HEAD")
    proc = git(repo, "commit", "--allow-empty", "-m", "Refused by the team hook", check=False)
    assert proc.returncode == 1
    assert log.read_text() == "team: .git/COMMIT_EDITMSG message\n"  # ours does not run after a failure
    assert rev(repo, "HEAD") == before

    log.unlink()
    Path(f"{team}.exit").unlink()
    Path(f"{stand_in}.exit").write_text("1")
    proc = git(repo, "commit", "--allow-empty", "-m", "Refused by ours", check=False)
    assert proc.returncode == 1
    assert log.read_text().count("\n") == 2
    assert rev(repo, "HEAD") == before


def test_a_chained_pre_push_hook_and_ours_both_get_the_ref_lines(world: World) -> None:
    hooks = world.work / ".git" / "hooks"
    hotfix_hooks(world.work, "uninstall", check=True)
    log = world.tmp / "log"
    recorder(hooks / "pre-push", log, "team")
    hotfix_hooks(world.work, "install", "--hook", "pre-push", check=True)
    stand_in = recorder(world.tmp / "python", log, "ours")
    bake_interpreter(hooks, str(stand_in))
    git(world.work, "switch", "-q", "-c", "hotfix/INC-5-x")
    new = commit_file(world.work, "fix.txt", "fix\n", "Fix")

    git(world.work, "push", "-q", "origin", "hotfix/INC-5-x", "main:refs/heads/feature/b")
    zero = "0" * 40
    main = rev(world.work, "main")
    refs = (
        f"refs/heads/hotfix/INC-5-x {new} refs/heads/hotfix/INC-5-x {zero}\n"
        f"refs/heads/main {main} refs/heads/feature/b {zero}\n"
    )
    url = str(world.remote)
    assert log.read_text() == f"team: origin {url}\n{refs}ours: -m hotfix_lib.hooks pre-push origin {url}\n{refs}"

    log.unlink()
    Path(f"{stand_in}.exit").write_text("1")
    git(world.work, "commit", "-q", "--allow-empty", "-m", "More")
    proc = git(world.work, "push", "-q", "origin", "hotfix/INC-5-x", check=False)
    assert proc.returncode == 1
    assert rev(world.remote, "hotfix/INC-5-x") == new


def test_a_pre_commit_framework_hook_is_chained_and_restored(world: World) -> None:
    hooks = world.work / ".git" / "hooks"
    hotfix_hooks(world.work, "uninstall", check=True)
    log = world.tmp / "log"
    team = recorder(world.tmp / "team-check", log, "framework")
    (world.work / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: team-check\n    name: team check\n"
        f"    entry: {team}\n    language: system\n    stages: [pre-push]\n"
        "    always_run: true\n    pass_filenames: false\n"
    )
    git(world.work, "add", ".pre-commit-config.yaml")
    git(world.work, "commit", "-q", "-m", "Use pre-commit")
    subprocess.run([PRE_COMMIT, "install", "--hook-type", "pre-push"], cwd=world.work, check=True,
                   capture_output=True)
    framework_script = (hooks / "pre-push").read_bytes()

    assert hotfix_hooks(world.work, "install", "--hook", "pre-push").stdout == "pre-push: chained\n"
    stand_in = recorder(world.tmp / "python", log, "ours")
    bake_interpreter(hooks, str(stand_in))
    git(world.work, "switch", "-q", "-c", "hotfix/INC-6-x")
    new = commit_file(world.work, "fix.txt", "fix\n", "Fix")
    git(world.work, "push", "-q", "origin", "hotfix/INC-6-x")
    line = f"refs/heads/hotfix/INC-6-x {new} refs/heads/hotfix/INC-6-x {'0' * 40}\n"
    # pre-commit hands its hooks no stdin; it could only run because it got the ref lines replayed.
    assert log.read_text() == f"framework: \nours: -m hotfix_lib.hooks pre-push origin {world.remote}\n{line}"

    assert hotfix_hooks(world.work, "uninstall").stdout == "pre-push: removed\n"
    assert (hooks / "pre-push").read_bytes() == framework_script
    assert os.access(hooks / "pre-push", os.X_OK)


def test_post_hooks_run_the_chained_hook_and_ours(repo: Path, tmp_path: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir()
    log = tmp_path / "log"
    team = recorder(hooks / "post-commit", log, "team")
    Path(f"{team}.exit").write_text("4")  # git ignores a post-commit status; ours must still run
    hotfix_hooks(repo, "install", "--hook", "post-commit", check=True)
    bake_interpreter(hooks, str(recorder(tmp_path / "python", log, "ours")))
    git(repo, "switch", "-q", "-c", "hotfix/INC-8-x")
    commit_file(repo, "a.txt", "a\n", "Fix")
    assert log.read_text() == "team: \nours: -m hotfix_lib.hooks post-commit\n"


def test_a_separate_git_dir(tmp_path: Path) -> None:
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", f"--separate-git-dir={tmp_path / 'elsewhere.git'}", str(work))
    assert (work / ".git").read_text().startswith("gitdir: ")
    commit_file(work, "a.txt", "a\n", "Initial commit")
    hotfix_hooks(work, "install", check=True)
    bake_interpreter(tmp_path / "elsewhere.git" / "hooks", MISSING)
    git(work, "switch", "-q", "-c", "feature/x")
    proc = git(work, "commit", "-q", "--allow-empty", "-m", "Feature")
    assert (proc.returncode, proc.stderr) == (0, "")
    git(work, "switch", "-q", "-c", "hotfix/INC-9-x")
    proc = git(work, "commit", "--allow-empty", "-m", "Fix", check=False)
    assert (proc.returncode, proc.stderr) == (1, missing_line("prepare-commit-msg"))


def test_a_server_side_pre_receive_hook_always_goes_to_python(world: World) -> None:
    result = hotfix_hooks(world.remote, "install", "--hook", "pre-receive")
    assert (result.returncode, result.stdout) == (0, "pre-receive: installed\n")
    bake_interpreter(world.remote / "hooks", MISSING)
    git(world.work, "switch", "-q", "-c", "feature/c")
    git(world.work, "commit", "-q", "--allow-empty", "-m", "C")
    proc = git(world.work, "push", "-q", "origin", "feature/c", check=False)
    assert proc.returncode == 1
    assert f"remote: {missing_line('pre-receive').strip()}" in [line.rstrip() for line in proc.stderr.splitlines()]
    assert git(world.remote, "branch", "--list", "feature/c").stdout == ""


def test_pre_commit_installed_after_us_keeps_one_copy_of_each_hook_running(world: World) -> None:
    hooks = world.work / ".git" / "hooks"
    hotfix_hooks(world.work, "uninstall", check=True)
    log = world.tmp / "log"
    team_hook = hooks / "pre-push"
    recorder(team_hook, log, "team")
    team_bytes = team_hook.read_bytes()
    hotfix_hooks(world.work, "install", "--hook", "pre-push", check=True)
    framework = recorder(world.tmp / "framework-check", log, "framework")
    (world.work / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: check\n    name: check\n"
        f"    entry: {framework}\n    language: system\n    stages: [pre-push]\n"
        "    always_run: true\n    pass_filenames: false\n"
    )
    git(world.work, "add", ".pre-commit-config.yaml")
    git(world.work, "commit", "-q", "-m", "Use pre-commit")
    subprocess.run([PRE_COMMIT, "install", "--hook-type", "pre-push"], cwd=world.work, check=True,
                   capture_output=True)
    assert MARKER_LINE in (hooks / "pre-push.legacy").read_text()  # pre-commit moved ours aside

    assert hotfix_hooks(world.work, "install", "--hook", "pre-push").stdout == "pre-push: unchanged\n"
    bake_interpreter(hooks, str(recorder(world.tmp / "python", log, "ours")))
    git(world.work, "switch", "-q", "-c", "hotfix/INC-10-x")
    new = commit_file(world.work, "fix.txt", "fix\n", "Fix")
    git(world.work, "push", "-q", "origin", "hotfix/INC-10-x")
    line = f"refs/heads/hotfix/INC-10-x {new} refs/heads/hotfix/INC-10-x {'0' * 40}\n"
    url = world.remote
    assert log.read_text() == (
        f"team: origin {url}\n{line}ours: -m hotfix_lib.hooks pre-push origin {url}\n{line}framework: \n"
    )

    assert hotfix_hooks(world.work, "uninstall").stdout == "pre-push: removed\n"
    assert (hooks / "pre-push.legacy").read_bytes() == team_bytes  # pre-commit now chains the team hook
    assert sorted(p.name for p in hooks.iterdir()) == ["pre-push", "pre-push.legacy"]


def test_hooks_work_from_a_gui_client_with_a_minimal_path_and_no_terminal(world: World) -> None:
    # A GUI client: no TTY on stdin and a PATH without the virtualenv; the baked interpreter still runs.
    proc = git(world.work, "push", "origin", ":production", input="", check=False, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1
    assert "hotfix-hooks (pre-push): refusing to delete the production branch 'production'" in proc.stderr
    assert rev(world.remote, "production") == rev(world.work, "production")
