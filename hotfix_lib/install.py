"""Installing the git hooks: where they go, what the script says, and how a foreign hook is kept and chained.

A hook already in place that hotfix-hooks did not write is renamed to `<type>.hotfix-hooks-legacy` (a rename
keeps its bytes and mode) and run first by our script; uninstall renames it back. If `pre-commit install`
later moves our script to `<type>.legacy`, we stay there (pre-commit runs us first) instead of chaining twice.
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
PRE_COMMIT_LEGACY = ".legacy"  # where `pre-commit install` puts the hook it found
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
    path: Path  # where our script is or goes


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
        current = _our_script(directory, hook_type)
        if current is not None:
            same = current.read_bytes() == render(hook_type, python)
            steps.append(Step(hook_type, Action.UNCHANGED if same else Action.INSTALL, current))
        elif not os.path.lexists(path):
            steps.append(Step(hook_type, Action.INSTALL, path))
        else:
            _check_can_chain(path)
            steps.append(Step(hook_type, Action.CHAIN, path))
    return steps


def _our_script(directory: Path, hook_type: str) -> Path | None:
    """Where our script is: in place, or where `pre-commit install` moved it (`<type>.legacy`, which
    pre-commit's own hook runs first). Installing again there must not chain pre-commit in front of us."""
    for path in (directory / hook_type, directory / f"{hook_type}{PRE_COMMIT_LEGACY}"):
        if is_ours(path):
            return path
    return None


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
        script = render(step.hook_type, python)
        if step.action is Action.CHAIN:
            os.rename(step.path, _legacy(step.path))
            try:
                _write_script(step.path, script)
            except BaseException:
                os.rename(_legacy(step.path), step.path)
                raise
        elif step.action is Action.INSTALL:
            _write_script(step.path, script)


def plan_uninstall(directory: Path, hook_types: Iterable[str]) -> list[Step]:
    steps = []
    for hook_type in hook_types:
        current = _our_script(directory, hook_type)
        if current is None:
            steps.append(Step(hook_type, Action.UNCHANGED, directory / hook_type))
        else:
            steps.append(Step(hook_type, Action.REMOVE, current))
    return steps


def apply_uninstall(steps: Iterable[Step]) -> None:
    for step in steps:
        if step.action is not Action.REMOVE:
            continue
        legacy = _legacy(step.path)
        if os.path.lexists(legacy):
            os.replace(legacy, step.path)  # atomically: there is never a moment without a hook
        else:
            step.path.unlink()


def _legacy(path: Path) -> Path:
    """The hook we chained; named from the hook type, so it is the same wherever our script sits."""
    hook_type = path.name.removesuffix(PRE_COMMIT_LEGACY)
    return path.with_name(hook_type + LEGACY_SUFFIX)


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
