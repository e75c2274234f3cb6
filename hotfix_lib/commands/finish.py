from __future__ import annotations

import click

from hotfix_lib import faultpoint
from hotfix_lib import finish as finish_mod
from hotfix_lib import incident as incident_mod
from hotfix_lib.commands._common import context, interactive
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import current_branch


@click.command()
@click.argument("incident_id", required=False)
@click.option("--push/--no-push", default=False, help="Push production, the deploy tag, the targets and the record.")
@click.option("--dry-run", is_flag=True, help="Print every step and change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def finish(incident_id: str | None, push: bool, dry_run: bool, yes: bool) -> None:
    """Merge the hotfix into production, ship it, archive the branch and resolve the incident."""
    ctx = context()
    record = finish_mod.resolve(ctx, incident_id)
    if not dry_run:
        finish_mod.ensure_local_production(ctx)
    steps = finish_mod.plan(ctx, record, push)
    if dry_run:
        for step in steps:
            click.echo(f"{'done already' if step.done else 'would'}: {step.title}")
        return
    todo = [s for s in steps if not s.done]
    if not yes:
        if not interactive():
            raise HotfixError(f"finishing {record.id} needs confirmation", f"hotfix-hooks finish {record.id} --yes")
        for step in todo:
            click.echo(f"  {step.title}")
        click.confirm(f"Finish {record.id}?", abort=True)
    started_on = current_branch(ctx.repo)
    for number, step in enumerate(todo, start=1):
        click.echo(step.action())
        faultpoint.reached(f"finish:{number}")
    finish_mod.return_to(ctx, started_on)
    if record.status != incident_mod.RESOLVED:
        from hotfix_lib import announce

        announce.post_if_configured(ctx, record.id, "resolved")
