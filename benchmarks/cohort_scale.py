"""Benchmark: 1,000 scripted players across 3 hubs on one PostgreSQL database (issue #15, item 6).

Run: python benchmarks/cohort_scale.py [PLAYERS] [--hubs N] [--quick] [--think SECONDS]

A new database on the PostgreSQL server of ``$SIMGAME_TEST_POSTGRES`` (else the role `.ci/run`
makes on this machine) gets a free-pacing session of a shipped scenario; N real `simgame serve`
processes serve it. PLAYERS scripted players, spread evenly over the hubs, are driven from one
asyncio process over aiohttp through the player API (``X-Join-Code``): the whole room joins at
once, then every player plays a whole game at once, posting one event per request and waiting for
its acknowledgement before the next (no pause between events unless ``--think``). At most
``CONNECTIONS`` requests are in flight, split over the hubs and handed out in turn, as a room's
network funnels its players; the same number for both stores. Each game is planned beforehand on
the engine (a random option among those offered, so every choice replays for the hub's referee),
out of the timed run, so the client's CPU is left to the hubs. Every fifth player moves halfway: it
rejoins on the next hub from the same device (it must get the same player back, resumed where it
was) and plays on there. A request that fails or is answered "busy" is sent again, the same event
id, as a player's outbox does.

Measured: player events acknowledged per second over the whole run (first join to last
acknowledgement); each event's acknowledgement latency (from the request leaving on a free
connection to the hub's answer: the waiting of players for one of the connections is not counted),
p50 and p99; join and rejoin latency. Afterwards the store is read: every event the players sent
must be stored exactly once (goal: 0 lost, 0 duplicated), every player finished, and no player was
created twice. Baseline in the same run: the same load on SQLite with one hub.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import Figure, Goal  # noqa: E402
from simgame.cohort.events import CHOSE, FINISHED  # noqa: E402
from simgame.cohort.postgres import where  # noqa: E402
from simgame.cohort.progress import fold  # noqa: E402
from simgame.cohort.sessions import create, scenario_of  # noqa: E402
from simgame.cohort.storage import open_store  # noqa: E402
from simgame.engine.run import Run  # noqa: E402
from simgame.format.compiled import Scenario  # noqa: E402
from tests.cohort.hubsupport import HubProcess, free_port  # noqa: E402

PLAYERS, HUBS, QUICK_PLAYERS = 1000, 3, 60
SCENARIO = "pilot-to-production"
CONNECTIONS = 120  # requests in flight at once, split over the hubs: a busy room, the same for both stores
MOVE_EVERY = 5  # every fifth player moves to another hub halfway through its game
TRIES = 8  # sends of one request before the player gives up (same event id each time)
TIMEOUT_S = 120.0
RETRY = (429, 502, 503, 504)
ENV = "SIMGAME_TEST_POSTGRES"
DEFAULT_PG = "postgresql://simgame_test:simgame@127.0.0.1:5432/postgres"
HOW = (
    "install PostgreSQL (Debian's `postgresql` package, its cluster started) and a role that may create "
    f"databases, as the PostgreSQL block of .ci/run does, or set ${ENV} to such a role's URL"
)


class NoServer(RuntimeError):
    """No PostgreSQL server to measure on; the message says what to install."""


# -- the players' games, planned on the engine ---------------------------------------------
@dataclass(frozen=True)
class Plan:
    """One player's whole game: the choices (each offered at its point) and the ending they reach."""

    choices: list[str]
    ending: str


def plan_games(scenario: Scenario, seed: int, players: int) -> list[Plan]:
    """A random valid game per player. The options offered do not depend on who plays (only their order
    on screen does), so a game planned before the join replays for the referee."""
    plans = []
    for i in range(players):
        rng, run = random.Random(i), Run.start(scenario, seed)
        while not run.ended:
            run.choose(rng.choice(sorted(run.available())))
        plans.append(Plan(run.choice_log, str(run.ending)))
        run.close()
    return plans


def events_of(i: int, plan: Plan) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {"id": f"bench-{i:05d}-{step:03d}", "kind": CHOSE, "step": step, "data": {"choice": choice}}
        for step, choice in enumerate(plan.choices)
    ]
    end = len(plan.choices)
    out.append({"id": f"bench-{i:05d}-{end:03d}-end", "kind": FINISHED, "step": end, "data": {"ending": plan.ending}})
    return out


# -- driving the hubs ------------------------------------------------------------------------
@dataclass
class Tally:
    """What the players saw: latencies (seconds), the ids they sent, and anything that went wrong."""

    latencies: list[float] = field(default_factory=list)
    joins: list[float] = field(default_factory=list)
    rejoins: list[float] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)
    player_ids: dict[int, str] = field(default_factory=dict)
    not_new: int = 0  # acknowledged but not stored as new (only a resend's answer should be)
    retries: int = 0
    problems: list[str] = field(default_factory=list)


