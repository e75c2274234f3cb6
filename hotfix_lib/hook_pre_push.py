"""pre-push: refuse what must not reach the remote, and back up production before anything lands on it.

git gives the remote as `$1 $2` and the refs on stdin; the pre-commit framework gives neither, only one ref
in PRE_COMMIT_* variables. pygit2 is imported only when a pushed ref may be production.
"""

from __future__ import annotations

import os
import sys

from hotfix_lib import config as config_mod
from hotfix_lib import push_input, push_rules, refprobe
from hotfix_lib.errors import HotfixError
from hotfix_lib.push_rules import HEADS, RefUpdate


def run(args: list[str]) -> int:
    if "PRE_COMMIT" in os.environ and "PRE_COMMIT_REMOTE_BRANCH" not in os.environ:
        return 0  # `pre-commit run --hook-stage pre-push` by hand: no push, nothing to judge
    cwd = os.getcwd()
    config = config_mod.load(cwd)
    remote, url, updates = _from_pre_commit() if "PRE_COMMIT_REMOTE_BRANCH" in os.environ else _from_git(args)
    if any(u.ref in {HEADS + b for b in _maybe_production(config, remote, cwd)} for u in updates):
        from hotfix_lib import push_backup

        if "PRE_COMMIT_REMOTE_BRANCH" in os.environ:
            updates = [_with_remote_tip(u, remote, cwd) for u in updates]
        found = push_backup.guard(push_backup.Push(remote, url, updates), config, cwd)
    else:
        found = [e for u in updates for e in push_rules.refusals(u, "", config, old_is_ancestor=None)]
    for refusal in found:
        print(f"hotfix-hooks (pre-push): {refusal}", file=sys.stderr)
    return 1 if found else 0


def _maybe_production(config: config_mod.Config, remote: str, cwd: str) -> set[str]:
    """The names production can have here, decided from the ref files so that other pushes skip pygit2."""
    if config.production_branch:
        return {config.production_branch}
    common = refprobe.common_dir(cwd)
    if common is None:
        return {"production", config.main_branch}
    if any(refprobe.ref_exists(common, r) for r in ("refs/heads/production", f"refs/remotes/{remote}/production")):
        return {"production"}
    return {config.main_branch}


def _from_git(args: list[str]) -> tuple[str, str, list[RefUpdate]]:
    if len(args) != 2:
        raise HotfixError(f"pre-push expects the remote name and URL as arguments, got {len(args)}",
                          "reinstall the hooks with `hotfix-hooks install`")
    return args[0], args[1], [line.update for line in push_input.parse(sys.stdin.buffer.read())]


def _from_pre_commit() -> tuple[str, str, list[RefUpdate]]:
    """pre-commit exposes only the first pushed ref that has new commits, and never a deletion."""
    env = os.environ
    remote = env.get("PRE_COMMIT_REMOTE_NAME", "")
    update = RefUpdate(
        ref=env["PRE_COMMIT_REMOTE_BRANCH"],
        old=env.get("PRE_COMMIT_FROM_REF", ""),
        new=env.get("PRE_COMMIT_TO_REF", ""),
    )
    return remote, env.get("PRE_COMMIT_REMOTE_URL", remote), [update]


def _with_remote_tip(update: RefUpdate, remote: str, cwd: str) -> RefUpdate:
    """pre-commit's FROM_REF is the remote's tip only when that commit is local: ask the remote itself."""
    from hotfix_lib import gitrepo

    proc = gitrepo.run_git(["ls-remote", "--", remote, update.ref], cwd, env=gitrepo.clean_env())
    fields = proc.stdout.decode().split()
    local = os.environ.get("PRE_COMMIT_LOCAL_BRANCH", "HEAD")
    new = update.new or gitrepo.run_git(["rev-parse", "--verify", local], cwd).stdout.decode().strip()
    return RefUpdate(update.ref, fields[0] if fields else "0" * len(new), new)
