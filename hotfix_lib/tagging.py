"""Annotated tags that never overwrite: created with the first free name, pushed with the next free one.

Local creation goes through pygit2, which refuses an existing name; a name another clone already pushed
is found when the remote rejects ours, and the tag is re-created under the next suffix.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from hotfix_lib import incident_store, redact, tag_names
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import run_git

if TYPE_CHECKING:
    import pygit2

TAGS = "refs/tags/"


def create(repo: pygit2.Repository, base: str, target: str, message: str) -> str:
    """An annotated tag at `target` named `base` or `base-N`, whichever is free first; returns the name."""
    return _create_first_free(repo, tag_names.candidates(base), target, message, base)


def _create_first_free(
    repo: pygit2.Repository, names: Iterable[str], target: str, message: str, base: str
) -> str:
    import pygit2

    tagger = incident_store.signature(repo)
    for name in names:
        if repo.references.get(TAGS + name) is not None:
            continue
        try:
            repo.create_tag(name, pygit2.Oid(hex=target), pygit2.enums.ObjectType.COMMIT, tagger, message)
        except pygit2.AlreadyExistsError:
            continue  # created by a concurrent process since the lookup
        return name
    raise HotfixError(f"every name from {base} to {base}-100 is taken", f"git tag -l '{base}*'")


@dataclasses.dataclass(frozen=True)
class Pushed:
    names: list[str]  # the names the tags have now (renamed when the remote already had one)
    warnings: list[str]


def push(
    repo: pygit2.Repository, cwd: str, remote: str, names: Sequence[str], env: Mapping[str, str] | None = None
) -> Pushed:
    """Push tags to `remote` without running hooks; a rejection is a warning, never an exception."""
    final = list(names)
    warnings: list[str] = []
    pending = list(names)
    for _ in range(10):
        if not pending:
            break
        specs = [f"{TAGS}{n}:{TAGS}{n}" for n in pending]
        proc = run_git(["push", "--no-verify", "--porcelain", remote, *specs], cwd, env=env, check=False)
        taken = _rejected_as_existing(proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))
        if proc.returncode != 0 and not taken:
            warnings.append(f"could not push {', '.join(pending)} to {redact.url(remote)}: {_last_line(proc)}")
            break
        pending = []
        for name in taken:
            renamed = _rename(repo, name)
            final[final.index(name)] = renamed
            pending.append(renamed)
    else:
        warnings.append(f"could not find a free name on {redact.url(remote)} for {', '.join(pending)}")
    return Pushed(final, warnings)


def _rejected_as_existing(porcelain: str, stderr: str = "") -> list[str]:
    """Tags the remote refused because another clone pushed the same name first.

    When the other push lands while ours is under way, git reports only "failed to update ref"; the remote's
    reason ("cannot lock ref '<ref>': reference already exists") is in our stderr.
    """
    names = []
    for line in porcelain.splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] != "!":
            continue
        ref = fields[1].split(":", 1)[0]
        lost_race = ("failed to update ref" in fields[2]
                     and f"cannot lock ref '{ref}': reference already exists" in stderr)
        if "already exists" in fields[2] or lost_race:
            names.append(ref.removeprefix(TAGS))
    return names


def _rename(repo: pygit2.Repository, name: str) -> str:
    """Re-create our tag under the next free name, then drop the local one that clashes with the remote's."""
    import pygit2

    ref = repo.references[TAGS + name]
    tag = repo.get(ref.target)
    assert isinstance(tag, pygit2.Tag)
    base, taken = tag_names.sort_key(name)
    later = (n for n in tag_names.candidates(base) if tag_names.sort_key(n)[1] > taken)
    new_name = _create_first_free(repo, later, str(tag.target), tag.message, base)
    ref.delete()  # its commit stays tagged by new_name
    return new_name


def _last_line(proc: subprocess.CompletedProcess[bytes]) -> str:
    lines = redact.text(proc.stderr.decode(errors="replace")).strip().splitlines()
    return lines[-1] if lines else "unknown error"
