"""Installing the git hooks: where they go, what the script says, and how a foreign hook is kept and chained.

A hook already in place that hotfix-hooks did not write is renamed to `<type>.hotfix-hooks-legacy` (a rename
keeps its bytes and mode) and run first by our script; uninstall renames it back.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import shlex
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import common_dir

if TYPE_CHECKING:
    import pygit2

DEFAULT_HOOKS = ("prepare-commit-msg", "commit-msg", "pre-push", "post-merge", "post-commit")
# Server-side hooks are installed only on request (`--hook pre-receive` in the remote's repository).
HOOK_TYPES = (*DEFAULT_HOOKS, "pre-receive", "update")
MARKER = b"# hotfix-hooks: managed hook"
LEGACY_SUFFIX = ".hotfix-hooks-legacy"
TEMPLATE = "git-hook.sh"


class Action(enum.Enum):
    INSTALL = "installed"
    CHAIN = "chained"
    UNCHANGED = "unchanged"
    REMOVE = "removed"

    def describe(self, dry_run: bool) -> str:
        if not dry_run or self is Action.UNCHANGED:
            return self.value
        return "would " + {"installed": "install", "chained": "chain", "removed": "remove"}[self.value]


@dataclasses.dataclass(frozen=True)
class Step:
    hook_type: str
    action: Action


def render(hook_type: str, python: str) -> bytes:
    template = resources.files("hotfix_lib.hooks").joinpath(TEMPLATE).read_text(encoding="utf-8")
    script = template.replace("@HOOK_TYPE@", shlex.quote(hook_type)).replace("@PYTHON@", shlex.quote(python))
    return script.encode("utf-8")


def is_ours(path: Path) -> bool:
    """A regular file carrying the marker. A symlink is never ours, even to a script that would be."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as f:
        return MARKER in f.read(256)


def hooks_dir(repo: pygit2.Repository, use_hooks_path: bool, command: str = "install") -> Path:
    """`core.hooksPath` when set (only with the user's consent), else the common git dir's `hooks/`.

    Linked worktrees share the common dir's hooks; a relative `core.hooksPath` is taken from the work tree
    root (the git dir of a bare repository), as git does.
    """
    configured = _hooks_path_setting(repo)
    if configured is None:
        return common_dir(repo) / "hooks"
    if configured == os.devnull:
        raise HotfixError(
            f"core.hooksPath is {os.devnull}, which turns every hook off", "git config --unset core.hooksPath"
        )
    base = Path(repo.path if repo.is_bare or repo.workdir is None else repo.workdir)
    target = (base / os.path.expanduser(configured)).resolve()
    if not use_hooks_path:
        raise HotfixError(
            f"core.hooksPath is set to {configured!r}, so git runs the hooks in {target}, not in .git/hooks; "
            f"refusing to {command} there without being asked",
            f"hotfix-hooks {command} --hooks-path",
        )
    return target


def _hooks_path_setting(repo: pygit2.Repository) -> str | None:
    try:
        value = repo.config["core.hooksPath"]
    except KeyError:
        return None
    assert isinstance(value, str)
    return value or None


def plan_install(directory: Path, hook_types: Iterable[str], python: str) -> list[Step]:
    steps = []
    for hook_type in hook_types:
        path = directory / hook_type
        if not os.path.lexists(path):
            action = Action.INSTALL
        elif is_ours(path):
            action = Action.UNCHANGED if path.read_bytes() == render(hook_type, python) else Action.INSTALL
        else:
            _check_can_chain(path)
            action = Action.CHAIN
        steps.append(Step(hook_type, action))
    return steps


def _check_can_chain(path: Path) -> None:
    legacy = _legacy(path)
    if path.is_dir() and not path.is_symlink():
        raise HotfixError(f"{path} is a directory, not a hook", "move it away, then run hotfix-hooks install")
    if os.path.lexists(legacy):
        raise HotfixError(
            f"{path} is not a hotfix-hooks hook and {legacy.name} is already taken, so it cannot be chained",
            f"merge or move one of {path} and {legacy} away, then run hotfix-hooks install",
        )


def apply_install(directory: Path, steps: Iterable[Step], python: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for step in steps:
        path = directory / step.hook_type
        if step.action is Action.UNCHANGED:
            continue
        if step.action is Action.CHAIN:
            os.rename(path, _legacy(path))
            try:
                _write_script(path, render(step.hook_type, python))
            except BaseException:
                os.rename(_legacy(path), path)
                raise
        else:
            _write_script(path, render(step.hook_type, python))


def plan_uninstall(directory: Path, hook_types: Iterable[str]) -> list[Step]:
    return [
        Step(hook_type, Action.REMOVE if is_ours(directory / hook_type) else Action.UNCHANGED)
        for hook_type in hook_types
    ]


def apply_uninstall(directory: Path, steps: Iterable[Step]) -> None:
    for step in steps:
        if step.action is not Action.REMOVE:
            continue
        path = directory / step.hook_type
        legacy = _legacy(path)
        if os.path.lexists(legacy):
            os.replace(legacy, path)  # atomically: there is never a moment without a hook
        else:
            path.unlink()


def _legacy(path: Path) -> Path:
    return path.with_name(path.name + LEGACY_SUFFIX)


def _write_script(path: Path, content: bytes) -> None:
    """Write via a temporary file and a rename, so git never runs a half-written hook."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o755)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
