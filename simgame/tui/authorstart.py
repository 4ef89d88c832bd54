"""`simgame play FILE --from SCENE`: reach an author's scene, finding a seed when theirs cannot.

The author stays in their own file whatever happens: with no path at all, play starts at the
beginning and the note shown on the first screen says why. This process may explore the
scenario (an author's tool); players' and hubs' processes never do.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from simgame.analysis.search import path_to, route_to
from simgame.i18n import _, ngettext

if TYPE_CHECKING:
    from simgame.format.compiled import Scenario
    from simgame.tui.options import LaunchOptions


def route(scenario: Scenario, scene: str, options: LaunchOptions, seed: int) -> tuple[list[str], str]:
    """The choices that reach ``scene`` (with ``seed``, else with a seed found for it) and a note.

    When another seed is needed, ``options.seed`` is set to it, so hot reload replays the same run.
    """
    if scene not in scenario.doc.scenes:
        close = difflib.get_close_matches(scene, list(scenario.doc.scenes), n=1)
        maybe = _(" Did you mean `{value}`?").format(value=close[0]) if close else ""
        return [], _("There is no scene `{scene}` in {title}.{maybe} Started at the beginning instead.").format(
            scene=scene, title=scenario.title, maybe=maybe
        )
    found = path_to(scenario, scene, seed)
    if found is not None:
        return found, _started(scene, found)
    found_route = route_to(scenario, scene)
    if found_route is None:
        return [], (
            _(
                "No path of choices reaches `{scene}` with any seed (it may need a --fixture): "
                "started at the beginning instead."
            ).format(scene=scene)
        )
    choices, new_seed = found_route
    was = _("seed {seed} never reaches it, ").format(seed=seed) if options.seed is not None else ""
    options.seed = new_seed
    return choices, _started(scene, choices, _(" ({was}seed {new_seed} does)").format(was=was, new_seed=new_seed))


def _started(scene: str, choices: list[str], seed_note: str = "") -> str:
    count = ngettext("{count} choice", "{count} choices", len(choices)).format(count=len(choices))
    return _("Started at `{scene}`{seed_note} by replaying {count}: {value}.").format(
        scene=scene, seed_note=seed_note, count=count, value=", ".join(choices) or "none"
    )
