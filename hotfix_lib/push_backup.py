"""The git side of pre-push for updates of production: get the remote's old tip, judge, tag it as a backup.

Only reached when a pushed ref may be production, so plain feature-branch pushes never import pygit2.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import TYPE_CHECKING

from hotfix_lib import gitrepo, incident_store, push_rules, redact, tag_names, tagging, trailers
from hotfix_lib.config import Config
from hotfix_lib.errors import HotfixError
from hotfix_lib.push_rules import RefUpdate

if TYPE_CHECKING:
    import pygit2

NO_BACKUP_ENV = "HOTFIX_HOOKS_NO_BACKUP"
# `<old>:<new>`, set by `hotfix-hooks rollback` for its own push: the one rewind of production let through.
ALLOW_REWIND_ENV = "HOTFIX_HOOKS_ALLOW_REWIND"
MAX_WALK = 10_000


@dataclasses.dataclass(frozen=True)
class Push:
    remote: str  # the remote's name, or its URL when pushing to a URL
    url: str
    updates: list[RefUpdate]


def guard(push: Push, config: Config, cwd: str) -> list[HotfixError]:
    """Refusals for `push`; when there are none, every update of production has been backed up."""
    repo = gitrepo.open_repo()
    production = gitrepo.production_branch(repo, config, push.remote)
    found: list[HotfixError] = []
    backups: list[RefUpdate] = []
    for update in push.updates:
        ancestry: bool | None = None
        if push_rules.touches(update, production) and not update.creates:
            if _obtain(repo, push.remote, update.old, cwd):
                backups.append(update)
                if not update.deletes:
                    ancestry = repo.descendant_of(update.new, update.old) or update.new == update.old
            elif _backup_optional(config):
                _warn(f"{production} was {update.old[:10]} on {redact.url(push.url)} and that commit cannot be "
                      "fetched; pushing without a backup as configured")
            else:
                found.append(_unreachable(push, production, update.old))
        found += push_rules.refusals(update, production, config, old_is_ancestor=ancestry,
                                     allowed_rewind=_allowed_rewind())
    if found:
        return found
    for update in backups:
        _backup(repo, push, production, update, config, cwd)
    return []


def _obtain(repo: pygit2.Repository, remote: str, oid: str, cwd: str) -> bool:
    """Whether the commit is here, fetching it from the remote first if it is not."""
    if oid in repo:
        return True
    # Whatever went wrong, the answer is whether the object arrived.
    gitrepo.run_git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, oid], cwd,
                    env=gitrepo.clean_env(), check=False)
    return oid in repo


def _backup_optional(config: Config) -> bool:
    return not config.require_backup or os.environ.get(NO_BACKUP_ENV) == "1"


def _allowed_rewind() -> tuple[str, str] | None:
    old, sep, new = os.environ.get(ALLOW_REWIND_ENV, "").partition(":")
    return (old, new) if sep and old and new else None


def _unreachable(push: Push, production: str, oid: str) -> HotfixError:
    return HotfixError(
        f"cannot back up {production} before this push: its tip {oid[:10]} on {redact.url(push.url)} "
        "cannot be fetched",
        f"git fetch {redact.url(push.remote)} and push again, or {NO_BACKUP_ENV}=1 git push to push without a backup",
    )


def _backup(
    repo: pygit2.Repository, push: Push, production: str, update: RefUpdate, config: Config, cwd: str
) -> None:
    message = tag_names.backup_message(
        production, push.remote, push.url, update.old, update.new, _incidents(repo, update), incident_store.actor(repo),
    )
    name = tagging.create(repo, config.tag("backup", time=tag_names.stamp()), update.old, message)
    where = "kept locally"
    if config.push_backup_tags:
        pushed = tagging.push(repo, cwd, push.remote, [name], env=gitrepo.clean_env())
        name = pushed.names[0]
        for warning in pushed.warnings:
            _warn(f"{warning}; the push goes on, the backup is kept locally")
        where = "kept locally" if pushed.warnings else f"pushed to {redact.url(push.remote)}"
    _warn(f"backed up {production} ({update.old[:10]}) as {name}, {where}")


def _incidents(repo: pygit2.Repository, update: RefUpdate) -> list[str]:
    """The `Incident:` trailers of the commits this push adds to production."""
    import pygit2

    if update.deletes:
        return []
    walker = repo.walk(pygit2.Oid(hex=update.new), pygit2.enums.SortMode.TOPOLOGICAL)
    walker.hide(pygit2.Oid(hex=update.old))
    found: list[str] = []
    for count, commit in enumerate(walker):
        if count >= MAX_WALK:
            break
        for incident_id in trailers.incident_ids(commit.message):
            if incident_id not in found:
                found.append(incident_id)
    return sorted(found)


def _warn(text: str) -> None:
    print(f"hotfix-hooks (pre-push): {text}", file=sys.stderr)
