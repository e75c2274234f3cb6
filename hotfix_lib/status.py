"""The facts `status` shows for each incident, gathered from the record and the repository."""

from __future__ import annotations

import dataclasses
import datetime
from typing import TYPE_CHECKING, Any

from hotfix_lib import incident as incident_mod
from hotfix_lib import incident_store, tag_index
from hotfix_lib.finish import hotfix_tip

if TYPE_CHECKING:
    import pygit2

    from hotfix_lib.commands._common import Context


@dataclasses.dataclass(frozen=True)
class IncidentStatus:
    id: str
    severity: int
    level: str
    commander: str
    branch: str
    status: str
    started_at: str
    age_minutes: int
    target_minutes: int
    over_target: bool
    commits: int
    pending_backports: list[str]
    last_backup: str | None
    last_deploy: str | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def gather(ctx: Context, include_resolved: bool, now: datetime.datetime | None = None) -> list[IncidentStatus]:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    backup = tag_index.latest(ctx.repo, ctx.config.tags["backup"])
    deploy = tag_index.latest(ctx.repo, ctx.config.tags["deploy"])
    pending = _pending_backports(ctx.repo)
    result = []
    for record in incident_store.list_all(ctx.repo):
        if record.status != incident_mod.ACTIVE and not include_resolved:
            continue
        end = incident_mod.parse_time(record.resolved_at) if record.resolved_at else now
        age = max(0, int((end - incident_mod.parse_time(record.started_at)).total_seconds() // 60))
        result.append(IncidentStatus(
            id=record.id, severity=record.severity, level=record.level, commander=record.commander,
            branch=record.branch, status=record.status, started_at=record.started_at, age_minutes=age,
            target_minutes=record.target_minutes, over_target=age > record.target_minutes,
            commits=_commit_count(ctx, record), pending_backports=pending,
            last_backup=backup.name if backup else None, last_deploy=deploy.name if deploy else None,
        ))
    return sorted(result, key=lambda s: (s.severity, s.started_at, s.id))


def _commit_count(ctx: Context, record: incident_mod.Incident) -> int:
    """Commits of the hotfix since its base (from the `declared` event), merged or not."""
    import pygit2

    tip = hotfix_tip(ctx, record)
    base = next((e.data.get("base_commit") for e in record.events if e.kind == "declared"), None)
    if tip is None or not isinstance(base, str) or ctx.repo.get(base) is None:
        return 0
    walker = ctx.repo.walk(pygit2.Oid(hex=tip))
    walker.hide(pygit2.Oid(hex=base))
    return sum(1 for _ in walker)


def _pending_backports(repo: pygit2.Repository) -> list[str]:
    """Targets whose backport stopped on a conflict."""
    from hotfix_lib import backport_state

    return sorted(p.target for p in backport_state.pending(repo))


def render(statuses: list[IncidentStatus], include_resolved: bool) -> str:
    if not statuses:
        return "No active incidents." if not include_resolved else "No incidents recorded."
    lines = []
    for s in statuses:
        target = incident_mod.format_minutes(s.target_minutes)
        age = f"{s.age_minutes} min" + (f" — OVER the {target} target" if s.over_target else f" of {target}")
        lines.append(f"{s.id}  {s.level} (severity {s.severity})  {s.status}")
        lines.append(f"  commander {s.commander}; branch {s.branch}; {s.commits} commit(s)")
        lines.append(f"  age {age}")
        lines.append(f"  pending backports: {', '.join(s.pending_backports) or 'none'}")
        lines.append(f"  last backup: {s.last_backup or 'none'}; last deploy: {s.last_deploy or 'none'}")
    return "\n".join(lines)
