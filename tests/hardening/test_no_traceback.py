"""No traceback and no hang from any input: long numbers, long expressions, deep JSON, divert loops.

Every case here crashed, hung or passed validate and then crashed play before issue 18; each
now gets a located diagnostic (scenarios) or a plain, named refusal (saves, result files).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.errors import CohortError
from simgame.cohort.resultfile import build
from simgame.cohort.resultfile import read as read_result
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.saves import SaveError, read_save, render_save
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.loader import check_text
from tests.support import TINY

TEXT = TINY.read_text(encoding="utf-8")
CHANCE = "chance: 0.3 + risk / 200"
BIG = "9" * 5000


def errors(text: str) -> list[Diagnostic]:
    result = check_text(text, "bad.yaml", None)
    assert result.scenario is None, "expected the scenario to be refused"
    return [d for d in result.diagnostics if d.is_error]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("minutes: 3", f"minutes: {BIG}"),
        ("value: {label: Value realised, start: 30}", f"value: {{label: Value realised, start: {BIG}}}"),
        ("effects: {value: 20, risk: 20}", f"effects: {{value: 0.{BIG}, risk: 20}}"),
        ("{id: strong, min: 70, label: Strong}", f"{{id: strong, min: -{BIG}, label: Strong}}"),
    ],
)
def test_a_5000_digit_number_is_a_located_error(old: str, new: str) -> None:
    text = TEXT.replace(old, new, 1)
    (diag,) = errors(text)
    assert diag.code == "SG203" and "too long" in diag.message
    assert diag.line == line_of(text, BIG[:40])


def test_a_long_number_in_an_expression_is_a_located_error() -> None:
    text = TEXT.replace(CHANCE, "chance: 0.3 + risk / 2" + "0" * 30)
    (diag,) = errors(text)
    assert diag.code == "SG500" and "too long" in diag.message and diag.line == line_of(text, "chance:")


# -- long expressions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expression"),
    [
        ("chance", "+".join(["1"] * 990)),
        ("chance", "*".join(["1"] * 990)),
        ("when", " and ".join(["rushed"] * 180)),
        ("when", " or ".join(["rushed"] * 190)),
    ],
)
def test_a_990_term_expression_is_refused_at_validate_time(key: str, expression: str) -> None:
    old = CHANCE if key == "chance" else "when: rushed\n"
    new = f'chance: "{expression}"' if key == "chance" else f'when: "{expression}"\n'
    text = TEXT.replace(old, new, 1)
    (diag,) = errors(text)
    assert diag.code == "SG500" and diag.message.startswith("expression too long")
    assert diag.line == line_of(text, expression[:50]) and diag.col > 1


def test_the_longest_expression_that_validates_also_plays_everywhere(tmp_path: Path) -> None:
    """At the limit, checking, play, the debrief, the explorer and the batch evaluator all cope."""
    from simgame.analysis.batch.expr import evaluate as batch_evaluate
    from simgame.engine.evaluate import evaluate
    from simgame.engine.scoring import debrief
    from simgame.format import expr

    with pytest.raises(expr.ExprError, match="too long"):
        expr.parse(" + ".join(["risk"] * 101))  # 101 levels deep: one over the limit
    chain = " + ".join(["risk"] * 99)  # with `/ 10000` around it: 100 levels, the limit
    text = TEXT.replace(CHANCE, f'chance: "({chain}) / 10000"').replace(
        "when: owner\n", "when: " + " and ".join(["owner"] * 95) + "\n", 1
    )
    result = check_text(text, "long.yaml", None)
    assert result.scenario is not None, [d.render() for d in result.diagnostics]
    sc = result.scenario
    for seed in range(5):
        run = Run.replay(sc, seed, ["scale-now"])
        while not run.ended:
            run.choose(run.available()[-1])
        render_save(run, "long-1")
        debrief(run)  # explains the 95-term objective that failed, and what caused each event
    node = sc.scene_events["rollout"][0].chance
    assert not isinstance(node, float)
    assert evaluate(node, Run.start(sc, 0)) == pytest.approx(99 * 30 / 10000)

    class Batch:
        size = 2

        def metric(self, name: str) -> object:
            import numpy as np

            return np.array([30.0, 60.0])

    assert list(batch_evaluate(node, Batch())) == pytest.approx([99 * 30 / 10000, 99 * 60 / 10000])  # type: ignore[arg-type]


# -- divert loops ---------------------------------------------------------------------------------------

LOOP = TEXT.replace(
    "      - id: drift\n        when: rushed\n        chance: 0.3 + risk / 200\n", "      - id: drift\n"
).replace(
    "    text: Complaints double overnight.\n",
    "    text: Complaints double overnight.\n    events:\n      - {id: back, goto: rollout}\n",
)


def test_a_divert_loop_is_refused_with_the_cycle_named() -> None:
    (diag,) = errors(LOOP)
    assert diag.code == "SG407"
    assert "rollout -> incident -> rollout" in diag.message
    assert diag.line == line_of(LOOP, "goto: incident")


def test_a_self_divert_is_a_loop_too() -> None:
    text = TEXT.replace("goto: incident", "goto: rollout")
    (diag,) = [d for d in errors(text) if d.code == "SG407"]  # (incident and crisis are now unreachable too)
    assert diag.code == "SG407" and "rollout -> rollout" in diag.message


def test_stats_and_run_refuse_a_divert_loop_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(LOOP, encoding="utf-8")
    for command in (["stats", str(path), "--plays", "200"], ["run", str(path), "--choose", "scale-now"]):
        assert main(command) == 1
        assert "SG407" in capsys.readouterr().err


def _divert_chain(length: int) -> str:
    """kickoff's choices lead to d0, whose event diverts to d1, ..., d<length> rests: `length` diversions."""
    scenes = []
    for i in range(length + 1):
        tail = f"    events:\n      - {{id: go, goto: d{i + 1}}}\n    next: end\n" if i < length else "    next: end\n"
        scenes.append(f"  d{i}:\n    phase: pilot\n    text: Step {i}.\n{tail}")
    text = TEXT.replace("        next: rollout\n", "        next: d0\n", 1)
    return text.replace("scenes:\n", "scenes:\n" + "".join(scenes), 1)


