"""What changed on production: the window to look at, config-like files, ranking and rendering. Pure: no git."""

from __future__ import annotations

import dataclasses
import datetime
import json
import posixpath
import re
from collections.abc import Sequence
from typing import Any

from hotfix_lib import tag_names
from hotfix_lib.incident import format_time, parse_time

DEFAULT_SINCE = "24h"
MAX_SHOWN_COMMITS = 25
MAX_SHOWN_FILES = 40
SUMMARY_COMMITS = 5

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:[0-9]+[smhdw])+")

_CONFIG_SUFFIXES = (
    ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".json", ".env", ".properties", ".tf", ".tfvars", ".hcl",
    ".dockerfile",
)
_CONFIG_NAMES = ("dockerfile", "containerfile", ".env")


@dataclasses.dataclass(frozen=True)
class Tag:
    name: str
    sha: str
    time: int  # tagger date, or the commit date of a lightweight tag; seconds since the epoch
    on_production: bool  # the tagged commit is production's tip or one of its ancestors


@dataclasses.dataclass(frozen=True)
class Commit:
    sha: str
    time: int  # committer date
    author: str
    subject: str
    incidents: tuple[str, ...]  # from `Incident:` trailers, or the hotfix branch a merge brought in
    merge: bool

    @property
    def hotfix(self) -> bool:
        return bool(self.incidents)


@dataclasses.dataclass(frozen=True)
class FileChange:
    path: str
    status: str  # A, M, D, R, T as in `git diff --name-status`

    @property
    def config(self) -> bool:
        return is_config_file(self.path)


@dataclasses.dataclass(frozen=True)
class Active:
    id: str
    level: str
    branch: str
    commander: str
    started_at: str


@dataclasses.dataclass(frozen=True)
class Window:
    since: str  # what the reader asked for, or the deploy tag / default chosen for them
    kind: str  # "deploy", "duration" or "rev"
    boundary: str | None  # commits reachable from here are outside the window; None: the whole history


@dataclasses.dataclass(frozen=True)
class Diagnosis:
    production: str
    ref: str  # the ref that was read: the remote-tracking branch when there is one
    tip: str
    window: Window
    last_deploy: Tag | None
    last_backup: Tag | None
    commits: tuple[Commit, ...]  # newest first, as they reached production
    truncated: bool  # more commits were in the window than were read
    files: tuple[FileChange, ...]  # configuration first
    incidents: tuple[Active, ...]


def parse_duration(text: str) -> int | None:
    """Seconds in `90m`, `24h`, `2d`, `1h30m`; None when `text` is not a duration."""
    if not _DURATION.fullmatch(text):
        return None
    return sum(int(n) * _UNITS[unit] for n, unit in re.findall(r"([0-9]+)([smhdw])", text))


def newest(tags: Sequence[Tag]) -> Tag | None:
    """By tag date, never by name: names sort wrong across template changes and suffixes."""
    return max(tags, key=lambda t: (t.time, tag_names.sort_key(t.name)), default=None)


def is_config_file(path: str) -> bool:
    """YAML, TOML, INI, JSON, .env, Dockerfiles, Kubernetes and Terraform manifests (YAML/JSON/HCL)."""
    name = posixpath.basename(path).lower()
    if name in _CONFIG_NAMES or name.startswith((".env.", "dockerfile.", "containerfile.")):
        return True
    return name.endswith(_CONFIG_SUFFIXES)


def rank_files(files: Sequence[FileChange]) -> tuple[FileChange, ...]:
    """Configuration first (a changed setting is the usual suspect), then the rest; by path within each."""
    return tuple(sorted(files, key=lambda f: (not f.config, f.path)))


