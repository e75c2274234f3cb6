"""Everything the incident report states, read from the record and the repository (never from the clock,
so the same repository state gives the same report)."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

from hotfix_lib import incident as incident_mod
from hotfix_lib import redact, tag_index, trailers
from hotfix_lib.finish import hotfix_tip

if TYPE_CHECKING:
    import pygit2

    from hotfix_lib.commands._common import Context

TAG_KINDS = ("backup", "deploy", "rollback", "rolled_back", "archive")


def _iso(epoch: int) -> str:
    return incident_mod.format_time(datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc))


def gather(ctx: Context, record: incident_mod.Incident) -> dict[str, Any]:
    tip = hotfix_tip(ctx, record)
    base = next((e.data.get("base_commit") for e in record.events if e.kind == "declared"), None)
    commits = _commits(ctx.repo, tip, base if isinstance(base, str) else None)
    duration = None
    if record.resolved_at:
        delta = incident_mod.parse_time(record.resolved_at) - incident_mod.parse_time(record.started_at)
        duration = max(0, int(delta.total_seconds() // 60))
    return {
        "incident": {
            "id": record.id, "severity": record.severity, "level": record.level, "commander": record.commander,
            "description": record.description, "ticket": redact.url(record.ticket) if record.ticket else None,
            "status": record.status, "branch": record.branch, "base": record.base,
            "started_at": record.started_at, "resolved_at": record.resolved_at,
            "duration_minutes": duration, "target_minutes": record.target_minutes,
            "within_target": None if duration is None else duration <= record.target_minutes,
        },
        "commits": commits,
        "files": _files(ctx.repo, tip, base if isinstance(base, str) else None),
        "tags": _tags(ctx, record),
        "events": [
            {"time": e.time, "kind": e.kind, "actor": e.actor, "data": _redacted(dict(e.data))}
            for e in record.events
        ],
    }


def _commits(repo: pygit2.Repository, tip: str | None, base: str | None) -> list[dict[str, Any]]:
    import pygit2

    if tip is None:
        return []
    walker = repo.walk(pygit2.Oid(hex=tip), pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
    if base and repo.get(base) is not None:
        walker.hide(pygit2.Oid(hex=base))
    return [
        {
            "sha": str(c.id), "author": c.author.name, "time": _iso(c.author.time),
            "subject": c.message.split("\n", 1)[0], "incidents": trailers.incident_ids(c.message),
        }
        for c in walker
        if len(c.parents) <= 1
    ]


def _files(repo: pygit2.Repository, tip: str | None, base: str | None) -> list[dict[str, str]]:
    if tip is None or not base or repo.get(base) is None:
        return []
    diff = repo.diff(base, tip)
    return sorted(
        ({"status": d.status_char(), "path": d.new_file.path or d.old_file.path} for d in diff.deltas),
        key=lambda f: f["path"],
    )


def _tags(ctx: Context, record: incident_mod.Incident) -> list[dict[str, Any]]:
    """The suite's tags that belong to this incident: named in its timeline, or naming it in their message."""
    named = {str(v) for e in record.events for k, v in e.data.items() if k.endswith("tag")}
    mention = re.compile(rf"(?<![\w-]){re.escape(record.id)}(?![\w-])")
    found = []
    for kind in TAG_KINDS:
        for tag in tag_index.dated_tags(ctx.repo, ctx.config.tags[kind]):
            if tag.name in named or mention.search(tag.message):
                found.append({"kind": kind, "name": tag.name, "commit": tag.commit, "time": _iso(tag.time)})
    unique = {t["name"]: t for t in found}  # a name can match two templates; keep one
    return sorted(unique.values(), key=lambda t: (t["time"], t["name"]))


def _redacted(data: dict[str, Any]) -> dict[str, Any]:
    return {k: redact.url(v) if isinstance(v, str) and "://" in v else v for k, v in data.items()}
