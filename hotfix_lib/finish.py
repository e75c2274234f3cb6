"""Closing an incident: merge the hotfix into production, ship it, archive the branch, mark it resolved.

Every step first looks at the repository to see whether it is already done, so `finish` can be re-run after
a conflicted merge was resolved by hand, or after it was killed half-way. The merge and the pushes go through
the real git, so the suite's own hooks fire as they do for a person: post-merge carries the fix to the
backport targets, pre-push takes the backup of production.
"""

from __future__ import annotations

import dataclasses
import datetime
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING

from hotfix_lib import incident as incident_mod
from hotfix_lib import incident_store, naming, redact, tag_index, tag_names, tagging, trailers
from hotfix_lib.commands._common import Context
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import current_branch, has_local_changes, operation_in_progress, run_git

if TYPE_CHECKING:
    import pygit2

HEADS = "refs/heads/"


@dataclasses.dataclass(frozen=True)
class Step:
    title: str  # what the step does, as printed by --dry-run
    done: bool  # already done: skipped
    action: Callable[[], str]  # does it; returns the line to print


def resolve(ctx: Context, incident_id: str | None) -> incident_mod.Incident:
    cfg = ctx.config
    if incident_id is None:
        branch = current_branch(ctx.repo)
        incident_id = naming.incident_of_branch(branch or "", cfg.branch_prefix, cfg.incident_pattern)
        if incident_id is None:
            raise HotfixError(f"not on a hotfix branch ({branch or 'detached HEAD'})",
                              "switch to the hotfix branch, or pass the incident ID: hotfix-hooks finish INC-123")
    record = incident_store.load(ctx.repo, incident_id)
    if record is None and cfg.remote in ctx.repo.remotes.names():
        incident_store.fetch(ctx.repo, ctx.root, cfg.remote)
        record = incident_store.load(ctx.repo, incident_id)
    if record is None:
        raise HotfixError(f"no incident {incident_id} is recorded", "hotfix-hooks status --all")
    return record


def archive_name(ctx: Context, record: incident_mod.Incident) -> str:
    return ctx.config.tag("archive", branch=record.branch, id=record.id)


def hotfix_tip(ctx: Context, record: incident_mod.Incident) -> str | None:
    """The hotfix branch's tip, or the archived one once the branch is gone."""
    ref = ctx.repo.references.get(HEADS + record.branch)
    if ref is not None:
        return str(ref.peel().id)
    tag = ctx.repo.references.get(f"refs/tags/{archive_name(ctx, record)}")
    return str(tag.peel().id) if tag is not None else None


def ensure_local_production(ctx: Context) -> None:
    """A fresh clone has production only as `<remote>/production`: make the local branch the merge goes into."""
    production, remote = ctx.production, ctx.config.remote
    tracking = ctx.repo.references.get(f"refs/remotes/{remote}/{production}")
    if ctx.repo.references.get(HEADS + production) is None and tracking is not None:
        ctx.repo.create_reference(HEADS + production, tracking.target, force=False,
                                  message=f"hotfix-hooks finish: branch: Created from {remote}/{production}")


def plan(ctx: Context, record: incident_mod.Incident, push: bool) -> list[Step]:
    repo, cfg, production = ctx.repo, ctx.config, ctx.production
    tip = hotfix_tip(ctx, record)
    if tip is None:
        raise HotfixError(f"the branch {record.branch} and its archive tag are both gone",
                          f"git switch -c {record.branch} <commit>, then run finish again")
    prod_ref = repo.references.get(HEADS + production)
    if prod_ref is None:
        tracking = f"{ctx.config.remote}/{production}"
        fix = (f"git branch {production} {tracking}" if f"refs/remotes/{tracking}" in repo.references
               else "set production_branch in .hotfix-hooks.yaml, or create the branch")
        raise HotfixError(f"the production branch {production} does not exist", fix)
    prod_tip = str(prod_ref.peel().id)
    base = next((e.data.get("base_commit") for e in record.events if e.kind == "declared"), None)
    # merged: production contains the hotfix, and the hotfix is more than the commit it started from
    merged = tip != base and (prod_tip == tip or repo.descendant_of(prod_tip, tip))
    if not merged:
        _preconditions(ctx, record, tip, production)
    kinds = {e.kind for e in record.events}
    archive = archive_name(ctx, record)
    steps = [
        Step(f"merge {record.branch} into {production} (--no-ff)", merged,
             lambda: _merge(ctx, record, production)),
    ]
    if merged and "merged" not in kinds:
        # concluded by hand after a conflict: the timeline still gets the merge, with git's time and author
        steps.append(Step(f"record the merge into {production} made by hand", False,
                          lambda: _record_merge(ctx, record, production, tip)))
    if push:
        steps += [
            Step(f"push {production} to {cfg.remote} (pre-push takes the backup)", False,
                 lambda: _push_production(ctx, record, production)),
            Step(f"tag the deployed tip {cfg.tags['deploy']} and push it", "deployed" in kinds,
                 lambda: _deploy_tag(ctx, record, production)),
            Step(f"push the backport targets ({', '.join(cfg.targets)})", False, lambda: _push_targets(ctx)),
        ]
    archived = repo.references.get(f"refs/tags/{archive}") is not None
    steps += [
        Step(f"archive the branch as the tag {archive}", archived, lambda: _archive(ctx, record, archive, push)),
        Step(f"delete the branch {record.branch}" + (f" here and on {cfg.remote}" if push else ""),
             repo.references.get(HEADS + record.branch) is None and not push,
             lambda: _delete_branch(ctx, record, push)),
        Step(f"mark {record.id} resolved" + (" and push the record" if push else ""),
             record.status == incident_mod.RESOLVED and not push, lambda: _resolve(ctx, record, push)),
    ]
    return steps


