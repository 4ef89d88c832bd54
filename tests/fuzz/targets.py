"""One function per fuzz target: feed it an input; it returns normally or raises a project error.

The Hypothesis tests and the corpus replay both call these, so a corpus file is checked exactly
as the fuzzer checked it. Anything other than the project's own errors escaping is a crash.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path
from typing import Any

from simgame.cohort import resultfile
from simgame.cohort.store import Cohort
from simgame.engine.evaluate import evaluate
from simgame.engine.run import Run
from simgame.engine.saves import read_save, restore, write_save
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.format.loader import check_file, load_scenario
from tests.support import TINY, ExprEnv, ExprNames

MAX_PLAY_STEPS = 60


def tiny() -> Scenario:
    global _TINY
    if _TINY is None:
        _TINY = load_scenario(TINY)
    return _TINY


_TINY: Scenario | None = None


# -- scenarios -------------------------------------------------------------------------------------
def check_scenario_bytes(raw: bytes, seed: int = 0) -> str:
    """Validate a scenario file's bytes; a scenario that validates must start and play to the end."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(raw)
        result = check_file(path)
    for d in result.diagnostics:
        assert d.code and d.message, d
        d.render()
    if result.scenario is None or not result.ok:
        return "refused"
    run = Run.start(result.scenario, seed)  # "scenarios that validate always start"
    rng = random.Random(seed)
    try:
        for _ in range(MAX_PLAY_STEPS):
            if run.ended or run.is_stuck:
                break
            run.choose(rng.choice(run.available()))
        return "ended" if run.ended else "played"
    finally:
        run.close()


# -- expressions -----------------------------------------------------------------------------------
Names = ExprNames
Env = ExprEnv


def check_expression(source: str) -> None:
    """Parse, type-check and evaluate; only ExprError may come out, and a checked tree evaluates."""
    node = expr.parse(source)
    expr.check(node, Names())
    value = evaluate(node, Env())
    assert isinstance(value, bool | int | float), value
    expr.names_used(node)


# -- saves -----------------------------------------------------------------------------------------
def real_save() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        run = Run.replay(tiny(), 0, ["name-owner"])
        path = write_save(run, Path(tmp), "tiny-fuzz")
        run.close()
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def check_save_bytes(raw: bytes) -> None:
    """Read a save file's bytes and restore it against tiny: SaveError (or success) only; never rewritten."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tiny-fuzz.json"
        path.write_bytes(raw)
        try:
            run = restore(read_save(path), tiny(), path)
            run.close()
        finally:
            assert path.read_bytes() == raw, "a save was changed by reading it"


# -- result files ----------------------------------------------------------------------------------
COHORT = Cohort(
    code="FUZZCODE",
    name="Fuzz room",
    scenario_id="tiny",
    scenario_ref="tiny",
    content_hash="",
    seed=0,
    pace="free",
    open_step=0,
    revealed_step=-1,
    paused=False,
    key_hash="",
    created="2026-12-07T00:00:00Z",
)


def real_result() -> dict[str, Any]:
    run = Run.replay(tiny(), 0, ["name-owner"])
    data = resultfile.build(COHORT.code, "Fuzzer", "Ops", run)
    run.close()
    return json.loads(json.dumps(data))  # type: ignore[no-any-return]


def check_result_bytes(raw: bytes, resign: bool = False) -> None:
    """Read a result file's bytes and verify it against a cohort on tiny: CohortError (or success) only."""
    cohort = Cohort(**{**COHORT.__dict__, "content_hash": tiny().content_hash})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "result.json"
        path.write_bytes(raw)
        data = resultfile.read(path)
    if resign:  # get past the signature, so the fields behind it are fuzzed too
        body = {k: v for k, v in data.items() if k != "signature"}
        data = {**body, "signature": resultfile._sign(cohort.code, body)}
    run = resultfile.verify(data, cohort, tiny(), "result.json")
    resultfile.run_events(cohort.code, "Fuzzer", run)
    run.close()
