"""post-commit on the production branch: a merge concluded by `git commit` after a conflict (git runs no
post-merge then), or the commit that follows `git merge --squash`, is backported like any merge."""

from __future__ import annotations

from hotfix_lib import backport_hooks


def run(args: list[str]) -> int:
    return backport_hooks.after_commit()
