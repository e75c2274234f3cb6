"""What the commit hooks do to a commit on a hotfix or production branch: refuse it, or stamp it.

prepare-commit-msg refuses misnamed hotfix branches and direct commits to production, and stamps messages
that already have content (-m, -F, --amend, merges, templates). An editor session starts empty, and an
empty message must stay empty so git still aborts it; commit-msg, which runs after the editor and before
git's emptiness check, stamps those. Both are idempotent, so running both is harmless.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from hotfix_lib import backport_hooks, naming, trailers
from hotfix_lib import config as config_mod
from hotfix_lib.errors import HotfixError

if TYPE_CHECKING:
    import pygit2

    from hotfix_lib.incident import Incident

# Left in the per-worktree git dir when prepare-commit-msg saw an empty editor message: the installed
# commit-msg hook starts Python only when it is there, so a commit pays for one Python process, not two.
PENDING = "hotfix-hooks-stamp-pending"
PREPARE = "prepare-commit-msg"
COMMIT_MSG = "commit-msg"
# repository states in which git itself is making the commit on the user's behalf: never blocked
_REPLAYING = ("rebase", "apply", "cherry", "revert", "bisect")


def stamp(message_file: str, source: str | None, stage: str) -> int:
    from hotfix_lib.gitrepo import current_branch, open_repo, operation_in_progress, production_branch

    repo = open_repo()
    pending = os.path.join(repo.path, PENDING)
    if stage == COMMIT_MSG and os.path.exists(pending):
        os.unlink(pending)
    # git's sign that this commit concludes `git merge --squash`, whatever the message source; gone by
    # post-commit, so the backport's note is taken here
    squashing = stage == PREPARE and os.path.exists(os.path.join(repo.path, "SQUASH_MSG"))
    if stage == PREPARE and not squashing:
        backport_hooks.note_squash(repo.path, None)
    if repo.head_is_detached or repo.is_bare:
        return 0  # rebase picks and detached commits: no branch to name, stamp or protect
    branch = current_branch(repo)
    if branch is None:
        return 0
    cfg = config_mod.load(repo.workdir)
    production = production_branch(repo, cfg)
    if squashing and branch == production and not repo.head_is_unborn:
        backport_hooks.note_squash(repo.path, str(repo.head.target))
    state = operation_in_progress(repo) or ""
    replaying = state.startswith(_REPLAYING)
    if stage == PREPARE and not replaying:
        _refuse(cfg, branch, source, state, production, squashing)
    incident_id = naming.incident_of_branch(branch, cfg.branch_prefix, cfg.incident_pattern)
    if incident_id is None:
        return 0
    with open(message_file, "rb") as f:
        original = f.read()
    configured = _configured_comment(repo)
    comment = trailers.resolve_comment(configured, original)
    if comment is None and trailers.has_comment_lines(configured, original):
        from hotfix_lib.git_messages import editor_help_openings

        comment = trailers.resolve_comment(configured, original, editor_help_openings())
    if not trailers.has_content(original, comment):
        if stage == PREPARE:
            # an editor session: the message is written after this hook; commit-msg stamps it then
            with open(pending, "wb"):
                pass
        return 0
    from hotfix_lib import incident_store

    record = incident_store.load(repo, incident_id)
    updated = trailers.add(original, incident_trailers(incident_id, record), comment)
    if cfg.subject_prefix and source != "merge":
        updated = trailers.ensure_subject_prefix(updated, f"hotfix({incident_id}): ", comment)
    if updated != original:
        if record is None:
            print(f"hotfix-hooks: no incident record for {incident_id}; added only the Incident trailer "
                  f"(run `hotfix-hooks status --all`, or fetch the record)", file=sys.stderr)
        _replace(message_file, updated)
    return 0


def incident_trailers(incident_id: str, record: Incident | None) -> list[tuple[str, str]]:
    if record is None:
        return [("Incident", incident_id)]
    pairs = [
        ("Incident", record.id),
        ("Severity", f"{record.severity} ({record.level})"),
        ("Commander", record.commander),
    ]
    if record.ticket:
        pairs.append(("Ticket", record.ticket))
    return pairs


def _refuse(
    cfg: config_mod.Config, branch: str, source: str | None, state: str, production: str, squashing: bool
) -> None:
    misnamed = naming.misnamed_error(branch, cfg.branch_prefix, cfg.incident_pattern)
    if misnamed is not None:
        raise misnamed
    # `git merge --squash` then `git commit -m ...` arrives with source `message`; SQUASH_MSG tells
    is_merge = source in ("merge", "squash") or state.startswith("merge") or squashing
    if branch == production and cfg.protect_production and not is_merge:
        raise HotfixError(
            f"direct commits to the production branch '{production}' are refused; hotfixes go through a "
            "hotfix branch (merge commits are allowed)",
            "git stash, then hotfix-hooks start <INCIDENT-ID> --severity N --commander NAME --description TEXT",
        )


def _configured_comment(repo: pygit2.Repository) -> str | None:
    for key in ("core.commentString", "core.commentChar"):
        try:
            value = repo.config[key]
        except KeyError:
            continue
        return str(value)
    return None


def _replace(path: str, data: bytes) -> None:
    """Write atomically: an interrupted hook must not leave a half-written message."""
    tmp = f"{path}.hotfix-hooks.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
