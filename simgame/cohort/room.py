"""What the whole room may see: aggregates only, and nothing for groups smaller than five.

A decision's split is counted per scene: in a branching scenario players reach their second
decision in different scenes, and options of different scenes are never mixed in one split.
"""

from __future__ import annotations

from simgame.cohort.events import CHOSE, Event
from simgame.cohort.progress import timeouts
from simgame.cohort.referee import decision_of
from simgame.format.compiled import Scenario
from simgame.i18n import _, ngettext

MIN_GROUP = 5

Split = dict[str, dict[str, int]]  # scene -> choice -> on-time count


def decision_split(events: list[Event], number: int, players: set[str] | None = None) -> Split:
    """On-time choices at decision ``number`` (0-based among real decisions), by scene; timed-out
    players are left out, and so is anyone not in ``players`` (removed players) when given."""
    late = {p for p, n in timeouts(events) if n == number}
    out: Split = {}
    seen: set[str | None] = set()
    for e in events:
        if e.kind != CHOSE or e.player in late or e.player in seen or decision_of(e) != number:
            continue
        if players is not None and e.player not in players:
            continue
        seen.add(e.player)
        bucket = out.setdefault(str(e.data.get("scene", "")), {})
        choice = str(e.data.get("choice", ""))
        bucket[choice] = bucket.get(choice, 0) + 1
    return out


def shareable(counts: dict[str, int]) -> bool:
    return sum(counts.values()) >= MIN_GROUP


BAR = 20  # cells of a full bar (100%)
LABEL = 44  # characters of an option's label beside its bar (cut at a word, with an ellipsis)
REVEAL_WIDTH = 2 + BAR + 1 + 4 + 2 + LABEL  # 73: fits an 80-column terminal and a 1024 px browser


def short_label(label: str, width: int = LABEL) -> str:
    """The start of an option's label, cut at a word boundary: the player recognises their option."""
    text = " ".join(label.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def reveal_text(scenario: Scenario, number: int, counts: dict[str, int], scene: str | None = None) -> str:
    """The room's split for a player's screen, as a short bar chart (or why it is withheld).

    One line per option (every option of ``scene`` when given, chosen or not): a bar of its
    share, the share, and the start of its label. No line is wider than :data:`REVEAL_WIDTH`.
    """
    total = sum(counts.values())
    if total < MIN_GROUP:
        return _("Decision {number}: fewer than {least} answers, so the room's split stays private.").format(
            number=number + 1, least=MIN_GROUP
        )
    order = [c.id for c in scenario.scene_choices.get(scene or "", ()) if not c.synthetic]
    ids = order + sorted(c for c in counts if c not in order)
    rank = {c: i for i, c in enumerate(ids)}
    lines = [
        ngettext(
            "The room on decision {number} ({total} answer):", "The room on decision {number} ({total} answers):", total
        ).format(number=number + 1, total=total)
    ]
    for choice in sorted(ids, key=lambda c: (-counts.get(c, 0), rank[c])):
        share = counts.get(choice, 0) / total
        model = scenario.choices.get(choice)
        bar = "█" * round(BAR * share)
        lines.append(f"  {bar:░<{BAR}} {round(100 * share):>3}%  {short_label(model.model.label if model else choice)}")
    return "\n".join(lines)
