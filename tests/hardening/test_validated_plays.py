"""Anything `simgame validate` accepts also plays: generated small scenarios, started and played at random.

Property: when a generated scenario loads without errors, `Run.start` raises nothing, and random
play to an ending raises nothing but the project's own `EngineError` (a `next: end` with no
ending that holds is only a warning, SG403). The generator is deliberately careless (loops,
events that divert, conditions that can never hold, chances above 1) so that validate has to
refuse what cannot play.
"""

from __future__ import annotations

import random
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simgame.engine.run import EngineError, Run
from simgame.format.loader import check_text

SCENES = ["s0", "s1", "s2", "s3"]
ENDINGS = ["good", "bad"]
METRICS = ["m0", "m1"]
FLAGS = ["f0", "f1"]
MAX_STEPS = 60


@st.composite
def numbers(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["0", "1", "0.5", "10", "100", "1000000", "0.0001"]))


@st.composite
def number_expr(draw: st.DrawFn, depth: int = 2) -> str:
    atoms = [*METRICS, draw(numbers()), "turn()", "visits(s0)"]
    if depth <= 0:
        return draw(st.sampled_from(atoms))
    kind = draw(st.sampled_from(["atom", "atom", "binary", "call", "if"]))
    if kind == "atom":
        return draw(st.sampled_from(atoms))
    if kind == "binary":
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return f"({draw(number_expr(depth - 1))} {op} {draw(number_expr(depth - 1))})"
    if kind == "call":
        f = draw(st.sampled_from(["min", "max", "abs"]))
        args = [draw(number_expr(depth - 1)) for _ in range(1 if f == "abs" else 2)]
        return f"{f}({', '.join(args)})"
    return f"if({draw(bool_expr(depth - 1))}, {draw(number_expr(depth - 1))}, {draw(number_expr(depth - 1))})"


@st.composite
def bool_expr(draw: st.DrawFn, depth: int = 2) -> str:
    atoms = [*FLAGS, "true", "false", "chose(c0)", "visited(s0)"]
    if depth <= 0:
        return draw(st.sampled_from(atoms))
    kind = draw(st.sampled_from(["atom", "cmp", "cmp", "and", "not"]))
    if kind == "atom":
        return draw(st.sampled_from(atoms))
    if kind == "cmp":
        op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
        return f"{draw(number_expr(depth - 1))} {op} {draw(number_expr(depth - 1))}"
    if kind == "not":
        return f"not ({draw(bool_expr(depth - 1))})"
    op = draw(st.sampled_from(["and", "or"]))
    return f"({draw(bool_expr(depth - 1))}) {op} ({draw(bool_expr(depth - 1))})"


@st.composite
def effects(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(METRICS), unique=True, max_size=2))
    return {m: draw(st.one_of(st.integers(-50, 50), number_expr(1))) for m in chosen}


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    scene_ids = SCENES[: draw(st.integers(1, len(SCENES)))]
    ending_ids = ENDINGS[: draw(st.integers(1, len(ENDINGS)))]
    targets = [*scene_ids, *ending_ids, "end"]
    choice_no = 0
    scenes: dict[str, Any] = {}
    for n, sid in enumerate(scene_ids):
        scene: dict[str, Any] = {"phase": "p", "text": f"Scene {sid}."}
        # a spine s0 -> s1 -> ... -> every ending keeps most generated scenarios reachable
        spine = [scene_ids[n + 1]] if n + 1 < len(scene_ids) else [*ending_ids, "end"]
        if n > 0 and len(spine) == 1 and draw(st.booleans()) and draw(st.booleans()):
            scene["next"] = draw(st.sampled_from([*spine, *targets]))
        else:
            choices = []
            for i in range(draw(st.integers(len(spine), len(spine) + 2))):
                choice: dict[str, Any] = {
                    "id": f"c{choice_no}",
                    "label": f"Option {choice_no}",
                    "next": spine[i] if i < len(spine) else draw(st.sampled_from(targets)),
                    "practice": "experimentation",
                }
                choice_no += 1
                if draw(st.booleans()):
                    choice["when"] = draw(bool_expr())
                if draw(st.booleans()):
                    choice["effects"] = draw(effects())
                if draw(st.booleans()):
                    choice["set"] = draw(st.lists(st.sampled_from(FLAGS), unique=True, max_size=2))
                if draw(st.booleans()):
                    choice["once"] = True
                choices.append(choice)
            scene["choices"] = choices
        events = []
        for i in range(draw(st.integers(0, 2))):
            event: dict[str, Any] = {"id": f"e{i}"}
            if draw(st.booleans()):
                event["when"] = draw(bool_expr())
            if draw(st.booleans()):
                event["chance"] = draw(st.one_of(st.sampled_from([0.0, 0.5, 1.0]), number_expr(1)))
            if draw(st.booleans()):
                event["goto"] = draw(st.sampled_from([*scene_ids, *ending_ids]))
            if draw(st.booleans()):
                event["effects"] = draw(effects())
            if draw(st.booleans()):
                event["clear"] = draw(st.lists(st.sampled_from(FLAGS), unique=True, max_size=2))
            events.append(event)
        if events:
            scene["events"] = events
        scenes[sid] = scene
    endings: dict[str, Any] = {}
    for eid in ending_ids:
        ending: dict[str, Any] = {"title": eid, "text": f"Ending {eid}."}
        if draw(st.booleans()):
            ending["when"] = draw(bool_expr())
        endings[eid] = ending
    metrics = {m: {"label": m, "start": draw(st.sampled_from([0, 50, 100]))} for m in METRICS}
    return {
        "format": "simgame/v1",
        "id": "generated",
        "title": "Generated",
        "version": "1",
        "as_of": "2026",
        "role": "Lead",
        "summary": "A generated scenario.",
        "minutes": 3,
        "metrics": metrics,
        "flags": {f: f"Flag {f}" for f in FLAGS},
        "phases": {"p": {"label": "P"}},
        "start": "s0",
        "scenes": scenes,
        "endings": endings,
        "debrief": {
            "dimensions": {"all": {"label": "All", "from": {"m0": 1}}},
            "bands": [{"id": "top", "min": 50, "label": "Top"}, {"id": "low", "min": 0, "label": "Low"}],
        },
    }


def play_at_random(run: Run, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(MAX_STEPS):
        if run.ended:
            return
        ids = run.available()
        if not ids:
            return  # stuck: an authoring problem `simgame explore` reports, not a crash
        run.choose(rng.choice(ids))


@settings(max_examples=max(200, settings.default.max_examples), suppress_health_check=[HealthCheck.too_slow])
@given(scenario(), st.integers(0, 2**32), st.integers(0, 1000))
def test_what_validates_starts_and_plays(doc: dict[str, Any], seed: int, play_seed: int) -> None:
    result = check_text(yaml.safe_dump(doc, sort_keys=False), "generated.yaml", None)
    if result.scenario is None:
        assert any(d.is_error for d in result.diagnostics)
        return
    run = Run.start(result.scenario, seed)  # no exception at all: a scenario that validates starts
    try:
        play_at_random(run, play_seed)
    except EngineError:
        pass  # the project's own error type (e.g. `next: end` with no default ending, a warning)
    finally:
        run.close()
