"""What the whole room may see: aggregates only, and nothing for groups smaller than five."""

from __future__ import annotations

from simgame.cohort.events import CHOSE, TIMED_OUT, Event
from simgame.format.compiled import Scenario

MIN_GROUP = 5


def step_counts(events: list[Event], step: int) -> dict[str, int]:
    """Choices made on time at decision ``step`` (timed-out players are left out)."""
    late = {e.player for e in events if e.kind == TIMED_OUT and e.step == step}
    counts: dict[str, int] = {}
    seen: set[str | None] = set()
    for e in events:
        if e.kind == CHOSE and e.step == step and e.player not in late and e.player not in seen:
            seen.add(e.player)
            choice = str(e.data.get("choice", ""))
            counts[choice] = counts.get(choice, 0) + 1
    return counts


def shareable(counts: dict[str, int]) -> bool:
    return sum(counts.values()) >= MIN_GROUP


def reveal_text(scenario: Scenario, step: int, counts: dict[str, int]) -> str:
    """One line for a player's screen: the room's split on a decision, or why it is withheld."""
    total = sum(counts.values())
    if total < MIN_GROUP:
        return f"Decision {step + 1}: fewer than {MIN_GROUP} answers, so the room's split stays private."
    parts = []
    for choice, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        model = scenario.choices.get(choice)
        parts.append(f"{model.model.label if model else choice} {round(100 * n / total)}%")
    return f"The room on decision {step + 1}: " + "; ".join(parts)
