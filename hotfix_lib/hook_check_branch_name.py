"""The branch-name check for the pre-commit framework (`pre-commit` and `pre-push` stages).

At pre-push pre-commit names the pushed refs in PRE_COMMIT_LOCAL_BRANCH / PRE_COMMIT_REMOTE_BRANCH (only the
first pushed ref); otherwise the branch being committed on is checked.
"""

from __future__ import annotations

import os


def run(args: list[str]) -> int:
    from hotfix_lib import config, naming

    names = _pushed_branches() or _current_branch()
    if not names:
        return 0  # a detached HEAD or a pushed tag: no branch to name
    settings = config.load(os.getcwd())
    for name in names:
        error = naming.misnamed_error(name, settings.branch_prefix, settings.incident_pattern)
        if error:
            raise error
    return 0


def _pushed_branches() -> list[str]:
    refs = (os.environ.get("PRE_COMMIT_LOCAL_BRANCH"), os.environ.get("PRE_COMMIT_REMOTE_BRANCH"))
    return list(dict.fromkeys(ref.removeprefix("refs/heads/") for ref in refs if ref and ref.startswith("refs/heads/")))


def _current_branch() -> list[str]:
    if os.environ.get("PRE_COMMIT_REMOTE_BRANCH"):
        return []  # a push of something that is not a branch
    from hotfix_lib.gitrepo import current_branch, open_repo

    branch = current_branch(open_repo())
    return [branch] if branch else []
