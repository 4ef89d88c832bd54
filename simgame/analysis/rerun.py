"""The command that re-runs a play a report describes, so every finding can be reproduced."""

from __future__ import annotations

from simgame.format.compiled import Scenario


def rerun_command(sc: Scenario, seed: int | None, choices: list[str] | None = None, policy: bool = False) -> str:
    """`simgame run` with the seed, and the choices or the random policy, that play it again."""
    parts = ["simgame run", sc.path or sc.id, f"--seed {seed if seed is not None else 0}"]
    if choices:
        parts.append("--choose " + ",".join(choices))
    if policy:
        parts.append("--policy random")
    return " ".join(parts)
