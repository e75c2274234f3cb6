"""post-merge on the production branch: backport the hotfix commits the merge brought in (ORIG_HEAD..HEAD).

`git merge --squash` runs it with `1` before any commit exists; the commit that follows is backported by
post-commit, which recognises it by the marker left here; prepare-commit-msg, which still sees git's
SQUASH_MSG, renews or clears that marker for each commit.
"""

from __future__ import annotations

import os

from hotfix_lib import backport_hooks


def run(args: list[str]) -> int:
    squash = (args[0] if args else os.environ.get("PRE_COMMIT_IS_SQUASH_MERGE", "0")) == "1"
    return backport_hooks.after_merge(squash)
