"""Where each player stands, folded from the event log: the dashboard, pacing and reports read this."""

from __future__ import annotations

from dataclasses import dataclass, field

from simgame.cohort.events import CHOSE, FINISHED, TIMED_OUT, Event
from simgame.cohort.store import Player


@dataclass
class PlayerProgress:
    player: Player
    choices: dict[int, str] = field(default_factory=dict)  # step -> choice id
    timed_out: set[int] = field(default_factory=set)
    finished: bool = False
    ending: str | None = None
    last_at: str = ""

    @property
    def made(self) -> int:
        """Decisions made in order from the first (a gap stops the count: later ones wait for it)."""
        count = 0
        while count in self.choices:
            count += 1
        return count

    def choice_log(self) -> list[str]:
        return [self.choices[i] for i in range(self.made)]


def fold(players: list[Player], events: list[Event]) -> dict[str, PlayerProgress]:
    """Each player's progress; events arrive in store order and may repeat kinds harmlessly."""
    out = {p.id: PlayerProgress(p, last_at=p.joined) for p in players}
    for e in events:
        prog = out.get(e.player or "")
        if prog is None:
            continue
        prog.last_at = max(prog.last_at, e.at)
        if e.kind == CHOSE and e.step is not None:
            prog.choices.setdefault(e.step, str(e.data.get("choice", "")))
        elif e.kind == TIMED_OUT and e.step is not None:
            prog.timed_out.add(e.step)
        elif e.kind == FINISHED:
            prog.finished = True
            ending = e.data.get("ending")
            prog.ending = ending if isinstance(ending, str) else None
    return out
