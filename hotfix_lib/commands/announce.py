from __future__ import annotations

import click

from hotfix_lib import announce as announce_mod
from hotfix_lib import incident as incident_mod
from hotfix_lib import incident_store
from hotfix_lib.commands._common import context
from hotfix_lib.errors import HotfixError
from hotfix_lib.finish import resolve


@click.command()
@click.argument("kind", type=click.Choice(announce_mod.KINDS))
@click.argument("incident_id", required=False)
@click.option("--message", help="Your own words, added to the message.")
def announce(kind: str, incident_id: str | None, message: str | None) -> None:
    """Print (and post to the configured webhook) the declared / update / resolved message."""
    ctx = context()
    if incident_id is None:
        active = [r for r in incident_store.list_all(ctx.repo) if r.status == incident_mod.ACTIVE]
        if len(active) == 1:
            incident_id = active[0].id
    if incident_id is None:
        try:
            record = resolve(ctx, None)
        except HotfixError:
            raise HotfixError("which incident?", "pass the incident ID: hotfix-hooks announce KIND INC-123") from None
    else:
        record = resolve(ctx, incident_id)
    text = announce_mod.render(kind, record, incident_mod.now_utc(), message)
    click.echo(text)
    announce_mod.send(announce_mod.webhook_url(ctx.config.webhook_url), text)
