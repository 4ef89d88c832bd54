"""The debrief's charts: how each metric moved (drawn in text cells, with its numbers in words), the
outcome profile beside its numbers, and the HTML export with the same charts as inline SVG."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from simgame.engine.run import Run
from simgame.engine.scoring import debrief
from simgame.format.loader import load_scenario
from simgame.tui.charts import BLOCKS, metric_series, metrics_text, series_chart, series_words
from simgame.tui.debriefhtml import debrief_html
from tests.tui.snapshots import assert_snapshot
from tests.tui.support import SIZE, TINY, make_app, wait_for
from tests.tui.test_flows import start_tiny, take, text_of


def _tiny_run(choices: list[str], seed: int = 1) -> Run:
    return Run.replay(load_scenario(TINY), seed, choices)


def _drift_seed() -> int:
    """A seed on which scaling at once sets off the drift event (so an event moves the risk)."""
    sc = load_scenario(TINY)
    for seed in range(200):
        run = Run.replay(sc, seed, ["scale-now"])
        if run.scene_id == "incident":
            return seed
    raise AssertionError("no seed sets off the drift event")


def test_series_follow_the_dashboard_values_and_mark_the_events() -> None:
    seed = _drift_seed()
    run = Run.replay(load_scenario(TINY), seed, ["scale-now"])
    run.choose("keep-running")
    d = debrief(run)
    risk = next(s for s in metric_series(run, d) if s.metric == "risk")
    assert risk.start == 30 and risk.lower_is_better
    # scale-now: +20, then the drift event +15 on arriving at the incident; keep running: +10
    assert [s.value for s in risk.steps] == [65, 75]
    assert risk.steps[0].events and risk.steps[0].events[0][1] == 15
    assert risk.end == run.metrics["risk"]
    words = series_words(risk)
    assert "Risk exposure started at 30." in words
    assert "After decision 1 (Monday: “Scale to every region now”): 65 (+35, worse)." in words
    assert "An event moved it +15: “Triage quality drops after a product change.”" in words
    assert "After decision 2 (Incident: “Keep it running and patch”): 75 (+10, worse)." in words
    assert "It ended at 75: +45 since the start, worse." in words
    assert "Lower is better for this one." in words
    chart = series_chart(risk, 78).plain
    assert "! an event moved it" in chart
    assert "S" in chart.splitlines()[4] and "1" in chart.splitlines()[4]


def test_the_chart_columns_rise_with_the_value() -> None:
    run = _tiny_run(["name-owner", "measure"])
    value = next(s for s in metric_series(run, debrief(run)) if s.metric == "value")
    lines = series_chart(value, 78).plain.splitlines()
    assert [s.value for s in value.steps] == [35, 45]
    cells = [line[5:] for line in lines[:4]]  # after the scale (" 100┤")
    eighths = [sum(BLOCKS.index(row[i * 3]) for row in cells) for i in range(3)]
    assert eighths == [10, 11, 14]  # 30, 35 and 45 of 0-100 over 32 eighths, rounded
    assert "better" in series_words(value)


def test_a_chart_fits_80_columns_with_many_decisions() -> None:
    run = _tiny_run(["name-owner", "measure"])
    series = metric_series(run, debrief(run))[0]
    long = type(series)(series.metric, series.label, False, 0, 100, 30, series.steps * 12)
    assert all(len(line) <= 78 for line in series_chart(long, 78).plain.splitlines())
    assert all(len(line) <= 78 for line in metrics_text([long], 78).plain.splitlines() if "│" in line)


def test_html_debrief_has_inline_svg_charts_with_their_numbers_in_words(tmp_path: Path) -> None:
    seed = _drift_seed()
    run = Run.replay(load_scenario(TINY), seed, ["scale-now", "keep-running"])
    page = debrief_html(debrief(run), run, ["Compared with what was possible", "Best reachable: 80/100"])
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 3  # the profile and two visible metrics
    for svg in svgs:
        tree = ElementTree.fromstring(svg)  # well-formed
        assert tree.get("role") == "img"
        assert tree.find("{http://www.w3.org/2000/svg}title") is not None
        assert tree.find("{http://www.w3.org/2000/svg}desc").text
    assert "Value: " in svgs[0] and "/100" in svgs[0]
    assert "An event moved it +15: “Triage quality drops" in page
    assert "Compared with what was possible" in page
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from the network


def test_html_debrief_escapes_authored_text() -> None:
    run = _tiny_run(["name-owner", "measure"])
    d = debrief(run)
    d.title = "<script>alert(1)</script> [b]x[/b]"
    page = debrief_html(d, run)
    assert "<script>" not in page and "&lt;script&gt;" in page and "[b]x[/b]" in page


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_metrics_tab_shows_charts_and_words(library: Path, saves: Path, size: tuple[int, int]) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=size) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await pilot.press("m")
        await wait_for(pilot, lambda: app.screen.query_one("#tab-metrics").display)
        shown = text_of(app, "#metrics-text")
        assert "How your metrics moved" in shown
        assert "Value realised  30 → 45 (+15, better)" in shown
        assert "Risk exposure ↓  30 → 20 (-10, better)" in shown
        assert "█" in shown or "▇" in shown
        assert "Value realised started at 30." in " ".join(shown.split())
        await wait_for(pilot, lambda: app.screen.range is not None)
        if size == SIZE:
            assert_snapshot(app.export_screenshot(), "debrief-metrics")


async def test_export_writes_markdown_and_html(library: Path, saves: Path) -> None:
    app = make_app(library, saves, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await take(pilot, "name-owner")
        await take(pilot, "measure")
        await wait_for(pilot, lambda: app.screen.range is not None)
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.exported is not None)
        page = (saves / "debriefs" / "tiny-run-1.html").read_text(encoding="utf-8")
        assert (saves / "debriefs" / "tiny-run-1.md").exists()
        assert page.count("<svg") == 3 and "Best reachable" in page
        assert "tiny-run-1.html" in text_of(app, "#debrief-status")
