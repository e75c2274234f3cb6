"""The runbook's three messages (declared, update, resolved), filled from the incident record, and their
optional delivery to a Slack-compatible webhook. The message text is pure; posting is the only I/O here."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from hotfix_lib import incident as incident_mod
from hotfix_lib import redact

if TYPE_CHECKING:
    from hotfix_lib.commands._common import Context

KINDS = ("declared", "update", "resolved")
WEBHOOK_ENV = "HOTFIX_HOOKS_WEBHOOK_URL"
TIMEOUT_ENV = "HOTFIX_HOOKS_WEBHOOK_TIMEOUT"
TIMEOUT_SECONDS = 5.0


def duration_minutes(record: incident_mod.Incident, now: str) -> int:
    end = record.resolved_at or now
    delta = incident_mod.parse_time(end) - incident_mod.parse_time(record.started_at)
    return max(0, int(delta.total_seconds() // 60))


def render(kind: str, record: incident_mod.Incident, now: str, message: str | None = None) -> str:
    target = incident_mod.format_minutes(record.target_minutes)
    ticket = f"\nTicket: {redact.url(record.ticket)}" if record.ticket else ""
    message = redact.text(message) if message else None  # people paste links with tokens into updates
    if kind == "declared":
        return (
            f"🚨 PRODUCTION INCIDENT DECLARED\n\n"
            f"Incident: {record.id}\nSeverity: {record.severity} ({record.level}), target resolution {target}\n"
            f"Commander: {record.commander}\nStarted: {record.started_at}\nSummary: {record.description}{ticket}\n"
            f"Hotfix branch: {record.branch}\n\n"
            f"{message or 'We are investigating a production issue and will post updates.'}"
        )
    if kind == "update":
        minutes = duration_minutes(record, now)
        return (
            f"📊 INCIDENT UPDATE - {record.id}\n\n"
            f"Status: {record.status}, {minutes} min since declared (target {target})\n"
            f"Commander: {record.commander}{ticket}\n\n{message or 'Work on the fix is in progress.'}"
        )
    if kind == "resolved":
        minutes = duration_minutes(record, now)
        verdict = "within" if minutes <= record.target_minutes else "over"
        return (
            f"✅ INCIDENT RESOLVED - {record.id}\n\n"
            f"Total duration: {minutes} minutes ({verdict} the {target} target)\n"
            f"Commander: {record.commander}{ticket}\n\n"
            f"{message or 'The fix is deployed. A post-mortem will follow.'}"
        )
    raise ValueError(kind)


def webhook_url(configured: str | None) -> str | None:
    return os.environ.get(WEBHOOK_ENV) or configured


def timeout_seconds() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV, TIMEOUT_SECONDS))
    except ValueError:
        return TIMEOUT_SECONDS


def post(url: str, text: str, timeout: float | None = None) -> str | None:
    """POST {"text": ...}; returns a warning (never containing the URL) or None on success."""
    from hotfix_lib import health

    body = json.dumps({"text": text}).encode()
    try:
        req = health.request(url, "POST", body, "application/json")
        with urllib.request.urlopen(req, timeout=timeout or timeout_seconds()) as response:
            status = response.status
    except urllib.error.HTTPError as e:
        return f"the webhook answered {e.code}"
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return f"the webhook could not be reached ({type(reason).__name__})"
    return None if 200 <= status < 300 else f"the webhook answered {status}"


def send(url: str | None, text: str) -> None:
    if not url:
        return
    if not url.startswith(("http://", "https://")):
        print("warning: the webhook URL is not http(s); nothing was posted", file=sys.stderr)
        return
    warning = post(url, text)
    if warning:
        print(f"warning: {warning}; the announcement was not posted", file=sys.stderr)


def post_if_configured(ctx: Context, incident_id: str, kind: str) -> None:
    """`start` and `finish` announce by themselves when a webhook is configured."""
    url = webhook_url(ctx.config.webhook_url)
    if not url:
        return
    from hotfix_lib import incident_store

    record = incident_store.load(ctx.repo, incident_id)
    if record is not None:
        send(url, render(kind, record, incident_mod.now_utc()))
