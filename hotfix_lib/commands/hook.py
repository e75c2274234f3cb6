"""`hotfix-hooks hook <type> [args]`: run one hook by hand or from a hook script on a server.

A bare repository's `hooks/pre-receive` can be just `exec hotfix-hooks hook pre-receive`.
"""

from __future__ import annotations

import click

from hotfix_lib import hookmain


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("hook_type", metavar="TYPE", type=click.Choice(sorted(hookmain.HOOKS)))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def hook(ctx: click.Context, hook_type: str, args: tuple[str, ...]) -> None:
    """Run the hotfix-hooks logic of git hook TYPE with git's arguments (and stdin)."""
    ctx.exit(hookmain.run(hook_type, args))
