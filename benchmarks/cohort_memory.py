"""Benchmark: memory per browser player served by the cohort hub (goal: under 80 MB RSS, join to debrief).

Run: python benchmarks/cohort_memory.py [PLAYERS] [--scenario ID]
Starts a real hub on 127.0.0.1, opens PLAYERS browser sessions over its websocket (as
textual-serve's page does), types each player's name, waits until every game has drawn its
first decision, and reads each game process's RSS and PSS from /proc. Then every player plays
on to the end (a number key for an option, Enter to go on, as a person would) until the store
holds their `finished` event and their debrief, with the outcome map's reference points, has
been drawn; each game's peak RSS over its whole life (``VmHWM``: join to debrief) is the goal's
figure. The scenario is a shipped one (default pilot-to-production; its outcome map is built
first, in its own process, as `cohort create` does). Baseline in the same run: a bare Python
interpreter's RSS. Linux only.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import Figure, Goal  # noqa: E402
from simgame.analysis.outcomes.cache import ensure_map  # noqa: E402
from simgame.analysis.outcomes.mapfile import OutcomeMap  # noqa: E402
from simgame.cohort.events import FINISHED  # noqa: E402
from simgame.cohort.sessions import create, scenario_of  # noqa: E402
from simgame.cohort.sqlite import SqliteStore  # noqa: E402
from simgame.settings import load_settings  # noqa: E402
from tests.cohort.hubsupport import HubProcess, free_port  # noqa: E402

GOAL_MB = 80.0
SCENARIO = "pilot-to-production"


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
) -> tuple[list[aiohttp.ClientWebSocketResponse], list[aiohttp.ClientSession]]:
    """Each player a browser of their own (their own cookies, so their own device), at the name prompt."""
    sessions, sockets = [], []
    for _ in range(players):
        session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))  # keep cookies for an IP host
        page = await session.get(f"{url}/?code={code}")
        page.release()
        ws = await session.ws_connect(f"{url.replace('http', 'ws')}/ws/{code}?width=100&height=30", origin=url)
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        sessions.append(session)
        sockets.append(ws)

    async def first_screen(ws: aiohttp.ClientWebSocketResponse) -> None:
        received = 0
        while received < 2000:
            msg = await ws.receive(timeout=60)
            if msg.type == aiohttp.WSMsgType.BINARY:
                received += len(msg.data)
        await drain(ws, quiet=1.0)  # the join dialog comes up once the game has read the session

    await asyncio.gather(*(first_screen(ws) for ws in sockets))
    for i, ws in enumerate(sockets):  # each player types a name and reaches the first decision
        await ws.send_json(["stdin", f"Bench {i}\r"])
    await asyncio.gather(*(first_screen(ws) for ws in sockets))
    return sockets, sessions


async def drain(ws: aiohttp.ClientWebSocketResponse, quiet: float = 0.4, limit: float = 30.0) -> int:
    """Read what the game draws until it has been quiet for ``quiet`` seconds; the bytes read."""
    received = 0
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            msg = await ws.receive(timeout=quiet)
        except TimeoutError:
            break
        if msg.type == aiohttp.WSMsgType.BINARY:
            received += len(msg.data)
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break
    return received


async def play_to_debrief(
    sockets: list[aiohttp.ClientWebSocketResponse], finished: Callable[[str], bool], steps: int = 80
) -> list[bool]:
    """Every player presses 1 (an option in their own order) then Enter (go on) until the store has their
    `finished` event; then a last Enter opens the debrief and the game draws it. True for each who finished."""

    async def one(i: int, ws: aiohttp.ClientWebSocketResponse) -> bool:
        name = f"Bench {i}"
        for _ in range(steps):
            if finished(name):
                break
            for key in ("1", "\r"):
                await ws.send_json(["stdin", key])
                await drain(ws)
        else:
            return False
        for _ in range(3):  # from the ending to the debrief and its reference points
            await ws.send_json(["stdin", "\r"])
            await drain(ws, quiet=1.5)
        return True

    return list(await asyncio.gather(*(one(i, ws) for i, ws in enumerate(sockets))))


def measure_memory(players: int = 5, scenario: str = SCENARIO) -> dict[str, float]:
    """RSS and PSS (MB) of each game process a hub serves, at the first decision and at the debrief (peak RSS
    over the game's life), the hub's, and a bare interpreter's RSS."""
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-"))
    previous = {k: os.environ.get(k) for k in ("SIMGAME_SAVES", "SIMGAME_SCENARIOS")}
    os.environ["SIMGAME_SAVES"] = str(folder)
    os.environ["SIMGAME_SCENARIOS"] = str(ROOT / "scenarios")
    store = SqliteStore(folder / "cohorts.sqlite")
    try:
        cohort, _ = create(store, scenario, "Memory benchmark", "free")
        settings = load_settings()
        found = ensure_map(settings.maps_dir, scenario_of(cohort), settings.map_memory_mb)
        if not isinstance(found, OutcomeMap):
            raise SystemExit(f"no outcome map for {scenario}: {found.reason}")
        hub = HubProcess(cohort.code, store.path, free_port(), folder / "hub.log").start()
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    loop = asyncio.new_event_loop()
    try:
        sockets, sessions = loop.run_until_complete(open_sessions(hub.url, cohort.code, players))
        time.sleep(2)
        assert hub.proc is not None
        games = children(hub.proc.pid)
        rss = [kb(p, "VmRSS") / 1024 for p in games]
        pss = [kb(p, "Pss", "smaps_rollup") / 1024 for p in games]

        def finished(name: str) -> bool:
            ids = {p.id for p in store.players(cohort.code) if p.name == name}
            return any(e.kind == FINISHED and e.player in ids for e in store.events(cohort.code))

        done = loop.run_until_complete(play_to_debrief(sockets, finished))
        time.sleep(1)
        peak = [kb(p, "VmHWM") / 1024 for p in games]
        end_rss = [kb(p, "VmRSS") / 1024 for p in games]
        end_pss = [kb(p, "Pss", "smaps_rollup") / 1024 for p in games]
        hub_rss = kb(hub.proc.pid, "VmRSS") / 1024
        for ws in sockets:
            loop.run_until_complete(ws.close())
        for session in sessions:
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
    if not all(done):
        raise SystemExit(f"only {sum(done)} of {players} players reached the debrief (see {folder / 'hub.log'})")
    return {
        "players": players,
        "rss_mean": sum(rss) / len(rss),
        "rss_max": max(rss),
        "pss_mean": sum(pss) / len(pss),
        "peak_max": max(peak),
        "peak_mean": sum(peak) / len(peak),
        "end_rss_mean": sum(end_rss) / len(end_rss),
        "end_pss_mean": sum(end_pss) / len(end_pss),
        "hub_rss": hub_rss,
        "bare": bare_mb,
    }


def figures(got: dict[str, float]) -> list[Figure]:
    n = int(got["players"])
    bare = "a bare Python interpreter"
    return [
        Figure(
            f"peak RSS per served browser player, join to debrief, max of {n}",
            got["peak_max"],
            "MB",
            baseline=got["bare"],
            baseline_label=bare,
            goal=Goal(f"< {GOAL_MB:g} MB", "value", "<", GOAL_MB),
        ),
        Figure(
            f"peak RSS per served browser player, join to debrief, mean of {n}",
            got["peak_mean"],
            "MB",
            baseline=got["bare"],
            baseline_label=bare,
        ),
        Figure(
            f"RSS per served browser player at the first decision, max of {n}",
            got["rss_max"],
            "MB",
            baseline=got["bare"],
            baseline_label=bare,
        ),
        Figure(
            f"PSS per served browser player at the debrief (shared pages split), mean of {n}", got["end_pss_mean"], "MB"
        ),
        Figure("RSS of the hub itself", got["hub_rss"], "MB", baseline=got["bare"], baseline_label=bare),
    ]


def bench(players: int = 5) -> tuple[list[Figure], dict[str, float]]:
    got = measure_memory(players)
    return figures(got), got


def main() -> None:
    args = sys.argv[1:]
    scenario = SCENARIO
    if "--scenario" in args:
        at = args.index("--scenario")
        scenario = args[at + 1]
        del args[at : at + 2]
    players = int(args[0]) if args else 5
    got = measure_memory(players, scenario)
    bare_mb = got["bare"]
    print(f"memory per browser player, {players} games of {scenario} served by one hub, each played to its debrief")
    print(
        f"  peak RSS per game, join to debrief: mean {got['peak_mean']:.1f} MB, max {got['peak_max']:.1f} MB   "
        f"goal < {GOAL_MB:.0f} MB: {'met' if got['peak_max'] < GOAL_MB else 'NOT met'}"
    )
    print(f"  RSS per game at the first decision: mean {got['rss_mean']:.1f} MB, max {got['rss_max']:.1f} MB")
    print(f"  at the debrief: RSS mean {got['end_rss_mean']:.1f} MB, PSS mean {got['end_pss_mean']:.1f} MB")
    print(f"  the hub itself: {got['hub_rss']:.1f} MB RSS")
    ratio = got["peak_mean"] / bare_mb
    print(f"  baseline, a bare Python interpreter: {bare_mb:.1f} MB RSS   peak / bare = {ratio:.1f}")
    print(
        f"  60 players: {60 * got['peak_mean'] / 1024:.1f} GB at their peaks (RSS), "
        f"{60 * got['end_pss_mean'] / 1024:.1f} GB counting shared pages once"
    )


if __name__ == "__main__":
    main()
