"""`hotfix-hooks rollback`: put production back to the last backup, keeping everything reachable."""

from __future__ import annotations

import click

from hotfix_lib import rollback as rollback_mod
from hotfix_lib import rollback_plan
from hotfix_lib.commands._common import context, interactive
from hotfix_lib.errors import HotfixError

CONFIRM_WORD = "ROLLBACK"


@click.command()
@click.option("--to", "to", metavar="TAG", help="Roll back to this tag or commit instead of the newest backup.")
@click.option("--dry-run", is_flag=True, help="Show the plan and change nothing.")
@click.option("--yes", is_flag=True, help=f"Do not ask; needed when there is no terminal to type {CONFIRM_WORD}.")
@click.option("--push/--no-push", default=True, show_default=True,
              help="Also move production on the remote (git push --force-with-lease) and push the tags.")
def rollback(to: str | None, dry_run: bool, yes: bool, push: bool) -> None:
    """Roll production back to the newest backup tag that is an ancestor of it."""
    ctx = context()
    plan = rollback_mod.plan(ctx.repo, ctx.config, to)
    where = f"locally and on {ctx.config.remote}" if push else "locally only"
    click.echo(rollback_plan.render(plan))
    if dry_run:
        click.echo(f"Dry run: nothing changed (would roll back {where}).")
        return
    _confirm(yes, plan.production, where)
    done = rollback_mod.execute(ctx.repo, ctx.root, ctx.config, plan, push)
    for warning in done.warnings:
        click.echo(f"hotfix-hooks: warning: {warning}", err=True)
    click.echo(f"Rolled {plan.production} back to {plan.target[:10]} ({plan.target_label}) {where}.")
    click.echo(f"Previous tip {plan.tip[:10]} is kept as tag {done.rolled_back_tag}; rollback tagged "
               f"{done.rollback_tag}.")
    if done.incidents:
        click.echo(f"Recorded on the timeline of {', '.join(done.incidents)}.")
    if not push:
        click.echo(f"{ctx.config.remote} is unchanged. To publish the rollback: "
                   f"HOTFIX_HOOKS_ALLOW_REWIND={plan.tip}:{plan.target} git push "
                   f"--force-with-lease={plan.production}:{plan.tip} {ctx.config.remote} {plan.production}")


def _confirm(yes: bool, production: str, where: str) -> None:
    if yes:
        return
    if not interactive():
        raise HotfixError(f"refusing to roll back {production} without confirmation", "hotfix-hooks rollback --yes")
    answer = click.prompt(f"Type {CONFIRM_WORD} to roll {production} back {where}", default="", show_default=False)
    if answer.strip() != CONFIRM_WORD:
        raise HotfixError("rollback not confirmed; nothing was changed", "type ROLLBACK at the prompt, or pass --yes")
