"""What headless play shares: `simgame run` and its cohort player (`simgame run --join`)."""

from __future__ import annotations

from simgame.engine.run import Run

MAX_STEPS = 10_000


def option_lines(run: Run) -> list[str]:
    """The choices on offer in the run's scene, one line each, as transcripts print them."""
    return [
        f"{o.number}. {o.label} [{o.id}]" + ("" if o.available else f" (locked: {o.locked_reason})")
        for o in run.options()
    ]


def passage(run: Run) -> str | None:
    """The Continue id when the run stands in a pass-through scene."""
    options = run.available()
    if len(options) == 1 and run.scenario.choices[options[0]].synthetic:
        return options[0]
    return None