class Slots:
    """At most ``n`` requests in flight; a freed slot goes to the longest waiter (asyncio.Queue would let the
    player who just freed it take it back at once, so a few players would race ahead of the room)."""

    def __init__(self, n: int) -> None:
        self.free = n
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def take(self) -> None:
        if self.free and not self.waiters:
            self.free -= 1
            return
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(handed)
        await handed

    def give(self) -> None:
        while self.waiters:
            handed = self.waiters.popleft()
            if not handed.done():
                handed.set_result(None)
                return
        self.free += 1


class Hub:
    """One hub as the players reach it: at most ``connections`` requests in flight, taken in turn."""

    def __init__(self, url: str, code: str, connections: int) -> None:
        self.url, self.code = url, code
        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=connections), timeout=aiohttp.ClientTimeout(total=TIMEOUT_S)
        )
        self._slots = Slots(connections)

    async def post(self, path: str, body: dict[str, Any], tally: Tally, took: list[float]) -> dict[str, Any]:
        """The hub's answer to ``body``, its latency appended to ``took`` (from the moment a connection is free
        to the answer); sent again, the same body, while the hub is unreachable or busy."""
        headers = {"X-Join-Code": self.code}
        for attempt in range(TRIES):
            await self._slots.take()
            try:
                start = time.perf_counter()
                async with self.http.post(self.url + path, json=body, headers=headers) as resp:
                    answer = await resp.json(content_type=None)
                if resp.status == 200 and isinstance(answer, dict):
                    took.append(time.perf_counter() - start)
                    return answer
                if resp.status not in RETRY:
                    raise RuntimeError(f"{path} answered {resp.status}: {answer}")
            except (aiohttp.ClientError, TimeoutError):
                pass
            finally:
                self._slots.give()
            tally.retries += 1
            await asyncio.sleep(min(4.0, 0.25 * 2**attempt))
        raise RuntimeError(f"{path}: no answer from {self.url} after {TRIES} tries")


@dataclass
class Player:
    index: int
    plan: Plan
    home: int
    name: str = ""
    team: str = ""
    pid: str = ""
    device: str = ""


async def join(p: Player, hubs: list[Hub], tally: Tally) -> None:
    p.name, p.team = f"Bench player {p.index:05d}", f"Team {p.index % 10}"
    body = {"name": p.name, "team": p.team, "request": uuid.uuid4().hex}
    joined = await hubs[p.home].post("/api/v1/join", body, tally, tally.joins)
    p.pid, p.device = str(joined["player"]), str(joined["device"])
    tally.player_ids[p.index] = p.pid


async def play(p: Player, hubs: list[Hub], tally: Tally, think: float) -> None:
    """One player's game, each event acknowledged before the next; every fifth moves to the next hub halfway."""
    events = events_of(p.index, p.plan)
    half = len(events) // 2
    rng = random.Random(-p.index)
    for n, event in enumerate(events):
        if n == half and p.index % MOVE_EVERY == 0:  # from the same device: the same player, resumed
            p.home = (p.home + 1) % len(hubs)
            body: dict[str, Any] = {"name": p.name, "team": p.team, "request": uuid.uuid4().hex, "device": p.device}
            again = await hubs[p.home].post("/api/v1/join", body, tally, tally.rejoins)
            if again.get("player") != p.pid or again.get("resume") != p.plan.choices[:half]:
                tally.problems.append(f"player {p.index} rejoined as another player or not where it was")
        tally.sent.add(event["id"])
        body = {"player": p.pid, "device": p.device, "events": [event]}
        answer = await hubs[p.home].post("/api/v1/events", body, tally, tally.latencies)
        if answer.get("stored") != 1:
            tally.not_new += 1
        if think:
            await asyncio.sleep(rng.expovariate(1 / think))


