"""Benchmark: memory per browser player served by the cohort hub (goal: under 80 MB RSS).

Run: python benchmarks/cohort_memory.py [PLAYERS]
Starts a real hub on 127.0.0.1, opens PLAYERS browser sessions over its websocket (as
textual-serve's page does), types each player's name, waits until every game has drawn its
first decision, and reads
each game process's RSS and PSS from /proc. Baseline in the same run: a bare Python
interpreter's RSS. Linux only.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import Figure, Goal  # noqa: E402
from simgame.cohort.sessions import create  # noqa: E402
from simgame.cohort.sqlite import SqliteStore  # noqa: E402
from tests.cohort.hubsupport import HubProcess, free_port  # noqa: E402

GOAL_MB = 80.0


def kb(pid: int, field: str, source: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


async def open_sessions(
    url: str, code: str, players: int
) -> tuple[list[aiohttp.ClientWebSocketResponse], aiohttp.ClientSession]:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # keep cookies for an IP host
    page = await session.get(f"{url}/?code={code}")
    page.release()
    sockets = []
    for _ in range(players):
        ws = await session.ws_connect(f"{url.replace('http', 'ws')}/ws?width=100&height=30", origin=url)
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        sockets.append(ws)

    async def first_screen(ws: aiohttp.ClientWebSocketResponse) -> None:
        received = 0
        while received < 2000:
            msg = await ws.receive(timeout=60)
            if msg.type == aiohttp.WSMsgType.BINARY:
                received += len(msg.data)

    await asyncio.gather(*(first_screen(ws) for ws in sockets))
    for i, ws in enumerate(sockets):  # each player types a name and reaches the first decision
        await ws.send_json(["stdin", f"Bench {i}\r"])
    await asyncio.gather(*(first_screen(ws) for ws in sockets))
    return sockets, session


def measure_memory(players: int = 5) -> dict[str, float]:
    """RSS and PSS (MB) of each game process a hub serves, at the first decision, and a bare interpreter's RSS."""
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-"))
    previous = {k: os.environ.get(k) for k in ("SIMGAME_SAVES", "SIMGAME_SCENARIOS")}
    os.environ["SIMGAME_SAVES"] = str(folder)
    os.environ["SIMGAME_SCENARIOS"] = str(ROOT / "tests" / "data")
    store = SqliteStore(folder / "cohorts.sqlite")
    try:
        cohort, _ = create(store, "tiny", "Memory benchmark", "free")
        hub = HubProcess(cohort.code, store.path, free_port(), folder / "hub.log").start()
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    loop = asyncio.new_event_loop()
    try:
        sockets, session = loop.run_until_complete(open_sessions(hub.url, cohort.code, players))
        time.sleep(2)
        assert hub.proc is not None
        games = children(hub.proc.pid)
        rss = [kb(p, "VmRSS") / 1024 for p in games]
        pss = [kb(p, "Pss", "smaps_rollup") / 1024 for p in games]
        hub_rss = kb(hub.proc.pid, "VmRSS") / 1024
        for ws in sockets:
            loop.run_until_complete(ws.close())
        loop.run_until_complete(session.close())
    finally:
        hub.stop()
        loop.close()
        store.close()
    bare = subprocess.run(
        [sys.executable, "-c", "import re; print(open('/proc/self/status').read())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bare_mb = next(int(x.split()[1]) for x in bare.splitlines() if x.startswith("VmRSS:")) / 1024
    if len(games) != players:
        raise SystemExit(f"expected {players} game processes, found {len(games)}")
    return {
        "players": players,
        "rss_mean": sum(rss) / len(rss),
        "rss_max": max(rss),
        "pss_mean": sum(pss) / len(pss),
        "hub_rss": hub_rss,
        "bare": bare_mb,
    }


def figures(got: dict[str, float]) -> list[Figure]:
    n = int(got["players"])
    bare = "a bare Python interpreter"
    return [
        Figure(
            f"RSS per served browser player, max of {n} (at the first decision)",
            got["rss_max"],
            "MB",
            baseline=got["bare"],
            baseline_label=bare,
            goal=Goal(f"< {GOAL_MB:g} MB", "value", "<", GOAL_MB),
        ),
        Figure(
            f"RSS per served browser player, mean of {n}",
            got["rss_mean"],
            "MB",
            baseline=got["bare"],
            baseline_label=bare,
        ),
        Figure(f"PSS per served browser player (shared pages split), mean of {n}", got["pss_mean"], "MB"),
        Figure("RSS of the hub itself", got["hub_rss"], "MB", baseline=got["bare"], baseline_label=bare),
    ]


def bench(players: int = 5) -> tuple[list[Figure], dict[str, float]]:
    got = measure_memory(players)
    return figures(got), got


def main() -> None:
    players = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    got = measure_memory(players)
    per, bare_mb = got["rss_mean"], got["bare"]
    print(f"memory per browser player, {players} games served by one hub (at the first decision)")
    print(
        f"  RSS per game: mean {per:.1f} MB, max {got['rss_max']:.1f} MB   goal < {GOAL_MB:.0f} MB: "
        f"{'met' if got['rss_max'] < GOAL_MB else 'NOT met'}"
    )
    print(f"  PSS per game (shared pages split): mean {got['pss_mean']:.1f} MB")
    print(f"  the hub itself: {got['hub_rss']:.1f} MB RSS")
    print(f"  baseline, a bare Python interpreter: {bare_mb:.1f} MB RSS   game / bare = {per / bare_mb:.1f}")


if __name__ == "__main__":
    main()
