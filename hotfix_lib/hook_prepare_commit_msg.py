"""prepare-commit-msg: git passes the message file, the source (absent for a plain editor commit) and the
object; the pre-commit framework passes only the file and exports the source as PRE_COMMIT_COMMIT_MSG_SOURCE."""

from __future__ import annotations

import os

from hotfix_lib.commit_stamp import PREPARE, stamp


def run(args: list[str]) -> int:
    if not args:
        return 0
    source = args[1] if len(args) > 1 else os.environ.get("PRE_COMMIT_COMMIT_MSG_SOURCE")
    return stamp(args[0], source or None, PREPARE)