def _preconditions(ctx: Context, record: incident_mod.Incident, tip: str, production: str) -> None:
    repo = ctx.repo
    state = operation_in_progress(repo)
    if state is not None:
        raise HotfixError(f"a {state} is in progress", "conclude it (resolve, then `git commit`) or abort it, "
                          f"then run hotfix-hooks finish {record.id}")
    if has_local_changes(repo):
        raise HotfixError("the work tree has uncommitted changes", "commit them on the hotfix branch, or stash them")
    commits = _commits_beyond(repo, tip, production)
    if not commits:
        raise HotfixError(f"{record.branch} has no commits beyond {production}", "commit the fix first")
    for commit in commits:
        if len(commit.parents) == 1 and record.id not in trailers.incident_ids(commit.message):
            raise HotfixError(
                f"commit {str(commit.id)[:12]} ({commit.message.splitlines()[0] if commit.message else ''}) has no "
                f"`Incident: {record.id}` trailer",
                f"git rebase -i {production} and reword it (the commit hooks add the trailers), or amend it",
            )
    _sync_production(ctx, production)


def _commits_beyond(repo: pygit2.Repository, tip: str, production: str) -> list[pygit2.Commit]:
    import pygit2

    walker = repo.walk(pygit2.Oid(hex=tip), pygit2.enums.SortMode.TOPOLOGICAL)
    walker.hide(repo.references[HEADS + production].peel().id)
    return list(walker)


def _sync_production(ctx: Context, production: str) -> None:
    """Bring the local production up to the remote's, or refuse when they diverged."""
    import pygit2

    repo, remote = ctx.repo, ctx.config.remote
    if remote not in repo.remotes.names():
        return
    proc = run_git(["fetch", "--quiet", remote, f"+{HEADS}{production}:refs/remotes/{remote}/{production}"],
                   ctx.root, check=False)
    if proc.returncode != 0:
        detail = redact.text(proc.stderr.decode(errors="replace")).strip().splitlines()
        raise HotfixError(f"could not fetch {production} from {remote}: {detail[-1] if detail else 'failed'}",
                          "check the network and run finish again")
    local = repo.references[HEADS + production]
    theirs = repo.references[f"refs/remotes/{remote}/{production}"].target
    ours = local.target
    assert isinstance(ours, pygit2.Oid)
    assert isinstance(theirs, pygit2.Oid)
    if ours == theirs or repo.descendant_of(ours, theirs):
        return
    if not repo.descendant_of(theirs, ours):
        raise HotfixError(
            f"local {production} and {remote}/{production} have diverged",
            f"git switch {production} && git merge {remote}/{production} (or reset it to {remote}/{production} if "
            "the local commits are mistakes), then run finish again",
        )
    if repo.lookup_branch(production).is_checked_out():
        raise HotfixError(f"{production} is behind {remote}/{production} and checked out in another worktree",
                          f"git -C <that worktree> pull --ff-only {remote} {production}")
    local.set_target(theirs, message=f"hotfix-hooks finish: fast-forward to {remote}/{production}")


