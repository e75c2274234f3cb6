"""What a rollback of production would do: which backup it returns to and which commits leave. Pure."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from hotfix_lib import tag_names

MAX_SHOWN = 50


@dataclasses.dataclass(frozen=True)
class Backup:
    name: str
    time: int  # the tag's date (tagger date; the commit date for a lightweight tag), seconds since the epoch
    target: str
    is_ancestor: bool  # of the current production tip, strictly


@dataclasses.dataclass(frozen=True)
class Leaving:
    sha: str
    subject: str
    incidents: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Plan:
    production: str
    tip: str
    tip_subject: str
    target: str
    target_label: str  # the backup tag or the revision given with --to
    target_subject: str
    leaving: tuple[Leaving, ...]

    @property
    def incidents(self) -> list[str]:
        found: list[str] = []
        for commit in self.leaving:
            found += [i for i in commit.incidents if i not in found]
        return found


def pick(backups: Sequence[Backup]) -> Backup | None:
    """The newest backup by tag date (never by name: names sort wrong across template changes and suffixes)
    among those production can go back to."""
    usable = [b for b in backups if b.is_ancestor]
    if not usable:
        return None
    return max(usable, key=lambda b: (b.time, tag_names.sort_key(b.name)))


def render(plan: Plan) -> str:
    lines = [
        f"Production branch: {plan.production}",
        f"Current tip:       {plan.tip[:10]} {plan.tip_subject}",
        f"Roll back to:      {plan.target[:10]} {plan.target_subject} ({plan.target_label})",
        f"Commits leaving {plan.production} ({len(plan.leaving)}):",
    ]
    for commit in plan.leaving[:MAX_SHOWN]:
        incident = ", ".join(commit.incidents) or "-"
        lines.append(f"  {commit.sha[:10]}  {incident:<12}  {commit.subject}")
    if len(plan.leaving) > MAX_SHOWN:
        lines.append(f"  ... and {len(plan.leaving) - MAX_SHOWN} more")
    return "\n".join(lines)


def rollback_message(plan: Plan, rolled_back_tag: str, actor: str) -> str:
    return (
        f"Rollback of {plan.production} to {plan.target_label}\n\n"
        f"From: {plan.tip}\n"
        f"To: {plan.target}\n"
        f"Previous tip kept as: {rolled_back_tag}\n"
        f"Incidents: {', '.join(plan.incidents) or 'none'}\n"
        f"By: {actor}\n"
    )


def rolled_back_message(plan: Plan, actor: str) -> str:
    return (
        f"{plan.production} before its rollback to {plan.target_label}\n\n"
        f"Tip: {plan.tip}\n"
        f"Rolled back to: {plan.target}\n"
        f"By: {actor}\n"
    )
