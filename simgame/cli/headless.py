"""What headless play shares: `simgame run` and its cohort player (`simgame run --join`)."""

from __future__ import annotations

import random

from simgame.engine.run import Run

MAX_STEPS = 10_000

# How a headless player keeps choosing; every policy reads the options in the order the player sees.
POLICIES = ("random", "first", "last", "longest", "shortest", "cautious", "aggressive")


def option_lines(run: Run) -> list[str]:
    """The choices on offer in the run's scene, one line each, numbered in display order."""
    return [
        f"{o.number}. {o.label} [{o.id}]" + ("" if o.available else f" (locked: {o.why_locked})") for o in run.options()
    ]


def passage(run: Run) -> str | None:
    """The Continue id when the run stands in a pass-through scene (`Run.pass_through`)."""
    return run.pass_through()


def pick(run: Run, policy: str, rng: random.Random) -> str | None:
    """The choice ``policy`` takes among the available options as displayed; None at a dead end.

    `first` and `last` go by position, so they probe what position bias would win; `longest`
    and `shortest` go by label length (ties: the one shown first), a test of wordy answers;
    `cautious` and `aggressive` take the option the risk-averse or the ship-fast persona would
    (ties: the one shown first).
    `random` draws uniformly from the ids in file order, so `--policy random --seed N` stays
    the very play `simgame explore` and its random persona report for seed N.
    """
    available = run.available()
    if not available:
        return None
    if policy == "first":
        return available[0]
    if policy == "last":
        return available[-1]
    if policy in ("longest", "shortest", "cautious", "aggressive"):
        from simgame.analysis.balance import habit_pick

        return habit_pick(run.scenario, policy, available, rng)
    return rng.choice(sorted(available, key=lambda cid: run.scenario.choices[cid].index))
