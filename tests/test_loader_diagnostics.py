"""Loader diagnostics: a table of bad documents, each with the code and line:col expected."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from simgame.format.diagnostics import LoadError, Severity
from simgame.format.loader import check_file, check_text, load_glossary, load_scenario
from tests.support import DATA, TINY

BASE = TINY.read_text(encoding="utf-8")
BASE_LINES = BASE.splitlines()


def line_of(fragment: str, start: int = 0) -> int:
    """1-based line number of the first line containing ``fragment`` at or after ``start``."""
    for i, line in enumerate(BASE_LINES[start:], start + 1):
        if fragment in line:
            return i
    raise AssertionError(fragment)


def variant(old: str, new: str, count: int = 1) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, count)


# (name, document, expected code, line, col)
RAW_CASES = [
    ("alias", "a: &x 1\nb: *x\n", "SG104", 1, 4),
    ("billion-laughs", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", "SG104", 1, 4),
    ("duplicate-key", "format: simgame/v1\nid: a\nid: b\n", "SG105", 3, 1),
    ("tab-indent", "format: simgame/v1\nid:\n\t- x\n", "SG103", 3, 1),
    ("python-tag", "format: !!python/object:os.system x\n", "SG107", 1, 9),
    ("custom-tag", "id: !include other.yaml\n", "SG107", 1, 5),
    ("on-key", "on: 1\n", "SG110", 1, 1),
    ("merge-key", "a: {x: 1}\nb:\n  <<: {y: 2}\n", "SG110", 3, 3),
    ("list-top", "- a\n- b\n", "SG108", 1, 1),
    ("two-docs", "a: 1\n---\nb: 2\n", "SG109", 2, 1),
    ("deep", "a: " + "[" * 100 + "]" * 100 + "\n", "SG106", 1, 67),
    ("unclosed", "a: [1, 2\nb: 3\n", "SG103", 1, 4),
    ("bad-indent", "a:\n  b: 1\n c: 2\n", "SG103", 3, 2),
]


@pytest.mark.parametrize(("name", "doc", "code", "line", "col"), RAW_CASES, ids=[c[0] for c in RAW_CASES])
def test_yaml_level_problems(name: str, doc: str, code: str, line: int, col: int) -> None:
    result = check_text(doc, f"{name}.yaml", None)
    assert not result.ok
    first = result.diagnostics[0]
    assert (first.code, first.line, first.col) == (code, line, col), first.render()
    assert first.file == f"{name}.yaml"
    assert first.snippet  # the source line is shown
    assert "^" in first.render()


SEMANTIC_CASES = [
    ("norway-title", variant("title: Monday", "title: NO"), "SG202", line_of("title: Monday"), 12),
    ("version-number", variant('version: "1.0.0"', "version: 1.10"), "SG202", line_of("version:"), 10),
    (
        "unknown-field",
        variant("    phase: pilot\n", "    phase: pilot\n    narative: x\n"),
        "SG201",
        line_of("phase: pilot") + 1,
        5,
    ),
    (
        "missing-text",
        variant("    text: The pilot works. The board asks what next.\n", ""),
        "SG200",
        line_of("kickoff:", line_of("scenes:")),
        3,
    ),
    ("bad-id", variant("  - id: owner-named", "  - id: Owner_Named"), "SG204", line_of("- id: owner-named"), 9),
    ("format", variant("format: simgame/v1", "format: simgame/v9"), "SG205", 3, 9),
    ("practice", variant("practice: rethink-work", "practice: vibes"), "SG203", line_of("practice: rethink-work"), 19),
    ("unknown-next", variant("next: rollout", "next: rollot"), "SG300", line_of("next: rollout"), 15),
    ("unknown-goto", variant("goto: incident", "goto: incidnt"), "SG300", line_of("goto: incident"), 15),
    (
        "unknown-metric",
        variant("effects: {value: 20, risk: 20}", "effects: {valu: 20, risk: 20}"),
        "SG302",
        line_of("effects: {value: 20, risk: 20}"),
        19,
    ),
    ("unknown-flag", variant("set: [rushed]", "set: [rushd]"), "SG303", line_of("set: [rushed]"), 14),
    ("unknown-phase", variant("phase: scaling", "phase: scale"), "SG304", line_of("phase: scaling"), 12),
    ("expr-syntax", variant("when: value >= 40", "when: value >= "), "SG500", line_of("when: value >= 40"), 23),
    ("expr-name", variant("when: value >= 40", "when: valeu >= 40"), "SG502", line_of("when: value >= 40"), 15),
    ("expr-type", variant("when: value >= 40", "when: value + 40"), "SG503", line_of("when: value >= 40"), 15),
    (
        "reserved-id",
        variant("  incident:\n", "  end:\n"),
        "SG206",
        line_of("  incident:", line_of("scenes:")),
        3,
    ),
    (
        "reserved-metric",
        variant("  risk: {label", "  not: {label").replace("risk", "not"),
        "SG206",
        line_of("  risk: {label"),
        3,
    ),
    ("duplicate-choice", variant("- id: celebrate", "- id: measure"), "SG207", line_of("- id: celebrate"), 13),
    ("unreachable-scene", variant("goto: incident", "goto: crisis"), "SG400", line_of("  incident:", 40), 3),
    (
        "start-range",
        variant("start: 30, higher_is: worse", "start: 130, higher_is: worse"),
        "SG203",
        line_of("start: 30, higher_is: worse"),
        39,
    ),
    ("bands-order", variant("min: 70", "min: 10"), "SG203", line_of("bands:") + 1, 5),
    ("fixture-scene", variant("scene: rollout", "scene: rolout"), "SG300", line_of("scene: rollout"), 12),
    ("chance-range", variant("chance: 0.3 + risk / 200", "chance: 1.5"), "SG203", line_of("chance: 0.3"), 17),
]


@pytest.mark.parametrize(("name", "doc", "code", "line", "col"), SEMANTIC_CASES, ids=[c[0] for c in SEMANTIC_CASES])
def test_scenario_problems(name: str, doc: str, code: str, line: int, col: int) -> None:
    result = check_text(doc, f"{name}.yaml", None)
    assert not result.ok, name
    found = [(d.code, d.line, d.col) for d in result.diagnostics]
    assert (code, line, col) in found, "\n".join(d.render() for d in result.diagnostics)


def test_several_problems_reported_at_once() -> None:
    doc = variant("next: rollout", "next: nowhere").replace("phase: scaling", "phase: scale")
    doc = doc.replace("title: Monday", "title: yes")
    result = check_text(doc, "many.yaml", None)
    codes = {d.code for d in result.diagnostics}
    assert "SG202" in codes  # shape problems come first; fix them and the rest show
    fixed = doc.replace("title: yes", "title: Monday")
    codes = {d.code for d in check_text(fixed, "many.yaml", None).diagnostics}
    assert {"SG300", "SG304"} <= codes


def test_hints_help_the_author() -> None:
    result = check_text(variant("title: Monday", "title: NO"), "x.yaml", None)
    assert 'write "NO" in quotes' in result.diagnostics[0].hint
    result = check_text(variant("next: rollout", "next: rollot"), "x.yaml", None)
    assert "rollout" in result.diagnostics[0].hint
    result = check_text(variant("    phase: pilot\n", "    phase: pilot\n    narative: x\n"), "x.yaml", None)
    assert result.diagnostics[0].hint == "did you mean `text`?" or "did you mean" in result.diagnostics[0].hint


def test_trap_cycle_is_an_error() -> None:
    doc = variant("        next: crisis\n", "        next: incident\n")
    result = check_text(doc, "loop.yaml", None)
    assert "SG406" not in {d.code for d in result.diagnostics}  # switch-off still leaves
    old = "        next: end\n        feedback: The owner"
    doc = doc.replace(old, old.replace("next: end", "next: incident"))
    codes = {d.code for d in check_text(doc, "loop.yaml", None).diagnostics}
    assert "SG406" in codes


def test_no_default_ending_is_a_warning() -> None:
    doc = variant("    title: Muddling through\n", "    title: Muddling through\n    when: value > 99\n")
    doc = doc.replace("    title: Crisis\n", "    title: Crisis\n    when: risk > 99\n")
    result = check_text(doc, "nodefault.yaml", None)
    warn = [d for d in result.diagnostics if d.code == "SG403"]
    assert warn and warn[0].severity is Severity.WARNING
    assert result.scenario is not None


def test_unknown_glossary_term(tmp_path: pytest.TempPathFactory) -> None:
    folder = tmp_path  # type: ignore[assignment]
    (folder / "glossary.yaml").write_text(
        "format: simgame/glossary-v1\nstandalone: true\n"
        "terms:\n  drift:\n    term: Drift\n    definition: It changes.\n"
    )
    (folder / "s.yaml").write_text(BASE)
    result = check_file(folder / "s.yaml")
    assert [(d.code, d.line) for d in result.diagnostics] == [("SG305", line_of("terms: [pilot-purgatory]"))]


LOCAL = "format: simgame/glossary-v1\nterms:\n  baa:\n    term: Business associate agreement (BAA)\n"
LOCAL += "    aliases: [BAA]\n    definition: A HIPAA contract.\n    see_also: [personal-data]\n"


def test_a_local_glossary_adds_to_the_shared_one(tmp_path: Path) -> None:
    """An author's domain term joins the shared language; the shared terms stay available."""
    (tmp_path / "glossary.yaml").write_text(LOCAL)
    (tmp_path / "s.yaml").write_text(BASE.replace("terms: [pilot-purgatory]", "terms: [pilot-purgatory, baa]"))
    result = check_file(tmp_path / "s.yaml")
    assert [d.code for d in result.diagnostics if d.is_error] == []
    glossary = load_glossary(tmp_path / "glossary.yaml")
    assert {"baa", "pilot-purgatory", "llm"} <= glossary.ids and glossary.own == {"baa"}