def age(seconds: int) -> str:
    seconds = max(0, seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    if seconds < 48 * 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m ago"
    return f"{seconds // 86400}d ago"


def event_data(d: Diagnosis) -> dict[str, object]:
    """The `diagnosed` timeline event: the suspects `report` shows."""
    return {
        "since": d.window.since,
        "suspects": [{"sha": c.sha, "subject": c.subject, "hotfix": c.hotfix} for c in d.commits[:MAX_SHOWN_COMMITS]],
        "files": [f.path for f in d.files[:MAX_SHOWN_FILES]],
    }


def _tag_text(label: str, tag: Tag | None, now: int) -> str:
    if tag is None:
        return f"{label} none"
    where = "" if tag.on_production else "  (not on production)"
    return f"{label} {tag.name}  {age(now - tag.time)}  {tag.sha[:10]}{where}"


def _window_text(d: Diagnosis) -> str:
    if d.window.kind == "deploy":
        return f"since the deploy {d.window.since}"
    if d.window.kind == "duration":
        return f"in the last {d.window.since}"
    return f"since {d.window.since}"


def _commit_line(c: Commit, now: int) -> str:
    mark = "HOTFIX" if c.hotfix else ("merge" if c.merge else "")
    incidents = ",".join(c.incidents) or "-"
    return f"  {c.sha[:10]}  {age(now - c.time):>10}  {mark:<6}  {incidents:<10}  {c.author}: {c.subject}"


def _counts(d: Diagnosis) -> str:
    more = "+" if d.truncated else ""
    hotfixes = sum(c.hotfix for c in d.commits)
    configs = sum(f.config for f in d.files)
    return (f"{len(d.commits)}{more} commit(s), {hotfixes} hotfix(es); {len(d.files)} file(s) changed, "
            f"{configs} configuration")


def render_text(d: Diagnosis, now: int) -> str:
    lines = [
        f"Production:   {d.production} at {d.tip[:10]} ({d.ref})",
        _tag_text("Last deploy: ", d.last_deploy, now),
        _tag_text("Last backup: ", d.last_backup, now),
        f"Window:       {_window_text(d)}: {_counts(d)}",
        "",
        "Reached production (newest first):",
    ]
    lines += [_commit_line(c, now) for c in d.commits[:MAX_SHOWN_COMMITS]] or ["  nothing"]
    if len(d.commits) > MAX_SHOWN_COMMITS:
        lines.append(f"  ... and {len(d.commits) - MAX_SHOWN_COMMITS} more (--json lists them all)")
    lines += ["", "Files changed (configuration first):"]
    lines += [f"  {f.status} {f.path}{'  [config]' if f.config else ''}" for f in d.files[:MAX_SHOWN_FILES]]
    if not d.files:
        lines.append("  nothing")
    elif len(d.files) > MAX_SHOWN_FILES:
        lines.append(f"  ... and {len(d.files) - MAX_SHOWN_FILES} more (--json lists them all)")
    lines += ["", "Active incidents:"]
    lines += [f"  {i.id}  {i.level}  {i.branch}  started {age(now - _epoch(i.started_at))}  commander {i.commander}"
              for i in d.incidents] or ["  none"]
    return "\n".join(lines)


def render_summary(d: Diagnosis, now: int) -> str:
    """The few lines `start` prints after creating the branch: what changed, where to look first."""
    lines = [
        f"What changed on {d.production} {_window_text(d)}: {_counts(d)}",
        _tag_text("  last deploy:", d.last_deploy, now),
        _tag_text("  last backup:", d.last_backup, now),
    ]
    lines += [_commit_line(c, now) for c in d.commits[:SUMMARY_COMMITS]]
    configs = [f.path for f in d.files if f.config]
    if configs:
        shown = ", ".join(configs[:5]) + (f" and {len(configs) - 5} more" if len(configs) > 5 else "")
        lines.append(f"  configuration changed: {shown}")
    others = [i.id for i in d.incidents]
    if others:
        lines.append(f"  active incidents: {', '.join(others)}")
    lines.append("  full picture: hotfix-hooks diagnose")
    return "\n".join(lines)


def _tag_json(tag: Tag | None) -> dict[str, Any] | None:
    if tag is None:
        return None
    return {"name": tag.name, "sha": tag.sha, "time": _iso(tag.time), "on_production": tag.on_production}


def render_json(d: Diagnosis, now: int) -> str:
    """The documented `diagnose --json` shape; sorted keys so that output diffs cleanly."""
    doc = {
        "generated_at": _iso(now),
        "production": {"branch": d.production, "ref": d.ref, "sha": d.tip},
        "window": {"since": d.window.since, "kind": d.window.kind, "boundary": d.window.boundary,
                   "truncated": d.truncated},
        "last_deploy": _tag_json(d.last_deploy),
        "last_backup": _tag_json(d.last_backup),
        "commits": [
            {"sha": c.sha, "time": _iso(c.time), "author": c.author, "subject": c.subject,
             "incidents": list(c.incidents), "hotfix": c.hotfix, "merge": c.merge}
            for c in d.commits
        ],
        "files": [{"path": f.path, "status": f.status, "config": f.config} for f in d.files],
        "incidents": [dataclasses.asdict(i) for i in d.incidents],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def _iso(epoch: int) -> str:
    return format_time(datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc))


def _epoch(iso: str) -> int:
    return int(parse_time(iso).timestamp())
