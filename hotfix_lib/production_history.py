"""Reads what reached production from the local refs (pygit2) and builds a diagnosis.Diagnosis."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from hotfix_lib import diagnosis, gitrepo, incident_store, naming, redact, tag_index, trailers
from hotfix_lib.config import Config
from hotfix_lib.diagnosis import Active, Commit, Diagnosis, FileChange, Tag, Window
from hotfix_lib.errors import HotfixError
from hotfix_lib.incident import ACTIVE

if TYPE_CHECKING:
    import pygit2

# A window wider than this is not "what changed recently"; reading it all would only slow an incident down.
MAX_COMMITS = 1000
# `git merge` / `git pull` and the common forge merge messages name the branch that was merged.
_MERGED_BRANCH = (
    re.compile(r"Merge (?:remote-tracking )?branch '([^']+)'"),
    re.compile(r"Merge pull request #[0-9]+ from [^/\s]+/(\S+)"),
    re.compile(r"Merged? in (\S+) \(pull request"),
)


def production_ref(repo: pygit2.Repository, config: Config) -> tuple[str, str]:
    """(branch, ref): the remote-tracking branch when there is one, since that is what was pushed and deployed."""
    branch = gitrepo.production_branch(repo, config)
    for ref in (f"refs/remotes/{config.remote}/{branch}", f"refs/heads/{branch}"):
        if repo.references.get(ref) is not None:
            return branch, ref
    raise HotfixError(f"there is no branch '{branch}' here, nor {config.remote}/{branch}",
                      f"hotfix-hooks diagnose --fetch (or git fetch {config.remote})")


def collect(repo: pygit2.Repository, config: Config, since: str | None = None, now: int | None = None) -> Diagnosis:
    import pygit2

    now = int(time.time()) if now is None else now
    branch, ref = production_ref(repo, config)
    tip = repo.references[ref].peel(pygit2.Commit)
    deploys = _tags(repo, config.tags["deploy"], tip)
    window = _window(repo, tip, deploys, since, now)
    commits, truncated = _commits(repo, config, tip, window.boundary)
    return Diagnosis(
        production=branch, ref=ref.removeprefix("refs/remotes/").removeprefix("refs/heads/"), tip=str(tip.id),
        window=window, last_deploy=diagnosis.newest(deploys),
        last_backup=diagnosis.newest(_tags(repo, config.tags["backup"], tip)),
        commits=commits, truncated=truncated, files=_files(repo, tip, window.boundary),
        incidents=tuple(
            Active(id=r.id, level=r.level, branch=r.branch, commander=r.commander, started_at=r.started_at)
            for r in incident_store.list_all(repo) if r.status == ACTIVE
        ),
    )


def summary(repo: pygit2.Repository, config: Config) -> str:
    """The short version for `start`: the default window, rendered in a few lines."""
    now = int(time.time())
    try:
        return diagnosis.render_summary(collect(repo, config, now=now), now)
    except HotfixError as e:  # the summary is a courtesy; it must never undo what `start` just did
        return f"What changed on production: unknown ({e.message}); try hotfix-hooks diagnose --fetch"


def fetch(repo: pygit2.Repository, cwd: str, remote: str) -> None:
    """The real `git fetch` (credential helpers, ssh config), tags included, and the incident records."""
    proc = gitrepo.run_git(["fetch", "--quiet", "--tags", remote], cwd, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        detail = redact.text(lines[-1] if lines else f"exit {proc.returncode}")
        raise HotfixError(f"`git fetch {remote}` failed: {detail}", "run without --fetch to use the local refs")
    incident_store.fetch(repo, cwd, remote)


def _tags(repo: pygit2.Repository, template: str, tip: pygit2.Commit) -> list[Tag]:
    return [Tag(name=t.name, sha=t.commit, time=t.time,
                on_production=t.commit == str(tip.id) or repo.descendant_of(tip.id, t.commit))
            for t in tag_index.dated_tags(repo, template)]


def _window(repo: pygit2.Repository, tip: pygit2.Commit, deploys: list[Tag], since: str | None, now: int) -> Window:
    if since is None:
        # The previous deploy: the newest deploy tag strictly behind the tip, so a deploy that *is* the tip
        # still shows what it brought.
        behind = diagnosis.newest([t for t in deploys if t.on_production and t.sha != str(tip.id)])
        if behind is not None:
            return Window(since=behind.name, kind="deploy", boundary=behind.sha)
        since = diagnosis.DEFAULT_SINCE
    seconds = diagnosis.parse_duration(since)
    if seconds is not None:
        return Window(since=since, kind="duration", boundary=_reached_before(tip, now - seconds))
    return Window(since=since, kind="rev", boundary=_resolve(repo, since))


def _reached_before(tip: pygit2.Commit, cutoff: int) -> str | None:
    """The newest first-parent commit older than `cutoff`: what production was at that time.

    Following first parents measures when a change *reached* production (the merge's date), not when
    it was written on some branch.
    """
    commit = tip
    while commit.commit_time >= cutoff:
        if not commit.parents:
            return None
        commit = commit.parents[0]
    return str(commit.id)


def _resolve(repo: pygit2.Repository, rev: str) -> str:
    import pygit2

    try:
        return str(repo.revparse_single(rev).peel(pygit2.Commit).id)
    except (KeyError, ValueError, pygit2.GitError):
        raise HotfixError(
            f"--since {rev!r} is neither a duration (90m, 24h, 2d) nor a commit, branch or tag here",
            "hotfix-hooks diagnose --since 24h",
        ) from None


def _commits(
    repo: pygit2.Repository, config: Config, tip: pygit2.Commit, boundary: str | None
) -> tuple[tuple[Commit, ...], bool]:
    import pygit2

    walker = repo.walk(tip.id, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.TIME)
    if boundary is not None:
        walker.hide(pygit2.Oid(hex=boundary))
    found: list[Commit] = []
    for commit in walker:
        if len(found) == MAX_COMMITS:
            return tuple(found), True
        found.append(Commit(
            sha=str(commit.id), time=commit.commit_time, author=commit.author.name,
            subject=commit.message.split("\n", 1)[0], incidents=_incidents(commit.message, config),
            merge=len(commit.parents) > 1,
        ))
    return tuple(found), False


def _incidents(message: str, config: Config) -> tuple[str, ...]:
    found = trailers.incident_ids(message)
    subject = message.split("\n", 1)[0]
    for pattern in _MERGED_BRANCH:
        match = pattern.match(subject)
        if match:
            branch = match.group(1).removeprefix(f"{config.remote}/")
            merged = naming.incident_of_branch(branch, config.branch_prefix, config.incident_pattern)
            if merged and merged not in found:
                found.append(merged)
    return tuple(found)


def _files(repo: pygit2.Repository, tip: pygit2.Commit, boundary: str | None) -> tuple[FileChange, ...]:
    import pygit2

    if boundary is None:
        diff = tip.tree.diff_to_tree(swap=True)
    else:
        base = repo.get(pygit2.Oid(hex=boundary))
        assert isinstance(base, pygit2.Commit)
        diff = repo.diff(base, tip)
    changes = [
        FileChange(path=d.old_file.path if d.status_char() == "D" else d.new_file.path, status=d.status_char())
        for d in diff.deltas
    ]
    return diagnosis.rank_files(changes)
