"""`hotfix-hooks verify <old>..<new>`: the server's push rules over a range, for CI pipelines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hotfix_lib import config as config_mod
from hotfix_lib import enforce, gitrepo
from hotfix_lib.errors import HotfixError
from hotfix_lib.push_rules import HEADS, RefUpdate

if TYPE_CHECKING:
    import pygit2


@click.command()
@click.argument("rev_range", metavar="OLD..NEW")
@click.option("--branch", metavar="NAME",
              help="The branch NEW is about to become (default: the production branch).")
@click.pass_context
def verify(ctx: click.Context, rev_range: str, branch: str | None) -> None:
    """Check that moving a branch from OLD to NEW breaks no hotfix rule; list every offending commit."""
    repo = enforce.open_receiving()
    config = config_mod.load(repo.workdir) if repo.workdir else enforce.committed_config(repo)
    target = branch or gitrepo.production_branch(repo, config)
    old, new = _resolve(repo, rev_range)
    found = enforce.check(repo, config, [RefUpdate(ref=HEADS + target, old=old, new=new)])
    for refusal in found:
        click.echo(f"hotfix-hooks (verify): {refusal}", err=True)
    if found:
        ctx.exit(1)
    click.echo(f"{rev_range}: may land on '{target}'")


def _resolve(repo: pygit2.Repository, rev_range: str) -> tuple[str, str]:
    import pygit2

    if "..." in rev_range or rev_range.count("..") != 1:
        raise HotfixError(f"expected a range OLD..NEW, got {rev_range!r}",
                          "pass two revisions, e.g. hotfix-hooks verify origin/production..HEAD")
    try:
        spec = repo.revparse(rev_range)
        old, new = spec.from_object.peel(pygit2.Commit), spec.to_object.peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        raise HotfixError(f"unknown revision in {rev_range!r}", "fetch first (git fetch --all) and check the names") \
            from None
    return str(old.id), str(new.id)
