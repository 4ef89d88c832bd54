"""Smoke test of the benchmark harness: the quickest pieces at tiny sizes, and the document they render.

No timing assertions: speed lives in benchmarks/run, never in tests. This only proves that the
benchmark functions run, return structured figures, and that benchmarks/run renders them.
"""

from __future__ import annotations

import asyncio
import importlib.machinery
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from benchmarks import (
    cohort_events,
    cohort_memory,
    cohort_programme,
    cohort_report,
    cohort_scale,
    outcomes_bench,
    toolkit_bench,
    tui_bench,
)
from benchmarks.common import MET, NO_GOAL, NOT_MET, Area, Figure, Goal, markdown_table, text_table

ROOT = Path(__file__).resolve().parent.parent


def load_run() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("benchmarks_run", str(ROOT / "benchmarks" / "run"))
    spec = importlib.util.spec_from_loader("benchmarks_run", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmarks_run"] = module
    loader.exec_module(module)
    return module


def test_figures_goals_and_tables() -> None:
    fast = Figure(
        "start-up", 120.0, "ms", baseline=100.0, baseline_label="bare", goal=Goal("<= 1.5x", "ratio", "<=", 1.5)
    )
    slow = Figure("latency", 60.0, "ms", goal=Goal("< 50 ms", "value", "<", 50))
    rate = Figure("plays | per second", 20_000.0, "/s", 0, baseline=3_636.0, goal=Goal(">= 5x", "ratio", ">=", 5))
    plain = Figure("events", 700.0, "/s", 0)
    override = Figure("explore", None, shown="not exhaustive", goal=Goal("< 10 s", "value", "<", 10), status=NOT_MET)
    assert fast.ratio == pytest.approx(1.2) and fast.goal_status() == MET
    assert slow.goal_status() == NOT_MET and slow.ratio is None
    assert rate.goal_status() == MET and rate.value_text() == "20,000/s"
    assert plain.goal_status() == NO_GOAL
    assert override.goal_status() == NOT_MET and override.value_text() == "not exhaustive"
    figs = [fast, slow, rate, plain, override]
    md = markdown_table(figs)
    assert md.count("\n") == len(figs) + 1 and "plays \\| per second" in md and "**NOT met**" in md
    assert "120.0 ms" in text_table(figs) and "100.0 ms (bare)" in text_table(figs)
    with pytest.raises(ValueError):
        Goal("?", "speed", "<", 1)


def test_tiny_benchmarks_render_a_document(tmp_path: Path) -> None:
    run = load_run()
    raw_common = {"load_start": 1.0, "load_end": 1.0, "when": "today", "quick": True}

    figs, raw = toolkit_bench.bench(quick=True, shipped=False, scenes=20, plays=30, repeat=1, budget=0.5)
    assert raw["validate"]["scenes"] == 20 and raw["playthroughs"]["graph_rate"] > 0
    assert any(f.goal and f.goal.on == "ratio" for f in figs)
    rows = toolkit_bench.measure_shipped(budget=0.5, fallback=5, folder=ROOT / "tests" / "data")
    assert rows and rows[0]["loads"]
    toolkit = Area(
        "toolkit",
        run.TITLES["toolkit"],
        ["cmd"],
        figs + toolkit_bench.figures(None, None, rows),
        {**raw, "shipped": rows, **raw_common},
    )

    ev_figs, events = cohort_events.bench(writers=2)
    assert events["many_events"] == 2 * 32
    rep_figs, report = cohort_report.bench(players=3, decisions=4)
    assert report["players"] == 3 and rep_figs[0].goal is not None
    assert report["rated"] == report["steps"] == 12  # every decision rated from the outcome map
    memory = {
        "players": 1,
        "rss_mean": 45.0,
        "rss_max": 45.0,
        "pss_mean": 38.0,
        "peak_max": 50.0,
        "peak_mean": 50.0,
        "end_rss_mean": 48.0,
        "end_pss_mean": 40.0,
        "hub_rss": 50.0,
        "bare": 10.0,
    }
    pro_figs, programme = cohort_programme.bench(sessions=2, players=3)
    assert programme["sessions"] == 2 and pro_figs[0].goal is not None
    scale: dict[str, float] = {}  # the load run starts hubs and a database: its figures are made up here
    for store, rate in (("pg", 80.0), ("sqlite", 120.0)):
        scale |= {
            f"{store}_{k}": v
            for k, v in {
                "players": 10,
                "hubs": 3 if store == "pg" else 1,
                "events": 150,
                "lost": 0,
                "duplicated": 0,
                "finished": 10,
                "unfinished": 0,
                "moved": 2,
                "per_second": rate,
                "p50_ms": 100.0,
                "p99_ms": 300.0,
                "join_p99_ms": 200.0,
                "rejoin_p99_ms": 250.0,
                "load": 1.0,
                "extra_players": 0,
                "retries": 0,
                "problems": 0,
            }.items()
        }
    cohort = Area(
        "cohort",
        run.TITLES["cohort"],
        ["cmd"],
        ev_figs + rep_figs + pro_figs + cohort_memory.figures(memory) + cohort_scale.figures(scale),
        {"events": events, "report": report, "programme": programme, "memory": memory, "scale": scale, **raw_common},
    )

    with_tui = tmp_path / "saves"
    with_tui.mkdir()
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(tui_bench.TINY, small / "tiny.yaml")
    shutil.copy(tui_bench.GLOSSARY, small / "glossary.yaml")
    latency = asyncio.run(tui_bench.measure_choice_latency(1, small, with_tui))
    assert latency["choices"] >= 1
    start = {"runs": 1, "bare": 100.0, "first": 120.0, "library": 300.0}  # start-up spawns processes: not here
    tui = Area(
        "tui",
        run.TITLES["tui"],
        ["cmd"],
        tui_bench.figures(start, latency),
        {"startup": start, "latency": latency, **raw_common},
    )

    out_figs, out_raw = outcomes_bench.bench(paths=[outcomes_bench.TINY], game=outcomes_bench.TINY, repeat=1)
    game = out_raw["game"]
    assert game["reference_shown"] and game["decisions"] >= 1 and game["children_rss"] == 0
    assert out_raw["builds"][0]["build"]["mapped"] > 0 and out_raw["lookup"]["found"] == out_raw["lookup"]["decisions"]
    outcomes = Area("outcomes", run.TITLES["outcomes"], ["cmd"], out_figs, {**out_raw, **raw_common})

    doc = run.render_doc(
        ["--quick"],
        True,
        {"loads": (1.0, 1.0, 1.0), "when": "today"},
        {"toolkit": toolkit, "cohort": cohort, "outcomes": outcomes},
        None,
    )
    assert "Quick run" in doc and "## Goals" in doc and "<= 3x safe_load" in doc and "< 80 MB" in doc
    assert "< 100 ms" in doc and "< 500 MB" in doc and "< 0.5 s" in doc and "first report (outcome map" in doc
    assert "Programme report, 2 sessions x 3 players" in doc and "10 scripted players across 3 hubs" in doc
    assert "Terminal UI" not in doc
    again = run.render_doc(["--only", "tui"], True, {"loads": (1.0, 1.0, 1.0), "when": "later"}, {"tui": tui}, doc)
    for title in ("## Terminal UI", "## Author toolkit", "## Cohorts", "## Outcome maps"):
        assert title in again
    assert "<= 1.5x bare app" in again and "kept from the previous run" in again
