"""A backport stopped on a conflict, kept until `backport --continue` or `--abort`.

One JSON file per target in the common git dir, plus a ref that keeps the picks already made reachable
(they exist only as objects until the target moves).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_lib.gitrepo import common_dir

if TYPE_CHECKING:
    import pygit2

REF_PREFIX = "refs/hotfix-hooks/backport/"


@dataclasses.dataclass(frozen=True)
class Pending:
    target: str
    old_tip: str  # where the target was: it moves only from here
    partial: str  # picks made so far, on top of old_tip
    commits: tuple[str, ...]  # what is left, the conflicting commit first
    files: tuple[str, ...]  # the conflicting files
    worktree: str | None = None  # the linked worktree prepared by --continue


def _slug(target: str) -> str:
    return target.replace("/", "%2F")


def _dir(repo: pygit2.Repository) -> Path:
    return common_dir(repo) / "hotfix-hooks" / "backport"


def worktree_path(repo: pygit2.Repository, target: str) -> Path:
    return common_dir(repo) / "hotfix-hooks" / "worktrees" / _slug(target)


def save(repo: pygit2.Repository, pending: Pending) -> None:
    import pygit2

    repo.create_reference(REF_PREFIX + pending.target, pygit2.Oid(hex=pending.partial), force=True,
                          message="hotfix-hooks: backport in progress")
    folder = _dir(repo)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"{_slug(pending.target)}.json.tmp"
    tmp.write_text(json.dumps(dataclasses.asdict(pending), indent=2, sort_keys=True))
    os.replace(tmp, folder / f"{_slug(pending.target)}.json")


def pending(repo: pygit2.Repository) -> list[Pending]:
    folder = _dir(repo)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        found.append(Pending(target=data["target"], old_tip=data["old_tip"], partial=data["partial"],
                             commits=tuple(data["commits"]), files=tuple(data["files"]),
                             worktree=data.get("worktree")))
    return found


def clear(repo: pygit2.Repository, target: str) -> None:
    (_dir(repo) / f"{_slug(target)}.json").unlink(missing_ok=True)
    ref = repo.references.get(REF_PREFIX + target)
    if ref is not None:
        ref.delete()
