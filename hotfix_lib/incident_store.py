"""Incident records kept inside git, so they are never a stray file in the work tree and travel with push/fetch.

Each incident is a ref `refs/hotfix-hooks/incidents/<ID>` pointing at a commit whose tree holds one
`incident.json`; every change is a new commit on top, so the record's own history is an audit trail.
Updates are compare-and-swap on that ref, retried on a race. Sharing uses the real `git push/fetch`
with the refspec below; two clones that both appended are merged (union of timelines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from hotfix_lib import incident as incident_mod
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import run_git
from hotfix_lib.incident import Event, Incident

if TYPE_CHECKING:
    import pygit2

REF_PREFIX = "refs/hotfix-hooks/incidents/"
FETCHED_PREFIX = "refs/hotfix-hooks/fetched/"
RECORD_FILE = "incident.json"
REFSPEC = f"{REF_PREFIX}*:{REF_PREFIX}*"


def ref_name(incident_id: str) -> str:
    return REF_PREFIX + incident_id


def signature(repo: pygit2.Repository) -> pygit2.Signature:
    """Who is acting, resolved the way git resolves it.

    libgit2 ignores GIT_CONFIG_GLOBAL and GIT_COMMITTER_NAME/EMAIL, so `git var` is asked first (a few ms, on
    the paths that write records and tags only); libgit2's view and a fixed name are the fallbacks.
    """
    import pygit2

    proc = run_git(["--git-dir", repo.path, "var", "GIT_COMMITTER_IDENT"], repo.path, check=False)
    match = re.fullmatch(r"(.*) <(.*)> \d+ [+-]\d{4}", proc.stdout.decode("utf-8", "replace").strip())
    if proc.returncode == 0 and match:
        return pygit2.Signature(match.group(1), match.group(2))
    try:
        return repo.default_signature
    except (KeyError, pygit2.GitError):
        return pygit2.Signature("hotfix-hooks", "hotfix-hooks@localhost")


def actor(repo: pygit2.Repository) -> str:
    sig = signature(repo)
    return f"{sig.name} <{sig.email}>"


def _read_commit(repo: pygit2.Repository, oid: pygit2.Oid, where: str) -> Incident:
    import pygit2

    commit = repo.get(oid)
    if not isinstance(commit, pygit2.Commit) or RECORD_FILE not in commit.tree:
        raise HotfixError(f"the incident record {where} is damaged (no {RECORD_FILE})",
                          incident_mod.damaged_fix(where))
    blob = repo.get(commit.tree[RECORD_FILE].id)
    assert isinstance(blob, pygit2.Blob)
    return incident_mod.loads(blob.data, where)


def load(repo: pygit2.Repository, incident_id: str) -> Incident | None:
    ref = repo.references.get(ref_name(incident_id))
    if ref is None:
        return None
    return _read_commit(repo, ref.resolve().target, ref_name(incident_id))  # type: ignore[arg-type]


def list_all(repo: pygit2.Repository) -> list[Incident]:
    records = []
    for name in sorted(repo.references):
        if name.startswith(REF_PREFIX):
            records.append(_read_commit(repo, repo.references[name].target, name))  # type: ignore[arg-type]
    return records


def _write(
    repo: pygit2.Repository, record: Incident, parents: list[pygit2.Oid], message: str
) -> pygit2.Oid:
    import pygit2

    blob = repo.create_blob(record.dumps())
    builder = repo.TreeBuilder()
    builder.insert(RECORD_FILE, blob, pygit2.enums.FileMode.BLOB)
    tree = builder.write()
    sig = signature(repo)
    return repo.create_commit(None, sig, sig, f"{message}\n", tree, parents)


def create(repo: pygit2.Repository, record: Incident) -> None:
    """Record a new incident; refuses if one with this ID exists (never overwrites)."""
    import pygit2

    oid = _write(repo, record, [], f"declare {record.id}")
    try:
        repo.create_reference(ref_name(record.id), oid, force=False, message=f"hotfix-hooks: declare {record.id}")
    except pygit2.AlreadyExistsError:
        raise HotfixError(
            f"incident {record.id} already exists", "hotfix-hooks status --all (or pick another ID)"
        ) from None


def update(
    repo: pygit2.Repository, incident_id: str, change: Callable[[Incident], Incident], message: str
) -> Incident:
    """Apply `change` to the current record and store it, retrying if another process moved the ref."""
    import pygit2

    for _ in range(20):
        ref = repo.references.get(ref_name(incident_id))
        if ref is None:
            raise HotfixError(f"no incident {incident_id} is recorded", "hotfix-hooks status --all")
        old = ref.target
        assert isinstance(old, pygit2.Oid)
        new_record = change(_read_commit(repo, old, ref.name))
        oid = _write(repo, new_record, [old], message)
        try:
            # set_target is compare-and-swap against the value looked up above.
            ref.set_target(oid, message=f"hotfix-hooks: {message}")
        except pygit2.GitError:
            continue
        return new_record
    raise HotfixError(f"the record of {incident_id} kept changing under us; try again")


def append_event(
    repo: pygit2.Repository, incident_id: str, kind: str, data: dict[str, object] | None = None
) -> Incident:
    event = Event(time=incident_mod.now_utc(), kind=kind, actor=actor(repo), data=data or {})
    return update(repo, incident_id, lambda r: r.with_event(event), f"{kind} {incident_id}")


def push(repo: pygit2.Repository, cwd: str, remote: str, ids: Iterable[str]) -> None:
    """Push records with the real git; on a rejection (a teammate appended too) merge theirs and retry."""
    refspecs = [f"{ref_name(i)}:{ref_name(i)}" for i in ids]
    if not refspecs:
        return
    for _ in range(3):
        proc = run_git(["push", "--no-verify", "--quiet", remote, *refspecs], cwd, check=False)
        if proc.returncode == 0:
            return
        fetch(repo, cwd, remote)
    raise HotfixError(
        f"could not push the incident record to {remote}: {proc.stderr.decode(errors='replace').strip()}",
        f"git push {remote} '{REFSPEC}'",
    )


def fetch(repo: pygit2.Repository, cwd: str, remote: str) -> list[str]:
    """Fetch every record from `remote` and fold it into the local ones; returns the IDs that changed."""
    import pygit2

    run_git(["fetch", "--quiet", "--no-tags", remote, f"+{REF_PREFIX}*:{FETCHED_PREFIX}*"], cwd)
    changed = []
    for name in sorted(repo.references):
        if not name.startswith(FETCHED_PREFIX):
            continue
        incident_id = name[len(FETCHED_PREFIX):]
        theirs = repo.references[name].target
        assert isinstance(theirs, pygit2.Oid)
        local = repo.references.get(ref_name(incident_id))
        if local is None:
            repo.create_reference(ref_name(incident_id), theirs, message="hotfix-hooks: fetched")
            changed.append(incident_id)
            continue
        ours = local.target
        assert isinstance(ours, pygit2.Oid)
        if ours == theirs or repo.descendant_of(ours, theirs):
            continue
        if repo.descendant_of(theirs, ours):
            local.set_target(theirs, message="hotfix-hooks: fetched")
        else:
            merged = incident_mod.merge(
                _read_commit(repo, ours, local.name), _read_commit(repo, theirs, name)
            )
            oid = _write(repo, merged, [ours, theirs], f"merge {incident_id}")
            local.set_target(oid, message="hotfix-hooks: merged fetched record")
        changed.append(incident_id)
    for name in [n for n in repo.references if n.startswith(FETCHED_PREFIX)]:
        repo.references.delete(name)
    return changed


def find_by_branch(repo: pygit2.Repository, branch: str) -> Incident | None:
    for record in list_all(repo):
        if record.branch == branch:
            return record
    return None
