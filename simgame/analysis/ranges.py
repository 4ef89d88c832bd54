"""The best and worst reachable outcomes of a scenario: what the debrief compares a result with.

Kept apart from the search that computes it (`simgame.analysis.search`) so that the processes
that only read these figures (a player's game, reading the outcome map) import no numpy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeRange:
    """Best and worst reachable overall scores, with a choice sequence reaching each."""

    best: float
    worst: float
    best_choices: list[str]
    worst_choices: list[str]
    exhaustive: bool
