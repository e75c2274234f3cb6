"""The incident record: what `start` declares and every later step appends to. Pure data, no git."""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Mapping
from typing import Any

from hotfix_lib import redact
from hotfix_lib.errors import HotfixError

# severity -> (level, target resolution time in minutes), as the runbook defines them
SEVERITIES: dict[int, tuple[str, int]] = {1: ("CRITICAL", 15), 2: ("HIGH", 60), 3: ("MEDIUM", 240)}

ACTIVE = "active"
RESOLVED = "resolved"


def level(severity: int) -> str:
    return SEVERITIES[severity][0]


def target_minutes(severity: int) -> int:
    return SEVERITIES[severity][1]


def format_minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def now_utc() -> str:
    return format_time(datetime.datetime.now(datetime.timezone.utc))


def format_time(when: datetime.datetime) -> str:
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)


@dataclasses.dataclass(frozen=True)
class Event:
    time: str  # ISO 8601 UTC, second precision, e.g. 2026-12-04T03:12:45Z
    kind: str  # declared, commit, deploy, backport, rollback, diagnosed, watch, resolved, ...
    actor: str
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "kind": self.kind, "actor": self.actor, "data": dict(self.data)}


@dataclasses.dataclass(frozen=True)
class Incident:
    id: str
    severity: int
    commander: str
    description: str
    ticket: str | None
    base: str
    branch: str
    started_at: str
    status: str = ACTIVE
    resolved_at: str | None = None
    events: tuple[Event, ...] = ()

    @property
    def level(self) -> str:
        return level(self.severity)

    @property
    def target_minutes(self) -> int:
        return target_minutes(self.severity)

    def with_event(self, event: Event) -> Incident:
        return dataclasses.replace(self, events=(*self.events, event))

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["events"] = [e.to_json() for e in self.events]
        return data

    def dumps(self) -> bytes:
        # Whatever a caller put in (a ticket URL, an event's data), the stored record never holds a credential.
        return (json.dumps(_redacted(self.to_json()), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _redacted(value: Any) -> Any:
    if isinstance(value, str):
        return redact.text(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def loads(raw: bytes, where: str) -> Incident:
    try:
        data = json.loads(raw)
        events = tuple(
            Event(time=e["time"], kind=e["kind"], actor=e["actor"], data=e.get("data") or {})
            for e in data.get("events", [])
        )
        return Incident(
            id=data["id"], severity=int(data["severity"]), commander=data["commander"],
            description=data["description"], ticket=data.get("ticket"), base=data["base"],
            branch=data["branch"], started_at=data["started_at"], status=data.get("status", ACTIVE),
            resolved_at=data.get("resolved_at"), events=events,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise HotfixError(f"the incident record {where} is damaged ({type(e).__name__}: {e})",
                          damaged_fix(where)) from None


def damaged_fix(ref: str) -> str:
    # every version of a record is a commit on its ref, so the last good one is in its history
    return f"git log -p {ref} shows its versions; restore a good one with git update-ref {ref} <commit>"


def merge(ours: Incident, theirs: Incident) -> Incident:
    """Combine two copies of one record edited in two clones: the union of both timelines, in time order.

    A resolution wins over `active`, since resolving is the last step anyone takes.
    """
    seen: dict[str, Event] = {}
    for event in (*ours.events, *theirs.events):
        key = json.dumps(event.to_json(), sort_keys=True)
        seen.setdefault(key, event)
    events = tuple(sorted(seen.values(), key=lambda e: e.time))
    resolved = next((r for r in (ours, theirs) if r.status == RESOLVED), None)
    base = resolved or ours
    return dataclasses.replace(base, events=events)