def test_a_divert_chain_longer_than_the_engine_follows_is_refused() -> None:
    ok = check_text(_divert_chain(50), "chain.yaml", None)
    assert ok.scenario is not None, [d.render() for d in ok.diagnostics if d.is_error]
    run = Run.replay(ok.scenario, 0, ["scale-now"])
    assert run.scene_id == "d50"
    (diag,) = errors(_divert_chain(51))
    assert diag.code == "SG407" and "51 scenes in a row" in diag.message and "the limit is 50" in diag.message


# -- deep JSON and long numbers in saves and result files ----------------------------------------------------


def _bad_json_variants(good: dict[str, object]) -> dict[str, str]:
    return {
        "deep": "[" * 100_000 + "]" * 100_000,
        "deep-inside": json.dumps({**good, "extra": {}})[:-2] + '"x": ' + "[" * 100_000 + "]" * 100_000 + "}}",
        "long-seed": json.dumps(good).replace('"seed": 0', '"seed": ' + BIG),
    }


@pytest.mark.parametrize("variant", ["deep", "deep-inside", "long-seed"])
def test_a_damaged_save_is_refused_plainly(variant: str, tmp_path: Path, tiny: Scenario) -> None:
    good = json.loads(render_save(Run.replay(tiny, 0, ["scale-now"]), "tiny-x-1"))
    assert '"seed": 0' in json.dumps(good)
    path = tmp_path / "tiny-x-1.json"
    path.write_text(_bad_json_variants(good)[variant], encoding="utf-8")
    with pytest.raises(SaveError, match=r"damaged|not a simgame save") as caught:
        read_save(path)
    assert caught.value.kind == "corrupted"


@pytest.mark.parametrize("variant", ["deep", "deep-inside", "long-seed"])
def test_a_damaged_result_file_is_refused_plainly(
    variant: str, tmp_path: Path, tiny: Scenario, free_cohort: tuple[Cohort, str]
) -> None:
    cohort, _ = free_cohort
    good = build(cohort.code, "Olu", None, Run.replay(tiny, 0, ["scale-now"]))
    path = tmp_path / "olu.result.json"
    path.write_text(_bad_json_variants(good)[variant], encoding="utf-8")
    with pytest.raises(CohortError, match="not a result file"):
        read_result(path)


def test_cohort_import_refuses_bad_files_and_imports_the_rest(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tiny: Scenario,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cohort, key = free_cohort
    good = build(cohort.code, "Olu", None, Run.replay(tiny, 0, ["scale-now"]))
    files = []
    for name, text in _bad_json_variants(good).items():
        files.append(tmp_path / f"{name}.json")
        files[-1].write_text(text, encoding="utf-8")
    files.append(tmp_path / "olu.json")
    files[-1].write_text(json.dumps(good), encoding="utf-8")
    assert main(["cohort", "import", cohort.code, *map(str, files), "--key", key]) == 1
    captured = capsys.readouterr()
    assert "olu.json: Olu, 1 new event(s)" in captured.out
    assert "3 of 4 file(s) refused" in captured.err and "Traceback" not in captured.err


def test_export_from_a_deep_save_is_a_plain_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["export", "--join", "K7QF3M", "--name", "Olu", "--from", str(path), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "deep.json is damaged" in err and "nested more than" in err
