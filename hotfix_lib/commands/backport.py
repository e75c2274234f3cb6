from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hotfix_lib import backport as engine
from hotfix_lib import backport_plan, backport_resume, backport_state
from hotfix_lib.backport_hooks import summary
from hotfix_lib.commands._common import Context, context
from hotfix_lib.errors import HotfixError
from hotfix_lib.gitrepo import run_git

if TYPE_CHECKING:
    import pygit2


@click.command()
@click.argument("rev_range", metavar="[RANGE]", required=False)
@click.option("--onto", multiple=True, help="Target branch (repeatable; globs allowed). Default: the configured ones.")
@click.option("--dry-run", is_flag=True, help="Print per target each commit as pick / skip / conflict.")
@click.option("--continue", "cont", is_flag=True, help="Resume a backport stopped on a conflict.")
@click.option("--abort", is_flag=True, help="Drop a backport stopped on a conflict; targets stay as they are.")
@click.option("--push", is_flag=True, help="Push the targets that moved.")
def backport(rev_range: str | None, onto: tuple[str, ...], dry_run: bool, cont: bool, abort: bool,
             push: bool) -> None:
    """Cherry-pick (-x) hotfix commits onto main and the other targets, in memory."""
    ctx = context()
    if cont or abort:
        _resume(ctx, onto, abort)
        return
    stopped = [p.target for p in backport_state.pending(ctx.repo)]
    if stopped and not dry_run:
        raise HotfixError(f"a backport onto {', '.join(stopped)} is stopped on a conflict",
                          "hotfix-hooks backport --continue (or --abort)")
    commits = _commits(ctx, rev_range)
    if not commits:
        click.echo("nothing to backport")
        return
    names = engine.targets(ctx.repo, ctx.config, ctx.production, onto)
    results = engine.backport(ctx.repo, commits, names, dry_run=dry_run)
    for line in backport_plan.render(results, dry_run):
        click.echo(line)
    if not dry_run:
        for result in results:
            click.echo(summary(result))
        if push:
            _push(ctx, [r.target for r in results if r.new_tip])
    if any(r.conflict for r in results) and not dry_run:
        raise click.exceptions.Exit(1)


def _commits(ctx: Context, rev_range: str | None) -> list[pygit2.Commit]:
    import pygit2

    repo = ctx.repo
    try:
        if rev_range is None:
            tip = repo.references[f"refs/heads/{ctx.production}"].peel(pygit2.Commit)
            if len(tip.parents) < 2:
                raise HotfixError(f"the tip of {ctx.production} is not a merge, so there is no default range",
                                  "pass a RANGE such as A..B, or one commit")
            return engine.hotfix_commits(repo, ctx.config, str(tip.id), [str(tip.parents[0].id)])
        if ".." in rev_range:
            start, _, end = rev_range.partition("..")
            hide = [str(repo.revparse_single(start or "HEAD").peel(pygit2.Commit).id)]
            tip_sha = str(repo.revparse_single(end or "HEAD").peel(pygit2.Commit).id)
            return engine.all_commits(repo, tip_sha, hide)
        one = repo.revparse_single(rev_range).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        raise HotfixError(f"{rev_range!r} is not a commit or a range", "pass A..B or a commit") from None
    return [one]


def _resume(ctx: Context, onto: tuple[str, ...], abort: bool) -> None:
    items = [p for p in backport_state.pending(ctx.repo) if not onto or p.target in onto]
    if not items:
        raise HotfixError("no backport is stopped on a conflict", "hotfix-hooks status")
    unfinished = False
    for item in items:
        outcome = (backport_resume.abort if abort else backport_resume.resume)(ctx.repo, ctx.root, item)
        click.echo(outcome.message)
        unfinished |= not outcome.done
    if unfinished:
        raise click.exceptions.Exit(1)


def _push(ctx: Context, names: list[str]) -> None:
    if names:
        run_git(["push", "--quiet", ctx.config.remote, *(f"refs/heads/{n}:refs/heads/{n}" for n in names)],
                ctx.root)
        click.echo(f"pushed {', '.join(names)} to {ctx.config.remote}")
