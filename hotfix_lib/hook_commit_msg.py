"""commit-msg: the message as the user left it in the editor; stamps what prepare-commit-msg could not."""

from __future__ import annotations

from hotfix_lib.commit_stamp import COMMIT_MSG, stamp


def run(args: list[str]) -> int:
    return stamp(args[0], None, COMMIT_MSG) if args else 0
