"""`python -m benchmarks` (`./dev bench`): hotfix-hooks against the alternatives, as in issue 6.

Builds every repository it measures in a temporary directory, prints the table of medians and ratios with
PASS/FAIL against the targets, and writes the whole run (every sample) as JSON under benchmarks/results/.
Exit status 1 means a measurement broke (an ERROR row), not that a target was missed.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import repos
from benchmarks.env import BenchError, hermetic
from benchmarks.report import ERROR, Row, Spec, document, table
from benchmarks.scenarios import BIG, SMALL, BigScenario, Settings, Unavailable, needs, specs

RESULTS = Path(__file__).resolve().parent / "results"
# name: (default, smoke); the defaults finish within 10 minutes on 2 cores.
SIZES: dict[str, tuple[int, int]] = {
    "runs": (20, 2),
    "big_runs": (5, 2),  # rows 4 and 5: seconds per run in the big repository
    "warmup": (2, 1),
    "memory_runs": (3, 1),
    "tags": (10_000, 20),
    "files": (20_000, 60),
    "commits": (50_000, 40),
    "diverge": (5_000, 10),
    "picks": (20, 4),
}


def parse(argv: Sequence[str] | None) -> tuple[Settings, Path | None]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness works, not speed")
    for name, (default, smoke) in SIZES.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, metavar="N",
                            help=f"default {default}, with --smoke {smoke}")
    parser.add_argument("--json", type=Path, metavar="PATH", help="where to write the results (default: "
                        "benchmarks/results/bench-<UTC time>.json)")
    args = parser.parse_args(argv)
    value = {name: getattr(args, name) if getattr(args, name) is not None else sizes[1 if args.smoke else 0]
             for name, sizes in SIZES.items()}
    if min(value.values()) < 0 or min(value["runs"], value["big_runs"]) < 1:
        parser.error("sizes must be positive")
    big = repos.BigSizes(files=value["files"], commits=value["commits"], diverge=value["diverge"],
                         picks=value["picks"])
    settings = Settings(runs=value["runs"], big_runs=value["big_runs"], warmup=value["warmup"],
                        memory_runs=max(1, value["memory_runs"]), tags=value["tags"], big=big)
    return settings, args.json


def guarded(keys: Sequence[str], all_specs: dict[str, Spec], produce: Callable[[], list[Row]]) -> list[Row]:
    print(f"== {', '.join(all_specs[k].what for k in keys)}", file=sys.stderr, flush=True)
    try:
        return produce()
    except Unavailable as e:
        return [Row(all_specs[k], unavailable=str(e)) for k in keys]
    except BenchError as e:
        return [Row(all_specs[k], error=str(e)) for k in keys]


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "git": git_version, "python": platform.python_version(),
            "platform": platform.platform(), "loadavg_at_start": list(os.getloadavg())}


def measure(root: Path, s: Settings) -> list[Row]:
    all_specs = specs(s)
    rows: list[Row] = []
    for keys, scenario in SMALL:
        rows += guarded(keys, all_specs, functools.partial(scenario, root, s))
    built: list[repos.Big] = []

    def big() -> repos.Big:
        # Built once, and only when something will be measured in it (it takes a while).
        needs("`hotfix-hooks backport`", "commands.backport")
        if not built:
            print(f"   building {s.big}", file=sys.stderr, flush=True)
            built.append(repos.big(root, s.big))
        return built[0]

    def in_big(scenario: BigScenario) -> list[Row]:
        return scenario(root, s, big())

    for keys, big_scenario in BIG:
        rows += guarded(keys, all_specs, functools.partial(in_big, big_scenario))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    settings, json_path = parse(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    sizes = {name: getattr(settings, name) for name in ("runs", "big_runs", "warmup", "memory_runs", "tags")}
    context: dict[str, Any] = {"date": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "machine": machine(),
                               "settings": {**sizes, **vars(settings.big)}}
    root = Path(tempfile.mkdtemp(prefix="hotfix-hooks-bench-"))
    try:
        hermetic(root)
        rows = measure(root, settings)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    path = json_path or RESULTS / f"bench-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document(rows, context), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    m = context["machine"]
    print(f"hotfix-hooks benchmarks, {context['date']}; {m['nproc']} cores, {m['cpu']}; {m['git']}; "
          f"Python {m['python']}; {settings.runs} runs ({settings.big_runs} in the big repository) after "
          f"{settings.warmup} warm-up, medians")
    print(table(rows))
    print(f"results: {path}")
    return 1 if any(row.status == ERROR for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
