"""The benchmark harness in smoke mode: it must keep running as the hooks change (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.gitutil import ROOT

KEYS = ["1", "2", "6a", "3a", "3b", "6b", "6c", "4", "6d", "5"]


def test_smoke_run_measures_every_row_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--json", str(out)], cwd=ROOT,
                          capture_output=True, text=True, check=False)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    rows = result["rows"]
    assert [row["key"] for row in rows] == KEYS
    for row in rows:
        assert row["status"] in ("PASS", "FAIL", "not available"), row
        if row["status"] != "not available":
            assert row["value"] > 0
            assert len(row["a"]["samples"]) == (1 if row["unit"] == "MiB" else 2)
        line = next(line for line in proc.stdout.splitlines() if line.split(" ", 1)[0] == row["key"])
        assert row["status"] in line
    assert result["settings"]["files"] == 60
    assert f"results: {out}" in proc.stdout


def test_sizes_that_cannot_make_a_repository_are_refused(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--runs", "0"], cwd=ROOT,
                          capture_output=True, text=True, check=False)

    assert proc.returncode == 2
    assert "sizes must be positive" in proc.stderr
