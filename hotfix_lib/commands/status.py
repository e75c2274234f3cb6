from __future__ import annotations

import json

import click

from hotfix_lib import status as status_mod
from hotfix_lib.commands._common import context


@click.command()
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved incidents.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see README for the fields).")
def status(include_resolved: bool, as_json: bool) -> None:
    """Active incidents: severity, commander, branch, age against target, backports, last backup and deploy."""
    statuses = status_mod.gather(context(), include_resolved)
    if as_json:
        click.echo(json.dumps({"incidents": [s.to_json() for s in statuses]}, indent=2, sort_keys=True))
    else:
        click.echo(status_mod.render(statuses, include_resolved))