def _merge_message(record: incident_mod.Incident, production: str) -> str:
    # git's own form; " into <b>" is dropped only for main/master (merge.suppressDest)
    into = "" if production in ("main", "master") else f" into {production}"
    stamp = [f"Incident: {record.id}", f"Severity: {record.severity} ({record.level})",
             f"Commander: {record.commander}"]
    if record.ticket:
        stamp.append(f"Ticket: {record.ticket}")
    return f"Merge branch '{record.branch}'{into}\n\n" + "\n".join(stamp) + "\n"


def _merge(ctx: Context, record: incident_mod.Incident, production: str) -> str:
    if current_branch(ctx.repo) != production:
        run_git(["switch", "--quiet", production], ctx.root)
    # Not captured: the suite's post-merge hook reports the backport here, and the user should see it.
    proc = subprocess.run(["git", "merge", "--no-ff", "-m", _merge_message(record, production), record.branch],
                          cwd=ctx.root, check=False)
    if proc.returncode != 0:
        if operation_in_progress(ctx.repo) == "merge":
            ctx.repo.index.read()  # git wrote the conflicts after pygit2 loaded the index
            files = sorted({c[0].path if c[0] else (c[1] or c[2]).path for c in ctx.repo.index.conflicts or []})
            raise HotfixError(
                f"the merge of {record.branch} into {production} stopped on conflicts in {', '.join(files)}",
                f"resolve them, `git add` and `git commit`, then run hotfix-hooks finish {record.id} again "
                "(or `git merge --abort`)",
            )
        raise HotfixError(f"git merge of {record.branch} into {production} failed",
                          f"see git's message above, then run hotfix-hooks finish {record.id} again")
    merge = str(ctx.repo.references[HEADS + production].peel().id)
    incident_store.append_event(ctx.repo, record.id, "merged", {"commit": merge, "into": production})
    return f"merged {record.branch} into {production} ({merge[:12]})"


def _record_merge(ctx: Context, record: incident_mod.Incident, production: str, tip: str) -> str:
    import pygit2

    repo = ctx.repo
    merge = repo.references[HEADS + production].peel(pygit2.Commit)
    # the oldest commit on production's first-parent line that already contains the hotfix
    for _ in range(10_000):
        if not merge.parents:
            break
        parent = merge.parents[0]
        if str(parent.id) != tip and not repo.descendant_of(parent.id, pygit2.Oid(hex=tip)):
            break
        merge = parent
    when = datetime.datetime.fromtimestamp(merge.commit_time, datetime.timezone.utc)
    event = incident_mod.Event(time=incident_mod.format_time(when), kind="merged",
                               actor=f"{merge.committer.name} <{merge.committer.email}>",
                               data={"commit": str(merge.id), "into": production})
    incident_store.update(repo, record.id, lambda r: r.with_event(event), f"merged {record.id}")
    return f"recorded the merge {str(merge.id)[:12]} into {production}"


