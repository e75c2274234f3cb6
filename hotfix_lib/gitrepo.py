"""The small layer that owns repository access: pygit2 for local work, the `git` binary for the network.

Everything that reads or writes refs and objects goes through pygit2. `git` itself is run only for what
libgit2 cannot do like git does (fetch/push with credential helpers, ssh config and the remote's hooks,
`--force-with-lease`; work tree checkouts that must behave exactly like git's), and never through a shell.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_lib.errors import HotfixError

if TYPE_CHECKING:
    import pygit2

    from hotfix_lib.config import Config

ZERO_SHA1 = "0" * 40


def discover_git_dir(start: str | None = None) -> str:
    """The per-worktree git dir for `start` (default: cwd, or $GIT_DIR as git exported it to a hook)."""
    env_dir = os.environ.get("GIT_DIR")
    if env_dir and start is None:
        return os.path.abspath(env_dir)
    import pygit2

    found = pygit2.discover_repository(start or os.getcwd())
    if found is None:
        raise HotfixError("not inside a git repository", "cd into your repository, or run `git init`")
    return str(found)


def open_repo(start: str | None = None) -> pygit2.Repository:
    import pygit2

    git_dir = discover_git_dir(start)
    _refuse_unsupported(git_dir)
    try:
        return pygit2.Repository(git_dir)
    except pygit2.GitError as e:
        raise HotfixError(f"cannot open the repository at {git_dir}: {e}") from None


def _refuse_unsupported(git_dir: str) -> None:
    """libgit2 1.9 reads neither reftable refs nor SHA-256 objects: say so instead of failing obscurely."""
    config = common_dir_of(git_dir) / "config"
    try:
        text = config.read_text(errors="replace").lower()
    except OSError:
        return
    if "refstorage" in text and "reftable" in text:
        raise HotfixError("this repository stores refs in reftable format, which hotfix-hooks does not support")
    if "objectformat" in text and "sha256" in text:
        raise HotfixError("this repository uses SHA-256 object names, which hotfix-hooks does not support")


def common_dir_of(git_dir: str) -> Path:
    """Linked worktrees keep their shared refs, config and hooks in the common dir named by `commondir`."""
    path = Path(git_dir)
    try:
        rel = (path / "commondir").read_text().strip()
    except OSError:
        return path
    return (path / rel).resolve()


def common_dir(repo: pygit2.Repository) -> Path:
    return common_dir_of(repo.path)


def workdir(repo: pygit2.Repository) -> str:
    if repo.is_bare or repo.workdir is None:
        raise HotfixError("this is a bare repository; this command needs a work tree")
    return str(repo.workdir)


def current_branch(repo: pygit2.Repository) -> str | None:
    """The checked-out branch's short name, or None for a detached HEAD."""
    if repo.head_is_detached:
        return None
    target = repo.lookup_reference("HEAD").target
    assert isinstance(target, str)
    return target.removeprefix("refs/heads/")


def branch_exists(repo: pygit2.Repository, name: str) -> bool:
    return repo.references.get(f"refs/heads/{name}") is not None


def production_branch(repo: pygit2.Repository, config: Config, remote: str | None = None) -> str:
    """The configured production branch, else `production` if it exists here or on `remote` (default: the
    configured remote), else the main branch."""
    if config.production_branch:
        return config.production_branch
    # A fresh clone has `production` only as a remote-tracking branch; it is production all the same.
    tracking = f"refs/remotes/{remote or config.remote}/production"
    if branch_exists(repo, "production") or tracking in repo.references:
        return "production"
    return config.main_branch


def has_local_changes(repo: pygit2.Repository) -> bool:
    """True when tracked files differ from HEAD or from the index (untracked files do not count)."""
    import pygit2

    for flags in repo.status(untracked_files="no").values():
        if flags != pygit2.enums.FileStatus.CURRENT and not flags & pygit2.enums.FileStatus.IGNORED:
            return True
    return False


def operation_in_progress(repo: pygit2.Repository) -> str | None:
    """'merge', 'rebase', 'cherry-pick', ... when one is under way, else None."""
    import pygit2

    state = repo.state()
    if state == pygit2.enums.RepositoryState.NONE:
        return None
    return state.name.lower().replace("_", "-")


def clean_env() -> dict[str, str]:
    """The environment minus the per-repository variables git exports to hooks.

    Needed before running git against another repository or worktree from inside a hook.
    """
    local = {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
        "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE",
        "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE", "GIT_PREFIX",
        "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR",
    }
    return {k: v for k, v in os.environ.items() if k not in local}


def run_git(
    args: Sequence[str],
    cwd: str,
    *,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run the real git with an argument list (never a shell)."""
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=input, env=dict(env) if env is not None else None,
        capture_output=True, check=False,
    )
    if check and proc.returncode != 0:
        from hotfix_lib import redact

        # Arguments and git's own messages can name a remote URL with credentials in it.
        detail = proc.stderr.decode(errors="replace").strip().splitlines()
        last = detail[-1] if detail else f"exit {proc.returncode}"
        raise HotfixError(redact.text(f"`git {' '.join(args)}` failed: {last}"))
    return proc
