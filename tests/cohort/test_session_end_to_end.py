"""One lockstep session through the hub: a browser player (Chromium), a terminal player and scripted
players over HTTP; forged events are refused, and the store keeps exactly what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from simgame.cohort import pacing
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.hubclient import HubClient, HubRefused
from simgame.cohort.room import REVEAL_WIDTH, short_label
from simgame.cohort.sessions import scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.scoring import score
from tests.cohort.hubsupport import HubProcess, free_port, wait_for
from tests.cohort.test_browser import Screen, browser  # noqa: F401 (the Chromium fixture)

PLANS = {  # each HTTP player's first decision (the second: `measure` if offered)
    "Terminal Tom": ["name-owner"],
    "bot 1": ["name-owner"],
    "bot 2": ["scale-now"],
    "bot 3": ["name-owner"],
    "bot 4": ["scale-now"],
}
BEA = ["name-owner", "measure"]


def _split(bea: str, plans: dict[str, list[str]]) -> dict[str, int]:
    """How many of the room chose each option at the first decision."""
    counts: dict[str, int] = {}
    for choice in [bea, *(plan[0] for plan in plans.values())]:
        counts[choice] = counts.get(choice, 0) + 1
    return counts


def _then(run: Run) -> str:
    offered = [o.id for o in run.options() if o.available]
    return "measure" if "measure" in offered else offered[0]


def _key(cohort: Cohort, player: str, done: list[str], choice: str) -> str:
    """The number ``player`` sees for ``choice`` after ``done`` (each player has their own order)."""
    run = Run.replay(scenario_of(cohort), cohort.seed, done, order_key=player)
    return str(next(o.number for o in run.options() if o.id == choice))


def test_a_lockstep_session_keeps_exactly_what_happened(
    browser: webdriver.Chrome,  # noqa: F811
    store: SqliteStore,
    lockstep_cohort: tuple[Cohort, str],
    tmp_path: Path,
) -> None:
    cohort, _ = lockstep_cohort
    code = cohort.code
    scenario = scenario_of(cohort)
    hub = HubProcess(code, store.path, free_port(), tmp_path / "hub.log").start()
    refused: list[str] = []
    try:
        browser.set_window_size(1024, 768)  # the narrowest laptop screen the reveal must fit
        browser.get(f"{hub.url}/?code={code}")
        screen = Screen(browser)
        wait_for(lambda: screen.shows("Your name"), 60, "the game to ask for a name")
        keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        keys.send_keys("Browser Bea\n")
        wait_for(lambda: any(p.name == "Browser Bea" for p in store.players(code)), 30, "Bea to join")
        bea = next(p.id for p in store.players(code) if p.name == "Browser Bea")

        http: dict[str, tuple[HubClient, dict[str, Any]]] = {}
        for name in PLANS:
            client = HubClient(hub.url, code)
            http[name] = (client, client.join(name, "Team A" if name == "Terminal Tom" else None))

        def send(name: str, kind: str, step: int, data: dict[str, Any]) -> None:
            client, info = http[name]
            event = make_event(kind, info["player"], step, data)
            wire = {"id": event.id, "kind": kind, "step": step, "data": data}
            client.send(info["player"], [wire], info["device"])

        def forged(name: str, kind: str, step: int, data: dict[str, Any], reason: str) -> None:
            with pytest.raises(HubRefused, match=reason) as no:
                send(name, kind, step, data)
            refused.append(no.value.event_id)

        forged("Terminal Tom", CHOSE, 0, {"choice": "name-owner"}, "not open yet")  # before the facilitator opens
        pacing.open_next(store, store.cohort(code))
        forged("Terminal Tom", CHOSE, 0, {"choice": "celebrate"}, "not an option")  # exists, never offered here
        forged("bot 1", CHOSE, 1, {"choice": "measure"}, "step 2 cannot come before step 1")  # a step out of order
        early = {"ending": "scaled", "score": 99.0}
        forged("bot 2", FINISHED, 0, early, "finish must follow|not reached an ending")  # a finish at step 0
        for name, plan in PLANS.items():
            send(name, CHOSE, 0, {"choice": plan[0]})
        first = _key(cohort, bea, [], BEA[0])

        def bea_chose(n: int) -> bool:
            return sum(e.kind == CHOSE and e.player == bea for e in store.events(code)) >= n

        wait_for(lambda: (keys.send_keys(first), bea_chose(1))[1], 60, "Bea's first decision to be stored")
        cohort = pacing.reveal(store, store.cohort(code))
        # Bea goes on from the consequence and, while the next decision waits, reads the room's split
        # on her screen: a bar chart whose every line fits at 1024 px.
        keys.send_keys("\n")
        wait_for(lambda: screen.shows(f"The room on decision 1 ({1 + len(PLANS)} answers):"), 30, "the reveal")
        assert screen.columns >= REVEAL_WIDTH, screen.columns
        revealed = [
            f"{round(100 * n / (1 + len(PLANS))):>3}%  {short_label(scenario.choices[c].model.label)}"
            for c, n in _split(BEA[0], PLANS).items()
        ]
        wait_for(lambda: all(screen.shows(line) for line in revealed), 30, "every line of the reveal, whole")
        cohort, late = pacing.advance(store, cohort)
        assert late == 0
        for name, plan in PLANS.items():
            run = Run.replay(scenario, cohort.seed, plan, order_key=http[name][1]["player"])
            plan.append(_then(run))
            send(name, CHOSE, 1, {"choice": plan[1]})
            run.choose(plan[1])
            overall = score(scenario, run, run.metrics).overall
            wrong = {"ending": "crisis" if run.ending != "crisis" else "scaled", "score": overall}
            forged(name, FINISHED, 2, wrong, "does not match a replay")  # not where the replay ends
            send(name, FINISHED, 2, {"ending": run.ending, "score": overall})
        second = _key(cohort, bea, BEA[:1], BEA[1])
        wait_for(lambda: (keys.send_keys(second), bea_chose(2))[1], 60, "Bea's second decision to be stored")
        wait_for(lambda: any(e.kind == FINISHED and e.player == bea for e in store.events(code)), 30, "Bea's finish")
    except AssertionError as exc:
        browser.save_screenshot(str(tmp_path / "browser.png"))
        log = (tmp_path / "hub.log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"{exc}\n(screenshot: {tmp_path / 'browser.png'})\nhub log:\n{log}") from None
    finally:
        hub.stop()

    # The store replays exactly: nothing lost, doubled or invented.
    events = store.events(code)
    assert len({e.id for e in events}) == len(events) and not set(refused) & {e.id for e in events}
    plans = {p.id: (BEA if p.id == bea else PLANS[p.name]) for p in store.players(code)}
    assert len(plans) == 1 + len(PLANS)
    for player, plan in plans.items():
        chose = [e for e in events if e.kind == CHOSE and e.player == player]
        assert [(e.step, e.data["choice"]) for e in chose] == list(enumerate(plan)), player
        run = Run.replay(scenario, cohort.seed, plan, order_key=player)
        (finish,) = [e for e in events if e.kind == FINISHED and e.player == player]
        assert run.ended and finish.step == 2 and finish.data["ending"] == run.ending
        assert finish.data["score"] == score(scenario, run, run.metrics).overall
