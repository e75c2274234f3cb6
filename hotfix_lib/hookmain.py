"""Runs one hook's logic with the suite's failure policy.

- A rule violation (HotfixError) fails `pre-*`/`prepare-commit-msg` hooks: one line, exit 1.
- An internal error never changes git's outcome in a `post-*` hook; elsewhere it fails closed unless
  `fail_open` is configured (or HOTFIX_HOOKS_FAIL_OPEN=1), and always says where the traceback is and how
  to bypass. The hook modules never write the message file before they know what to write, so an internal
  error leaves it untouched.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from collections.abc import Sequence

from hotfix_lib.errors import HotfixError

# hook type -> module in hotfix_lib that defines `run(args: list[str]) -> int`
HOOKS: dict[str, str] = {
    "prepare-commit-msg": "hook_prepare_commit_msg",
    "commit-msg": "hook_commit_msg",
    "pre-push": "hook_pre_push",
    "post-merge": "hook_post_merge",
    "post-commit": "hook_post_commit",
    "pre-receive": "hook_pre_receive",
    "update": "hook_update",
    "check-branch-name": "hook_check_branch_name",
}
LOG_NAME = "hotfix-hooks.log"


def run(hook_type: str, args: Sequence[str]) -> int:
    post = hook_type.startswith("post-")
    try:
        module = importlib.import_module(f"hotfix_lib.{HOOKS[hook_type]}")
        code: int = module.run(list(args))
        return 0 if post else code
    except HotfixError as e:
        print(f"hotfix-hooks ({hook_type}): {e}", file=sys.stderr)
        return 0 if post else 1
    except Exception:
        log = _log_traceback(hook_type)
        if post:
            print(f"hotfix-hooks ({hook_type}): internal error, git's result is unaffected; see {log}",
                  file=sys.stderr)
            return 0
        if _fail_open():
            print(f"hotfix-hooks ({hook_type}): internal error ignored (fail_open); see {log}", file=sys.stderr)
            return 0
        print(
            f"hotfix-hooks ({hook_type}): internal error, refusing to guess (nothing was changed); see {log}. "
            "To bypass: set `fail_open: true` in .hotfix-hooks.yaml or HOTFIX_HOOKS_FAIL_OPEN=1",
            file=sys.stderr,
        )
        return 1


def _fail_open() -> bool:
    if os.environ.get("HOTFIX_HOOKS_FAIL_OPEN") == "1":
        return True
    try:
        from hotfix_lib import config

        return config.load(os.getcwd()).fail_open
    except Exception:
        return False


def _log_traceback(hook_type: str) -> str:
    from hotfix_lib.gitrepo import common_dir_of, discover_git_dir

    try:
        path = str(common_dir_of(discover_git_dir()) / LOG_NAME)
    except Exception:
        path = os.path.join(os.path.expanduser("~"), f".{LOG_NAME}")
    from hotfix_lib import redact

    # pre-push's arguments are the remote's URL, which may carry a user and a token.
    entry = redact.text(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S%z')} {hook_type} {sys.argv!r}\n"
                        + traceback.format_exc())
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(entry)
    except OSError:
        print(entry, file=sys.stderr)
        return "the traceback above"
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in HOOKS:
        print(f"usage: hotfix-hooks-hook {{{','.join(HOOKS)}}} [ARGS...]", file=sys.stderr)
        return 2
    return run(args[0], args[1:])
