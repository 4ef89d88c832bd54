"""Saved runs as a family tree: each "What if?" branch under the run it came from, with its result.

A branch's save records its origin in ``extra`` (`simgame.tui.session.BranchOf`): the original
run's id and the decision it went back to. Runs whose origin is not among the saves (deleted,
damaged) are listed at the top level, still saying where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from simgame.engine.saves import SaveEntry, SaveFile
from simgame.engine.scoring import score_text
from simgame.i18n import _, ngettext
from simgame.tui.catalog import Catalog, score_save
from simgame.tui.session import BranchOf
from simgame.tui.widgets.text import short_time


@dataclass(frozen=True)
class RunResult:
    """A finished run's result, as the saved-runs list shows it."""

    score: float
    band: str
    ending: str


def run_result(save: SaveFile, catalog: Catalog | None) -> RunResult | None:
    """Score, band and ending of a finished save whose scenario is in the library (unchanged since)."""
    entry = catalog.by_id(save.scenario_id) if catalog else None
    if entry is None or entry.scenario is None:
        return None
    outcome = score_save(save, entry.scenario)
    if outcome is None:
        return None
    ending = entry.scenario.doc.endings.get(save.ending or "")
    return RunResult(outcome.overall, outcome.band_label, ending.title if ending else (save.ending or ""))


def tree_order(entries: list[SaveEntry]) -> list[tuple[SaveEntry, int]]:
    """``entries`` with each branch right after the run it came from (depth 1, 2, …), newest first per level."""
    by_id = {e.save.run_id: e for e in entries if e.save is not None}
    children: dict[str, list[SaveEntry]] = {}
    roots: list[SaveEntry] = []
    for entry in entries:
        origin = BranchOf.of(entry.save.extra) if entry.save is not None else None
        if origin is not None and origin.run_id in by_id and by_id[origin.run_id] is not entry:
            children.setdefault(origin.run_id, []).append(entry)
        else:
            roots.append(entry)
    out: list[tuple[SaveEntry, int]] = []
    placed: set[int] = set()

    def place(entry: SaveEntry, depth: int) -> None:
        if id(entry) in placed:
            return
        placed.add(id(entry))
        out.append((entry, depth))
        if entry.save is not None:
            for child in children.get(entry.save.run_id, []):
                place(child, depth + 1)

    for root in roots:
        place(root, 0)
    for entry in entries:  # a loop of origins (hand-edited files): list them anyway
        place(entry, 0)
    return out


def save_label(
    entry: SaveEntry, titles: dict[str, str], status: str = "", catalog: Catalog | None = None, depth: int = 0
) -> Text:
    """A save as the list shows it: title, result (score, band, ending) or progress, date, and origin."""
    indent = "   " * depth
    save = entry.save
    if save is None:
        reason = str(entry.error) if entry.error else _("it cannot be read")
        return Text.assemble(indent, (_("⚠ DAMAGED SAVE "), "bold"), entry.path.name, f"\n{indent}   {reason}")
    title = titles.get(save.scenario_id) or save.scenario_title or save.scenario_id
    made = len(save.choices)
    result = run_result(save, catalog) if save.ended else None
    if result is not None:
        progress = f"{score_text(result.score)}/100 · {result.band} · {result.ending}"
    elif save.ended:
        progress = _("finished ({made} decisions)").format(made=made)
    else:
        progress = ngettext("in progress: {made} decision made", "in progress: {made} decisions made", made).format(
            made=made
        )
    who = f" · {save.player}" if save.player else ""
    warn = ("⚠ ", "bold") if status and status != _("the scenario has changed since") else ""
    branch = "└ " if depth else ""
    out = Text.assemble(
        indent, branch, warn, (title, "bold"), f"\n{indent}   {progress} · {short_time(save.updated)}{who}"
    )
    origin = BranchOf.of(save.extra)
    if origin is not None:
        out.append(
            _("\n{indent}   what if: branch of {run_id}, from decision {decision}").format(
                indent=indent, run_id=origin.run_id, decision=origin.decision
            ),
            "italic",
        )
    if status:
        out.append(f"\n{indent}   {status}")
    return out
