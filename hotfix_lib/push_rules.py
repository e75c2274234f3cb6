"""What may land on a remote: the rules shared by the client-side pre-push hook and server-side hooks.

Pure: one ref update in, the refusals out. Callers that have a repository supply whether the old tip is an
ancestor of the new one, because answering that needs git.
"""

from __future__ import annotations

import dataclasses

from hotfix_lib import naming, tag_names, trailers
from hotfix_lib.config import Config
from hotfix_lib.errors import HotfixError

HEADS = "refs/heads/"


def is_zero(oid: str) -> bool:
    """git's "no object" (a new ref's old side, a deleted ref's new side), in any hash length."""
    return bool(oid) and oid.strip("0") == ""


@dataclasses.dataclass(frozen=True)
class RefUpdate:
    ref: str  # the full ref name on the receiving side, e.g. refs/heads/production
    old: str  # the receiving side's oid before the update; zeros when the ref is new
    new: str  # zeros when the ref is being deleted

    @property
    def branch(self) -> str | None:
        return self.ref[len(HEADS):] if self.ref.startswith(HEADS) else None

    @property
    def creates(self) -> bool:
        return is_zero(self.old)

    @property
    def deletes(self) -> bool:
        return is_zero(self.new)


def touches(update: RefUpdate, branch: str) -> bool:
    return update.ref == HEADS + branch


def needs_ancestry(update: RefUpdate, production: str) -> bool:
    """Whether `refusals` needs to know if the old tip is an ancestor of the new one."""
    return touches(update, production) and not update.creates and not update.deletes


def refusals(
    update: RefUpdate,
    production: str,
    config: Config,
    *,
    old_is_ancestor: bool | None,
    allowed_rewind: tuple[str, str] | None = None,
) -> list[HotfixError]:
    """Every reason to refuse `update`; empty when it may land.

    `old_is_ancestor` None means "not known": a production update that needs it is refused (fail closed).
    `allowed_rewind` is the one (old, new) pair a rollback has announced; only that exact rewind passes.
    """
    found: list[HotfixError] = []
    rewind_ok = allowed_rewind == (update.old, update.new)
    if config.protect_production and touches(update, production):
        if update.deletes:
            found.append(HotfixError(
                f"refusing to delete the production branch '{production}'",
                "do not delete it; to go back to an earlier state run `hotfix-hooks rollback`",
            ))
        elif needs_ancestry(update, production) and not old_is_ancestor and not rewind_ok:
            found.append(HotfixError(
                f"refusing a non-fast-forward push to the production branch '{production}' "
                f"({update.old[:10]} -> {update.new[:10]} would drop commits from it)",
                f"git pull --rebase {config.remote} {production} and push again; "
                "to go back to an earlier state run `hotfix-hooks rollback --push`",
            ))
    branch = update.branch
    if branch is not None and not update.deletes:
        misnamed = naming.misnamed_error(branch, config.branch_prefix, config.incident_pattern)
        if misnamed is not None:
            found.append(misnamed)
    return found


def lacks_incident(message: str, parent_count: int) -> bool:
    """A commit that must not reach production as it is: no `Incident:` trailer.

    A merge commit is exempt: the commits it brings in are judged one by one, and the merge itself is what
    `git merge --no-ff` (and `hotfix-hooks finish`) writes.
    """
    return parent_count < 2 and not trailers.incident_ids(message)


def missing_incident(commit: str, subject: str, production: str) -> HotfixError:
    shown = subject if len(subject) <= 60 else subject[:60] + "..."
    return HotfixError(
        f"commit {commit[:10]} ({shown!r}) would reach the production branch '{production}' "
        "without an 'Incident:' trailer",
        "reword it with `git rebase -i` to add a line such as 'Incident: INC-123' at the end of the message "
        "(or commit on a branch made by `hotfix-hooks start`), then push again",
    )


# The tags that keep production recoverable; on a server nobody may move or delete them.
KEEPING_TAGS = ("backup", "rolled_back", "rollback")


def tag_refusal(update: RefUpdate, config: Config) -> HotfixError | None:
    """Refuse moving or deleting a backup/rollback tag; creating one is what pre-push and rollback do."""
    if not update.ref.startswith("refs/tags/") or update.creates:
        return None
    name = update.ref.removeprefix("refs/tags/")
    if not any(tag_names.glob_of(config.tags[kind]).fullmatch(name) for kind in KEEPING_TAGS):
        return None
    verb = "delete" if update.deletes else "move"
    return HotfixError(
        f"refusing to {verb} the tag '{name}': it keeps an earlier state of production reachable",
        "push it under a new name instead (tags that keep production recoverable are never rewritten)",
    )
