"""Where each player stands, folded from the event log: the dashboard, pacing and reports read this.

Decisions are counted as players count them: a pass-through "Continue" is a step of the run but
not a decision. A timeout belongs to a decision number; a facilitator's undo of an advance takes
back the timeouts it recorded (the log itself is never edited).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simgame.cohort.events import CHOSE, FACILITATOR, FINISHED, TIMED_OUT, Event
from simgame.cohort.referee import decision_of
from simgame.cohort.store import Player

UNDO = "undo"


@dataclass
class PlayerProgress:
    player: Player
    choices: dict[int, str] = field(default_factory=dict)  # step -> choice id
    decisions: dict[int, int] = field(default_factory=dict)  # decision number -> step
    scenes: dict[int, str] = field(default_factory=dict)  # step -> scene
    timed_out_decisions: set[int] = field(default_factory=set)
    finished: bool = False
    ending: str | None = None
    last_at: str = ""

    @property
    def made(self) -> int:
        """Steps taken in order from the first (a gap stops the count: later ones wait for it)."""
        count = 0
        while count in self.choices:
            count += 1
        return count

    @property
    def answered(self) -> int:
        """Real decisions made (Continue steps are not decisions)."""
        count = 0
        while count in self.decisions and self.decisions[count] < self.made:
            count += 1
        return count

    @property
    def timed_out(self) -> set[int]:
        """The steps of the decisions this player timed out on (those they have reached)."""
        return {self.decisions[n] for n in self.timed_out_decisions if n in self.decisions}

    def choice_log(self) -> list[str]:
        return [self.choices[i] for i in range(self.made)]


def timeouts(events: list[Event]) -> set[tuple[str, int]]:
    """(player, decision) pairs timed out, in log order: an undone advance's timeouts are taken back."""
    out: set[tuple[str, int]] = set()
    for e in events:
        if e.kind == TIMED_OUT and e.player is not None and (number := decision_of(e)) is not None:
            out.add((e.player, number))
        elif e.kind == FACILITATOR and e.data.get("action") == UNDO:
            number = e.data.get("decision")
            for player in e.data.get("timed_out") or ():
                out.discard((str(player), int(number if isinstance(number, int) else -1)))
    return out


def fold(players: list[Player], events: list[Event]) -> dict[str, PlayerProgress]:
    """Each player's progress; events arrive in store order and may repeat kinds harmlessly."""
    out = {p.id: PlayerProgress(p, last_at=p.joined) for p in players}
    for e in events:
        prog = out.get(e.player or "")
        if prog is None:
            continue
        prog.last_at = max(prog.last_at, e.at)
        if e.kind == CHOSE and e.step is not None:
            if e.step not in prog.choices:
                prog.choices[e.step] = str(e.data.get("choice", ""))
                prog.scenes[e.step] = str(e.data.get("scene", ""))
                number = decision_of(e)
                if number is not None:
                    prog.decisions.setdefault(number, e.step)
        elif e.kind == FINISHED:
            prog.finished = True
            ending = e.data.get("ending")
            prog.ending = ending if isinstance(ending, str) else None
    for player, number in timeouts(events):
        if player in out:
            out[player].timed_out_decisions.add(number)
    return out
