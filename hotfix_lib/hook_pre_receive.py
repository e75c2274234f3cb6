"""pre-receive on a server: the push rules that no client can skip with --no-verify.

All refs of the push are judged together and the whole push is refused if any one of them breaks a rule
(git then updates none of them).
"""

from __future__ import annotations

import sys


def run(args: list[str]) -> int:
    from hotfix_lib import receive_input

    updates = receive_input.parse(sys.stdin.buffer.read())
    if not updates:
        return 0
    from hotfix_lib import enforce

    return enforce.judge("pre-receive", updates)
