"""`hotfix-hooks install` and `hotfix-hooks uninstall`."""

from __future__ import annotations

import sys

import click

from hotfix_lib import install as installer
from hotfix_lib.gitrepo import open_repo

_hook_option = click.option(
    "--hook", "hook_types", multiple=True, type=click.Choice(installer.HOOK_TYPES),
    help="Only this hook type (repeatable).",
)
_hooks_path_option = click.option(
    "--hooks-path", is_flag=True, help="Use the directory core.hooksPath names (refused without this flag).",
)
_dry_run_option = click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")


@click.command()
@_hook_option
@_hooks_path_option
@_dry_run_option
def install(hook_types: tuple[str, ...], hooks_path: bool, dry_run: bool) -> None:
    """Install the git hooks, chaining any hook already in place."""
    directory = installer.hooks_dir(open_repo(), hooks_path, "install")
    steps = installer.plan_install(directory, hook_types or installer.DEFAULT_HOOKS, sys.executable)
    if not dry_run:
        installer.apply_install(directory, steps, sys.executable)
    for step in steps:
        click.echo(f"{step.hook_type}: {step.action.describe(dry_run)}")


@click.command()
@_hook_option
@_hooks_path_option
@_dry_run_option
def uninstall(hook_types: tuple[str, ...], hooks_path: bool, dry_run: bool) -> None:
    """Remove the hooks hotfix-hooks installed and put back the hooks they chained."""
    directory = installer.hooks_dir(open_repo(), hooks_path, "uninstall")
    steps = installer.plan_uninstall(directory, hook_types or installer.HOOK_TYPES)
    if not hook_types:  # everything was asked for: only report what is there
        steps = [step for step in steps if step.action is installer.Action.REMOVE]
        if not steps:
            click.echo(f"no hotfix-hooks hooks in {directory}")
    if not dry_run:
        installer.apply_uninstall(steps)
    for step in steps:
        click.echo(f"{step.hook_type}: {step.action.describe(dry_run)}")
