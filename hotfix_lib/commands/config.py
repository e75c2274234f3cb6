"""`hotfix-hooks config`: the effective configuration and where each value came from."""

from __future__ import annotations

import click

from hotfix_lib.commands._common import context
from hotfix_lib.config_view import describe


@click.command()
def config() -> None:
    """Print the effective configuration (.hotfix-hooks.yaml over the defaults)."""
    ctx = context()
    for line in describe(ctx.config, ctx.production):
        click.echo(line)
