"""Shared result types for the benchmarks and their rendering as a text table and a Markdown table.

A benchmark script measures, then describes what it measured as `Figure`s: a value, the baseline
it is compared with (measured in the same run, or a published figure), their ratio, and the
`Goal` it is held to, if any. `benchmarks/run` collects them into an `Area` per team and renders
the tables printed on the terminal and written to docs/benchmarks.md.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MET, NOT_MET, NO_GOAL = "met", "NOT met", "figure only"

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Goal:
    """A goal from an issue: ``on`` ("value" or "ratio") compared with ``limit`` by ``op``.

    ``text`` is how the goal reads in a table, e.g. "<= 1.5x bare app" or "< 50 ms".
    """

    text: str
    on: str
    op: str
    limit: float

    def __post_init__(self) -> None:
        if self.on not in ("value", "ratio") or self.op not in _OPS:
            raise ValueError(f"bad goal: on={self.on!r} op={self.op!r}")

    def met(self, figure: Figure) -> bool | None:
        got = figure.value if self.on == "value" else figure.ratio
        if got is None or math.isnan(got):
            return None
        return _OPS[self.op](got, self.limit)


@dataclass
class Figure:
    """One measured figure, with its baseline (same unit as the value) and the goal it is checked against.

    ``shown`` replaces the formatted value in tables (for a figure that is not a number, such as
    "not exhaustive"); ``status`` replaces the computed goal status (for a goal checked another way).
    """

    name: str
    value: float | None
    unit: str = ""
    digits: int = 1
    baseline: float | None = None
    baseline_label: str = ""
    goal: Goal | None = None
    shown: str | None = None
    status: str | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def goal_status(self) -> str:
        if self.status is not None:
            return self.status
        if self.goal is None:
            return NO_GOAL
        met = self.goal.met(self)
        if met is None:
            return "not measured"
        return MET if met else NOT_MET

    def value_text(self) -> str:
        if self.shown is not None:
            return self.shown
        return fmt(self.value, self.unit, self.digits)

    def baseline_text(self) -> str:
        if self.baseline is None:
            return "—"
        text = fmt(self.baseline, self.unit, self.digits)
        return f"{text} ({self.baseline_label})" if self.baseline_label else text

    def ratio_text(self) -> str:
        r = self.ratio
        if r is None:
            return "—"
        return f"{r:.2f}x" if r < 10 else f"{r:.1f}x"

    def row(self) -> list[str]:
        name = f"{self.name} ({self.note})" if self.note else self.name
        goal = self.goal.text if self.goal else "—"
        return [name, self.value_text(), self.baseline_text(), self.ratio_text(), goal, self.goal_status()]


@dataclass
class Area:
    """The figures of one team's benchmarks, with the measurements behind them for the prose."""

    key: str
    title: str
    commands: list[str]
    figures: list[Figure]
    raw: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def goals(self) -> list[Figure]:
        return [f for f in self.figures if f.goal is not None or f.status is not None]


def fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{digits}f}"
    if not unit:
        return text
    return f"{text}{unit}" if unit.startswith("/") else f"{text} {unit}"


HEADERS = ["figure", "value", "baseline", "ratio", "goal", "status"]


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|").replace("\n", " ")


def markdown_table(figures: list[Figure], headers: list[str] | None = None) -> str:
    heads = headers or HEADERS
    lines = ["| " + " | ".join(heads) + " |", "| " + " | ".join("---" for _ in heads) + " |"]
    for fig in figures:
        row = fig.row()
        row[-1] = f"**{row[-1]}**" if row[-1] == NOT_MET else row[-1]
        lines.append("| " + " | ".join(_escape(c) for c in row) + " |")
    return "\n".join(lines)


def text_table(figures: list[Figure], headers: list[str] | None = None) -> str:
    """A plain aligned table for the terminal (each column as wide as its widest cell)."""
    heads = headers or HEADERS
    rows = [heads, *(fig.row() for fig in figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(heads))]
    out = []
    for n, r in enumerate(rows):
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
