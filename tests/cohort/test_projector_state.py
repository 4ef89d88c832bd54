"""The projector's data: counts never names, the split only when revealed and five answered, cells withheld."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simgame.cohort import pacing
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.projector import DEBRIEF, DECISION, LOBBY, ProjectorCache, join_url, room_state
from simgame.cohort.sessions import create, scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.cohort.summary import summarise
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from tests.support import DATA

LONG = (
    "Name an owner with the authority to switch the model off at any hour, brief the works council, the "
    "regulator and the claims teams in every region on what the model may and may not decide, agree the "
    "measures of success with finance before a single region goes live, and only then scale it region by region"
)


def long_scenario(folder: Path) -> Path:
    """tiny.yaml with one option's label made very long (the wall must show it whole)."""
    text = (DATA / "tiny.yaml").read_text()
    text = text.replace("label: Name an owner with authority to switch it off, then scale", f"label: {LONG}")
    path = folder / "tiny-long.yaml"
    path.write_text(text)
    return path


def play(store: SqliteStore, cohort: Cohort, room: list[tuple[str, list[str]]], finish: bool = True) -> None:
    """Each (name, choices) joins and plays; with ``finish`` the run is played to its end (first options)."""
    scenario = scenario_of(cohort)
    for name, choices in room:
        player, _ = store.join(cohort.code, name, None)
        run = Run.start(scenario, cohort.seed)
        events = []
        wanted = list(choices)
        while not run.ended and (wanted or finish):
            choice = wanted.pop(0) if wanted else run.available()[0]
            d = run.choose(choice if choice in run.available() else run.available()[0])
            number = len([e for e in events if e.kind == CHOSE])
            events.append(
                make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene, "decision": number})
            )
        if run.ended:
            events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(cohort.code, events)
        run.close()


def state(store: SqliteStore, cohort: Cohort, view: str = "auto", focus: int | None = None) -> dict[str, object]:
    scenario: Scenario = scenario_of(cohort)
    return room_state(
        store,
        cohort.code,
        scenario,
        ProjectorCache(),
        lambda: summarise(analyse(store, cohort.code, scenario)),
        view,
        focus,
    )


def test_counts_only_and_names_never(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = free_cohort
    assert state(store, cohort)["view"] == LOBBY
    play(store, cohort, [(f"Secret{i}", ["name-owner"]) for i in range(3)], finish=False)
    s = state(store, cohort)
    assert s["view"] == DECISION and s["joined"] == 3
    d = s["decision"]
    assert d["answered"] == 3 and d["number"] == 1  # type: ignore[index]
    (scene,) = d["scenes"]  # type: ignore[index]
    assert not scene["shown"] and all(o["share"] is None for o in scene["options"])
    assert "Secret" not in json.dumps(s)


def test_a_small_cell_is_withheld_with_the_next_smallest(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = free_cohort
    play(store, cohort, [(f"o{i}", ["name-owner"]) for i in range(6)] + [("s0", ["scale-now"])], finish=False)
    (scene,) = state(store, cohort, focus=0)["decision"]["scenes"]  # type: ignore[index]
    assert scene["shown"] and scene["answered"] == 7
    # One chose to scale: that cell is withheld, and so the 6 (7 - 6 would give the one back).
    assert {o["label"][:5]: o["share"] for o in scene["options"]} == {"Scale": None, "Name ": None}
    play(store, cohort, [(f"t{i}", ["scale-now"]) for i in range(4)], finish=False)
    (scene,) = state(store, cohort, focus=0)["decision"]["scenes"]  # type: ignore[index]
    assert {o["label"][:5]: o["share"] for o in scene["options"]} == {"Scale": 0.455, "Name ": 0.545}


def test_lockstep_shows_the_split_only_once_revealed(store: SqliteStore, lockstep_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = lockstep_cohort
    assert state(store, cohort)["view"] == LOBBY
    cohort = pacing.open_next(store, cohort)
    play(store, cohort, [(f"p{i}", ["name-owner"]) for i in range(5)], finish=False)
    s = state(store, cohort)
    (scene,) = s["decision"]["scenes"]  # type: ignore[index]
    assert s["view"] == DECISION and not s["decision"]["revealed"] and not scene["shown"]  # type: ignore[index]
    assert "reveals" in scene["note"]
    pacing.reveal(store, store.cohort(cohort.code))
    (scene,) = state(store, cohort)["decision"]["scenes"]  # type: ignore[index]
    assert scene["shown"] and [o["share"] for o in scene["options"]] == [0.0, 1.0]


def test_the_debrief_is_the_reports_and_withholds_small_endings(
    store: SqliteStore, cohort_env: Path, tmp_path: Path
) -> None:
    cohort, _ = create(store, "three-endings", "Endings", "free")
    room = [(f"g{i}", ["measure"]) for i in range(6)] + [("a0", ["drift"]), ("k0", ["force"])]
    play(store, cohort, room)
    s = state(store, cohort)
    assert s["view"] == DEBRIEF
    b = s["debrief"]
    assert [e["count"] for e in b["endings"]] == [6, None]  # type: ignore[index]
    assert "Other endings" in b["endings"][1]["title"] and b["hot_wash"][0]["stage"] == "Reactions"  # type: ignore[index]
    assert all(h["count"] is None or h["count"] >= 5 for h in b["histogram"])  # type: ignore[index]


def test_the_join_url_comes_from_the_hubs_settings() -> None:
    assert join_url("127.0.0.1", 8765, "K7QF3M") == "http://127.0.0.1:8765/?code=K7QF3M"
    assert join_url("0.0.0.0", 80, "K7QF3M", ["hub.room.example"]) == "http://hub.room.example:80/?code=K7QF3M"
    assert join_url("::1", 9000, "K7QF3M") == "http://[::1]:9000/?code=K7QF3M"
    assert join_url("0.0.0.0", 8765, "K7QF3M").startswith("http://")


def test_the_hub_never_waits_for_an_outcome_map_to_be_built(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The projector's debrief runs on the hub's store thread: a missing map is reported, never built there."""
    import simgame.cohort.analytics as analytics

    def no_building(*_: object, **__: object) -> None:
        raise AssertionError("the hub built an outcome map")

    monkeypatch.setattr(analytics, "ensure_map", no_building)
    cohort, _ = free_cohort
    play(store, cohort, [(f"p{i}", ["name-owner"]) for i in range(5)])
    a = analyse(store, cohort.code, scenario_of(cohort), maps=tmp_path / "no-maps", build=False)
    assert a.reference is None and a.unavailable == "the outcome map is still being built"
