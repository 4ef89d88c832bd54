"""The library list as rows: each line's label and what the detail pane shows for it.

Built from a loaded catalog (so it may import the engine), kept by :mod:`simgame.tui.librarycache`
for the next start. Every piece of authored text goes into ``Text`` as text, never as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from simgame.engine.saves import SaveFile
from simgame.engine.scoring import score_text
from simgame.i18n import _, ngettext
from simgame.i18n.overlay import theme_labels
from simgame.tui.catalog import Catalog, CatalogEntry, save_problem_text
from simgame.tui.librarycache import Row
from simgame.tui.widgets.text import paragraphs, short_time

MAX_RESUME = 3
MAX_PROBLEM_SAVES = 3


def resume_key(catalog: Catalog, save: SaveFile) -> str:
    """The option id of a run to resume: its file's name (unique, where the run id may not be)."""
    path = catalog.path_of(save)
    return path.stem if path is not None else save.run_id


def _head(oid: str, words: str) -> Row:
    return Row(oid, Text(words, style="bold"), True)


def _changed(entry: CatalogEntry, save: SaveFile) -> bool:
    return entry.scenario is not None and save.content_hash != entry.scenario.content_hash


def _resume_row(catalog: Catalog, entry: CatalogEntry, save: SaveFile) -> Row:
    changed = _changed(entry, save)
    label = Text.assemble(
        "  ↻ ",
        (entry.title, "bold"),
        _("\n    decision {value}, saved {time}").format(value=len(save.choices) + 1, time=short_time(save.updated)),
        _(" (scenario changed)") if changed else "",
    )
    made = len(save.choices)
    detail = Text.assemble(
        (entry.title, "bold"),
        "\n\n",
        ngettext(
            "An unfinished run: {made} decision made, last saved {time}.",
            "An unfinished run: {made} decisions made, last saved {time}.",
            made,
        ).format(made=made, time=short_time(save.updated))
        + "\n\n",
        _("The scenario has changed since; you will be asked before this save is updated.\n\n") if changed else "",
        _("Press Enter to continue it."),
    )
    return Row(f"resume:{resume_key(catalog, save)}", label, False, detail)


def best_words(entry: CatalogEntry) -> str:
    best = entry.best
    return (
        _("best {score} ({band_label})").format(score=score_text(best.score), band_label=best.band_label)
        if best
        else _("not played yet")
    )


def _scenario_row(index: int, entry: CatalogEntry) -> Row:
    sc = entry.scenario
    if sc is None:
        label = Text.assemble("  ⚠ ", (entry.path.name, "bold"), _("\n    cannot be played yet"))
        detail = Text.assemble(
            (_("This scenario cannot be played yet"), "bold"),
            "\n\n",
            _("File: {name}\n").format(name=entry.path.name),
            _("Problems: {problem_count}\nFirst: {problem}\n\n").format(
                problem_count=entry.problem_count, problem=entry.problem
            ),
            _("Its author can see every problem with:\n  simgame validate {path}").format(path=entry.path),
        )
        return Row(f"invalid:{index}", label, False, detail)
    doc = sc.doc
    label = Text.assemble(
        "  ▸ ",
        (sc.title, "bold"),
        _("\n    {minutes} min · {best_words}").format(minutes=doc.minutes, best_words=best_words(entry)),
    )
    best = entry.best
    best_text = (
        f"{score_text(best.score)}/100, {best.band_label}{' (' + best.ending_title + ')' if best.ending_title else ''}"
        if best
        else _("not played yet")
    )
    detail = Text.assemble(
        (doc.title, "bold"),
        "\n\n",
        (_("Your role: "), "bold"),
        doc.role,
        "\n\n",
        paragraphs(doc.summary),
        "\n\n",
        (_("Themes: "), "bold"),
        ", ".join(theme_labels(sc).values()) or _("none"),
        "\n",
        (_("Time: "), "bold"),
        _("about {minutes} minutes\n").format(minutes=doc.minutes),
        (_("Best result: "), "bold"),
        best_text,
        "\n",
    )
    if entry.finished_runs:
        detail.append(_("Finished runs: {finished_runs}\n").format(finished_runs=entry.finished_runs))
    if entry.in_progress:
        detail.append(_("Unfinished runs: {len} (see Continue above)\n").format(len=len(entry.in_progress)))
    detail.append(_("\nPress Enter for the briefing."))
    return Row(f"scenario:{index}", label, False, detail)


def library_rows(catalog: Catalog, library_dir: Path) -> list[Row]:
    """Unfinished runs first, then every scenario (playable ones first), then saves that cannot be opened."""
    rows: list[Row] = []
    resumable = catalog.in_progress
    if resumable:
        rows.append(_head("head:resume", _("Continue where you left off")))
        rows += [_resume_row(catalog, entry, save) for entry, save in resumable[:MAX_RESUME]]
        if len(resumable) > MAX_RESUME:
            rows.append(
                Row("head:more", Text(_("    …{value} more: press L").format(value=len(resumable) - MAX_RESUME)), True)
            )
    rows.append(_head("head:scenarios", _("Scenarios")))
    order = sorted(range(len(catalog.entries)), key=lambda i: catalog.entries[i].scenario is None)
    rows += [_scenario_row(i, catalog.entries[i]) for i in order]
    if not catalog.entries:
        rows.append(
            Row("head:none", Text(_("  No scenarios found in {library_dir}").format(library_dir=library_dir)), True)
        )
    problems = catalog.problem_saves
    if problems:
        rows.append(_head("head:badsaves", _("Saves that cannot be opened")))
        for index, (bad, reason) in enumerate(problems[:MAX_PROBLEM_SAVES]):
            label = Text.assemble("  ⚠ ", (bad.path.name, "bold"), f"\n    {reason}")
            detail = Text.assemble((_("This save cannot be opened"), "bold"), "\n\n", save_problem_text(bad, catalog))
            rows.append(Row(f"badsave:{index}", label, False, detail))
        if len(problems) > MAX_PROBLEM_SAVES:
            more = len(problems) - MAX_PROBLEM_SAVES
            rows.append(Row("head:badmore", Text(_("    …{more} more: press L").format(more=more)), True))
    return rows
