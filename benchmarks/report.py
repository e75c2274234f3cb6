"""The results: one row per measurement, its verdict against the target, the table and the JSON document.

Pure: nothing here runs git or reads the clock.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence
from typing import Any

PASS, FAIL, UNAVAILABLE, ERROR = "PASS", "FAIL", "not available", "ERROR"


@dataclasses.dataclass(frozen=True)
class Spec:
    """What a row measures and the target it must meet: `value <= limit` (a ratio A/B, or MiB)."""

    key: str
    what: str
    unit: str  # "x" for a ratio of medians A/B, "MiB" for a peak
    limit: float
    target: str  # the target as the issue states it


@dataclasses.dataclass(frozen=True)
class Side:
    label: str
    samples: tuple[float, ...]  # seconds, or MiB for a peak

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


@dataclasses.dataclass(frozen=True)
class Row:
    spec: Spec
    a: Side | None = None
    b: Side | None = None  # absent for a peak
    note: str = ""
    unavailable: str | None = None  # why the piece it measures cannot be measured (not on main yet)
    error: str | None = None  # the harness or the measured command broke

    @property
    def value(self) -> float | None:
        if self.a is None or self.unavailable or self.error:
            return None
        if self.spec.unit == "MiB":
            return max(self.a.samples)
        assert self.b is not None
        return self.a.median / self.b.median

    @property
    def status(self) -> str:
        if self.error:
            return ERROR
        if self.unavailable:
            return UNAVAILABLE
        value = self.value
        assert value is not None
        return PASS if value <= self.spec.limit else FAIL


def _ms(side: Side | None, unit: str) -> str:
    if side is None:
        return "-"
    if unit == "MiB":
        return f"{max(side.samples):.1f} MiB"
    return f"{side.median * 1000:.1f} ms"


def table(rows: Sequence[Row]) -> str:
    header = ("#", "measurement (A vs B)", "A", "B", "A/B or peak", "target", "result")
    lines = [header]
    for row in rows:
        unit = row.spec.unit
        value = row.value
        shown = "-" if value is None else (f"{value:.1f} MiB" if unit == "MiB" else f"{value:.2f}×")
        result = row.status
        if row.unavailable:
            result += f": {row.unavailable}"
        if row.error:
            result += f": {row.error}"
        lines.append((row.spec.key, _label(row), _ms(row.a, unit), _ms(row.b, unit), shown, row.spec.target, result))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for line in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(line[:-1])]
        out.append(" | ".join([*cells, line[-1]]).rstrip())
    out.insert(1, "-+-".join("-" * w for w in widths) + "-+-" + "-" * 6)
    out += [f"{row.spec.key}: {row.note}" for row in rows if row.note]
    return "\n".join(out)


def _label(row: Row) -> str:
    if row.a is None or row.b is None:
        return row.spec.what
    return f"{row.spec.what}: {row.a.label} vs {row.b.label}"


def document(rows: Sequence[Row], context: dict[str, Any]) -> dict[str, Any]:
    return {
        **context,
        "rows": [
            {
                "key": row.spec.key,
                "what": row.spec.what,
                "unit": row.spec.unit,
                "target": row.spec.target,
                "limit": row.spec.limit,
                "value": row.value,
                "status": row.status,
                "a": None if row.a is None else {"label": row.a.label, "samples": list(row.a.samples)},
                "b": None if row.b is None else {"label": row.b.label, "samples": list(row.b.samples)},
                "median_a_s": None if row.a is None or row.spec.unit == "MiB" else row.a.median,
                "median_b_s": None if row.b is None else row.b.median,
                "note": row.note,
                "unavailable": row.unavailable,
                "error": row.error,
            }
            for row in rows
        ],
    }
