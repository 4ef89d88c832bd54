"""Hooks a front end calls during play, so a cohort (or anything else) can follow a run.

The TUI and `simgame run` call these; the cohort client implements them to record
events and to hold a player at a decision the facilitator has not opened yet.
"""

from __future__ import annotations

from typing import Protocol

from simgame.engine.run import Run
from simgame.engine.state import Decision


class PlayObserver(Protocol):
    scenario_id: str  # the scenario this observer's session plays
    seed: int  # the seed the session uses (the same for the whole cohort)
    resume: list[str]  # choices already made by this player (a rejoin resumes them)

    def started(self, run: Run) -> None: ...

    def chose(self, run: Run, decision: Decision) -> None: ...

    def finished(self, run: Run) -> None: ...

    def waiting(self, run: Run) -> str | None:
        """A message while the player must wait (lockstep pacing), or None when they may choose."""
        ...

    def close(self) -> None: ...


class NullObserver:
    """Solo play: nothing to report, never waits."""

    def __init__(self, scenario_id: str = "", seed: int = 0) -> None:
        self.scenario_id = scenario_id
        self.seed = seed
        self.resume: list[str] = []

    def started(self, run: Run) -> None:
        return None

    def chose(self, run: Run, decision: Decision) -> None:
        return None

    def finished(self, run: Run) -> None:
        return None

    def waiting(self, run: Run) -> str | None:
        return None

    def close(self) -> None:
        return None
