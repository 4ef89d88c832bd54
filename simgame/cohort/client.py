"""The player's side of a cohort: `observer_for` gives the TUI and `simgame run` a PlayObserver.

Two channels carry events: straight into the cohort store (a player on the facilitator's
machine, including every browser player the hub spawns), or to the hub over HTTP through
a local outbox (a terminal player on their own laptop). Either way the front end sees
the same observer.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from simgame.cohort.codes import normalise_code
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FINISHED, Event, make_event
from simgame.cohort.hubclient import HubClient, HubRefused, HubUnreachable
from simgame.cohort.outbox import Flusher, Outbox
from simgame.cohort.pacing import gate
from simgame.cohort.progress import fold
from simgame.cohort.referee import EventRefused, decisions_made, is_pass_through
from simgame.cohort.room import Split, decision_split, reveal_text
from simgame.cohort.sessions import find, load_for, scenario_of
from simgame.cohort.storage import open_store
from simgame.cohort.store import Cohort, CohortStore, Player, check_name, require_open
from simgame.engine.run import Run
from simgame.engine.scoring import score
from simgame.engine.state import Decision
from simgame.format.compiled import Scenario
from simgame.format.safefile import SafeReadError
from simgame.format.safejson import JSONLimitError, read_json
from simgame.settings import load_settings

__all__ = ["CohortError", "CohortObserver", "observer_for"]

POLL_BACKOFF = 5.0  # seconds between pacing polls while the hub does not answer
MEMO_BYTES = 256 * 1024  # the session note kept for rejoining offline (a few hundred bytes)
DEVICE_FILE = "device.token"  # beside the outbox: this machine's proof that it is this player
DEVICE_ENV = "SIMGAME_DEVICE"  # the hub gives each browser game its browser's device token
REFUSED = "Your answer was not accepted ({reason}). Rejoin the session to carry on from where the room has you."


class Channel(Protocol):
    """Where a player's events go and where pacing is read from."""

    def send(self, event: Event) -> None: ...

    def pacing(self) -> Cohort | None: ...

    def revealed(self, number: int) -> Split | None: ...

    def problem(self) -> str | None: ...

    def close(self) -> int: ...


class StoreChannel:
    """Events straight into the store (the facilitator's machine)."""

    def __init__(self, store: CohortStore, code: str) -> None:
        self.store = store
        self.code = code
        self._problem: str | None = None

    def send(self, event: Event) -> None:
        try:
            self.store.append(self.code, [event])
        except EventRefused as exc:
            self._problem = REFUSED.format(reason=exc.reason)

    def pacing(self) -> Cohort | None:
        return self.store.cohort(self.code)

    def revealed(self, number: int) -> Split | None:
        members = {p.id for p in self.store.players(self.code)}
        return decision_split(self.store.events(self.code), number, members)

    def problem(self) -> str | None:
        return self._problem

    def close(self) -> int:
        self.store.close()
        return 0


class HubChannel:
    """Events to the hub through the outbox; pacing read from the hub, last answer kept when it is away."""

    def __init__(self, hub: HubClient, player: str, outbox: Outbox, last: Cohort, device: str = "") -> None:
        self.hub = hub
        self.player = player
        self.outbox = outbox
        self.last = last
        self.device = device
        self._revealed: dict[int, Split] = {}
        self._problem: str | None = None
        self._quiet_until = 0.0  # after a failed poll, answer from memory for a while: the UI must not stall
        self.flusher = Flusher(outbox, self._deliver)

    def _deliver(self, batch: list[dict[str, Any]]) -> bool:
        try:
            self.hub.send(self.player, batch, self.device)
        except HubUnreachable:
            return False
        except HubRefused as exc:  # set aside so it never blocks the rest; the player is told
            self.outbox.refuse(exc.event_id, str(exc))
            self._problem = REFUSED.format(reason=exc)
            return False
        return True

    def send(self, event: Event) -> None:
        self.outbox.add(event)
        self.flusher.poke()

    def pacing(self) -> Cohort | None:
        if time.monotonic() < self._quiet_until:
            return self.last
        try:
            state = self.hub.state(self.player)
        except HubUnreachable:
            self._quiet_until = time.monotonic() + POLL_BACKOFF
            return self.last
        try:
            self.last = _cohort_from(state, self.last)
            shown = state.get("revealed")
            if isinstance(shown, dict) and isinstance(shown.get("scenes"), dict):
                self._revealed[int(shown.get("step", -1))] = {
                    str(scene): {str(k): int(v) for k, v in counts.items()}
                    for scene, counts in shown["scenes"].items()
                    if isinstance(counts, dict)
                }
        except (TypeError, ValueError):  # not what a hub sends: keep the last pacing known
            self._quiet_until = time.monotonic() + POLL_BACKOFF
        return self.last

    def revealed(self, number: int) -> Split | None:
        return self._revealed.get(number)

    def problem(self) -> str | None:
        return self._problem

    def close(self) -> int:
        return self.flusher.stop()


