"""Crash points for the fault tests. HOTFIX_HOOKS_TEST_KILL=<step> makes the process SIGKILL itself when it
reaches that step: exactly what a `kill -9` landing between two steps does, without racing a timer."""

from __future__ import annotations

import os
import signal

ENV = "HOTFIX_HOOKS_TEST_KILL"


def reached(step: str) -> None:
    if os.environ.get(ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)
