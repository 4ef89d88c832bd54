"""What the facilitator dashboard shows, computed without any UI: who is where, splits, scores, stragglers.

The Textual dashboard renders this; tests check it directly. Player rows are for the
facilitator's own screen; the room view uses only the aggregates, suppressed below five.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from simgame.cohort.analytics import where_now
from simgame.cohort.health import HubHealth, health
from simgame.cohort.progress import PlayerProgress, fold
from simgame.cohort.room import MIN_GROUP, decision_split
from simgame.cohort.store import LOCKSTEP, Cohort, CohortStore
from simgame.format.compiled import Scenario

PAGE_SIZE = 25
IDLE_SECONDS = 180


@dataclass(frozen=True)
class PlayerRow:
    name: str
    team: str
    origin: str
    decisions: int
    where: str
    status: str
    straggler: bool


@dataclass
class LiveView:
    cohort: Cohort
    rows: list[PlayerRow]
    finished: int
    focus: int  # the decision whose split is shown (0-based, among real decisions)
    splits: list[tuple[str, list[tuple[str, int]]]]  # per scene reached at the focus decision: (title, (label, n))
    timed_out_at_focus: int
    scores: list[float]
    teams: list[tuple[str, int, int, float]]  # team, players, finished, mean decisions made
    max_step: int
    hub: HubHealth
    score_cache: dict[tuple[str, ...], tuple[str, float] | None] = field(default_factory=dict)

    @property
    def stragglers(self) -> list[PlayerRow]:
        return [r for r in self.rows if r.straggler]

    def page(self, number: int, size: int = PAGE_SIZE) -> tuple[list[PlayerRow], int, int]:
        """Rows of page ``number`` (clamped), the page shown and the page count."""
        pages = max(1, -(-len(self.rows) // size))
        number = min(max(0, number), pages - 1)
        return self.rows[number * size : (number + 1) * size], number, pages


def _idle(prog: PlayerProgress, now: datetime) -> float:
    try:
        last = datetime.fromisoformat(prog.last_at)
    except ValueError:
        return 0.0
    return (now - last).total_seconds()


def _title(scenario: Scenario, node: str) -> str:
    if node in scenario.doc.endings:
        return f"ending: {scenario.doc.endings[node].title}"
    return scenario.scene(node).title or node if node in scenario.doc.scenes else node


def _straggling(cohort: Cohort, prog: PlayerProgress, idle: float) -> bool:
    if prog.finished or not cohort.is_open:
        return False
    if cohort.pace == LOCKSTEP:
        return cohort.open_step > 0 and prog.answered < cohort.open_step
    return idle > IDLE_SECONDS


def build(
    store: CohortStore,
    code: str,
    scenario: Scenario,
    focus: int | None = None,
    score_cache: dict[tuple[str, ...], tuple[str, float] | None] | None = None,
    now: datetime | None = None,
) -> LiveView:
    cohort = store.cohort(code)
    events = store.events(code)
    progress = fold(store.players(code), events)
    now = now or datetime.now(UTC)
    cache = score_cache if score_cache is not None else {}
    rows, scores = [], []
    teams: dict[str, list[PlayerProgress]] = {}
    for prog in progress.values():
        idle = _idle(prog, now)
        late = _straggling(cohort, prog, idle)
        key = tuple(prog.choice_log())
        if key not in cache:
            cache[key] = where_now(scenario, cohort.seed, list(key))
        state = cache[key]
        where = "?" if state is None else _title(scenario, state[0])
        if prog.finished:
            status = "finished"
            if state is not None:
                scores.append(state[1])
        else:
            status = f"idle {int(idle // 60)} min" if idle > IDLE_SECONDS else "playing"
        if prog.timed_out_decisions:
            status += f", {len(prog.timed_out_decisions)} timed out"
        rows.append(
            PlayerRow(prog.player.name, prog.player.team or "", prog.player.origin, prog.answered, where, status, late)
        )
        teams.setdefault(prog.player.team or "(no team)", []).append(prog)
    rows.sort(key=lambda r: (not r.straggler, r.decisions, r.name.lower()))
    max_step = max((p.answered for p in progress.values()), default=0)
    if focus is None:
        focus = max(0, cohort.open_step - 1) if cohort.pace == LOCKSTEP else 0
    splits = []
    for scene, counts in sorted(decision_split(events, focus, set(progress)).items()):
        labels = {c: (scenario.choices[c].model.label if c in scenario.choices else c) for c in counts}
        pairs = sorted(((labels[c], n) for c, n in counts.items()), key=lambda kv: (-kv[1], kv[0]))
        splits.append((_title(scenario, scene), pairs))
    late_at_focus = sum(1 for p in progress.values() if focus in p.timed_out_decisions)
    team_rows = [
        (t, len(ms), sum(m.finished for m in ms), round(sum(m.answered for m in ms) / len(ms), 1))
        for t, ms in sorted(teams.items())
    ]
    return LiveView(
        cohort,
        rows,
        sum(p.finished for p in progress.values()),
        focus,
        splits,
        late_at_focus,
        scores,
        team_rows,
        max_step,
        health(store, code, now),
        cache,
    )


def bar_lines(
    pairs: list[tuple[str, int]], width: int = 16, label_width: int = 28, min_group: int = MIN_GROUP
) -> list[str]:
    """Text bars with counts and shares; withheld entirely when fewer than ``min_group`` answered."""
    total = sum(n for _, n in pairs)
    if total == 0:
        return ["no answers yet"]
    if total < min_group:
        return [f"{total} answer(s): split withheld until {min_group} have answered"]
    top = max(n for _, n in pairs)
    out = []
    for label, n in pairs:
        short = label if len(label) <= label_width else label[: label_width - 1] + "…"
        bar = "█" * max(1, round(width * n / top)) if n else ""
        out.append(f"{short:<{label_width}} {bar:<{width}} {n:>4} {round(100 * n / total):>3}%")
    return out


def histogram_lines(scores: list[float], width: int = 20, min_group: int = MIN_GROUP) -> list[str]:
    if len(scores) < min_group:
        return [f"{len(scores)} finished: distribution withheld until {min_group} have finished"]
    bins = [0] * 10
    for s in scores:
        bins[min(9, int(s // 10))] += 1
    top = max(bins)
    return [
        f"{i * 10:>3}-{i * 10 + 9 if i < 9 else 100:<3} {'█' * round(width * n / top) if n else '':<{width}} {n}"
        for i, n in enumerate(bins)
    ]
