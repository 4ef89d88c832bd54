"""`simgame run` shows the reference points: best and worst reachable, and what each decision gave up."""

from __future__ import annotations

import json
from typing import Any

import pytest

from simgame.analysis.search import outcome_range
from simgame.cli import main
from simgame.format.loader import load_scenario
from tests.support import TINY


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["run", str(TINY), *args, "--format", "json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_json_has_the_exhaustive_reference_points_and_each_decisions_cost(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--seed", "2", "--choose", "scale-now,measure")
    exhaustive = outcome_range(load_scenario(TINY))
    ref = data["reference"]
    assert (ref["best"], ref["worst"]) == (exhaustive.best, exhaustive.worst)
    assert ref["expected_random_play"] < ref["expected_best_play"]
    first = data["steps"][0]["quality"]
    assert first["best"] == ["name-owner"] and first["given_up"] == pytest.approx(11.55)
    assert first["quality"] == 0.0 and set(first["expected"]) == {"scale-now", "name-owner"}
    assert ref["costliest"] == [0] and ref["given_up"] == pytest.approx(first["given_up"] + 0.0, abs=0.01)

    good = run_json(capsys, "--seed", "2", "--choose", "name-owner,measure")
    assert good["steps"][0]["quality"]["given_up"] == 0.0 and good["reference"]["costliest"] == []


def test_no_reference_leaves_it_out(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--seed", "2", "--choose", "scale-now,measure", "--no-reference")
    assert "reference" not in data and "quality" not in data["steps"][0]


def test_text_names_the_costliest_decision_and_what_was_best(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(TINY), "--seed", "2", "--choose", "scale-now,measure"]) == 0
    out = capsys.readouterr().out
    tail = out[out.index("Compared with what was possible") :]
    assert "Best reachable 60/100, worst 41.7/100" in tail
    assert "Decision 1, Monday: “Scale to every region now” gave up 11.6 points against “Name an owner" in tail
    assert "NIST AI RMF MANAGE 2.4" in tail  # the best option's debrief note says why
