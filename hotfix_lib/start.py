"""Declaring an incident: validate, pick the base, record the incident, create and check out the branch.

Order matters for a kill between steps: the record is written first (a ref, nothing in the work tree),
then the branch. Re-running with the same ID after an interruption finds the record for this very branch
and only creates what is missing.
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse

from hotfix_lib import faultpoint, incident_store, naming, redact
from hotfix_lib import incident as incident_mod
from hotfix_lib.commands._common import Context
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import branch_exists, has_local_changes, operation_in_progress, run_git

MAX_COMMANDER = 200
MAX_DESCRIPTION = 10_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclasses.dataclass(frozen=True)
class Request:
    incident_id: str
    severity: str
    commander: str
    description: str
    ticket: str | None
    base: str | None
    fetch: bool
    push: bool


@dataclasses.dataclass(frozen=True)
class Started:
    record: incident_mod.Incident
    notes: tuple[str, ...]  # what start decided that the user should know (base moved, fetch skipped)
    resumed: bool


def validate(req: Request, pattern: str) -> tuple[int, str | None]:
    """Check every field before anything is created; returns (severity, ticket)."""
    naming.validate_incident_id(req.incident_id, pattern)
    if req.severity not in ("1", "2", "3"):
        raise HotfixError(
            f"invalid severity {req.severity!r}: use 1 (CRITICAL, 15 min), 2 (HIGH, 1 h) or 3 (MEDIUM, 4 h)",
            "pass --severity 1, 2 or 3",
        )
    commander = req.commander.strip()
    if not commander:
        raise HotfixError("the incident commander is empty", "pass --commander NAME")
    if _CONTROL.search(req.commander) or len(commander) > MAX_COMMANDER:
        raise HotfixError(
            f"invalid commander name: one line of at most {MAX_COMMANDER} characters, without control characters",
            "pass --commander NAME",
        )
    if not req.description.strip():
        raise HotfixError("the description is empty", "pass --description TEXT")
    if len(req.description) > MAX_DESCRIPTION or "\x00" in req.description:
        raise HotfixError(f"the description is longer than {MAX_DESCRIPTION} characters", "shorten --description")
    return int(req.severity), _validate_ticket(req.ticket)


def _validate_ticket(ticket: str | None) -> str | None:
    if ticket is None:
        return None
    try:
        parts = urllib.parse.urlsplit(ticket)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and not _CONTROL.search(ticket)
    except ValueError:
        valid = False
    if not valid:
        raise HotfixError(f"invalid ticket URL {ticket[:80]!r}: it must be an http(s) URL", "pass --ticket https://...")
    if parts.username or parts.password:
        raise HotfixError("the ticket URL carries credentials; they would be stored in the incident record",
                          "pass the URL without user:password@")
    return ticket


def run(ctx: Context, req: Request) -> Started:
    severity, ticket = validate(req, ctx.config.incident_pattern)
    repo, cfg = ctx.repo, ctx.config
    branch = naming.branch_name(req.incident_id, req.description, cfg.branch_prefix)
    existing = incident_store.load(repo, req.incident_id)
    if existing is None and req.fetch:
        _refuse_declared_elsewhere(ctx, req.incident_id)
    resumed = existing is not None and existing.branch == branch and not branch_exists(repo, branch)
    if existing is not None and not resumed:
        raise HotfixError(f"incident {req.incident_id} already exists (branch {existing.branch})",
                          "hotfix-hooks status --all, or pick another incident ID")
    if branch_exists(repo, branch):
        raise HotfixError(f"branch {branch} already exists", f"git switch {branch}, or hotfix-hooks status")
    state = operation_in_progress(repo)
    if state is not None:
        raise HotfixError(f"a {state} is in progress", f"finish it or abort it (git {state} --abort) first")
    if not repo.head_is_unborn and has_local_changes(repo):
        raise HotfixError("the work tree has uncommitted changes; start never stashes them for you",
                          "commit them, or `git stash push -m 'before hotfix'`, then run start again")
    base = req.base or (existing.base if existing else ctx.production)
    start_point, notes = _start_point(ctx, base, req.fetch)
    if existing is not None:
        record = existing
    else:
        record = incident_mod.Incident(
            id=req.incident_id, severity=severity, commander=req.commander.strip(),
            description=req.description.strip(), ticket=ticket, base=base, branch=branch,
            started_at=incident_mod.now_utc(),
        )
        incident_store.create(repo, record)
        record = incident_store.append_event(repo, record.id, "declared", {"base": base, "base_commit": start_point})
    faultpoint.reached("start:recorded")
    run_git(["switch", "--quiet", "--no-track", "-c", branch, start_point], ctx.root)
    if req.push:
        run_git(["push", "--quiet", "-u", cfg.remote, f"refs/heads/{branch}:refs/heads/{branch}"], ctx.root)
        incident_store.push(repo, ctx.root, cfg.remote, [record.id])
    return Started(record=record, notes=tuple(notes), resumed=resumed)


def _refuse_declared_elsewhere(ctx: Context, incident_id: str) -> None:
    """Two on-call engineers declaring one incident in two clones would get two branches and a merged,
    contradictory record; the remote's records are fetched first so the second one is told instead."""
    repo, remote = ctx.repo, ctx.config.remote
    if remote not in repo.remotes.names():
        return
    try:
        fetched = incident_store.fetch(repo, ctx.root, remote)
    except HotfixError as e:
        raise HotfixError(f"could not fetch incident records from {remote}: {e.message}",
                          "check the network, or pass --no-fetch") from None
    theirs = incident_store.load(repo, incident_id) if incident_id in fetched else None
    if theirs is None:
        return
    by = theirs.events[0].actor if theirs.events else "a teammate"
    raise HotfixError(f"incident {incident_id} was already declared on {remote} by {by} (branch {theirs.branch})",
                      f"git fetch {remote} && git switch {theirs.branch} (hotfix-hooks status {incident_id} shows it)")


