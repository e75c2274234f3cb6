"""What post-merge and post-commit do on the production branch. They cannot fail git's merge, so they
report: one line per target, and for a conflict the files and the one command that resolves it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hotfix_lib import config as config_mod
from hotfix_lib.gitrepo import current_branch, open_repo, production_branch

if TYPE_CHECKING:
    import pygit2

    from hotfix_lib.backport_plan import TargetResult

# In the worktree's own git dir, like git's SQUASH_MSG: the commit HEAD was at when a squash merge began.
SQUASH_MARKER = "hotfix-hooks-squash-base"


def _production_repo() -> tuple[pygit2.Repository, config_mod.Config] | None:
    repo = open_repo()
    if repo.is_bare or repo.head_is_detached or repo.head_is_unborn:
        return None
    cfg = config_mod.load(str(repo.workdir))
    if current_branch(repo) != production_branch(repo, cfg):
        return None
    return repo, cfg


def after_merge(squash: bool) -> int:
    found = _production_repo()
    if found is None:
        return 0
    repo, cfg = found
    head = str(repo.head.target)
    if squash:
        (Path(repo.path) / SQUASH_MARKER).write_text(head + "\n")
        return 0
    orig = repo.references.get("ORIG_HEAD")
    if orig is None:
        return 0
    return _carry(repo, cfg, head, [str(orig.peel().id)])


def note_squash(git_dir: str, head: str | None) -> None:
    """Called by prepare-commit-msg: note (head) or forget (None) that this commit concludes
    `git merge --squash`. Any other commit clears the note, so the one post-merge left for a squash the user
    then reset is never taken for the next commit."""
    marker = Path(git_dir) / SQUASH_MARKER
    if head is None:
        marker.unlink(missing_ok=True)
    else:
        marker.write_text(f"{head}\n")


def after_commit() -> int:
    import pygit2

    found = _production_repo()
    if found is None:
        return 0
    repo, cfg = found
    head = repo.head.peel(pygit2.Commit)
    marker = Path(repo.path) / SQUASH_MARKER
    if marker.exists():
        base = marker.read_text().strip()
        marker.unlink()
        if len(head.parents) == 1 and str(head.parents[0].id) == base:
            return _report(repo, cfg, [head])
    if len(head.parents) >= 2:
        return _carry(repo, cfg, str(head.id), [str(head.parents[0].id)])
    return 0


def _carry(repo: pygit2.Repository, cfg: config_mod.Config, tip: str, hide: Sequence[str]) -> int:
    from hotfix_lib import backport

    return _report(repo, cfg, backport.hotfix_commits(repo, cfg, tip, hide))


def _report(repo: pygit2.Repository, cfg: config_mod.Config, commits: Sequence[pygit2.Commit]) -> int:
    from hotfix_lib import backport

    if not commits:
        return 0
    production = production_branch(repo, cfg)
    for result in backport.backport(repo, commits, backport.targets(repo, cfg, production), dry_run=False):
        print(f"hotfix-hooks: {summary(result)}", file=sys.stderr)
    return 0


def summary(result: TargetResult) -> str:
    from hotfix_lib.backport_plan import PICK, SKIP

    if result.note:
        return f"backport to {result.target}: {result.note}"
    conflict = result.conflict
    if conflict is not None:
        return (f"backport to {result.target} stopped: {conflict.sha[:12]} ({conflict.subject}) conflicts in "
                f"{', '.join(conflict.files)}; {result.target} was not moved. To resolve: hotfix-hooks backport "
                "--continue")
    picked = [p for p in result.picks if p.action == PICK]
    skipped = [p for p in result.picks if p.action == SKIP]
    where = f", now at {result.new_tip[:12]}" if result.new_tip else ""
    return f"backported {len(picked)} commit(s) to {result.target}{where}" + (
        f" ({len(skipped)} already there)" if skipped else "")