def _cohort_from(state: dict[str, Any], base: Cohort) -> Cohort:
    return replace(
        base,
        pace=str(state.get("pace", base.pace)),
        open_step=int(state.get("open_step", 0)),
        revealed_step=int(state.get("revealed_step", -1)),
        paused=bool(state.get("paused", False)),
        closed=state.get("closed") or None,
    )


class CohortObserver:
    """Implements simgame.engine.observer.PlayObserver for one player in one cohort."""

    def __init__(
        self, channel: Channel, scenario: Scenario, cohort: Cohort, player: str, name: str, resume: list[str]
    ) -> None:
        self.channel = channel
        self.scenario = scenario
        self.cohort = cohort
        self.player = player
        self.name = name
        self.scenario_id = scenario.id
        self.seed = cohort.seed
        self.resume = list(resume)
        self.unsent = 0  # events still in the outbox after close (sent on the next join or exported)
        self._closed = False

    def started(self, run: Run) -> None:
        if run.scenario.content_hash != self.cohort.content_hash or run.seed != self.seed:
            raise CohortError("this game does not match the session's scenario or seed; rejoin with the code")

    def chose(self, run: Run, decision: Decision) -> None:
        self.channel.send(
            make_event(CHOSE, self.player, decision.index, {"choice": decision.choice, "scene": decision.scene})
        )

    def finished(self, run: Run) -> None:
        overall = score(run.scenario, run, run.metrics).overall
        self.channel.send(
            make_event(
                FINISHED,
                self.player,
                len(run.history),
                {"ending": run.ending, "score": overall},
                event_id=f"fin-{self.player}-{len(run.history)}",
            )
        )

    def waiting(self, run: Run) -> str | None:
        if run.ended:
            return None
        problem = self.channel.problem()
        if problem is not None:
            return problem
        cohort = self.channel.pacing()
        if cohort is None:
            return None
        number = None if is_pass_through(run) else decisions_made(run)
        message = gate(cohort, number)
        shown = cohort.revealed_step
        if message is None or number is None or shown < 0 or shown != number - 1:
            return message
        split = self.channel.revealed(shown)
        scene = _scene_of_decision(run, shown)
        if split is None or scene is None:
            return message
        return f"{message}\n{reveal_text(self.scenario, shown, split.get(scene, {}), scene)}"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.unsent = self.channel.close()


def _scene_of_decision(run: Run, number: int) -> str | None:
    """The scene of this player's decision ``number`` (0-based among real decisions)."""
    real = [d for d in run.history if not run.scenario.choices[d.choice].synthetic]
    return real[number].scene if 0 <= number < len(real) else None


def device_token(folder: Path) -> str:
    """This machine's token for one player (created on first use, kept beside the outbox)."""
    path = folder / DEVICE_FILE
    try:
        token = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        token = ""
    if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token):
        return token
    token = secrets.token_urlsafe(24)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(token, encoding="ascii")
    except OSError as exc:
        raise CohortError(f"cannot keep this machine's session token in {folder}: {exc.strerror or exc}") from None
    return token


