"""The incident report, rendered from gathered facts (report_facts). Pure: the same facts, the same text."""

from __future__ import annotations

import json
from typing import Any

from hotfix_lib import incident as incident_mod

BLANK = "_To be written by the team._"


def to_json(facts: dict[str, Any]) -> str:
    return json.dumps(facts, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _event_text(event: dict[str, Any]) -> str:
    kind, data = event["kind"], event["data"]
    short = {k: str(v)[:12] for k, v in data.items() if k in ("commit", "from", "to")}
    if kind == "declared":
        return f"Incident declared (base {data.get('base', '?')})"
    if kind == "merged":
        return f"Merged into {data.get('into', 'production')} ({short.get('commit', '?')})"
    if kind == "pushed":
        backup = f"; production was backed up as `{data['backup_tag']}`" if data.get("backup_tag") else ""
        return f"Pushed {data.get('branch')} ({short.get('commit', '?')}){backup}"
    if kind == "deleted":
        return f"Branch `{data.get('branch')}` deleted ({' and '.join(data.get('where') or [])})"
    if kind == "deployed":
        return f"Deployed: tag `{data.get('tag')}` at {short.get('commit', '?')}"
    if kind == "archived":
        return f"Branch archived as `{data.get('tag')}`"
    if kind == "rollback":
        return f"Rolled back {short.get('from', '?')} → {short.get('to', '?')} (tag `{data.get('tag')}`)"
    if kind == "backport":
        picked = ", ".join(str(s)[:12] for s in data.get("new", data.get("picked", [])) or []) or "nothing new"
        return f"Backported to `{data.get('target')}`: {picked}"
    if kind == "diagnosed":
        suspects = data.get("suspects") or []
        names = ", ".join(f"{str(s.get('sha', ''))[:12]} {s.get('subject', '')}" for s in suspects[:5])
        found = f"Diagnosed since {data.get('since')}: {len(suspects)} suspect commit(s)"
        return found + (f" — {names}" if names else "")
    if kind == "watch":
        outcome = "ok" if data.get("ok") else f"FAILED ({data.get('reason')})"
        return (f"Health check round {data.get('round')} of {data.get('url')}: {outcome}, "
                f"status {data.get('status')}, {data.get('latency_ms')} ms")
    if kind == "resolved":
        return "Incident resolved"
    return f"{kind}: {json.dumps(data, sort_keys=True)}"


def _merge_before_its_backports(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # post-merge records the backport while `git merge` is still running, before finish records the merge
    ordered: list[dict[str, Any]] = []
    for event in events:
        at = len(ordered)
        while (event["kind"] == "merged" and at > 0 and ordered[at - 1]["kind"] == "backport"
               and ordered[at - 1]["time"] == event["time"]):
            at -= 1
        ordered.insert(at, event)
    return ordered


def timeline(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """Entries by time; within one second, in the order things happen: declared, commits, events, tags."""
    events = [(e["time"], f"{_event_text(e)} — {e['actor']}") for e in _merge_before_its_backports(facts["events"])]
    declared, later = events[:1], events[1:]
    commits = [(c["time"], f"Commit {c['sha'][:12]} {c['subject']} — {c['author']}") for c in facts["commits"]]
    named = {str(v) for e in facts["events"] for k, v in e["data"].items() if k.endswith("tag")}
    tags = [(t["time"], f"Tag `{t['name']}` ({t['kind'].replace('_', '-')}) at {t['commit'][:12]}")
            for t in facts["tags"] if t["name"] not in named]
    return sorted([*declared, *commits, *later, *tags], key=lambda entry: entry[0])


def to_markdown(facts: dict[str, Any]) -> str:
    inc = facts["incident"]
    target = incident_mod.format_minutes(inc["target_minutes"])
    if inc["duration_minutes"] is None:
        duration = f"ongoing (target {target})"
    else:
        verdict = "within" if inc["within_target"] else "OVER"
        duration = f"{inc['duration_minutes']} minutes, {verdict} the {target} target"
    lines = [
        f"# Incident report: {inc['id']}",
        "",
        "## Summary",
        "",
        f"- **Severity:** {inc['severity']} ({inc['level']})",
        f"- **Commander:** {inc['commander']}",
        f"- **Description:** {inc['description']}",
        f"- **Ticket:** {inc['ticket'] or 'none'}",
        f"- **Status:** {inc['status']}",
        f"- **Started:** {inc['started_at']}" + (f"; **resolved:** {inc['resolved_at']}" if inc["resolved_at"] else ""),
        f"- **Duration:** {duration}",
        f"- **Branch:** `{inc['branch']}` from `{inc['base']}`",
        "",
        "## Timeline (UTC)",
        "",
        "| Time | Event |",
        "|---|---|",
        *(f"| {when} | {text.replace('|', '/')} |" for when, text in timeline(facts)),
        "",
        "## Commits",
        "",
        *([f"- `{c['sha'][:12]}` {c['subject']} — {c['author']}, {c['time']}" for c in facts["commits"]] or ["- none"]),
        "",
        "## Files changed",
        "",
        *([f"- {f['status']} `{f['path']}`" for f in facts["files"]] or ["- none"]),
        "",
        "## Tags",
        "",
        *([f"- `{t['name']}` ({t['kind'].replace('_', '-')}) at `{t['commit'][:12]}`, {t['time']}"
           for t in facts["tags"]] or ["- none"]),
        "",
    ]
    for section in ("Impact", "Root cause", "Lessons learned", "Action items"):
        lines += [f"## {section}", "", BLANK, ""]
    lines += ["---", "Generated by hotfix-hooks from the incident record and the repository.", ""]
    return "\n".join(lines)
