"""What an ending needs from chance: only the rolls that matter, and the exact odds of the choices."""

from __future__ import annotations

from pathlib import Path

from simgame.analysis.odds import ending_odds
from simgame.format.loader import load_scenario
from tests.toolkit.helpers import write_variant

NOISE = """    events:
      - id: noise
        chance: 0.6
        text: A vendor calls.
        effects: {value: 1}
      - id: drift
"""


def test_a_roll_the_ending_does_not_need_is_not_named(tmp_path: Path) -> None:
    """`noise` fires or not on the way to the crisis; only `drift` decides it (0.3 + 50/200)."""
    sc = load_scenario(write_variant(tmp_path, "noisy.yaml", ("    events:\n      - id: drift\n", NOISE)))
    crisis = ending_odds(sc, ["scale-now", "keep-running"], "crisis")
    assert crisis.needs == (("drift (at rollout)", True),) and crisis.complete
    assert abs(crisis.probability - 0.55) < 1e-9  # not 0.55 * 0.6, the odds of one path through both rolls
    muddled = ending_odds(sc, ["scale-now", "measure"], "muddled")
    assert muddled.needs == (("drift (at rollout)", False),) and abs(muddled.probability - 0.45) < 1e-9


def test_every_way_of_playing_the_choices_is_weighed(tmp_path: Path) -> None:
    """The odds of a choice list's endings add up to the chance its choices can all be made."""
    sc = load_scenario(write_variant(tmp_path, "noisy.yaml", ("    events:\n      - id: drift\n", NOISE)))
    total = sum(ending_odds(sc, ["scale-now", "measure"], e).probability for e in sc.doc.endings)
    assert (
        abs(total - 0.45) < 1e-9
    )  # with drift (0.55) play is diverted to the incident, where `measure` is not offered


def test_a_path_with_more_rolls_than_can_be_weighed_is_shown_as_one_path(tmp_path: Path) -> None:
    """13 coin flips on the way: the odds cannot all be weighed, so explore shows the path's own odds, said so."""
    from simgame.analysis.report import _batch_path

    flips = "".join(
        f"      - id: noise-{i}\n        chance: 0.5\n        text: A call.\n        effects: {{value: 1}}\n"
        for i in range(13)
    )
    sc = load_scenario(
        write_variant(
            tmp_path,
            "flips.yaml",
            ("    events:\n      - id: drift\n", "    events:\n" + flips + "      - id: drift\n"),
        )
    )
    odds = ending_odds(sc, ["scale-now", "keep-running"], "crisis")
    assert not odds.complete
    rolls = (*((f"noise-{i}", True) for i in range(13)), ("drift", True))
    info = _batch_path(sc, "crisis", ["scale-now", "keep-running"], rolls, 0.5**13 * 0.55)
    assert not info.whole and len(info.rolls) == 14 and abs(info.probability - 0.5**13 * 0.55) < 1e-6
