"""Hot reload for authors (`simgame play FILE --watch`): reload, replay, and say what changed.

A file with errors keeps the last good version playing and returns the diagnostics to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from simgame.engine.run import EngineError, Run
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic
from simgame.format.loader import check_file
from simgame.i18n import _, ngettext


@dataclass
class ReloadResult:
    scenario: Scenario | None
    run: Run | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    replayed: int = 0
    wanted: int = 0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @property
    def matched(self) -> bool:
        return self.ok and self.replayed == self.wanted


def file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def reload(path: Path, seed: int, fixture: str | None, choices: list[str]) -> ReloadResult:
    """Load ``path`` again and replay ``choices`` as far as the new version allows."""
    result = check_file(path)
    errors = [d for d in result.diagnostics if d.is_error]
    if result.scenario is None or errors:
        count = len(errors) or 1
        return ReloadResult(
            None,
            diagnostics=errors or result.diagnostics,
            message=ngettext(
                "{name} has {count} error; still playing the last good version.",
                "{name} has {count} errors; still playing the last good version.",
                count,
            ).format(name=path.name, count=count),
        )
    scenario = result.scenario
    scenario.warnings = [d for d in result.diagnostics if not d.is_error]
    use_fixture = fixture if fixture in scenario.doc.fixtures else None
    try:
        run = Run.start(scenario, seed, use_fixture)
    except EngineError as exc:
        return ReloadResult(
            None, message=_("Reloaded {name}, but it cannot start: {exc}").format(name=path.name, exc=exc)
        )
    for count, choice in enumerate(choices):
        if choice not in run.available():
            where = run.scenario.scene(run.scene_id).title if run.scene_id in scenario.doc.scenes else run.scene_id
            reason = (
                _("the run now ends before it")
                if run.ended
                else _("it is not available in “{where}” now").format(where=where)
            )
            return ReloadResult(
                scenario,
                run,
                replayed=count,
                wanted=len(choices),
                message=_(
                    "Reloaded {name}. The replay no longer matches at decision {value}: `{choice}` "
                    "({reason}). Playing on from there."
                ).format(name=path.name, value=count + 1, choice=choice, reason=reason),
            )
        run.choose(choice)
    return ReloadResult(
        scenario,
        run,
        replayed=len(choices),
        wanted=len(choices),
        message=ngettext(
            "Reloaded {name}; replayed your {count} choice.",
            "Reloaded {name}; replayed your {count} choices.",
            len(choices),
        ).format(name=path.name, count=len(choices)),
    )
