"""Finishing a backport that stopped on a conflict: the user resolves the conflicting pick with normal git
tools in a dedicated linked worktree; then the remaining picks are replayed and the target moves once."""

from __future__ import annotations

import dataclasses
import shutil
from typing import TYPE_CHECKING

from hotfix_lib import backport, backport_state, incident_store
from hotfix_lib.backport_plan import PICK, Pick, TargetResult
from hotfix_lib.backport_state import Pending
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import clean_env, run_git

if TYPE_CHECKING:
    import pygit2


@dataclasses.dataclass(frozen=True)
class Outcome:
    target: str
    message: str
    done: bool


def _git(path: str, *args: str, check: bool = True) -> str:
    return run_git(list(args), path, env=clean_env(), check=check).stdout.decode().strip()


def resume(repo: pygit2.Repository, root: str, item: Pending) -> Outcome:
    path = str(backport_state.worktree_path(repo, item.target))
    if item.worktree is None:
        return _prepare(repo, root, item, path)
    cherry_pick_head = run_git(["rev-parse", "-q", "--verify", "CHERRY_PICK_HEAD"], path, env=clean_env(),
                               check=False)
    if cherry_pick_head.returncode == 0:
        return Outcome(item.target, f"the pick of {item.commits[0][:12]} onto {item.target} is still being resolved "
                       f"in {path}: resolve, `git add`, `git cherry-pick --continue` there, then run "
                       "hotfix-hooks backport --continue", False)
    resolved = _git(path, "rev-parse", "HEAD")
    if resolved == item.partial:
        raise HotfixError(f"the conflicting pick onto {item.target} was not committed in {path}",
                          f"cd {path} && git cherry-pick -x {item.commits[0]}, resolve, then backport --continue")
    rest = [backport._commit(repo, sha) for sha in item.commits[1:]]
    committer = incident_store.signature(repo)
    result = backport.plan_target(repo, item.target, rest, committer, start=resolved) if rest else TargetResult(
        item.target, item.old_tip, resolved, (), partial=resolved)
    if result.conflict is not None:
        assert result.partial is not None
        shas = list(item.commits[1:])
        nxt = dataclasses.replace(item, partial=result.partial, commits=tuple(shas[shas.index(result.conflict.sha):]),
                                  files=result.conflict.files, worktree=None)
        _remove_worktree(root, path)
        return _prepare(repo, root, nxt, path)
    final = result.new_tip or resolved
    current = repo.references[backport.HEADS + item.target]
    if str(current.target) != item.old_tip:
        raise HotfixError(f"{item.target} moved while the backport was pending; nothing was changed",
                          "hotfix-hooks backport --abort, then run the backport again")
    picks = (_resolved_pick(item, resolved), *result.picks)
    done = TargetResult(item.target, item.old_tip, final, tuple(picks), partial=final)
    try:
        backport.move_target(repo, done)
    except backport._Moved:
        raise HotfixError(f"{item.target} moved while the backport was pending; nothing was changed",
                          "hotfix-hooks backport --abort, then run the backport again") from None
    _remove_worktree(root, path)
    backport_state.clear(repo, item.target)
    backport.record_events(repo, [done], [backport._commit(repo, sha) for sha in item.commits])
    return Outcome(item.target, f"backported onto {item.target}: now at {final[:12]}", True)


def _resolved_pick(item: Pending, resolved: str) -> Pick:
    return Pick(item.commits[0], "resolved conflict", PICK, new_sha=resolved)


def _prepare(repo: pygit2.Repository, root: str, item: Pending, path: str) -> Outcome:
    """A linked worktree at the picks made so far, with the conflicting pick in progress (real git)."""
    run_git(["worktree", "add", "--quiet", "--detach", path, item.partial], root, env=clean_env())
    proc = run_git(["cherry-pick", "-x", item.commits[0]], path, env=clean_env(), check=False)
    backport_state.save(repo, dataclasses.replace(item, worktree=path))
    if proc.returncode == 0:  # git resolved it by itself (e.g. with rename detection)
        return resume(repo, root, dataclasses.replace(item, worktree=path))
    return Outcome(item.target, f"resolve the conflict of {item.commits[0][:12]} in {', '.join(item.files)} in {path} "
                   "(edit, `git add`, `git cherry-pick --continue`), then run hotfix-hooks backport --continue", False)


def abort(repo: pygit2.Repository, root: str, item: Pending) -> Outcome:
    path = str(backport_state.worktree_path(repo, item.target))
    _remove_worktree(root, path)
    backport_state.clear(repo, item.target)
    return Outcome(item.target, f"backport onto {item.target} aborted; {item.target} was not moved", True)


def _remove_worktree(root: str, path: str) -> None:
    run_git(["worktree", "remove", "--force", path], root, env=clean_env(), check=False)
    shutil.rmtree(path, ignore_errors=True)
    run_git(["worktree", "prune"], root, env=clean_env(), check=False)