async def drive(
    urls: list[str], code: str, plans: list[Plan], connections: int, think: float
) -> tuple[Tally, float, float]:
    """The room arrives (every player joins at once), then everyone plays at once: the tally, the seconds of
    the joining and of the whole run (first join to last acknowledgement)."""
    tally = Tally()
    hubs = [Hub(url, code, max(1, connections // len(urls))) for url in urls]
    players = [Player(i, plan, i % len(urls)) for i, plan in enumerate(plans)]
    try:
        start = time.perf_counter()
        joined = await asyncio.gather(*(join(p, hubs, tally) for p in players), return_exceptions=True)
        joining = time.perf_counter() - start
        ready = [p for p, r in zip(players, joined, strict=True) if not isinstance(r, BaseException)]
        done = await asyncio.gather(*(play(p, hubs, tally, think) for p in ready), return_exceptions=True)
        seconds = time.perf_counter() - start
    finally:
        for hub in hubs:
            await hub.http.close()
    failed = [(p.index, r) for p, r in zip(players, joined, strict=True) if isinstance(r, BaseException)]
    failed += [(p.index, r) for p, r in zip(ready, done, strict=True) if isinstance(r, BaseException)]
    tally.problems += [f"player {i}: {r}" for i, r in failed]
    return tally, joining, seconds


# -- one run: a session, its hubs, the players, the check ---------------------------------------
@contextlib.contextmanager
def _env(**values: str) -> Iterator[None]:
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_load(
    location: str | Path,
    players: int,
    hubs: int,
    folder: Path,
    connections: int = CONNECTIONS,
    think: float = 0.0,
    scenario: str = SCENARIO,
) -> dict[str, float]:
    """The load on the store at ``location`` (a SQLite file or a PostgreSQL URL) served by ``hubs`` hubs:
    throughput, latencies, and what the store holds afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    with _env(SIMGAME_SCENARIOS=str(ROOT / "scenarios"), SIMGAME_SAVES=str(folder)):
        store = open_store(location)
        try:
            cohort, _ = create(store, scenario, "Scale benchmark", "free", seed=7)
            plans = plan_games(scenario_of(cohort), cohort.seed, players)
            procs = [HubProcess(cohort.code, location, free_port(), folder / f"hub{n}.log") for n in range(hubs)]  # type: ignore[arg-type]
            try:
                for proc in procs:
                    proc.start()
                urls = [p.url for p in procs]
                tally, joining, seconds = asyncio.run(drive(urls, cohort.code, plans, connections, think))
            finally:
                for proc in procs:
                    proc.stop()
            stored = check(store, cohort.code, tally, players)
        finally:
            store.close()
    lat, joins, rejoins = (sorted(xs) or [float("nan")] for xs in (tally.latencies, tally.joins, tally.rejoins))
    if tally.problems:
        print(f"  {len(tally.problems)} problems, the first: {tally.problems[0]} (hub logs in {folder})", flush=True)
    return {
        "players": players,
        "hubs": hubs,
        "connections": max(1, connections // hubs) * hubs,
        "think": think,
        "events": len(tally.latencies),
        "seconds": seconds,
        "joining": joining,
        "per_second": len(tally.latencies) / seconds,
        "p50_ms": 1000 * percentile(lat, 50),
        "p99_ms": 1000 * percentile(lat, 99),
        "max_ms": 1000 * lat[-1],
        "join_p50_ms": 1000 * percentile(joins, 50),
        "join_p99_ms": 1000 * percentile(joins, 99),
        "rejoin_p50_ms": 1000 * percentile(rejoins, 50),
        "rejoin_p99_ms": 1000 * percentile(rejoins, 99),
        "moved": len(tally.rejoins),
        "load": os.getloadavg()[0],
        "retries": tally.retries,
        "not_new": tally.not_new,
        "problems": len(tally.problems),
        **stored,
    }


def check(store: Any, code: str, tally: Tally, players: int) -> dict[str, float]:
    """What the store holds: sent events lost or stored more than once, players who did not finish, and
    players beyond one per scripted player (a move that made a new player)."""
    events = store.events(code)
    mine = [e for e in events if e.kind in (CHOSE, FINISHED)]
    ids = Counter(e.id for e in mine)
    answers = Counter((e.player, e.kind, e.step) for e in mine)  # one answer per player and step, one finish
    progress = fold(store.players(code), events)
    finished = sum(1 for pid in tally.player_ids.values() if pid in progress and progress[pid].finished)
    return {
        "stored": len(mine),
        "lost": len(tally.sent - ids.keys()),
        "duplicated": sum(n - 1 for n in ids.values())
        + sum(n - 1 for n in answers.values())
        + len(ids.keys() - tally.sent),
        "finished": finished,
        "unfinished": players - finished,
        "extra_players": len(progress) - len(set(tally.player_ids.values())),
    }


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))]


# -- PostgreSQL ------------------------------------------------------------------------------------
def admin_url() -> str:
    """The server's URL (a role that may create databases); NoServer saying what to install if none answers."""
    url = os.environ.get(ENV) or DEFAULT_PG
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.Error as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
        reason = lines[0].rsplit("failed:", 1)[-1].strip()[:160]
        raise NoServer(f"cannot use the PostgreSQL server on {where(url)} ({reason}). To measure: {HOW}") from None


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    """A new empty database's URL on the server; dropped (with anything still connected) afterwards."""
    admin = admin_url()
    name = f"simgame_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    try:
        parts = urlsplit(admin)
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    finally:
        for attempt in range(20):  # an autovacuum worker still connected may need a retry
            try:
                with psycopg.connect(admin, autocommit=True) as db:
                    db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 19:
                    raise
                time.sleep(0.25)


def measure(players: int = PLAYERS, hubs: int = HUBS, think: float = 0.0) -> dict[str, float]:
    """The load on PostgreSQL with ``hubs`` hubs, then the same on SQLite with one (keys ``pg_*``, ``sqlite_*``)."""
    folder = Path(tempfile.mkdtemp(prefix="simgame-bench-scale-"))
    got: dict[str, float] = {}
    try:
        with pg_database() as url:
            got.update({f"pg_{k}": v for k, v in run_load(url, players, hubs, folder / "pg", think=think).items()})
        base = run_load(folder / "sqlite" / "cohorts.sqlite", players, 1, folder / "sqlite", think=think)
        got.update({f"sqlite_{k}": v for k, v in base.items()})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return got


def figures(got: dict[str, float]) -> list[Figure]:
    n, hubs = int(got["pg_players"]), int(got["pg_hubs"])
    load = f"{n:,} scripted players, {hubs} hubs, one PostgreSQL database"
    base = "1 hub on SQLite, same load"

    def fig(name: str, key: str, unit: str, digits: int = 1, goal: Goal | None = None) -> Figure:
        return Figure(name, got[f"pg_{key}"], unit, digits, got[f"sqlite_{key}"], base, goal)

    zero = Goal("0", "value", "<=", 0)
    return [
        fig(f"player events acknowledged per second, whole run, {load}", "per_second", "/s"),
        fig(f"acknowledgement latency p50, {load}", "p50_ms", "ms"),
        fig(f"acknowledgement latency p99, {load}", "p99_ms", "ms"),
        fig(f"events lost, of {int(got['pg_events']):,} sent, {load}", "lost", "", 0, zero),
        fig(f"events duplicated, {load}", "duplicated", "", 0, zero),
        fig(f"players who did not finish, of {n:,}", "unfinished", "", 0),
        fig(f"join latency p99, the whole room joining at once, {load}", "join_p99_ms", "ms"),
        fig(f"rejoin latency p99, {int(got['pg_moved'])} players moving hubs halfway, {load}", "rejoin_p99_ms", "ms"),
    ]


def bench(
    players: int = PLAYERS, hubs: int = HUBS, quick: bool = False, think: float = 0.0
) -> tuple[list[Figure], dict[str, float]]:
    got = measure(QUICK_PLAYERS if quick else players, hubs, think)
    return figures(got), got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("players", nargs="?", type=int, default=PLAYERS)
    parser.add_argument("--hubs", type=int, default=HUBS)
    parser.add_argument("--quick", action="store_true", help=f"a smoke run: {QUICK_PLAYERS} players")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a player waits between events")
    args = parser.parse_args()
    players = QUICK_PLAYERS if args.quick else args.players
    try:
        got = measure(players, args.hubs, args.think)
    except NoServer as exc:
        raise SystemExit(str(exc)) from None
    for label, k in ((f"PostgreSQL, {args.hubs} hubs", "pg"), ("SQLite, 1 hub (baseline)", "sqlite")):
        g = {key.split("_", 1)[1]: v for key, v in got.items() if key.startswith(k + "_")}
        print(f"{int(g['players']):,} scripted players, {label}, {int(g['connections'])} requests in flight at most:")
        print(
            f"  {int(g['events']):,} events in {g['seconds']:.1f} s (joining {g['joining']:.1f} s): "
            f"{g['per_second']:,.0f} events/s"
        )
        print(f"  acknowledgement p50 {g['p50_ms']:,.1f} ms, p99 {g['p99_ms']:,.1f} ms, max {g['max_ms']:,.0f} ms")
        print(f"  join p50 {g['join_p50_ms']:,.1f} ms, p99 {g['join_p99_ms']:,.1f} ms")
        print(
            f"  rejoin on another hub ({int(g['moved'])}): "
            f"p50 {g['rejoin_p50_ms']:,.1f} ms, p99 {g['rejoin_p99_ms']:,.1f} ms"
        )
        print(
            f"  lost {int(g['lost'])}, duplicated {int(g['duplicated'])}, finished {int(g['finished'])} of "
            f"{int(g['players'])}, extra players {int(g['extra_players'])}, resent {int(g['retries'])}, "
            f"problems {int(g['problems'])}, load average {g['load']:.1f}"
        )


if __name__ == "__main__":
    main()
