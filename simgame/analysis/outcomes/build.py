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
import contextlib
import fcntl
import json
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from simgame.analysis.keys import TooLarge

if TYPE_CHECKING:
    from simgame.analysis.batch.graph import BatchGraph
from simgame.analysis.outcomes.cache import EXIT_BAD_SCENARIO, EXIT_MEMORY, EXIT_TOO_LARGE, failure_path

BUDGET = 120.0  # seconds of exploration before giving up


class Unmappable(Exception):
    """The scenario cannot be mapped as it is; the message says why, for its author."""


def build(scenario_path: Path, out: Path, budget: float | None = BUDGET, expected_hash: str = "") -> int:
    """Explore, solve and write the map of the scenario at ``scenario_path``; return the states mapped.

    ``expected_hash``: the content hash the caller loaded; a file edited since is refused, so a
    map is never filed under a version of the scenario it was not built from.
    """
    from simgame.analysis.batch.explorer import explore
    from simgame.analysis.outcomes.solve import solve
    from simgame.analysis.outcomes.write import encode, write
    from simgame.format.loader import load_scenario

    scenario = load_scenario(scenario_path)
    if expected_hash and scenario.content_hash != expected_hash:
        raise Unmappable("the scenario file changed while it was being mapped; it will be mapped when next asked")
    t0 = time.perf_counter()
    graph = explore(scenario, budget=budget, keep_keys=True)
    problem = dead_end(graph)
    if problem:
        raise Unmappable(problem)
    solution = solve(graph)
    data = encode(graph, solution, time.perf_counter() - t0)
    write(out, data)
    return graph.states


def dead_end(graph: BatchGraph) -> str:
    """Why play can fail somewhere reachable (no option left, an engine error), or ""."""
    for place in graph.places:
        if not place.ending and len(place.stuck):
            return f"play can get stuck at scene `{place.id}` with no option available; `simgame explore` shows how"
    for step in graph.steps:
        if step.dst < 0 and step.finals is None:
            return f"play can fail ({step.error}); `simgame explore` shows how"
    return ""


def _usable(out: Path, expected_hash: str) -> bool:
    """A map already at ``out``, readable and of the expected version of the scenario."""
    from simgame.analysis.outcomes.mapfile import MapError, OutcomeMap

    if not out.is_file():
        return False
    try:
        found = OutcomeMap(out)
    except MapError:
        return False
    try:
        return not expected_hash or found.content_hash == expected_hash
    finally:
        found.close()


def record_failure(out: Path, reason: str, memory_mb: int) -> None:
    """Remember a build that cannot succeed with this memory cap, so it is not retried on every ask."""
    failed = failure_path(out)
    with contextlib.suppress(OSError):
        failed.write_text(json.dumps({"reason": reason, "memory_mb": memory_mb}), encoding="utf-8")


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space; allocations past it raise MemoryError."""
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _out_of_memory(out: Path, memory_mb: int) -> int:
    reason = f"ran out of memory under the {memory_mb} MB cap"
    print(reason, file=sys.stderr)
    record_failure(out, reason, memory_mb)
    return EXIT_MEMORY


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simgame.analysis.outcomes.build")
    parser.add_argument("scenario", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--memory-mb", type=int, default=0, help="address-space cap (0: none)")
    parser.add_argument("--budget", type=float, default=BUDGET, help="seconds of exploration before giving up")
    parser.add_argument("--content-hash", default="", help="refuse the file if it is no longer this version")
    args = parser.parse_args(argv)
    try:
        import simgame.analysis.batch.explorer
        import simgame.analysis.outcomes.solve
        import simgame.analysis.outcomes.write
        import simgame.format.loader  # noqa: F401  (loaded before the cap: the cap is for the work)

        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out.with_suffix(".lock"), "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another builder on the same map: wait, then find it made
            if _usable(args.out, args.content_hash):
                return 0
            if args.memory_mb > 0:
                cap_memory(args.memory_mb)
            build(args.scenario, args.out, args.budget, args.content_hash)
            with contextlib.suppress(OSError):
                failure_path(args.out).unlink(missing_ok=True)  # a larger cap succeeded: forget the failure
    except TooLarge as exc:
        reason = f"too large to map exhaustively: {exc}"
        print(reason, file=sys.stderr)
        record_failure(args.out, reason, args.memory_mb)
        return EXIT_TOO_LARGE
    except MemoryError:
        return _out_of_memory(args.out, args.memory_mb)
    except RuntimeError as exc:
        # Under the cap a worker thread's stack may be what no longer fits: the same failure by another name.
        if args.memory_mb > 0 and "can't start new thread" in str(exc):
            return _out_of_memory(args.out, args.memory_mb)
        print(f"cannot map {args.scenario}: {exc}", file=sys.stderr)
        return EXIT_BAD_SCENARIO
    except Unmappable as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_SCENARIO
    except Exception as exc:  # the scenario's own problems: reported, never a traceback
        print(f"cannot map {args.scenario}: {exc}", file=sys.stderr)
        return EXIT_BAD_SCENARIO
    return 0


if __name__ == "__main__":
    sys.exit(main())
