"""`simgame run` reads options in the order the player sees them: policies, JSON `available`/`shown`, text numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from simgame.cli import main
from simgame.engine.run import Run
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA, TINY

HUB = DATA / "hub-once.yaml"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["run", *args, "--format", "json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def replay_checking(sc: Scenario, seed: int, choices: list[str], expect: Callable[[Run], str]) -> None:
    """Replay a log and check every pick is the one ``expect`` names at that point."""
    run = Run.start(sc, seed)
    for choice in choices:
        assert choice == expect(run), (seed, run.scene_id, run.options())
        run.choose(choice)
    assert run.ended


def label_length(run: Run) -> dict[str, int]:
    return {o.id: len(o.label) for o in run.options()}


@pytest.mark.parametrize(
    ("policy", "expect"),
    [
        ("first", lambda run: run.available()[0]),
        ("last", lambda run: run.available()[-1]),
        ("longest", lambda run: max(run.available(), key=lambda c: label_length(run)[c])),
        ("shortest", lambda run: min(run.available(), key=lambda c: label_length(run)[c])),
    ],
)
def test_each_policy_picks_among_the_options_as_shown(
    capsys: pytest.CaptureFixture[str], tiny: Scenario, policy: str, expect: Callable[[Run], str]
) -> None:
    for seed in range(6):
        data = run_json(capsys, str(TINY), "--seed", str(seed), "--policy", policy)
        assert data["ended"]
        replay_checking(tiny, seed, data["choices"], expect)


def test_first_and_last_follow_the_shuffle_not_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    firsts = {run_json(capsys, str(HUB), "--seed", str(s), "--policy", "first")["choices"][0] for s in range(12)}
    lasts = {run_json(capsys, str(HUB), "--seed", str(s), "--policy", "last")["choices"][0] for s in range(12)}
    assert firsts == lasts == {"ask-floor", "check-in", "wrap-up"}  # every option is first (and last) for some seed


def test_longest_and_shortest_go_by_label_wherever_it_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    for seed in range(4):
        assert run_json(capsys, str(TINY), "--seed", str(seed), "--policy", "longest")["choices"][0] == "name-owner"
        assert run_json(capsys, str(TINY), "--seed", str(seed), "--policy", "shortest")["choices"][0] == "scale-now"


def test_json_lists_available_and_each_step_in_display_order(capsys: pytest.CaptureFixture[str]) -> None:
    hub = load_scenario(HUB)
    differs = 0
    for seed in range(6):
        data = run_json(capsys, str(HUB), "--seed", str(seed), "--choose", "check-in")
        run = Run.replay(hub, seed, ["check-in"])
        assert data["available"] == run.available() == data["steps"][-1]["shown"]
        assert data["steps"][0]["shown"] == list(run.history[0].shown)
        differs += data["available"] != ["ask-floor", "check-in", "wrap-up"]
    assert differs  # the file's order is not what the JSON reports


def test_text_numbers_the_options_as_shown(capsys: pytest.CaptureFixture[str]) -> None:
    hub = load_scenario(HUB)
    for seed in (0, 1, 2):
        assert main(["run", str(HUB), "--seed", str(seed), "--choose", "check-in"]) == 0
        out = capsys.readouterr().out
        listed = re.findall(r"^  (\d)\. .* \[([a-z-]+)\]$", out, re.M)
        first_visit, second_visit = listed[:3], listed[3:]
        assert [cid for _n, cid in first_visit] == [o.id for o in Run.start(hub, seed).options()]
        assert [cid for _n, cid in second_visit] == Run.replay(hub, seed, ["check-in"]).available()
        assert [n for n, _cid in listed] == ["1", "2", "3", "1", "2", "3"]
        assert f"Choices here: {', '.join(Run.replay(hub, seed, ['check-in']).available())}" in out


def test_an_unknown_policy_is_refused_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", str(TINY), "--policy", "middle"])
    err = capsys.readouterr().err
    assert "invalid choice: 'middle'" in err and "longest" in err and "Traceback" not in err
