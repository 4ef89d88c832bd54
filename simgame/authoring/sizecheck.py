"""A `minutes:` the text belies (SG613), checked by `validate --strict` (it plays 300 runs).

`minutes:` is what a facilitator plans a session around, so it is checked against what the
playthroughs measure (`simgame stats`): reading time, plus about a third for deciding.
"""

from __future__ import annotations

from simgame.authoring.stats import stats
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import Diagnostic

DECIDING = 1.35  # play time over reading time, measured on the shipped scenarios (1.3-1.45)


def minutes_mismatch(sc: Scenario, plays: int = 300) -> list[Diagnostic]:
    """SG613 when `minutes:` is below the reading time alone, or over twice it (and 3 minutes more)."""
    reading = stats(sc, plays).minutes
    stated = sc.doc.minutes
    if reading.median <= stated <= max(2 * reading.median, reading.median + 3):
        return []
    expected = max(1, round(reading.median * DECIDING))
    return [
        sc.smap.diag(
            "SG613",
            f"`minutes: {stated}`, but a playthrough takes {reading.min:g}-{reading.max:g} minutes to read "
            f"(median {reading.median:g}, {plays} random plays)",
            ("minutes",),
            hint=f"with time to decide, about {expected}: set `minutes: {expected}` (see `simgame stats`)",
        )
    ]
