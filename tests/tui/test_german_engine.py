"""The engine's sentences for the player in German: lock causes, "Based on …", why an objective was
missed, what caused an event, red lines, the practices, save problems and the Markdown debrief.

Each is built for display in the language in use (`simgame.i18n`); the same functions in English are
pinned by tests/test_explain.py and tests/test_causes.py, so a German word can never leak into English.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simgame.authoring.run_report import debrief_markdown, deltas_text
from simgame.engine.causes import because_words, chose_words, review_heading
from simgame.engine.explain import why_not
from simgame.engine.run import EngineError, Run
from simgame.engine.saves import SaveError, read_save
from simgame.engine.scoring import (
    PRACTICE_WORDS,
    Component,
    CrossedRedLine,
    DimensionScore,
    Modifier,
    Outcome,
    debrief,
    is_red_line_sentence,
    practice_label,
    red_line_sentences,
)
from simgame.engine.state import EventRecord, PlayState
from simgame.format import expr
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from simgame.format.model import PRACTICES
from simgame.i18n import set_language
from tests.support import TINY

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
# when-the-model-is-wrong, seed 3: after these, "offer-independent-audit" is locked by decision 8's choice
TO_THE_LOCK = [
    "honour-this-one",
    "logs-are-in.continue",
    "own-the-content",
    "build-refund-caps",
    "bias-training",
    "hold-plus-refunds",
    "manual-backlog.continue",
    "lift-the-cap",
    "waive-all",
    "external-review",
    "review-findings.continue",
]
# agents-in-operations, seed 3: a red line caps the score, objectives are missed, events follow later
AGENTS_PATH = [
    "register-official",
    "ai-committee",
    "the-floor.continue",
    "shadow-first",
    "least-privilege-tools",
    "independent-validation",
    "separate-read-act",
    "duty-manager-switch",
    "keel-proposes",
    "outcome-scorecard",
    "redesign-roles",
    "go-live.continue",
    "second-approver",
    "february.continue",
    "duty-pause",
    "quiet-fix",
    "supervisor-call.continue",
    "next-wave-gated",
]
# English the engine and the Markdown debrief write for the player (never in a scenario's own text)
ENGLISH = (
    "Based on ",
    "The average of",
    "counts double",
    "which counts as",
    "at decision",
    "Later, after decision",
    "Red line crossed",
    "Whatever the numbers",
    "Your outcome profile alone",
    "was not the case at the end",
    "did not choose",
    "no change to the numbers",
    "(better)",
    "(worse)",
    "## Outcome profile",
    "Decisions by leadership practice",
    "At once:",
    "*Note:*",
    "*Choices:*",
)


@pytest.fixture
def german() -> None:
    set_language("de")  # tests/conftest.py sets English again after the test


@pytest.fixture(scope="module")
def tiny() -> Scenario:
    return load_scenario(TINY)


def node_of(sc: Scenario, source: str) -> expr.Node:
    from simgame.format.checks import Checker

    node = expr.parse(source)
    assert expr.check(node, Checker(sc.doc, sc.smap, None).names) == "bool"
    return node


def state(value: float = 54, flags: set[str] | None = None, chosen: set[str] | None = None) -> PlayState:
    return PlayState("rollout", {"value": value, "risk": 30}, flags or set(), {}, chosen or set(), 3)


WHY_NOT = [
    ("value >= 60 and not rushed", state(54), "Value realised liegt bei 54, unter 60."),
    ("value > 60", state(60), "Value realised liegt bei 60, nicht über 60."),
    ("value != 54", state(54), "Value realised liegt genau bei 54."),
    ("value >= risk", state(20), "Value realised liegt bei 20, unter Risk exposure (30)."),
    ("owner", state(), "„A named owner may switch the model off“ traf am Ende nicht zu."),
    (
        "chose(name-owner)",
        state(),
        "Sie haben „Name an owner with authority to switch it off, then scale“ nicht gewählt.",
    ),
    ("not chose(scale-now)", state(chosen={"scale-now"}), "Sie haben „Scale to every region now“ gewählt."),
    ("visited(incident)", state(), "Sie haben „Incident“ nie erreicht."),
    ("turn() >= 5", state(), "Die Zahl der getroffenen Entscheidungen liegt bei 3, unter 5."),
    (
        "owner or value >= 60",
        state(54),
        "Keine der Alternativen traf zu: „A named owner may switch the model off“ traf am Ende nicht zu; "
        "Value realised liegt bei 54, unter 60.",
    ),
    ("false", state(), "Es ist nie erreichbar (seine Bedingung ist `false`)."),
]


@pytest.mark.parametrize(("source", "st_", "expected"), WHY_NOT, ids=[c[0] for c in WHY_NOT])
def test_why_an_objective_was_missed_in_german(
    german: None, tiny: Scenario, source: str, st_: PlayState, expected: str
) -> None:
    assert why_not(tiny, node_of(tiny, source), st_) == expected


def dim(*components: Component, modifiers: tuple[Modifier, ...] = ()) -> DimensionScore:
    return DimensionScore("d", "D", "", 1, 0.0, components, modifiers)


def test_how_a_dimension_was_scored_in_german(german: None) -> None:
    value = Component("value", "Wert", 95, 95, 1)
    text = dim(value, modifiers=(Modifier("Shadow AI spread.", -1), Modifier("A named owner", 10))).explain()
    assert text == (
        "Grundlage: Wert bei 95. Minus 1 Punkt: Shadow AI spread. Plus 10 Punkte: A named owner. "
        "Eine Punktzahl kann nicht über 100 liegen."
    )
    assert "Minus 0.5 Punkte:" in dim(value, modifiers=(Modifier("x", -0.5),)).explain()
    double, trust = Component("value", "Wert", 57, 57, 2), Component("trust", "Vertrauen", 60, 60, 1)
    assert dim(double, trust).explain() == "Der Durchschnitt aus Wert bei 57 (zählt doppelt) und Vertrauen bei 60."
    risk = Component("risk", "Risiko", 80, 20, 1, lower_is_better=True, scale=(0.0, 200.0))
    assert dim(risk).explain() == (
        "Grundlage: Risiko bei 80 auf einer Skala von 0 bis 200, was als 20 von 100 zählt, weil niedriger besser ist."
    )
    odd = Component("value", "Wert", 57, 57, 1.5)
    assert "(macht 60% dieser Punktzahl aus)" in dim(odd, trust).explain()


def _outcome(lines: int) -> Outcome:
    crossed = tuple(CrossedRedLine(f"r{i}", "Customers were harmed", "fragile", "Fragile", 40.0) for i in range(lines))
    return Outcome((), 40.0, "fragile", "Fragile", "", crossed, capped_from=71.5)


def test_red_lines_in_german_with_their_plural(german: None) -> None:
    one, two = red_line_sentences(_outcome(1)), red_line_sentences(_outcome(2))
    assert one[0] == (
        "Rote Linie überschritten: Customers were harmed. "
        "Unabhängig von den Zahlen kann ein solcher Durchgang höchstens „Fragile“ erreichen."
    )
    assert one[-1] == "Ihr Ergebnisprofil allein erreichte 71.5/100; die rote Linie begrenzt es auf 40."
    assert two[-1] == "Ihr Ergebnisprofil allein erreichte 71.5/100; die roten Linien begrenzen es auf 40."
    assert [is_red_line_sentence(s) for s in one] == [True, False]  # what the debrief sets in bold
    set_language("en")
    assert [is_red_line_sentence(s) for s in red_line_sentences(_outcome(1))] == [True, False]


def _event(caused_by: tuple[int, ...], turn: int, roll: float | None = None) -> EventRecord:
    return EventRecord("e", "s", "Something happened.", {}, (), (), None, 0.4, roll, turn, caused_by)


def test_causes_of_events_and_locks_in_german(german: None) -> None:
    names = {0: (1, "Name an owner"), 2: (2, "Scale now"), 3: (3, "Measure")}
    assert chose_words(names, [0]) == "Sie haben bei Entscheidung 1 „Name an owner“ gewählt"
    assert because_words(names, [0, 2, 3]) == (
        "weil Sie bei Entscheidung 1 „Name an owner“, bei Entscheidung 2 „Scale now“ "
        "und bei Entscheidung 3 „Measure“ gewählt haben"
    )
    assert review_heading(names, _event((), 2), 0) == "Unterdessen"
    assert review_heading(names, _event((0,), 1), 0) == "Danach"
    assert review_heading(names, _event((0, 2), 4, roll=0.1), 2) == (
        "Später, nach Entscheidung 3 (auch weil Sie bei Entscheidung 1 „Name an owner“ gewählt haben) "
        "(eine Wahrscheinlichkeit von 40%)"
    )


def test_a_locked_option_names_its_cause_in_german(german: None) -> None:
    sc = load_scenario(SCENARIOS / "when-the-model-is-wrong.yaml")
    run = Run.replay(sc, 3, TO_THE_LOCK)
    locked = next(o for o in run.options() if o.id == "offer-independent-audit")
    label = sc.choices[TO_THE_LOCK[9]].model.label
    assert locked.locked_by == (9,)  # the data: which decision, the same in every language
    assert locked.why_locked == f"Sie haben bei Entscheidung 8 „{label}“ gewählt. {sc.choices[locked.id].model.locked}"


def test_the_practices_and_the_continue_step_in_german(german: None) -> None:
    assert tuple(PRACTICES.values()) == PRACTICE_WORDS  # every practice is in the catalogue
    assert [practice_label(p) for p in PRACTICES] == [
        "Arbeit als Teamarbeit neu denken",
        "Kontinuierlich experimentieren",
        "Ergebnisse messen, nicht Abschlüsse",
        "Eine gemeinsame Sprache",
    ]
    sc = load_scenario(SCENARIOS / "when-the-model-is-wrong.yaml")
    run = Run.replay(sc, 3, TO_THE_LOCK[:1])
    [step] = run.options()
    assert (step.id, step.label) == ("logs-are-in.continue", "Weiter")
    assert run.choose(step.id).label == "Continue"  # the record keeps the scenario's data


def test_save_problems_and_refusals_in_german(german: None, tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"format": "simgame-save/9"}), encoding="utf-8")
    with pytest.raises(SaveError) as caught:
        read_save(odd)
    assert caught.value.kind == "future"  # what callers compare stays data
    assert str(caught.value) == (
        "odd.json wurde von einer neueren simgame-Version geschrieben (simgame-save/9); "
        "aktualisieren Sie simgame, um die Datei zu öffnen"
    )
    run = Run.start(load_scenario(TINY), 1)
    with pytest.raises(EngineError) as refused:
        run.choose("nope")
    assert str(refused.value).startswith("dieses Szenario hat keine Option `nope`; Optionen hier: ")


def test_the_markdown_debrief_is_german(german: None) -> None:
    sc = load_scenario(SCENARIOS / "agents-in-operations.yaml")
    run = Run.replay(sc, 3, AGENTS_PATH)
    d = debrief(run)
    assert d.outcome.red_lines and d.missed  # the path shows red lines and missed objectives
    md = debrief_markdown(d, run)
    assert md.startswith(f"# Debriefing: {sc.title}\n")
    for german_words in (
        "*Entscheidungen:* `register-official,",
        "## Ergebnisprofil: ",
        "| Dimension | Punkte | Wie es zustande kam |",
        "Rote Linie überschritten: ",
        "Ihr Ergebnisprofil allein erreichte ",
        "## Ziele",
        "## Entscheidungen nach Führungspraxis",
        "### Ergebnisse messen, nicht Abschlüsse",
        "Sofort: ",
        "Später, nach Entscheidung ",
        "*Hinweis:* ",
    ):
        assert german_words in md, german_words
    assert "Der Durchschnitt aus " in md or "Grundlage: " in md
    assert all(f" — {said}" in md for said in d.missed.values())
    assert " traf am Ende " in " ".join(d.missed.values())
    for english in ENGLISH:
        assert english not in md, english


def test_change_words_in_german(german: None) -> None:
    sc = load_scenario(TINY)
    assert deltas_text(sc, {}) == "keine Änderung an den Zahlen"
    metric = next(iter(sc.doc.metrics))
    assert deltas_text(sc, {metric: 5.0}).endswith(("(besser)", "(schlechter)"))
