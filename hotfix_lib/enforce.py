"""The push rules judged by a repository that holds the pushed commits: server hooks and `hotfix-hooks verify`.

Unlike pre-push nothing is fetched and nothing is tagged here; the answer is only yes or no, with the same
refusals as the client (push_rules), plus the `Incident:` trailer rule for commits that reach production.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from hotfix_lib import config as config_mod
from hotfix_lib import gitrepo, push_rules, tag_names
from hotfix_lib.errors import HotfixError
from hotfix_lib.push_rules import RefUpdate

if TYPE_CHECKING:
    import pygit2

# A push that adds thousands of commits without trailers gets the first few named, then a count.
MAX_NAMED = 10


def open_receiving() -> pygit2.Repository:
    """The repository a hook runs in, seeing the objects of a push that is not accepted yet.

    During pre-receive git keeps the pushed objects in a quarantine directory (GIT_QUARANTINE_PATH) that
    libgit2 does not look into by itself.
    """
    repo = gitrepo.open_repo()
    quarantine = os.environ.get("GIT_QUARANTINE_PATH")
    if quarantine:
        repo.odb.add_disk_alternate(quarantine)
    return repo


def committed_config(repo: pygit2.Repository) -> config_mod.Config:
    """`.hotfix-hooks.yaml` as committed on the branch HEAD names (the default branch of a bare repository).

    A bare repository has no work tree to read it from; taking it from what is already on the server means
    a push cannot relax the rules it is judged by.
    """
    import pygit2

    where = f"HEAD:{config_mod.CONFIG_FILE}"
    if repo.head_is_unborn:
        return config_mod.from_mapping({}, where)
    tree = repo.head.peel(pygit2.Commit).tree
    if config_mod.CONFIG_FILE not in tree:
        return config_mod.from_mapping({}, where)
    blob = repo[tree[config_mod.CONFIG_FILE].id]
    if not isinstance(blob, pygit2.Blob):
        raise HotfixError(f"{where}: is a directory, expected a YAML file")
    if blob.size > config_mod.MAX_CONFIG_BYTES:
        raise HotfixError(f"{where}: larger than {config_mod.MAX_CONFIG_BYTES} bytes; not a hotfix-hooks config")
    return config_mod.parse(blob.data, where)


def check(repo: pygit2.Repository, config: config_mod.Config, updates: list[RefUpdate]) -> list[HotfixError]:
    """Every refusal for `updates`, judged against the refs as they are before the push."""
    production = gitrepo.production_branch(repo, config)
    found: list[HotfixError] = []
    for update in updates:
        ancestry = rewind = None
        if push_rules.needs_ancestry(update, production):
            ancestry = _descends(repo, update.new, update.old)
            if ancestry is False and _keeps_both_ends(repo, config, update):
                rewind = (update.old, update.new)
        found += push_rules.refusals(update, production, config, old_is_ancestor=ancestry, allowed_rewind=rewind)
        tag = push_rules.tag_refusal(update, config)
        if tag is not None:
            found.append(tag)
        if config.require_incident_trailer and push_rules.touches(update, production):
            found += _without_incident(repo, config, update, production)
    return found


def _descends(repo: pygit2.Repository, new: str, old: str) -> bool | None:
    if new not in repo or old not in repo:
        return None  # not known: push_rules refuses (fail closed)
    return new == old or bool(repo.descendant_of(new, old))


def _keeps_both_ends(repo: pygit2.Repository, config: config_mod.Config, update: RefUpdate) -> bool:
    """A rollback: production goes back to a backup or rollback tag while a tag keeps the dropped tip.

    `hotfix-hooks rollback` pushes exactly this (its pre-push has tagged the old tip on the server first), and
    nothing is lost by it; any other rewind of production is refused.
    """
    import pygit2

    known = (tag_names.glob_of(config.tags["backup"]), tag_names.glob_of(config.tags["rollback"]))
    old_kept = new_known = False
    for ref in repo.references.iterator(pygit2.enums.ReferenceFilter.TAGS):
        try:
            target = str(ref.peel(pygit2.Commit).id)
        except (pygit2.GitError, ValueError, KeyError):
            continue  # a tag of a tree or blob
        name = ref.name.removeprefix("refs/tags/")
        old_kept = old_kept or target == update.old
        new_known = new_known or (target == update.new and any(p.fullmatch(name) for p in known))
    return old_kept and new_known


def _without_incident(
    repo: pygit2.Repository, config: config_mod.Config, update: RefUpdate, production: str
) -> list[HotfixError]:
    """The commits this update adds to production that carry no `Incident:` trailer.

    Creating production is the baseline and is not judged; commits already on the main branch (before this
    push) make a release, not a hotfix.
    """
    import pygit2

    if update.creates or update.deletes or update.new not in repo:
        return []
    walker = repo.walk(pygit2.Oid(hex=update.new), pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
    if update.old in repo:
        walker.hide(pygit2.Oid(hex=update.old))
    if config.main_branch != production:
        # A CI checkout may have main only as a remote-tracking branch.
        for name in (f"refs/heads/{config.main_branch}", f"refs/remotes/{config.remote}/{config.main_branch}"):
            main = repo.references.get(name)
            if main is not None:
                walker.hide(main.peel(pygit2.Commit).id)
                break
    offending = [c for c in walker if push_rules.lacks_incident(c.message, len(c.parent_ids))]
    found = [push_rules.missing_incident(str(c.id), c.message.split("\n", 1)[0], production)
             for c in offending[:MAX_NAMED]]
    if len(offending) > MAX_NAMED:
        found.append(HotfixError(f"... and {len(offending) - MAX_NAMED} more commits without an 'Incident:' trailer"))
    return found


def judge(hook_type: str, updates: list[RefUpdate]) -> int:
    """A server hook's verdict: every refusal on its own line, exit 1 if there is any."""
    repo = open_receiving()
    found = check(repo, committed_config(repo), updates)
    for refusal in found:
        print(f"hotfix-hooks ({hook_type}): {refusal}", file=sys.stderr)
    return 1 if found else 0
