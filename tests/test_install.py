"""`hotfix-hooks install` / `uninstall` against real repositories: where hooks land, chaining, restoring."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.gitutil import commit_file, git, hotfix_hooks

DEFAULT = ["prepare-commit-msg", "commit-msg", "pre-push", "post-merge", "post-commit"]
MARKER = "# hotfix-hooks: managed hook"


def lines(*pairs: tuple[str, str]) -> str:
    return "".join(f"{hook}: {what}\n" for hook, what in pairs)


def each(what: str, hooks: list[str] = DEFAULT) -> str:
    return lines(*((hook, what) for hook in hooks))


def ours(path: Path) -> bool:
    return path.is_file() and MARKER in path.read_text()


def test_install_into_a_plain_repository(repo: Path) -> None:
    result = hotfix_hooks(repo, "install")
    assert (result.returncode, result.stdout, result.stderr) == (0, each("installed"), "")
    for hook in DEFAULT:
        path = repo / ".git" / "hooks" / hook
        assert ours(path)
        assert os.access(path, os.X_OK)


def test_install_from_a_subdirectory(repo: Path) -> None:
    sub = repo / "src" / "deep"
    sub.mkdir(parents=True)
    assert hotfix_hooks(sub, "install").stdout == each("installed")
    assert ours(repo / ".git" / "hooks" / "pre-push")
    assert not (sub / "hooks").exists()


def test_install_twice_changes_nothing(repo: Path) -> None:
    hotfix_hooks(repo, "install", check=True)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (repo / ".git" / "hooks").iterdir()}
    result = hotfix_hooks(repo, "install")
    assert (result.returncode, result.stdout) == (0, each("unchanged"))
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (repo / ".git" / "hooks").iterdir()}
    assert after == before


def test_install_from_a_linked_worktree_puts_hooks_in_the_common_dir(repo: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "-q", "-b", "feature", str(linked))
    assert hotfix_hooks(linked, "install").stdout == each("installed")
    assert ours(repo / ".git" / "hooks" / "prepare-commit-msg")
    assert not (repo / ".git" / "worktrees" / "linked" / "hooks").exists()


def test_core_hooks_path_is_refused_until_asked_for(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "githooks")
    refused = hotfix_hooks(repo, "install")
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr == (
        "hotfix-hooks: core.hooksPath is set to 'githooks', so git runs the hooks in "
        f"{(repo / 'githooks').resolve()}, not in .git/hooks; refusing to install there without being asked. "
        "To fix: hotfix-hooks install --hooks-path\n"
    )
    assert not (repo / "githooks").exists()
    assert not (repo / ".git" / "hooks").exists()

    sub = repo / "sub"
    sub.mkdir()
    accepted = hotfix_hooks(sub, "install", "--hooks-path")
    assert (accepted.returncode, accepted.stdout) == (0, each("installed"))
    assert ours(repo / "githooks" / "pre-push")  # relative to the work tree root, not the cwd
    assert not (repo / ".git" / "hooks").exists()

    assert hotfix_hooks(repo, "uninstall").returncode == 1
    assert ours(repo / "githooks" / "pre-push")
    assert hotfix_hooks(repo, "uninstall", "--hooks-path").stdout == each("removed")
    assert list((repo / "githooks").iterdir()) == []


def test_hook_limits_the_set(repo: Path) -> None:
    result = hotfix_hooks(repo, "install", "--hook", "pre-push", "--hook", "post-merge")
    assert result.stdout == lines(("pre-push", "installed"), ("post-merge", "installed"))
    assert sorted(p.name for p in (repo / ".git" / "hooks").iterdir()) == ["post-merge", "pre-push"]


def test_an_unknown_hook_type_is_refused(repo: Path) -> None:
    result = hotfix_hooks(repo, "install", "--hook", "pre-comit")
    assert result.returncode == 2
    assert "'pre-comit' is not one of" in result.stderr
    assert not (repo / ".git" / "hooks").exists()


def test_dry_run_changes_nothing(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir()
    foreign = hooks / "pre-push"
    foreign.write_text("#!/bin/sh\nexit 0\n")
    foreign.chmod(0o755)
    result = hotfix_hooks(repo, "install", "--dry-run")
    assert result.stdout == lines(
        ("prepare-commit-msg", "would install"), ("commit-msg", "would install"), ("pre-push", "would chain"),
        ("post-merge", "would install"), ("post-commit", "would install"),
    )
    assert sorted(p.name for p in hooks.iterdir()) == ["pre-push"]
    assert foreign.read_text() == "#!/bin/sh\nexit 0\n"

    hotfix_hooks(repo, "install", check=True)
    before = sorted((p.name, p.read_bytes()) for p in hooks.iterdir())
    assert hotfix_hooks(repo, "uninstall", "--dry-run").stdout == each("would remove")
    assert sorted((p.name, p.read_bytes()) for p in hooks.iterdir()) == before


def test_uninstall_restores_a_foreign_hook_byte_for_byte_with_its_mode(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir()
    content = b"#!/bin/sh\r\n# team hook \xe2\x9c\x93 with odd bytes \xff\n\nexit 0"
    foreign = hooks / "pre-push"
    foreign.write_bytes(content)
    foreign.chmod(0o750)
    not_executable = hooks / "post-merge"
    not_executable.write_bytes(b"#!/bin/sh\necho disabled\n")
    not_executable.chmod(0o640)

    result = hotfix_hooks(repo, "install")
    assert result.stdout == lines(
        ("prepare-commit-msg", "installed"), ("commit-msg", "installed"), ("pre-push", "chained"),
        ("post-merge", "chained"), ("post-commit", "installed"),
    )
    assert (hooks / "pre-push.hotfix-hooks-legacy").read_bytes() == content
    assert ours(foreign)

    result = hotfix_hooks(repo, "uninstall")
    assert (result.returncode, result.stdout) == (0, each("removed"))
    assert sorted(p.name for p in hooks.iterdir()) == ["post-merge", "pre-push"]
    assert foreign.read_bytes() == content
    assert stat.S_IMODE(foreign.stat().st_mode) == 0o750
    assert stat.S_IMODE(not_executable.stat().st_mode) == 0o640


def test_uninstall_leaves_foreign_hooks_alone(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n")
    assert hotfix_hooks(repo, "uninstall").stdout == f"no hotfix-hooks hooks in {hooks}\n"
    assert hotfix_hooks(repo, "uninstall", "--hook", "pre-push").stdout == "pre-push: unchanged\n"
    assert (hooks / "pre-commit").read_text() == "#!/bin/sh\nexit 0\n"


def test_an_older_hotfix_hooks_script_is_replaced(repo: Path) -> None:
    hotfix_hooks(repo, "install", "--hook", "pre-push", check=True)
    hook = repo / ".git" / "hooks" / "pre-push"
    hook.write_text(f"#!/bin/sh\n{MARKER}\n# an older version\nexit 0\n")
    assert hotfix_hooks(repo, "install", "--hook", "pre-push").stdout == "pre-push: installed\n"
    assert "an older version" not in hook.read_text()
    assert not (hook.parent / "pre-push.hotfix-hooks-legacy").exists()


def test_a_taken_legacy_name_is_refused_and_nothing_moves(repo: Path) -> None:
    hooks = repo / ".git" / "hooks"
    hooks.mkdir()
    (hooks / "pre-push").write_text("#!/bin/sh\necho new\n")
    (hooks / "pre-push.hotfix-hooks-legacy").write_text("#!/bin/sh\necho old\n")
    result = hotfix_hooks(repo, "install")
    assert result.returncode == 1
    assert result.stderr == (
        f"hotfix-hooks: {hooks / 'pre-push'} is not a hotfix-hooks hook and pre-push.hotfix-hooks-legacy is "
        f"already taken, so it cannot be chained. To fix: merge or move one of {hooks / 'pre-push'} and "
        f"{hooks / 'pre-push.hotfix-hooks-legacy'} away, then run hotfix-hooks install\n"
    )
    assert sorted(p.name for p in hooks.iterdir()) == ["pre-push", "pre-push.hotfix-hooks-legacy"]
    assert (hooks / "pre-push").read_text() == "#!/bin/sh\necho new\n"


def test_installed_hooks_let_a_feature_branch_commit_through(repo: Path) -> None:
    hotfix_hooks(repo, "install", check=True)
    git(repo, "switch", "-q", "-c", "feature/login")
    commit_file(repo, "login.py", "x = 1\n", "Add login")
    assert git(repo, "log", "-1", "--format=%s").stdout == "Add login\n"


def test_outside_a_repository(tmp_path: Path) -> None:
    result = hotfix_hooks(tmp_path, "install")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "hotfix-hooks: not inside a git repository. To fix: cd into your repository, or run `git init`\n"
    )
