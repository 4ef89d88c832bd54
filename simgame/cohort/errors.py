"""The one exception cohort code raises for expected failures: its message is for the player."""

from __future__ import annotations


class CohortError(Exception):
    """An expected cohort failure (unknown code, closed session, unreachable hub...): show str(exc)."""