def _push_production(ctx: Context, record: incident_mod.Incident, production: str) -> str:
    backups = ctx.config.tags["backup"]
    before = {t.name for t in tag_index.dated_tags(ctx.repo, backups)}
    # Only stdout (the porcelain table) is captured: pre-push explains its backup and any refusal on stderr.
    proc = subprocess.run(["git", "push", "--porcelain", ctx.config.remote, f"{HEADS}{production}:{HEADS}{production}"],
                          cwd=ctx.root, stdout=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        raise HotfixError(f"pushing {production} to {ctx.config.remote} was refused (see above)",
                          "fix what it says, then run hotfix-hooks finish --push again")
    if _up_to_date(proc.stdout.decode(errors="replace")):
        return f"{production} was already pushed to {ctx.config.remote}"
    tip = str(ctx.repo.references[HEADS + production].peel().id)
    data: dict[str, object] = {"branch": production, "commit": tip}
    # the tag pre-push just took, so the timeline says what production was before this push
    taken = [t.name for t in tag_index.dated_tags(ctx.repo, backups) if t.name not in before]
    if taken:
        data["backup_tag"] = taken[-1]
    incident_store.append_event(ctx.repo, record.id, "pushed", data)
    return f"pushed {production} to {ctx.config.remote}"


def _up_to_date(porcelain: str) -> bool:
    """`git push --porcelain` flags a ref the remote already had with `=`."""
    flags = [line.split("\t", 1)[0] for line in porcelain.splitlines() if "\t" in line]
    return bool(flags) and all(flag == "=" for flag in flags)


def _deploy_tag(ctx: Context, record: incident_mod.Incident, production: str) -> str:
    tip = str(ctx.repo.references[HEADS + production].peel().id)
    base = ctx.config.tag("deploy", time=tag_names.stamp())
    name = tagging.create(ctx.repo, base, tip, f"Deploy of {record.id} to {production}\n\nIncident: {record.id}\n")
    pushed = tagging.push(ctx.repo, ctx.root, ctx.config.remote, [name])
    name = pushed.names[0]
    for warning in pushed.warnings:
        print(f"warning: {warning}")
    incident_store.append_event(ctx.repo, record.id, "deployed", {"tag": name, "commit": tip})
    return f"tagged the deployed tip {tip[:12]} as {name}"


def _push_targets(ctx: Context) -> str:
    pushed: list[str] = []
    failed: list[str] = []
    for target in ctx.config.targets:
        if "*" in target or ctx.repo.references.get(HEADS + target) is None:
            continue
        proc = run_git(["push", "--porcelain", ctx.config.remote, f"{HEADS}{target}:{HEADS}{target}"], ctx.root,
                       check=False)
        if proc.returncode != 0:
            failed.append(target)
        elif not _up_to_date(proc.stdout.decode(errors="replace")):
            pushed.append(target)
    for target in failed:
        print(f"warning: could not push {target}; push it yourself: git push {ctx.config.remote} {target}")
    return f"pushed {', '.join(pushed)}" if pushed else "no backport target had anything new to push"


def _archive(ctx: Context, record: incident_mod.Incident, archive: str, push: bool) -> str:
    tip = hotfix_tip(ctx, record)
    assert tip is not None
    name = archive
    if ctx.repo.references.get(f"refs/tags/{archive}") is None:
        name = tagging.create(ctx.repo, archive, tip, f"Archive of {record.branch}\n\nIncident: {record.id}\n")
        incident_store.append_event(ctx.repo, record.id, "archived", {"tag": name, "commit": tip})
    if push:
        for warning in tagging.push(ctx.repo, ctx.root, ctx.config.remote, [name]).warnings:
            print(f"warning: {warning}")
    return f"archived {record.branch} as {name}"


def _delete_branch(ctx: Context, record: incident_mod.Incident, push: bool) -> str:
    deleted: list[str] = []
    ref = ctx.repo.references.get(HEADS + record.branch)
    if ref is not None:
        if current_branch(ctx.repo) == record.branch:
            run_git(["switch", "--quiet", ctx.production], ctx.root)
        # -D: the archive tag keeps its commits reachable
        run_git(["branch", "--quiet", "-D", record.branch], ctx.root)
        deleted.append("here")
    if push and _on_remote(ctx, record.branch):
        proc = run_git(["push", "--quiet", "--no-verify", ctx.config.remote, f":{HEADS}{record.branch}"], ctx.root,
                       check=False)
        if proc.returncode == 0:
            deleted.append(f"on {ctx.config.remote}")
        else:
            print(f"warning: could not delete {record.branch} on {ctx.config.remote}; "
                  f"to fix: git push {ctx.config.remote} --delete {record.branch}")
    if not deleted:
        return f"{record.branch} was already deleted"
    incident_store.append_event(ctx.repo, record.id, "deleted", {"branch": record.branch, "where": deleted})
    return f"deleted {record.branch} ({' and '.join(deleted)})"


def _on_remote(ctx: Context, branch: str) -> bool:
    # asked, not assumed: git reports deleting a branch the remote does not have as a success
    proc = run_git(["ls-remote", "--heads", ctx.config.remote, HEADS + branch], ctx.root, check=False)
    return proc.returncode != 0 or bool(proc.stdout.strip())


def return_to(ctx: Context, branch: str | None) -> None:
    """Back to the branch finish was started on, when that was neither production nor the (deleted) hotfix."""
    if branch is None or current_branch(ctx.repo) == branch or ctx.repo.references.get(HEADS + branch) is None:
        return
    run_git(["switch", "--quiet", branch], ctx.root)


def _resolve(ctx: Context, record: incident_mod.Incident, push: bool) -> str:
    def mark(r: incident_mod.Incident) -> incident_mod.Incident:
        if r.status == incident_mod.RESOLVED:
            return r
        now = incident_mod.now_utc()
        event = incident_mod.Event(time=now, kind="resolved", actor=incident_store.actor(ctx.repo))
        return dataclasses.replace(r, status=incident_mod.RESOLVED, resolved_at=now).with_event(event)

    incident_store.update(ctx.repo, record.id, mark, f"resolve {record.id}")
    if push:
        incident_store.push(ctx.repo, ctx.root, ctx.config.remote, [record.id])
    return f"{record.id} is resolved"
