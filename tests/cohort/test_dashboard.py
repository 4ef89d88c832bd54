"""The facilitator dashboard: the live view's data, paging for 200 players, pacing keys, the room view."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from simgame.cohort import pacing
from simgame.cohort.dashboard import Confirm, Dashboard
from simgame.cohort.events import CHOSE, FACILITATOR, FINISHED, make_event
from simgame.cohort.liveview import PAGE_SIZE, bar_lines, build, histogram_lines
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.format.compiled import Scenario


def _room(store: SqliteStore, cohort: Cohort, tiny: Scenario, players: int, finish_every: int = 2) -> None:
    for i in range(players):
        player, _ = store.join(cohort.code, f"player {i:03d}", f"T{i % 3}")
        if i % finish_every:
            continue
        run = Run.replay(tiny, cohort.seed, ["name-owner" if i % 4 else "scale-now"])
        events = [make_event(CHOSE, player.id, 0, {"choice": run.history[0].choice, "scene": "kickoff"})]
        run.choose(run.available()[0])
        events.append(make_event(CHOSE, player.id, 1, {"choice": run.history[1].choice, "scene": run.history[1].scene}))
        if run.ended:
            events.append(make_event(FINISHED, player.id, 2, {"ending": run.ending}))
        store.append(cohort.code, events)
        run.close()


def test_live_view_pages_200_players_and_puts_stragglers_first(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = lockstep_cohort
    store.set_pacing(cohort.code, make_event(FACILITATOR, None, None, {"action": "open"}), open_step=2)
    _room(store, cohort, tiny, 200)
    view = build(store, cohort.code, tiny)
    assert len(view.rows) == 200 and view.finished > 0
    assert len(view.stragglers) == 100  # half never chose decision 1 nor 2
    assert all(r.straggler for r in view.rows[:100]) and not any(r.straggler for r in view.rows[100:])
    rows, page, pages = view.page(3)
    assert (len(rows), page, pages) == (PAGE_SIZE, 3, 8)
    assert view.page(99)[1] == 7
    ((title, pairs),) = build(store, cohort.code, tiny, focus=0).splits  # decision 1: one scene
    assert title == "Monday" and sum(n for _, n in pairs) == 100
    assert len(view.splits) > 1  # decision 2 is reached in two scenes: two splits, never one mixed
    assert {t for t, _ in view.splits} == {"Rollout", "Incident"}
    assert len(view.scores) == view.finished
    assert {r.where for r in view.rows if r.decisions == 0} == {"Monday"}  # where each player is now
    assert all(r.where.startswith("ending: ") for r in view.rows if r.status == "finished")


def test_free_play_stragglers_are_the_idle(store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario) -> None:
    cohort, _ = free_cohort
    store.join(cohort.code, "sleepy", None)
    assert not build(store, cohort.code, tiny).stragglers
    later = datetime.now(UTC) + timedelta(minutes=10)
    (row,) = build(store, cohort.code, tiny, now=later).stragglers
    assert row.name == "sleepy" and row.status.startswith("idle 10 min")


def test_text_charts_withhold_small_groups() -> None:
    assert bar_lines([("A", 2), ("B", 1)]) == ["3 answer(s): split withheld until 5 have answered"]
    lines = bar_lines([("A", 4), ("B", 2)])
    assert lines[0].endswith("4  67%") and lines[1].endswith("2  33%")
    assert "withheld" in histogram_lines([50.0] * 4)[0]
    assert histogram_lines([55.0] * 5)[5].endswith(" 5")


async def test_dashboard_pages_paces_and_hides_names(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, key = lockstep_cohort
    cohort = pacing.set_pace(store, cohort, "free")
    _room(store, cohort, tiny, 60)  # 30 played in free play, then the room goes lockstep
    pacing.set_pace(store, cohort, "lockstep")
    app = Dashboard(cohort.code, store.path, key, refresh_seconds=60)
    async with app.run_test(size=(140, 40)) as pilot:
        table = app.query_one("#players")
        assert table.row_count == PAGE_SIZE
        assert "page 1/3" in str(app.query_one("#page").render())
        await pilot.press("n", "n", "n")
        assert "page 3/3" in str(app.query_one("#page").render()) and table.row_count == 10
        await pilot.press("o", "o")  # a double press opens one decision
        assert store.cohort(cohort.code).open_step == 1
        await pilot.press("a")  # 30 would time out: it asks first
        assert store.cohort(cohort.code).open_step == 1 and isinstance(app.screen, Confirm)
        await pilot.press("a", "n")  # a second press while asked does nothing; "n" declines
        assert store.cohort(cohort.code).open_step == 1 and not isinstance(app.screen, Confirm)
        await pilot.press("a", "y")
        assert store.cohort(cohort.code).open_step == 2
        actions = [e.data for e in store.events(cohort.code) if e.kind == FACILITATOR and "pace" not in e.data]
        assert [(a["action"], a["by"]) for a in actions] == [("open", "dashboard"), ("advance", "dashboard")]
        assert len(actions[1]["timed_out"]) == 30
        await pilot.press("v")
        assert app.has_class("-room") and not table.display
        assert "player 0" not in str(app.query_one("#stragglers").render())


async def test_dashboard_without_the_key_cannot_pace(store: SqliteStore, lockstep_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = lockstep_cohort
    app = Dashboard(cohort.code, store.path, None, refresh_seconds=60)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("o")
    assert store.cohort(cohort.code).open_step == 0


ENGINE_SIDE = [
    "simgame.cohort.client",
    "simgame.cohort.hub",
    "simgame.cohort.analytics",
    "simgame.cohort.html",
    "simgame.cohort.render",
    "simgame.cohort.resultfile",
    "simgame.cohort.liveview",
    "simgame.cli.cohort",
    "simgame.cli.serve",
    "simgame.cli.export",
]


def test_the_cohort_engine_side_never_imports_textual(cohort_env: Path) -> None:
    code = (
        f"import sys, {', '.join(ENGINE_SIDE)}\n"
        "print(','.join(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""
