"""The first step of joining a session from the game: what to ask, or whom to resume.

A browser game whose device already plays in the session (its browser rejoined after a hub
restart) resumes at once as that player; otherwise the join dialog asks for a name, and for a team
from the session's list when the facilitator made one (`SimgameApp._welcome` acts on the answer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simgame.tui.options import LaunchOptions

Joining = tuple[str, str | None]


Welcome = tuple[tuple[str, ...], str | None, str | None]  # the teams; this device's name if back; why closed


def find_welcome(opts: LaunchOptions) -> Welcome:
    """On a worker's thread: the session's teams, this device's returning name, and (a closed session)
    what to tell the player. Nothing if the session cannot be read: the join itself then says why."""
    try:
        if opts.welcome_factory is not None:
            found = opts.welcome_factory(join=opts.join, hub=opts.hub, saves=opts.saves_dir())
        else:
            from simgame.cohort.client import welcome

            found = welcome(str(opts.join), hub=opts.hub, saves=opts.saves_dir())
    except Exception:  # an unknown code, an unreachable hub: the join reports it in words
        return (), None, None
    teams = tuple(str(t) for t in getattr(found, "teams", ()) or ())
    returning = getattr(found, "returning", None)
    closed = getattr(found, "closed", None)
    return teams, str(returning) if returning else None, str(closed) if closed else None
