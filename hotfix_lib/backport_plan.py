"""What a backport will do, and the messages it writes. Pure: no git."""

from __future__ import annotations

import dataclasses
import re

from hotfix_lib import trailers

CHERRY_LINE = re.compile(r"^\(cherry picked from commit ([0-9a-f]{40})\)$", re.M)

PICK = "pick"
SKIP = "skip"
CONFLICT = "conflict"


@dataclasses.dataclass(frozen=True)
class Pick:
    sha: str  # the original commit
    subject: str
    action: str  # pick / skip / conflict
    reason: str = ""  # why skipped
    files: tuple[str, ...] = ()  # conflicting files
    new_sha: str | None = None  # the commit made on the target


@dataclasses.dataclass(frozen=True)
class TargetResult:
    target: str
    old_tip: str | None
    new_tip: str | None  # None: nothing to move (all skipped, a conflict, or the target is missing)
    picks: tuple[Pick, ...]
    note: str = ""  # why the target was left alone, when it was
    partial: str | None = None  # the last commit made before a conflict (or the old tip)

    @property
    def conflict(self) -> Pick | None:
        return next((p for p in self.picks if p.action == CONFLICT), None)


def cherry_message(message: str, sha: str) -> str:
    """The message `git cherry-pick -x` writes: the line goes right under a trailer block, else after a
    blank line (sequencer.c: has_conforming_footer)."""
    body = message if message.endswith("\n") else message + "\n"
    line = f"(cherry picked from commit {sha})\n"
    return body + line if trailers.parse(body) else body + "\n" + line


def render(results: list[TargetResult], dry_run: bool = False) -> list[str]:
    lines = []
    for result in results:
        if result.note:
            lines.append(f"{result.target}: {result.note}")
            continue
        lines.append(f"{result.target}:")
        for p in result.picks:
            short = p.sha[:12]
            if p.action == PICK:
                made = f" -> {p.new_sha[:12]}" if p.new_sha and not dry_run else ""
                lines.append(f"  pick     {short} {p.subject}{made}")
            elif p.action == SKIP:
                lines.append(f"  skip     {short} {p.subject} ({p.reason})")
            else:
                lines.append(f"  conflict {short} {p.subject} (in {', '.join(p.files)})")
    return lines
