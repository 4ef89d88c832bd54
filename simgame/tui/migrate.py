"""A saved run whose scenario has changed: ask the player, back the save up, then continue from what still applies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from simgame.i18n import _

if TYPE_CHECKING:
    from textual.screen import Screen

    from simgame.engine.run import Run
    from simgame.engine.saves import SaveFile


class MigrateHost(Protocol):
    """What these steps need of the app (``SimgameApp`` satisfies it)."""

    def push_screen(self, screen: Screen[Any], callback: Any = None) -> Any: ...

    def notify(self, message: str, *, timeout: float | None = None) -> None: ...

    def show_problem(self, title: str, text: str) -> None: ...

    def _open_saved(self, save: SaveFile, path: Path, run: Run, note: str = "") -> None: ...


def ask_to_migrate(app: MigrateHost, save: SaveFile, path: Path, run: Run, count: int) -> None:
    """The scenario changed since ``save``: ask before the file at ``path`` is rewritten (backed up first)."""
    from simgame.tui.screens.confirm import ConfirmScreen

    title = run.scenario.title
    total = len(save.choices)
    question = _(
        "{title} has changed since this run was saved. Your first {count} of {total} "
        "choices still apply, so you would continue from decision {value}.\n\nIf you "
        "continue, simgame first keeps a copy of the save as it is now (in {value2}), "
        "then updates {name}. If you do not, the save is left exactly as it is."
    ).format(title=title, count=count, total=total, value=count + 1, value2=path.parent / "backups", name=path.name)

    def answered(yes: bool | None) -> None:
        if not yes:
            run.close()
            app.notify(_("{name} is unchanged.").format(name=path.name), timeout=4)
            return
        _migrate(app, save, path, run, count)

    app.push_screen(
        ConfirmScreen(_("This scenario has changed"), question, _("Back up and continue"), _("Leave it as it is")),
        answered,
    )


def _migrate(app: MigrateHost, save: SaveFile, path: Path, run: Run, count: int) -> None:
    from simgame.engine.saves import SaveError, backup_save

    try:
        backup = backup_save(path)
    except (SaveError, OSError) as exc:
        run.close()
        reason = str(exc) if isinstance(exc, SaveError) else f"{exc.strerror or exc}"
        app.show_problem(
            _("The save could not be backed up"),
            _(
                "A copy of {name} could not be written to {value} ({reason}), so the save was left exactly as it is."
            ).format(name=path.name, value=path.parent / "backups", reason=reason),
        )
        return
    note = _(
        "{title} has changed since this run was saved; your first {count} of {len} "
        "choices still apply, so you continue from there. The save as it was is kept in "
        "{backup}."
    ).format(title=run.scenario.title, count=count, len=len(save.choices), backup=backup)
    app._open_saved(save, path, run, note)
