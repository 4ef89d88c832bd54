"""Suppression by cell: no count in a shared table tells of fewer than five people.

A group (a room, a team, a decision) answered by fewer than five is withheld whole (`summary`).
Inside a group that is shown, each cell is checked too: an option two people chose, an ending
one player reached, a score band with three players in it. Such a cell is withheld, and when
only one cell of a table would be withheld the next smallest goes with it, or the group's total
minus the cells shown would give it back. Zeros are withheld with them (a withheld cell reads
"fewer than five", which may be none), so a withheld cell never proves someone is in it.
"""

from __future__ import annotations

from collections.abc import Mapping

from simgame.cohort.room import MIN_GROUP


def hidden_cells(counts: Mapping[str, int], min_group: int = MIN_GROUP) -> set[str]:
    """The keys of ``counts`` whose count may not be shown."""
    small = {k for k, n in counts.items() if n < min_group}
    if not any(counts[k] for k in small):
        return set()  # only zeros are small: nobody to protect
    if len(small) == 1:
        rest = sorted((n, k) for k, n in counts.items() if k not in small)
        if rest:
            small.add(rest[0][1])
    return small


def shown_count(n: int, hidden: bool) -> int | None:
    return None if hidden else n


def covers_small_teams(sizes: Mapping[str, Mapping[str, int]]) -> set[tuple[str, str]]:
    """(team, session) of the team figures withheld to cover a session's small teams; ``sizes`` holds
    each session's finished players per team.

    A session's own figure is shown from five finished players on, and its teams' figures beside it
    tell of the rest by subtraction (6 finished, Finance's 5 shown: the sixth, alone in Legal, follows).
    So when a session's teams under five add up to one to four players, its smallest shown team is
    withheld with them (like a cell's companion in `simgame.cohort.cells`): the rest is then six or more."""
    out = set()
    for code, here in sizes.items():
        shown = sorted((n, team) for team, n in here.items() if n >= MIN_GROUP)
        if shown and 0 < sum(n for n in here.values() if n < MIN_GROUP) < MIN_GROUP:
            out.add((shown[0][1], code))
    return out
