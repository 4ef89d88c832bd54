"""Building an outcome map, in a process of its own: `python -m simgame.analysis.outcomes.build`.

Exhaustive exploration of a large scenario takes seconds and gigabytes, which a player's or a
hub's process must never pay (`simgame.analysis.outcomes.cache` starts this module instead and
waits for the file). The process caps its own address space, so a scenario too large for the
machine fails here, with a plain message, instead of making the machine swap.

Exit codes: 0 built; 2 the scenario cannot be loaded; 3 too large to explore exhaustively
(states or time); 4 out of memory under the cap.
"""

from __future__ import annotations

import argparse
import fcntl
import resource
import sys
import time
from pathlib import Path

from simgame.analysis.keys import TooLarge
from simgame.analysis.outcomes.cache import EXIT_BAD_SCENARIO, EXIT_MEMORY, EXIT_TOO_LARGE

BUDGET = 120.0  # seconds of exploration before giving up


def build(scenario_path: Path, out: Path, budget: float | None = BUDGET) -> int:
    """Explore, solve and write the map of the scenario at ``scenario_path``; return the states mapped."""
    from simgame.analysis.batch.explorer import explore
    from simgame.analysis.outcomes.solve import solve
    from simgame.analysis.outcomes.write import encode, write
    from simgame.format.loader import load_scenario

    scenario = load_scenario(scenario_path)
    t0 = time.perf_counter()
    graph = explore(scenario, budget=budget, keep_keys=True)
    solution = solve(graph)
    data = encode(graph, solution, time.perf_counter() - t0)
    write(out, data)
    return graph.states


def _usable(out: Path) -> bool:
    from simgame.analysis.outcomes.mapfile import MapError, OutcomeMap

    if not out.is_file():
        return False
    try:
        OutcomeMap(out).close()
    except MapError:
        return False
    return True


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space; allocations past it raise MemoryError."""
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simgame.analysis.outcomes.build")
    parser.add_argument("scenario", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--memory-mb", type=int, default=0, help="address-space cap (0: none)")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds of exploration before giving up")
    args = parser.parse_args(argv)
    try:
        import simgame.analysis.batch.explorer
        import simgame.analysis.outcomes.solve
        import simgame.analysis.outcomes.write
        import simgame.format.loader  # noqa: F401  (loaded before the cap: the cap is for the work)

        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out.with_suffix(".lock"), "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another builder on the same map: wait, then find it made
            if _usable(args.out):
                return 0
            if args.memory_mb > 0:
                cap_memory(args.memory_mb)
            build(args.scenario, args.out, args.budget)
    except TooLarge as exc:
        print(f"too large to map exhaustively: {exc}", file=sys.stderr)
        return EXIT_TOO_LARGE
    except MemoryError:
        print(f"ran out of memory under the {args.memory_mb} MB cap", file=sys.stderr)
        return EXIT_MEMORY
    except Exception as exc:  # the scenario's own problems: reported, never a traceback
        print(f"cannot map {args.scenario}: {exc}", file=sys.stderr)
        return EXIT_BAD_SCENARIO
    return 0


if __name__ == "__main__":
    sys.exit(main())
