"""`once: true`: a choice in a hub the player returns to disappears after it has been chosen."""

from __future__ import annotations

import json

import pytest

from simgame.cli import main
from simgame.engine.run import EngineError, Run
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA

HUB = DATA / "hub-once.yaml"


@pytest.fixture(scope="module")
def hub() -> Scenario:
    return load_scenario(HUB)


def test_a_once_choice_disappears_after_it_is_chosen_and_is_refused(hub: Scenario) -> None:
    run = Run.start(hub, 0)
    # Options are shown in a per-run shuffled order (simgame.engine.order): compare what is offered.
    assert sorted(run.available()) == ["ask-floor", "check-in", "wrap-up"]
    d = run.choose("ask-floor")
    assert d.next == "hub" and run.scene_id == "hub"  # back in the same scene
    assert sorted((o.id, o.available) for o in run.options()) == [("check-in", True), ("wrap-up", True)]
    assert [o.number for o in run.options()] == [1, 2]
    assert sorted(run.available()) == ["check-in", "wrap-up"]
    with pytest.raises(EngineError, match=r"`ask-floor` is not available now; choices here: check-in, wrap-up"):
        run.choose("ask-floor")
    assert run.choice_log == ["ask-floor"] and run.metrics["value"] == 40.0  # the refusal changed nothing


def test_a_choice_without_once_stays_on_every_visit(hub: Scenario) -> None:
    run = Run.start(hub, 0)
    for _ in range(3):
        run.choose("check-in")
        assert sorted(run.available()) == ["ask-floor", "check-in", "wrap-up"]
    run.choose("ask-floor")
    run.choose("check-in")
    assert sorted(run.available()) == ["check-in", "wrap-up"]  # still gone on later visits
    assert run.visited["hub"] == 6 and run.metrics["value"] == 30 + 3 + 10 + 1
    run.choose("wrap-up")
    assert run.ended and run.ending == "done"


def test_rewinding_before_a_once_choice_offers_it_again(hub: Scenario) -> None:
    run = Run.replay(hub, 0, ["check-in", "ask-floor"])
    assert "ask-floor" not in run.available()
    back = run.rewind(1)
    assert sorted(back.available()) == ["ask-floor", "check-in", "wrap-up"]
    with pytest.raises(EngineError, match="not available now"):
        Run.replay(hub, 0, ["ask-floor", "check-in", "ask-floor"])


def test_cli_run_refuses_a_once_choice_made_twice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(HUB), "--choose", "ask-floor,ask-floor"]) == 1
    err = capsys.readouterr().err
    assert "step 2 (scene `hub`): `ask-floor` is not available now; choices here: check-in, wrap-up" in err
    assert "Traceback" not in err


def test_cli_run_lists_what_is_left_after_a_once_choice(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(HUB), "--choose", "ask-floor,check-in", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["choices"] == ["ask-floor", "check-in"] and not data["ended"]
    assert data["scene"] == "hub" and data["available"] == ["check-in", "wrap-up"]
    assert main(["run", str(HUB), "--choose", "ask-floor,check-in,wrap-up"]) == 0
    out = capsys.readouterr().out
    assert "Debrief: Reported" in out
