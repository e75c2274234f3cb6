"""update on a server: the same rules as pre-receive, one ref at a time (git refuses only that ref)."""

from __future__ import annotations


def run(args: list[str]) -> int:
    from hotfix_lib import enforce, receive_input

    return enforce.judge("update", [receive_input.one(args)])
