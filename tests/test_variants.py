"""Conditional text: `{if …}{elif …}{else}{/if}` arms in scene text, feedback, events and endings."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simgame.authoring.lint import word_count
from simgame.cli.validate import check_paths
from simgame.engine.run import Run
from simgame.engine.scoring import debrief
from simgame.format import variants
from simgame.format.loader import load_scenario
from tests.toolkit.helpers import write_variant

ROLLOUT = "    text: The model is live everywhere.\n"
CONDITIONAL_ROLLOUT = (
    "    text: 'Live everywhere, {if owner}with Priya answerable{else}with nobody answerable{/if}. {Braces} stay.'\n"
)
FEEDBACK = "        feedback: The numbers come in.\n"
CONDITIONAL_FEEDBACK = "        feedback: 'In{if value >= 40}, good{elif risk > 30}, worrying{/if}.'\n"
MUDDLED = "    text: Some value, some risk.\n"
CONDITIONAL_MUDDLED = "    text: 'Some value{if chose(name-owner)}, owned{else}, unowned{/if}.'\n"


@pytest.fixture
def conditional(tmp_path: Path) -> Path:
    return write_variant(
        tmp_path,
        "conditional.yaml",
        (ROLLOUT, CONDITIONAL_ROLLOUT),
        (FEEDBACK, CONDITIONAL_FEEDBACK),
        (MUDDLED, CONDITIONAL_MUDDLED),
    )


def test_each_reader_sees_the_arm_for_their_path(conditional: Path) -> None:
    sc = load_scenario(conditional)
    owner = Run.start(sc, 0)
    owner.choose("name-owner")
    assert owner.scene_text == "Live everywhere, with Priya answerable. {Braces} stay."
    measured = owner.choose("measure")
    assert measured.scene_text == owner.history[1].scene_text  # what was read is kept with the decision
    assert measured.feedback == "In, good."  # value 45 after the choice
    for seed in range(20):  # a seed whose rushed rollout is not diverted by the drift event
        rushed = Run.start(sc, seed)
        rushed.choose("scale-now")
        if rushed.scene_id == "rollout":
            assert rushed.scene_text == "Live everywhere, with nobody answerable. {Braces} stay."
            return
    pytest.fail("every seed diverted")


def test_the_ending_reads_the_final_state(conditional: Path) -> None:
    sc = load_scenario(conditional)
    run = Run.start(sc, 0)
    run.choose("name-owner")
    run.choose("measure")
    assert run.ending == "muddled" and debrief(run).ending_text == "Some value, owned."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a {else} b", "`{else}` without an `{if …}` before it"),
        ("a {/if} b", "`{/if}` without an `{if …}` before it"),
        ("a {if owner} b", "an `{if …}` is never closed"),
        ("{if owner}a{else}b{elif risk > 3}c{/if}", "`{elif risk > 3}` after `{else}`"),
        ("{if  }a{/if}", "`{if  }` has no condition"),
        ("a {if} b", "`{if}` looks like a conditional-text tag but is not one"),
        (
            "{if owner}a{else if risk > 3}b{/if}",
            "`{else if risk > 3}` looks like a conditional-text tag but is not one",
        ),
        ("plain {Braces} and {x} stay", None),
        ("{if a}{if b}{if c}{if d}{if e}x{/if}{/if}{/if}{/if}{/if}", "conditions nested more than 4 deep"),
    ],
)
def test_tags_out_of_place_are_named(text: str, message: str | None) -> None:
    if message is None:
        assert variants.parse(text) == (text,)
        return
    with pytest.raises(variants.VariantError) as exc:
        variants.parse(text)
    assert exc.value.message == message


def test_a_bad_condition_is_located_with_a_suggestion(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "bad.yaml", (ROLLOUT, "    text: 'Live, {if ownr}owned{/if}.'\n"))
    [diag] = [d for r in check_paths([str(path)]) for d in r.diagnostics if d.is_error]
    assert diag.code == "SG502" and "did you mean `owner`?" in diag.hint
    line = path.read_text().splitlines()[diag.line - 1]
    assert line[diag.col - 1 :].startswith("ownr")


def test_a_tag_out_of_place_is_an_error_in_the_file(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "bad.yaml", (FEEDBACK, "        feedback: 'In{if value >= 40}, good.'\n"))
    [diag] = [d for r in check_paths([str(path)]) for d in r.diagnostics if d.is_error]
    assert diag.code == "SG504" and "never closed" in diag.message
    line = path.read_text().splitlines()[diag.line - 1]
    assert line[diag.col - 1 :].startswith("{if value >= 40}")


def test_a_number_is_not_a_condition(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "bad.yaml", (ROLLOUT, "    text: 'Live{if value + 1}, owned{/if}.'\n"))
    assert [d.code for r in check_paths([str(path)]) for d in r.diagnostics if d.is_error] == ["SG503"]


def test_tags_are_not_words_or_terms() -> None:
    assert word_count("Live {if owner}owned{else}unowned{/if}.") == 3


@given(st.text(alphabet=st.sampled_from(list("ab {}/ifelse"))))
def test_text_without_complete_tags_reads_as_written(text: str) -> None:
    """Any brace that is not one of the four tags is prose: parsing never loses a character."""
    try:
        template = variants.parse(text)
    except variants.VariantError:
        return
    if not variants.has_tags(text):
        assert "".join(p for p in template if isinstance(p, str)) == text


def test_transcripts_and_exported_debriefs_show_the_arm_the_run_read(conditional: Path) -> None:
    from simgame.authoring.run_report import debrief_markdown, transcript_text

    sc = load_scenario(conditional)
    run = Run.start(sc, 0)
    steps = [(run.scene_id, [], run.choose("name-owner"))]
    steps.append((run.scene_id, [], run.choose("measure")))
    text = transcript_text(run, steps)
    assert "Live everywhere, with Priya answerable. {Braces} stay." in " ".join(text.split())
    assert "{if" not in text and "nobody answerable" not in text
    exported = debrief_markdown(debrief(run), run)
    assert "Some value, owned." in exported and "{if" not in exported


def test_the_best_options_note_reads_as_it_would_have_at_that_decision(tmp_path: Path) -> None:
    """The debrief shows the note of an option the player did not take: on the state they chose in."""
    note = "        debrief: A named owner is what NIST AI RMF MANAGE 2.4 asks for.\n"
    conditional = "        debrief: '{if owner}Already owned.{else}Naming an owner was the move.{/if}'\n"
    sc = load_scenario(write_variant(tmp_path, "note.yaml", (note, conditional)))
    run = Run.start(sc, 0)
    run.choose("scale-now")
    assert run.note_for("name-owner", 0) == "Naming an owner was the move."
    assert run.note_for("scale-now", 0) == "Speed bought value and risk together."  # plain notes as written
