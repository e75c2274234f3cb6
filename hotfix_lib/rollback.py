"""Rolling production back to a backup: plan it from the repository, then carry it out without losing anything.

Order matters: the current tip is tagged before anything moves; with --push the remote moves first (a lease on
the tip we saw), so a lease failure leaves the local branch, index and work tree as they were.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import TYPE_CHECKING

from hotfix_lib import (
    faultpoint,
    gitrepo,
    incident_store,
    redact,
    rollback_plan,
    tag_index,
    tag_names,
    tagging,
    trailers,
)
from hotfix_lib.config import Config
from hotfix_lib.errors import HotfixError
from hotfix_lib.incident import ACTIVE
from hotfix_lib.push_backup import ALLOW_REWIND_ENV
from hotfix_lib.rollback_plan import Backup, Leaving, Plan

if TYPE_CHECKING:
    import pygit2

HEADS = "refs/heads/"


def plan(repo: pygit2.Repository, config: Config, to: str | None) -> Plan:
    production = gitrepo.production_branch(repo, config)
    ref = repo.references.get(HEADS + production)
    if ref is None:
        raise HotfixError(f"there is no local branch '{production}' to roll back",
                          f"git fetch {config.remote} && git branch {production} {config.remote}/{production}")
    tip = str(ref.resolve().target)
    if to is not None:
        target, label = _resolve(repo, to), to
    else:
        backup = rollback_plan.pick(_backups(repo, config, tip))
        if backup is None:
            raise HotfixError(
                f"no backup tag matching '{config.tags['backup'].replace('{time}', '*')}' is an ancestor of "
                f"{production} ({tip[:10]})", "pick the commit yourself: hotfix-hooks rollback --to <tag-or-commit>",
            )
        target, label = backup.target, backup.name
    if target == tip:
        raise HotfixError(f"{production} is already at {label} ({tip[:10]})")
    return Plan(
        production=production, tip=tip, tip_subject=_subject(repo, tip), target=target, target_label=label,
        target_subject=_subject(repo, target), leaving=tuple(_leaving(repo, tip, target)),
    )


def _resolve(repo: pygit2.Repository, rev: str) -> str:
    import pygit2

    try:
        commit = repo.revparse_single(rev).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        raise HotfixError(f"--to {rev!r} does not name a commit", "git tag -l 'backup/*'") from None
    return str(commit.id)


def _backups(repo: pygit2.Repository, config: Config, tip: str) -> list[Backup]:
    return [Backup(t.name, t.time, t.commit, t.commit != tip and repo.descendant_of(tip, t.commit))
            for t in tag_index.dated_tags(repo, config.tags["backup"])]


def _subject(repo: pygit2.Repository, sha: str) -> str:
    import pygit2

    commit = repo.get(sha)
    assert isinstance(commit, pygit2.Commit)
    return commit.message.split("\n", 1)[0]


def _leaving(repo: pygit2.Repository, tip: str, target: str) -> list[Leaving]:
    import pygit2

    walker = repo.walk(pygit2.Oid(hex=tip), pygit2.enums.SortMode.TOPOLOGICAL)
    walker.hide(pygit2.Oid(hex=target))
    return [Leaving(str(c.id), c.message.split("\n", 1)[0], tuple(trailers.incident_ids(c.message)))
            for c in walker]


@dataclasses.dataclass(frozen=True)
class Done:
    rolled_back_tag: str
    rollback_tag: str
    incidents: list[str]
    warnings: list[str]


def execute(repo: pygit2.Repository, root: str, config: Config, the_plan: Plan, push: bool) -> Done:
    checked_out = _check_preconditions(repo, root, config, the_plan, push)
    actor = incident_store.actor(repo)
    stamp = tag_names.stamp()
    rolled_back = tagging.create(repo, config.tag("rolled_back", time=stamp), the_plan.tip,
                                 rollback_plan.rolled_back_message(the_plan, actor))
    faultpoint.reached("rollback:tagged")
    if push:
        try:
            _push_branch(root, config.remote, the_plan)
        except HotfixError:
            repo.references.delete(tagging.TAGS + rolled_back)  # the tip is still on the branch it tags
            raise
    faultpoint.reached("rollback:pushed")
    try:
        _move_local(repo, root, the_plan, checked_out)
    except HotfixError as e:
        if not push:
            raise
        raise HotfixError(
            f"{config.remote}/{the_plan.production} is rolled back to {the_plan.target[:10]} but the local branch "
            f"could not follow ({e.message}); the old tip is kept as {rolled_back}",
            f"git fetch {config.remote} && git switch {the_plan.production} && "
            f"git reset --keep {config.remote}/{the_plan.production}",
        ) from None
    faultpoint.reached("rollback:moved")
    rollback = tagging.create(repo, config.tag("rollback", time=stamp), the_plan.target,
                              rollback_plan.rollback_message(the_plan, rolled_back, actor))
    warnings: list[str] = []
    if push:
        pushed = tagging.push(repo, root, config.remote, [rolled_back, rollback])
        rolled_back, rollback = pushed.names
        warnings += pushed.warnings
    incidents = _record(repo, the_plan, rollback, rolled_back)
    if push and incidents:
        try:
            incident_store.push(repo, root, config.remote, incidents)
        except HotfixError as e:
            warnings.append(str(e))
    return Done(rolled_back, rollback, incidents, warnings)


def _check_preconditions(repo: pygit2.Repository, root: str, config: Config, the_plan: Plan, push: bool) -> bool:
    """Refuse before anything moves; returns whether production is checked out in this work tree."""
    if push and config.remote not in {r.name for r in repo.remotes}:
        raise HotfixError(f"there is no remote '{config.remote}' to push the rollback to",
                          "hotfix-hooks rollback --no-push (local only), or set `remote` in .hotfix-hooks.yaml")
    here = not repo.is_bare and gitrepo.current_branch(repo) == the_plan.production
    branch = repo.branches.local.get(the_plan.production)
    if not here and branch is not None and branch.is_checked_out():
        raise HotfixError(f"{the_plan.production} is checked out in another worktree",
                          "run `hotfix-hooks rollback` in that worktree")
    if here:
        operation = gitrepo.operation_in_progress(repo)
        if operation:
            raise HotfixError(f"a {operation} is in progress on {the_plan.production}",
                              f"git {operation} --abort (or finish it), then roll back")
        if gitrepo.has_local_changes(repo):
            raise HotfixError(
                f"{the_plan.production} is checked out and has uncommitted changes; a rollback would mix them "
                "with the old state", "git stash (or commit them elsewhere), then roll back")
        trial = gitrepo.run_git(["read-tree", "-m", "-u", "-n", the_plan.tip, the_plan.target], root, check=False)
        if trial.returncode != 0:
            detail = trial.stderr.decode(errors="replace").strip().splitlines()
            raise HotfixError(
                f"the work tree cannot be rolled back: {detail[0].rstrip('.') if detail else 'git read-tree refused'}",
                "move the untracked files it names out of the way (git status), then roll back",
            )
    return here


def _push_branch(root: str, remote: str, the_plan: Plan) -> None:
    prod = HEADS + the_plan.production
    env = {**os.environ, ALLOW_REWIND_ENV: f"{the_plan.tip}:{the_plan.target}"}
    proc = gitrepo.run_git(
        ["push", "--porcelain", f"--force-with-lease={prod}:{the_plan.tip}", remote, f"{the_plan.target}:{prod}"],
        root, env=env, check=False,
    )
    # The pre-push hook reports its backup on stderr; pass that through.
    sys.stderr.write(redact.text(proc.stderr.decode(errors="replace")))
    if proc.returncode == 0:
        return
    if "stale info" in proc.stdout.decode(errors="replace"):
        raise HotfixError(
            f"{remote}/{the_plan.production} is no longer at {the_plan.tip[:10]}: someone pushed since "
            "(lease failed); nothing was changed",
            f"git fetch {remote} {the_plan.production}, look at what landed, then run hotfix-hooks rollback again",
        )
    raise HotfixError(f"pushing the rollback to {remote} failed; nothing was changed locally",
                      "fix the push problem shown above and run hotfix-hooks rollback again")


def _move_local(repo: pygit2.Repository, root: str, the_plan: Plan, checked_out: bool) -> None:
    import pygit2

    ref = repo.references[HEADS + the_plan.production]
    if str(ref.target) != the_plan.tip:
        raise HotfixError(f"{the_plan.production} moved while rolling back; nothing was changed locally",
                          "run hotfix-hooks rollback again")
    if checked_out:
        # git's two-tree merge: index and work tree go from tip to target exactly as `git checkout` would,
        # refusing (and changing nothing) when an untracked file is in the way.
        gitrepo.run_git(["read-tree", "-m", "-u", the_plan.tip, the_plan.target], root)
    try:
        ref.set_target(pygit2.Oid(hex=the_plan.target), message=f"hotfix-hooks: rollback to {the_plan.target_label}")
    except pygit2.GitError:
        if checked_out:
            gitrepo.run_git(["read-tree", "-m", "-u", the_plan.target, the_plan.tip], root)
        raise HotfixError(f"{the_plan.production} moved while rolling back; nothing was changed locally",
                          "run hotfix-hooks rollback again") from None


def _record(repo: pygit2.Repository, the_plan: Plan, rollback: str, rolled_back: str) -> list[str]:
    """`rollback` on the timeline of the incidents whose commits leave production, else of the active one."""
    known = {r.id: r for r in incident_store.list_all(repo)}
    ids = [i for i in the_plan.incidents if i in known]
    if not ids:
        active = [r.id for r in known.values() if r.status == ACTIVE]
        ids = active if len(active) == 1 else []
    data: dict[str, object] = {"from": the_plan.tip, "to": the_plan.target, "tag": rollback,
                               "rolled_back_tag": rolled_back}
    for incident_id in ids:
        incident_store.append_event(repo, incident_id, "rollback", data)
    return ids
