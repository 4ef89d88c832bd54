"""A run's reference points for scripts and readers: `simgame run`'s JSON and its text debrief.

The figures come from the scenario's outcome map (`simgame.analysis.outcomes.reference`): the
best and worst outcomes reachable from the start, and for each decision the expected points it
gave up against the best option at that state, with what the best option was.
"""

from __future__ import annotations

from typing import Any

from simgame.analysis.outcomes.reference import DecisionCost, RunReference
from simgame.engine.run import Run
from simgame.engine.scoring import score_text
from simgame.format.compiled import Scenario
from simgame.i18n import _


def decision_json(d: DecisionCost) -> dict[str, Any]:
    return {
        "given_up": d.given_up,
        "quality": d.quality,
        "best": d.best_options,
        "expected": d.options,
        "best_reachable": d.best_reachable,
        "worst_reachable": d.worst_reachable,
    }


def reference_json(ref: RunReference | str) -> dict[str, Any]:
    """The reference block of `simgame run --format json` (a string: why there is none)."""
    if isinstance(ref, str):
        return {"unavailable": ref}
    s = ref.start
    return {
        "best": s.best,
        "worst": s.worst,
        "expected_best_play": s.expected_best_play,
        "expected_random_play": s.expected_random_play,
        "given_up": ref.given_up,
        "complete": ref.complete,
        "costliest": [d.index for d in ref.costliest()],
    }


def reference_lines(
    ref: RunReference | str,
    overall: float,
    scenario: Scenario,
    numbers: dict[int, int] | None = None,
    run: Run | None = None,
) -> list[str]:
    """Plain-text lines: the reachable range, where this run sits in it, and its costliest decisions.

    ``numbers`` maps a choice's place in the run's log to the decision number the debrief shows.
    """
    if isinstance(ref, str):
        return [_("Compared with what was possible: not available ({reason}).").format(reason=ref)]
    s = ref.start
    lines = [_("Compared with what was possible")]
    if s.best is not None and s.worst is not None:
        best_, worst_, yours = score_text(s.best), score_text(s.worst), score_text(overall)
        said = _("Best reachable {best}/100, worst {worst}/100; yours {yours}/100.")
        lines.append("  " + said.format(best=best_, worst=worst_, yours=yours))
    if s.expected_best_play is not None and s.expected_random_play is not None:
        said = _("Best play is expected to end at {best}/100, choosing at random at {random}/100.")
        lines.append(
            "  " + said.format(best=score_text(s.expected_best_play), random=score_text(s.expected_random_play))
        )
    costly = ref.costliest()
    if not costly:
        lines.append("  " + _("No decision gave up expected points against the best option at the time."))
        return lines
    said = _("Your decisions gave up {points:.1f} expected points in all. The costliest:")
    lines.append("  " + said.format(points=ref.given_up))
    for d in costly:
        mine = scenario.choices[d.choice].model.label
        best = scenario.choices[d.best_options[0]] if d.best_options else None
        title = scenario.scene(d.scene).title or d.scene
        number = (numbers or {}).get(d.index)
        if number is not None:
            title = _("Decision {number}, {title}").format(number=number, title=title)
        against = best.model.label if best is not None else _("the best option")
        said = _("“{mine}” gave up {points:.1f} points against “{against}”.")
        lines.append(f"  - {title}: " + said.format(mine=mine, points=d.given_up or 0.0, against=against))
        note = (run.note_for(best.id, d.index) if run else best.model.debrief) if best is not None else ""
        if note:
            lines.append(f"    {' '.join(note.split())}")
    return lines
