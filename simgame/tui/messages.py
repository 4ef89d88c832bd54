"""What screens tell the app: every request to go somewhere, as a Textual message.

Screens post these (they bubble from the screen to the app); the app handles them and decides
which screen comes next. A screen never calls the app's navigation methods and never imports
another screen, so the screens depend on this module and the app depends on the screens, never
the other way round.

Only Textual's ``Message`` is imported at run time: the home screen imports this module, and
the library must be on screen before the engine loads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from pathlib import Path

    from simgame.engine.saves import SaveFile
    from simgame.format.compiled import Scenario
    from simgame.format.loader import Glossary
    from simgame.tui.catalog import Catalog
    from simgame.tui.session import GameSession


class CatalogLoaded(Message):
    """The library finished reading the scenarios folder and the saves."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog


class ScenarioChosen(Message):
    """The player picked a scenario in the library: brief them on it."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario


class ResumeRequested(Message):
    """The player picked a saved run (in the library or the saved-runs list): open it."""

    def __init__(self, save: SaveFile, path: Path | None = None) -> None:
        super().__init__()
        self.save = save
        self.path = path


class PlayRequested(Message):
    """The briefing is read: start a new run of the scenario."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self.scenario = scenario


class DebriefRequested(Message):
    """The run has ended: show its debrief."""

    def __init__(self, session: GameSession) -> None:
        super().__init__()
        self.session = session


class RewindRequested(Message):
    """What if? Branch a new run from ``session`` keeping its first ``decisions`` choices, and play it."""

    def __init__(self, session: GameSession, decisions: int) -> None:
        super().__init__()
        self.session = session
        self.decisions = decisions


class LibraryRequested(Message):
    """Back to the scenario library (the run, if any, is already saved)."""


class SavedRunsRequested(Message):
    """List every saved run, finished or not."""


class GlossaryRequested(Message):
    """Open the whole glossary, marking the terms met in this run."""

    def __init__(self, glossary: Glossary | None, met: set[str]) -> None:
        super().__init__()
        self.glossary = glossary
        self.met = met


class TermsRequested(Message):
    """Explain the terms of the current scene, ``focus`` first."""

    def __init__(self, glossary: Glossary | None, term_ids: list[str], focus: str | None = None) -> None:
        super().__init__()
        self.glossary = glossary
        self.term_ids = term_ids
        self.focus = focus


class ProblemReported(Message):
    """An expected failure (a broken file, a damaged save) to explain in plain words."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title = title
        self.text = text
