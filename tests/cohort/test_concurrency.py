"""Fifty player processes write full playthroughs into one cohort at once: every event exactly once."""

from __future__ import annotations

import json
import multiprocessing
import random
from pathlib import Path

from simgame.cohort.client import observer_for
from simgame.cohort.events import CHOSE, FINISHED, JOINED, Event
from simgame.cohort.progress import fold
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run

PLAYERS = 50


class SendsTwice:
    """A flaky network's worst case: every event arrives twice, with the same id."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def send(self, event: Event) -> None:
        self.inner.send(event)  # type: ignore[attr-defined]
        self.inner.send(event)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def play_one(saves: str, code: str, index: int, out: str) -> None:
    observer = observer_for(join=code, name=f"player {index:02d}", team=f"T{index % 4}", saves=Path(saves))
    observer.channel = SendsTwice(observer.channel)  # type: ignore[assignment]
    run = Run.replay(observer.scenario, observer.seed, observer.resume)
    observer.started(run)
    rng = random.Random(index)
    while not run.ended:
        observer.chose(run, run.choose(rng.choice(run.available())))
    observer.finished(run)
    observer.close()
    Path(out, f"{index}.json").write_text(json.dumps({"player": observer.player, "choices": run.choice_log}))


def test_fifty_writers_lose_and_duplicate_nothing(
    store: SqliteStore, free_cohort: tuple[Cohort, str], cohort_env: Path, tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    out = tmp_path / "results"
    out.mkdir()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=play_one, args=(str(cohort_env), cohort.code, i, str(out))) for i in range(PLAYERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * PLAYERS

    expected = {r["player"]: r["choices"] for r in (json.loads(f.read_text()) for f in out.glob("*.json"))}
    assert len(expected) == PLAYERS
    events = store.events(cohort.code)
    assert len({e.id for e in events}) == len(events)
    assert sum(e.kind == JOINED for e in events) == PLAYERS
    assert sum(e.kind == FINISHED for e in events) == PLAYERS
    assert sum(e.kind == CHOSE for e in events) == sum(len(c) for c in expected.values())
    progress = fold(store.players(cohort.code), events)
    assert {pid: prog.choice_log() for pid, prog in progress.items()} == expected
