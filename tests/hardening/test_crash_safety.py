"""Kill the process (SIGKILL) while it writes saves, many times at random points: the last save survives."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from simgame.engine.run import Run
from simgame.engine.saves import list_saves, read_save, restore, write_save
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import TINY


def _writer(sc: Scenario, folder: Path, seed: int, ready_w: int) -> None:
    """Runs in a forked child: autosave after every choice, forever, until killed."""
    rng = random.Random(seed)
    n = 0
    while True:
        run = Run.start(sc, rng.randrange(1000))
        while not run.ended:
            run.choose(rng.choice(run.available()))
            write_save(run, folder, "victim")
            n += 1
            if n == 3:
                os.write(ready_w, b"r")


def test_sigkill_during_saves_never_corrupts(tmp_path: Path) -> None:
    sc = load_scenario(TINY)
    rng = random.Random(1234)
    for attempt in range(40):
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.close(ready_r)
                _writer(sc, tmp_path, attempt, ready_w)
            finally:
                os._exit(1)
        os.close(ready_w)
        assert os.read(ready_r, 1) == b"r"
        os.close(ready_r)
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        path = tmp_path / "victim.json"
        save = read_save(path)  # parses: never half-written
        run = restore(save, sc, path)  # and replays to exactly the saved snapshot
        assert run.snapshot().to_json() == save.snapshot
        run.close()
        assert [e.path.name for e in list_saves(tmp_path)] == ["victim.json"]  # temp files are never saves