def test_a_term_defined_twice_names_both_files(tmp_path: Path) -> None:
    (tmp_path / "glossary.yaml").write_text(LOCAL + "  drift:\n    term: Drift\n    definition: Mine.\n")
    with pytest.raises(LoadError) as info:
        load_glossary(tmp_path / "glossary.yaml")
    [diag] = info.value.diagnostics
    assert diag.code == "SG307" and "`drift` is already defined in the shared glossary" in diag.message
    assert "scenarios/glossary.yaml" in diag.message and diag.file.endswith("glossary.yaml") and diag.line == 8


def test_an_unknown_term_hint_names_the_file_to_add_it_to(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(BASE.replace("terms: [pilot-purgatory]", "terms: [business-associate]"))
    [diag] = [d for d in check_file(tmp_path / "s.yaml").diagnostics if d.is_error]
    assert diag.code == "SG305" and "glossary.yaml beside this scenario" in diag.hint


def test_file_level_problems(tmp_path: pytest.TempPathFactory) -> None:
    folder = tmp_path  # type: ignore[assignment]
    assert check_file(folder / "missing.yaml").diagnostics[0].code == "SG100"
    assert check_file(folder).diagnostics[0].code == "SG100"
    (folder / "bin.yaml").write_bytes(b"\x00\x01\x02garbage")
    assert check_file(folder / "bin.yaml").diagnostics[0].code == "SG101"
    (folder / "latin.yaml").write_bytes(b"title: caf\xe9\n")
    d = check_file(folder / "latin.yaml").diagnostics[0]
    assert (d.code, d.line, d.col) == ("SG101", 1, 11)
    big = folder / "big.yaml"
    with open(big, "wb") as fh:
        fh.seek(9 * 1024 * 1024)
        fh.write(b"\n")
    assert check_file(big).diagnostics[0].code == "SG102"


def test_load_scenario_raises_with_every_error() -> None:
    doc = variant("next: rollout", "next: nowhere").replace("phase: scaling", "phase: scale")
    path = DATA / "_tmp_broken.yaml"
    path.write_text(doc)
    try:
        with pytest.raises(LoadError) as info:
            load_scenario(path)
        assert len(info.value.diagnostics) >= 2
    finally:
        path.unlink()


def test_glossary_see_also_checked(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "glossary.yaml"  # type: ignore[operator]
    path.write_text(
        "format: simgame/glossary-v1\nterms:\n  drift-x:\n    term: Drift\n    definition: x\n    see_also: [nothing]\n"
    )
    with pytest.raises(LoadError) as info:
        load_glossary(path)
    assert info.value.diagnostics[0].code == "SG305"


def test_no_author_id_is_reserved_by_the_state_machine() -> None:
    """Ids that look like the machine's own words (`to-`, `is-`, `may-`, `state`, `trigger`) validate and play."""
    from simgame.engine.run import Run
    from simgame.format.loader import load_scenario

    doc = (
        variant("  incident:\n", "  to-market:\n")
        .replace("goto: incident", "goto: to-market")
        .replace("- id: measure\n", "- id: is-ready\n")
        .replace("chose(measure)", "chose(is-ready)")
        .replace("  rollout:\n", "  state:\n")
        .replace("next: rollout", "next: state")
        .replace("scene: rollout", "scene: state")
    )
    result = check_text(doc, "machine-words.yaml", None)
    assert result.ok, "\n".join(d.render() for d in result.diagnostics)
    path = Path(tempfile.mkdtemp()) / "machine-words.yaml"
    path.write_text(doc, encoding="utf-8")
    sc = load_scenario(path)
    run = Run.start(sc, 1)  # seed 1: the drift event fires on arrival
    run.choose("scale-now")
    assert run.scene_id == "to-market" and run.phase == "incident"
    states = {run.state}
    run = Run.replay(sc, 2, ["scale-now"])  # seed 2: it does not
    assert run.scene_id == "state"
    states.add(run.state)
    decision = run.choose("is-ready")
    assert decision.choice == "is-ready" and states == {"scene:to-market", "scene:state"}


def test_a_copy_of_the_shared_glossary_is_no_clash(tmp_path: Path) -> None:
    """A library copied from scenarios/ brings glossary.yaml with it: the same definitions merge quietly."""
    import shutil

    from simgame.format.loader import bundled_dir

    shutil.copy(bundled_dir() / "glossary.yaml", tmp_path / "glossary.yaml")
    glossary = load_glossary(tmp_path / "glossary.yaml")
    assert "llm" in glossary.ids
