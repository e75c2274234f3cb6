from __future__ import annotations

import click

from hotfix_lib import incident as incident_mod
from hotfix_lib import production_history
from hotfix_lib import start as start_mod
from hotfix_lib.commands._common import context, prompt_or_fail


@click.command()
@click.argument("incident_id", required=False)
@click.option("--severity", help="1 = CRITICAL (15 min), 2 = HIGH (1 h), 3 = MEDIUM (4 h).")
@click.option("--commander", help="The incident commander.")
@click.option("--description", help="What is broken; the branch name is made from it.")
@click.option("--ticket", help="The ticket or monitoring URL (http or https).")
@click.option("--base", help="Branch to start from (default: the production branch).")
@click.option("--no-fetch", is_flag=True, help="Do not fetch the base from the remote first.")
@click.option("--push", is_flag=True, help="Push the new branch and the incident record.")
def start(
    incident_id: str | None, severity: str | None, commander: str | None, description: str | None,
    ticket: str | None, base: str | None, no_fetch: bool, push: bool,
) -> None:
    """Declare an incident and check out its hotfix branch."""
    ctx = context()
    req = start_mod.Request(
        incident_id=prompt_or_fail(incident_id, "INCIDENT_ID", "Incident ID (e.g. INC-123)"),
        severity=prompt_or_fail(severity, "--severity", "Severity (1 CRITICAL, 2 HIGH, 3 MEDIUM)"),
        commander=prompt_or_fail(commander, "--commander", "Incident commander"),
        description=prompt_or_fail(description, "--description", "Brief description"),
        ticket=ticket, base=base, fetch=not no_fetch, push=push,
    )
    started = start_mod.run(ctx, req)
    record = started.record
    for note in started.notes:
        click.echo(f"note: {note}")
    verb = "resumed" if started.resumed else "declared"
    click.echo(f"Incident {record.id} {verb}: {record.level} (severity {record.severity}), "
               f"target resolution {incident_mod.format_minutes(record.target_minutes)}")
    click.echo(f"Branch {record.branch} from {record.base} is checked out; commander {record.commander}")
    if push:
        click.echo(f"Pushed {record.branch} and the incident record to {ctx.config.remote}")
    click.echo(production_history.summary(ctx.repo, ctx.config))
    click.echo("Next: commit the fix here (every commit gets the incident trailers), then "
               f"`hotfix-hooks finish{' --push' if push else ''}`")
    if not started.resumed:
        from hotfix_lib import announce

        announce.post_if_configured(ctx, record.id, "declared")
