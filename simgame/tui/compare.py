"""A "What if?" branch beside the run it came from: score, band, ending, and the decisions that differ.

The original is read from its save (found by run id in the saves folder) and replayed; each
decision's cost is what it gave up against the best option at its state, from the outcome map
(`simgame.tui.explore.run_reference`). Built off the UI thread; the debrief shows the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text

from simgame.analysis.outcomes.reference import RunReference
from simgame.engine.run import EngineError, Run
from simgame.engine.saves import SaveError, SaveFile, read_save, save_path
from simgame.engine.scoring import Debrief, debrief, score_text
from simgame.i18n import _
from simgame.tui.session import BranchOf


@dataclass
class Side:
    """One run as the comparison shows it."""

    heading: str
    debrief: Debrief
    reference: RunReference | None  # None: the outcome map could not be read (costs not shown)


@dataclass
class Comparison:
    branch: Side
    original: Side
    origin: BranchOf


def find_original(saves_dir: Path | None, run_id: str) -> SaveFile | None:
    """The original run's save: ``RUN_ID.json`` in the saves folder, else any save there with that run id."""
    if saves_dir is None:
        return None
    try:
        return read_save(save_path(saves_dir, run_id))
    except (SaveError, OSError, ValueError):
        pass
    try:
        paths = sorted(saves_dir.glob("*.json"))
    except OSError:
        return None
    for path in paths:
        try:
            save = read_save(path)
        except (SaveError, OSError, ValueError):
            continue
        if save.run_id == run_id:
            return save
    return None


def original_run(branch: Run, save: SaveFile) -> Run:
    """Replay the original save on the branch's scenario (EngineError or ValueError if it no longer fits)."""
    if save.content_hash != branch.scenario.content_hash:
        raise ValueError("the scenario has changed since the original run was saved")
    return Run.replay(branch.scenario, save.seed, save.choices, save.fixture, str(save.extra.get("order_key", "")))


def build(
    branch: Run,
    branch_ref: RunReference | None,
    origin: BranchOf,
    saves_dir: Path | None,
    reference_of: Callable[[Run], RunReference] | None = None,
) -> Comparison:
    """The comparison, or ValueError saying (for the player) why it cannot be made."""
    save = find_original(saves_dir, origin.run_id)
    if save is None:
        raise ValueError(f"the original run ({origin.run_id}) is no longer in the saves folder")
    try:
        original = original_run(branch, save)
    except EngineError as exc:
        raise ValueError(f"the original run no longer replays: {exc}") from None
    original_ref: RunReference | None = None
    if reference_of is not None:
        try:
            original_ref = reference_of(original)
        except Exception:  # the costs are a bonus: the comparison stands without them
            original_ref = None
    return Comparison(
        Side(_("This what-if branch"), debrief(branch), branch_ref),
        Side(_("Your original run ({run_id})").format(run_id=origin.run_id), debrief(original), original_ref),
        origin,
    )


def _cost(ref: RunReference | None, index: int) -> str:
    if ref is None:
        return ""
    found = next((d for d in ref.decisions if d.index == index), None)
    if found is None or found.given_up is None:
        return ""
    return (
        _("best option here")
        if found.given_up < 0.05
        else _("gave up {given_up:.1f} points").format(given_up=found.given_up)
    )


def _decision_cell(side: Side, index: int) -> Text:
    review = next((r for r in side.debrief.decisions if r.decision.index == index), None)
    if review is None:
        return Text("—", "dim")
    out = Text.assemble((f"{review.number}. {review.scene_title}", "bold"), "\n", review.decision.label)
    cost = _cost(side.reference, index)
    if cost:
        out.append(f"\n{cost}", "italic")
    return out


def comparison_table(cmp: Comparison) -> Table:
    """Side by side: the result rows, then each decision from the branch point on where the two runs differ."""
    table = Table(expand=True, show_lines=False, pad_edge=False, box=None, header_style="bold underline")
    table.add_column("", no_wrap=True, style="bold")
    table.add_column(cmp.branch.heading, ratio=1)
    table.add_column(cmp.original.heading, ratio=1)
    b, o = cmp.branch.debrief, cmp.original.debrief
    table.add_row(_("Score"), f"{score_text(b.outcome.overall)}/100", f"{score_text(o.outcome.overall)}/100")
    table.add_row(_("Band"), b.outcome.band_label, o.outcome.band_label)
    table.add_row(
        _("Ending"), b.ending_title if b.ended else _("not finished"), o.ending_title if o.ended else _("not finished")
    )
    refs = (cmp.branch.reference, cmp.original.reference)
    if all(r is not None for r in refs):
        table.add_row(
            _("Gave up"),
            *(_("{given_up:.1f} expected points in all").format(given_up=r.given_up) for r in refs if r is not None),
        )
    table.add_row("", "", "")
    chosen_b = {r.decision.index: r.decision.choice for r in b.decisions}
    chosen_o = {r.decision.index: r.decision.choice for r in o.decisions}
    start = max(cmp.origin.decision - 1, 0)
    shown = [i for i in sorted(set(chosen_b) | set(chosen_o)) if i >= start and chosen_b.get(i) != chosen_o.get(i)]
    table.add_row(Text(_("Decisions\nthat differ"), "bold"), "", "")
    if not shown:
        table.add_row("", Text(_("None: both runs made the same choices."), "dim"), "")
    for index in shown:
        table.add_row("", _decision_cell(cmp.branch, index), _decision_cell(cmp.original, index))
    return table


def comparison_intro(origin: BranchOf) -> Text:
    return Text.assemble(
        (_("Compared with the run it came from\n"), "bold underline"),
        _(
            "This run went back to decision {decision} of {run_id} and chose again. Costs "
            "are expected points given up against the best option at that moment.\n"
        ).format(decision=origin.decision, run_id=origin.run_id),
    )