def _start_point(ctx: Context, base: str, fetch: bool) -> tuple[str, list[str]]:
    """The commit to branch from: the local base, or its remote-tracking branch when the local one is behind."""
    repo, remote = ctx.repo, ctx.config.remote
    notes: list[str] = []
    has_remote = remote in repo.remotes.names()
    if fetch and has_remote:
        proc = run_git(["fetch", "--quiet", remote, f"+refs/heads/{base}:refs/remotes/{remote}/{base}"],
                       ctx.root, check=False)
        if proc.returncode != 0:
            detail = proc.stderr.decode(errors="replace").strip().splitlines()
            last = redact.text(detail[-1]) if detail else "failed"  # git keeps a URL's ?access_token=
            raise HotfixError(f"could not fetch {base} from {remote}: {last}",
                              "check the network, or pass --no-fetch to start from the local branch")
    elif fetch:
        notes.append(f"no remote named {remote}: starting from the local {base}")
    local = repo.references.get(f"refs/heads/{base}")
    tracking = repo.references.get(f"refs/remotes/{remote}/{base}") if has_remote else None
    if local is None and tracking is None:
        raise HotfixError(f"the base branch {base} does not exist", "pass --base BRANCH with an existing branch")
    if tracking is None:
        return str(local.target), notes  # type: ignore[union-attr]
    if local is None:
        notes.append(f"no local {base}: starting from {remote}/{base}")
        return str(tracking.target), notes
    ours, theirs = local.target, tracking.target
    if ours == theirs or repo.descendant_of(ours, theirs):
        return str(ours), notes
    if repo.descendant_of(theirs, ours):
        notes.append(f"local {base} is behind {remote}/{base}: starting from {remote}/{base}")
        return str(theirs), notes
    raise HotfixError(
        f"local {base} and {remote}/{base} have diverged; a hotfix must start from what production really is",
        f"reconcile them first (git switch {base} && git pull --rebase {remote} {base}), or pass --no-fetch",
    )
