"""The suite's tags (backup, deploy, rollback, archive) of one kind, ordered by tag date, never by name."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from hotfix_lib import tag_names

if TYPE_CHECKING:
    import pygit2

TAGS = "refs/tags/"


@dataclasses.dataclass(frozen=True)
class DatedTag:
    name: str
    time: int  # tagger time (epoch seconds); a lightweight tag's commit time
    commit: str
    message: str


def dated_tags(repo: pygit2.Repository, template: str) -> list[DatedTag]:
    """Every tag the template can produce that points at a commit, oldest first."""
    import pygit2

    pattern = tag_names.glob_of(template)
    found = []
    for ref in repo.references.iterator(pygit2.enums.ReferenceFilter.TAGS):
        short = ref.name.removeprefix(TAGS)
        if not pattern.fullmatch(short):
            continue
        obj = repo.get(ref.target)
        try:
            commit = obj.peel(pygit2.Commit) if obj is not None else None
        except (ValueError, pygit2.GitError):
            continue
        if commit is None:
            continue
        tag = obj if isinstance(obj, pygit2.Tag) else None
        when = tag.tagger.time if tag is not None and tag.tagger is not None else commit.commit_time
        found.append(DatedTag(short, when, str(commit.id), tag.message if tag is not None else ""))
    return sorted(found, key=lambda t: (t.time, tag_names.sort_key(t.name)))


def latest(repo: pygit2.Repository, template: str) -> DatedTag | None:
    tags = dated_tags(repo, template)
    return tags[-1] if tags else None
