"""Timing pairs of commands interleaved (A B A B ...) after a warm-up, and the peak memory of a command."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.env import BenchError, last_line


@dataclasses.dataclass(frozen=True)
class Command:
    cwd: Path
    argv: Sequence[str]
    stdin: bytes | None = None


def _nothing() -> None:
    pass


@dataclasses.dataclass(frozen=True)
class Contender:
    """One side of a pair: commands timed together, with untimed preparation and checking around them."""

    label: str
    commands: Sequence[Command]
    prepare: Callable[[], None] = _nothing
    check: Callable[[], None] = _nothing  # raises BenchError when the run did not do its job


def execute(command: Command) -> None:
    proc = subprocess.run(list(command.argv), cwd=command.cwd, input=command.stdin, capture_output=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"`{' '.join(command.argv)}` exited {proc.returncode}: "
                         f"{last_line(proc.stderr or proc.stdout)}")


def once(contender: Contender) -> float:
    contender.prepare()
    start = time.perf_counter()
    for command in contender.commands:
        execute(command)
    elapsed = time.perf_counter() - start
    contender.check()
    return elapsed


def interleaved(a: Contender, b: Contender, runs: int, warmup: int) -> tuple[list[float], list[float]]:
    """Alternating the two sides spreads the machine's drift (other load, caches) evenly over both."""
    for _ in range(warmup):
        once(a)
        once(b)
    times_a: list[float] = []
    times_b: list[float] = []
    for _ in range(runs):
        times_a.append(once(a))
        times_b.append(once(b))
    return times_a, times_b


# A fresh process per measurement: RUSAGE_CHILDREN's ru_maxrss is the largest resident set of any
# descendant it waited for, so it covers a hook that execs Python and the git processes that hook starts.
_WRAPPER = """\
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:], check=False).returncode
with open(sys.argv[1], "w") as out:
    out.write(f"{code} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
"""


def peak_mib(command: Command) -> float:
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
        proc = subprocess.run([sys.executable, "-c", _WRAPPER, report.name, *command.argv], cwd=command.cwd,
                              input=command.stdin, capture_output=True, check=False)
        code, kib = report.read().split()
    if proc.returncode != 0 or code != "0":
        raise BenchError(f"`{' '.join(command.argv)}` exited {code}: {last_line(proc.stderr or proc.stdout)}")
    return int(kib) / 1024
