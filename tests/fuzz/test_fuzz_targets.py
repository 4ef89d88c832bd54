"""Fuzzing that stays (issue 18, item 7): scenarios, expressions, saves and result files.

Each target only ever raises the project's own error types (`support.PROJECT_ERRORS`); any other
exception is a crash, and Hypothesis prints the reproducing example and its blob. The number of
examples comes from `conftest.FUZZ`: 75 per target in every CI run, 10,000 with SIMGAME_FUZZ=deep.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz import targets
from tests.fuzz.conftest import FUZZ
from tests.fuzz.support import PROJECT_ERRORS, mutated_json
from tests.support import DATA

DATA_FILES = sorted(DATA.glob("*.yaml"))
DATA_BYTES = {p.name: p.read_bytes() for p in DATA_FILES}

# -- scenarios: documents built by strategies ------------------------------------------------------


def mostly(good: st.SearchStrategy[object], bad: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """Valid-ish: a good value about 39 times in 40, so generated scenarios often validate and get played."""
    return st.integers(0, 39).flatmap(lambda n: bad if n == 17 else good)  # not a bound: Hypothesis favours those


bad_ids = st.sampled_from(["x-1", "A", "", "a\n", "é", "0", "start", "done"])
ids = mostly(st.sampled_from(["b", "c", "end", "end", "a"]), bad_ids)  # where `next` and `goto` lead
ending_ids = mostly(st.sampled_from(["done", "fail"]), bad_ids)
metric_names = st.sampled_from(["m", "n", "risk"])
flag_names = st.sampled_from(["f", "g", "owner"])
exprs = mostly(
    st.sampled_from(
        ["m > 1", "f", "not g", "m + n >= 2 and f", "risk <= 3", "visited(b)", "chose(ac1)", "m / 0 > 1", "turn() > 2"]
    ),
    st.one_of(st.sampled_from(["1 +", "chose(c1)"]), st.text(alphabet="mnfg()+-*/<>=! 0123456789.", max_size=20)),
)
numbers = mostly(
    st.integers(-50, 50),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(10**50), st.integers()),
)
words = mostly(st.text(alphabet="abc XYZ.,'", min_size=1, max_size=12), st.text(max_size=12))
effects = st.dictionaries(metric_names, numbers, max_size=3)
choice = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["c1", "c2", "c3"]),
        "label": words,
        "next": ids,
        "feedback": words,
        "debrief": st.just("d"),
        "practice": mostly(st.sampled_from(["measure-outcomes", "rethink-work"]), st.just("nope")),
    },
    optional={
        "effects": effects,
        "set": st.lists(flag_names, max_size=2),
        "clear": st.lists(flag_names, max_size=2),
        "when": exprs,
        "locked": words,
        "once": st.booleans(),
    },
)
chance_event = st.fixed_dictionaries(
    {"id": st.sampled_from(["e1", "e2"]), "text": words},
    optional={
        "when": exprs,
        "chance": mostly(st.sampled_from([0.5, 0.25, 1, "0.1 + m / 200"]), st.one_of(exprs, numbers)),
        "effects": effects,
        "goto": ids,
    },
)
scene = st.fixed_dictionaries(
    {
        "title": words,
        "text": words,
        "phase": mostly(st.sampled_from(["p", "q"]), st.just("r")),
        "choices": st.lists(choice, min_size=1, max_size=3, unique_by=lambda ch: str(ch["id"])),
    },
    optional={"events": st.lists(chance_event, max_size=2, unique_by=lambda e: str(e["id"]))},
)
ending = st.fixed_dictionaries(
    {
        "title": words,
        "tone": mostly(st.sampled_from(["good", "bad", "mixed"]), st.just("odd")),
        "text": st.just("t"),
        "debrief": st.just("d"),
    },
    optional={"when": exprs},
)


def _unique_choice_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """Choice ids are unique across a scenario: prefix each with its scene (mostly; a clash now and then)."""
    scenes = doc.get("scenes")
    if isinstance(scenes, dict):
        for sid, sc in scenes.items():
            chain = {"a": "b", "b": "c", "c": "end"}
            if sc.get("choices") and sc["choices"][0].get("next") in {"a", "b", "c", "end"}:
                sc["choices"][0]["next"] = chain.get(sid, "end")  # a path a -> b -> c -> end, mostly
            for ch in sc.get("choices", []):
                if sid != "c" or ch["id"] != "c1":  # leave one possible clash with scene a's `c1`...
                    ch["id"] = f"{sid}{ch['id']}"
    return doc


scenario_docs = st.fixed_dictionaries(
    {
        "format": mostly(st.just("simgame/v1"), st.just("simgame/v2")),
        "id": mostly(st.just("fuzz"), st.sampled_from(["Fuzz", ""])),
        "title": st.just("Fuzz"),
        "version": st.just("1.0.0"),
        "start": mostly(st.just("a"), ids),
        "metrics": st.fixed_dictionaries(
            {k: st.fixed_dictionaries({"label": st.just("M"), "start": numbers}) for k in ["m", "n", "risk"]},
        ),
        "flags": st.just({"f": "F", "g": "G", "owner": "O"}),
        "scenes": st.fixed_dictionaries({"a": scene, "b": scene, "c": scene}),
        "endings": mostly(
            st.fixed_dictionaries({"done": ending}), st.dictionaries(ending_ids, ending, min_size=1, max_size=3)
        ),
        "as_of": st.just("2026-11-01"),
        "role": st.just("r"),
        "summary": st.just("s"),
        "briefing": st.just("b"),
        "minutes": mostly(st.integers(1, 30), st.integers(-1, 10**6)),
        "phases": st.just({"p": {"label": "P"}, "q": {"label": "Q", "kind": "failure"}}),
        "debrief": st.just(
            {
                "dimensions": {"m": {"label": "M", "from": {"m": 1}}},
                "bands": [{"id": "all", "min": 0, "label": "All"}],
            }
        ),
    },
).map(_unique_choice_ids)


@FUZZ
@given(scenario_docs, st.integers(0, 2**32))
def test_generated_scenarios(doc: dict[str, object], seed: int) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    outcome = "error"
    with contextlib.suppress(*PROJECT_ERRORS):
        outcome = targets.check_scenario_bytes(text.encode("utf-8"), seed)
    event(outcome)


# -- scenarios: byte-level mutations of tests/data/*.yaml ------------------------------------------
BYTE_TRICKS = [
    b"\x00",
    b"\xff",
    b"\t",
    b"\r",
    b"&a ",
    b"*a",
    b"!!python/object:os.system ",
    b"<<: ",
    b"9" * 5000,
    b"\xef\xbb\xbf",
    b"\x1b]0;t\x07",
    b"[" * 200,
    b"{",
    b"'",
    b'"',
    b"\n  - ",
    b": ",
    b"- ",
]


@st.composite
def mutated_yaml(draw: st.DrawFn) -> bytes:
    raw = bytearray(DATA_BYTES[draw(st.sampled_from(sorted(DATA_BYTES)))])
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(0, len(raw) - 1)))
        how = draw(st.sampled_from(["flip", "delete", "insert", "trick", "truncate", "dup"]))
        if how == "flip" and raw:
            raw[i] = draw(st.integers(0, 255))
        elif how == "delete":
            del raw[i : i + draw(st.integers(1, 40))]
        elif how == "insert":
            raw[i:i] = draw(st.binary(max_size=8))
        elif how == "trick":
            raw[i:i] = draw(st.sampled_from(BYTE_TRICKS))
        elif how == "truncate":
            del raw[i:]
        elif how == "dup":
            raw[i:i] = raw[i : i + draw(st.integers(1, 200))]
    return bytes(raw)


@FUZZ
@given(mutated_yaml(), st.integers(0, 2**32))
def test_mutated_scenario_files(raw: bytes, seed: int) -> None:
    outcome = "error"
    with contextlib.suppress(*PROJECT_ERRORS):
        outcome = targets.check_scenario_bytes(raw, seed)
    event(outcome)


# -- expressions -----------------------------------------------------------------------------------
atoms = st.sampled_from(
    [
        "trust",
        "risk",
        "value",
        "rushed",
        "owner",
        "nope",
        "1",
        "0",
        "2.5",
        "1e308",
        "9" * 400,
        "true",
        "false",
        "visited(kickoff)",
        "visits(kickoff)",
        "chose(scale-now)",
        "turn()",
        "min(1, 2)",
        "clamp(risk, 0, 1)",
        "if(rushed, 1, 2)",
        "abs(-risk)",
        "visited(nowhere)",
        "max()",
        "(",
        ")",
        ",",
    ]
)
ops = st.sampled_from(["+", "-", "*", "/", "and", "or", "not", "==", "!=", "<", "<=", ">", ">=", "(", ")", ""])


@st.composite
def expressions(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["tokens", "tokens", "text", "chain", "nest"]))
    if kind == "text":
        return draw(st.text(max_size=60))
    if kind == "chain":  # long operator chains broke the depth cap once (RecursionError)
        op = draw(st.sampled_from(["+", "and", "or", "*", "-"]))
        return f" {op} ".join([draw(atoms)] * draw(st.integers(1, 2_000)))
    if kind == "nest":
        n = draw(st.integers(1, 3_000))
        return "(" * n + draw(atoms) + ")" * draw(st.integers(0, n + 1))
    parts = draw(st.lists(st.tuples(atoms, ops), max_size=20))
    return " ".join(f"{a} {o}" for a, o in parts) + " " + draw(atoms)


@FUZZ
@given(expressions())
def test_expressions(source: str) -> None:
    with contextlib.suppress(*PROJECT_ERRORS):
        targets.check_expression(source)


# -- saves -----------------------------------------------------------------------------------------
REAL_SAVE = targets.real_save()


@FUZZ
@given(mutated_json(REAL_SAVE))
def test_saves(raw: bytes) -> None:
    with contextlib.suppress(*PROJECT_ERRORS):
        targets.check_save_bytes(raw)


# -- result files ----------------------------------------------------------------------------------
REAL_RESULT = targets.real_result()


@FUZZ
@given(mutated_json(REAL_RESULT), st.booleans())
def test_result_files(raw: bytes, resign: bool) -> None:
    with contextlib.suppress(*PROJECT_ERRORS):
        targets.check_result_bytes(raw, resign)


def test_the_unmutated_inputs_pass(tmp_path: Path) -> None:
    """The seeds the mutations start from are good, so a failure above is the mutation's doing."""
    import json

    targets.check_save_bytes(json.dumps(REAL_SAVE).encode())
    targets.check_result_bytes(json.dumps(REAL_RESULT).encode())
    for raw in DATA_BYTES.values():
        targets.check_scenario_bytes(raw)
    targets.check_expression("trust >= 60 and not owner")