def outbox_dir(saves: Path | None, hub_base: str, code: str, name: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{code}-{name}".lower()).strip("-")[:60]
    host = re.sub(r"[^a-z0-9]+", "-", hub_base.lower().split("://", 1)[-1]).strip("-")
    return (saves or load_settings().saves_dir) / "outbox" / host / slug


@dataclass(frozen=True)
class Welcome:
    """What the join dialog needs before it asks anything: the session's teams, and a returning player."""

    teams: tuple[str, ...] = ()
    returning: str | None = None  # the name this device already plays under in the session
    closed: str | None = None  # why there is nothing to join (the facilitator closed the session)


def welcome(join: str, hub: str | None = None, saves: Path | None = None) -> Welcome:
    """The teams ``join`` offers, and (a browser game, whose device the hub passes on) who this device is.

    A browser that rejoins after a hub restart resumes without typing its name again. Anything that
    cannot be found here is left to the join itself, which says what went wrong.
    """
    code = normalise_code(join)
    if hub:
        state = HubClient(hub, code).state("")
        teams = state.get("teams") if isinstance(state, dict) else None
        return Welcome(tuple(str(t) for t in teams) if isinstance(teams, list) else ())
    store = open_store(saves=saves)
    try:
        cohort = find(store, code)
        if not cohort.is_open:
            return Welcome(
                cohort.teams,
                closed=f"The session {cohort.code} ({cohort.name}) has been closed by the "
                "facilitator. Every choice made in it is kept.",
            )
        device = os.environ.get(DEVICE_ENV)
        player = store.player_by_device(cohort.code, device) if device else None
    finally:
        store.close()
    return Welcome(cohort.teams, player.name if player is not None else None)


def observer_for(
    join: str | None,
    name: str | None,
    team: str | None = None,
    hub: str | None = None,
    saves: Path | None = None,
    origin: str | None = None,
) -> CohortObserver:
    """A PlayObserver for a player joining cohort ``join``; raises CohortError with a message for them."""
    if not join:
        raise CohortError("a join code is needed to join a session")
    if not name:
        raise CohortError("choose a name to join the session (it is what the facilitator will see)")
    name = check_name(name)  # refused here as the hub and the store would: controls, direction overrides
    team = check_name(team, "team name") if team else None
    if hub:
        return _via_hub(join, name, team, hub, saves)
    origin = origin or load_settings().cohort_origin
    store = open_store(saves=saves)
    try:
        cohort = require_open(find(store, join))
        scenario = scenario_of(cohort)
        # A browser game gets its browser's token from the hub; a player on this machine keeps one per name.
        device = os.environ.get(DEVICE_ENV) or device_token(outbox_dir(saves, "local", cohort.code, name))
        player, _ = store.join(cohort.code, name, team, origin, device=device)
        resume = fold([player], store.player_events(cohort.code, player.id))[player.id].choice_log()
    except BaseException:
        store.close()
        raise
    return CohortObserver(StoreChannel(store, cohort.code), scenario, cohort, player.id, name, resume)


def _via_hub(join: str, name: str, team: str | None, url: str, saves: Path | None) -> CohortObserver:
    code = normalise_code(join)
    client = HubClient(url, code)
    folder = outbox_dir(saves, client.base, code, name)
    memo = folder / "session.json"
    device = device_token(folder)  # made before the first try: every retry of this join is this device
    try:
        info = client.join(name, team, device)
        folder.mkdir(parents=True, exist_ok=True)
        memo.write_text(json.dumps({k: v for k, v in info.items() if k != "device"}), encoding="utf-8")
    except HubUnreachable as exc:
        if not memo.exists():
            raise CohortError(
                f"{exc}. Check the address and the network, or play offline and send the "
                "facilitator a result file with `simgame export`."
            ) from None
        try:  # rejoin offline: the outbox keeps everything
            info = read_json(memo, MEMO_BYTES, max_depth=8)
        except (SafeReadError, JSONLimitError):
            raise CohortError(f"{exc}, and this machine's note of the session ({memo}) is damaged") from None
    outbox = Outbox(folder)
    try:
        cohort = Cohort(
            code=code,
            name=str(info.get("cohort_name", "")),
            scenario_id=str(info["scenario_id"]),
            scenario_ref=str(info["scenario_id"]),
            content_hash=str(info["content_hash"]),
            seed=int(info["seed"]),
            pace=str(info.get("pace", "free")),
            open_step=0,
            revealed_step=-1,
            paused=False,
            key_hash="",
            created="",
        )
        player = str(info["player"])
        remote = [str(c) for c in info.get("resume", [])]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise CohortError(f"the hub at {client.base} sent a join answer simgame cannot use") from None
    scenario = load_for(cohort.scenario_id)
    if scenario.content_hash != cohort.content_hash:
        raise CohortError(
            f"your copy of `{cohort.scenario_id}` differs from the facilitator's; update simgame "
            "so your results can be compared with the room's"
        )
    local = fold_local(outbox, player)
    resume = remote if len(remote) >= len(local) else local
    channel = HubChannel(client, player, outbox, cohort, device)
    return CohortObserver(channel, scenario, cohort, player, name, resume)


def fold_local(outbox: Outbox, player: str) -> list[str]:
    """The choices this player made, from their own outbox (sent or not)."""
    me = Player(player, "", "", None, "")
    return fold([me], [e for e in outbox.events() if e.player == player])[player].choice_log()
