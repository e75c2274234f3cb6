"""`hotfix-hooks diagnose`: what changed on production, ranked for a tired reader."""

from __future__ import annotations

import time

import click

from hotfix_lib import diagnosis, incident_store, production_history
from hotfix_lib.commands._common import context
from hotfix_lib.gitrepo import current_branch
from hotfix_lib.incident import ACTIVE


@click.command()
@click.option("--since", metavar="DURATION|REV",
              help="Window: a duration (90m, 24h, 2d) or a commit/tag. Default: since the previous deploy tag, "
                   f"else {diagnosis.DEFAULT_SINCE}.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (stable keys, see README).")
@click.option("--fetch", is_flag=True, help="git fetch the remote (branches, tags, incident records) first.")
def diagnose(since: str | None, as_json: bool, fetch: bool) -> None:
    """Show what reached production recently: deploys, backups, commits, changed files, active incidents."""
    ctx = context()
    if fetch:
        production_history.fetch(ctx.repo, ctx.root, ctx.config.remote)
    now = int(time.time())
    found = production_history.collect(ctx.repo, ctx.config, since, now)
    click.echo(diagnosis.render_json(found, now) if as_json else diagnosis.render_text(found, now))
    branch = current_branch(ctx.repo)
    record = incident_store.find_by_branch(ctx.repo, branch) if branch else None
    if record is not None and record.status == ACTIVE:
        incident_store.append_event(ctx.repo, record.id, "diagnosed", diagnosis.event_data(found))
        if not as_json:
            click.echo(f"\nRecorded on the timeline of {record.id}.")
