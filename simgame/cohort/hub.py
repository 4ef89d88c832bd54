"""The cohort hub: one aiohttp server on the facilitator's machine for browsers and terminal players.

- Browsers get the game through textual-serve. textual-serve has no authentication, no
  Origin check and no session cap, and hands each process the server's whole
  environment; this subclass checks the join code (then a same-site cookie) before any
  process is spawned, checks the websocket's Origin, caps concurrent sessions, and
  starts each game without a shell and with a scrubbed environment.
- Terminal players on their own laptops speak a small JSON API authenticated by the join
  code (header ``X-Join-Code``); their outbox resends with the same event ids, which the
  store keeps once.
- Everything lands in the same cohort store the dashboard and reports read.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from simgame.cohort.codes import codes_equal
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FINISHED, EventError, event_from_json
from simgame.cohort.room import shareable, step_counts
from simgame.cohort.store import Cohort, CohortStore
from simgame.settings import child_environment, load_settings

log = logging.getLogger("simgame.hub")
COOKIE = "simgame_join"
PLAYER_KINDS = (CHOSE, FINISHED)
MAX_BATCH = 200
KEEP_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ", "SYSTEMROOT")
_FONT_LINK = re.compile(r"<link[^>]+fonts\.googleapis\.com[^>]*>\s*", re.IGNORECASE)


def scrubbed_environment(store_path: Path, tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Only what the game needs: a browser player's process never sees the facilitator's secrets."""
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    env["TMPDIR"] = str(tmp)
    env["SIMGAME_COHORT_DB"] = str(store_path)
    env["SIMGAME_COHORT_ORIGIN"] = "browser"
    # The facilitator's scenarios and saves folders (from their flags, environment or config file),
    # but not the rest of their config file (its hub address or theme): a private, empty one.
    env.update(child_environment(load_settings()))
    env["SIMGAME_CONFIG"] = str(tmp / "config.toml")
    env.update(extra or {})
    return env


class GameProcess(AppService):
    """One browser player's game: started with exec (no shell) and a scrubbed environment."""

    def __init__(self, argv: list[str], env: dict[str, str], **kw: Any) -> None:
        super().__init__(" ".join(argv), **kw)
        self.argv = argv
        self.env = env
        self.pid: int | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = dict(self.env)
        env.update(
            {
                "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
                "TEXTUAL_FPS": "60",
                "TEXTUAL_COLOR_SYSTEM": "truecolor",
                "TERM_PROGRAM": "textual",
                "COLUMNS": str(width),
                "ROWS": str(height),
            }
        )
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
        )
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        self.pid = process.pid
        return process


class Hub(Server):
    """textual-serve's Server, guarded, plus the JSON API for terminal players."""

    def __init__(
        self,
        store: CohortStore,
        store_path: Path,
        code: str,
        host: str = "127.0.0.1",
        port: int = 8765,
        max_sessions: int = 60,
        argv: list[str] | None = None,
        tmp: Path | None = None,
    ) -> None:
        self.store = store
        self.store_path = store_path
        self.code = code
        self.max_sessions = max_sessions
        self.sessions: dict[str, GameProcess] = {}
        self.spawned = 0
        self.argv = argv or [sys.executable, "-m", "simgame", "play", "--join", code]
        self.tmp = tmp or store_path.parent / "hub-tmp"
        self._revealed: tuple[float, int, dict[str, int]] = (0.0, -2, {})
        super().__init__(" ".join(self.argv), host=host, port=port, title="simgame")

    # -- the aiohttp application ----------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        app.add_routes(
            [
                web.get("/api/v1/health", self.api_health),
                web.post("/api/v1/join", self.api_join),
                web.post("/api/v1/events", self.api_events),
                web.get("/api/v1/state", self.api_state),
            ]
        )
        return app

    async def make_app(self) -> web.Application:
        """The application, for running under a test server or web.AppRunner."""
        return await self._make_app()

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def on_startup(self, app: web.Application) -> None:
        log.info("simgame hub for session %s on %s", self.code, self.public_url)

    async def on_shutdown(self, app: web.Application) -> None:
        """Ask every running game to quit (its choices are already stored); kill any that hang."""
        for service in list(self.sessions.values()):
            try:
                await asyncio.wait_for(service.stop(), timeout=5)
            except (TimeoutError, OSError, RuntimeError):
                process = service._process
                if process is not None and process.returncode is None:
                    process.kill()

    # -- the guard: nothing is spawned and no API call is served without the code --------
    def _code_ok(self, supplied: str | None) -> bool:
        return bool(supplied) and codes_equal(str(supplied).strip().upper(), self.code)

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        path = request.path
        if path.startswith("/static/") or path == "/api/v1/health":
            return await handler(request)  # type: ignore[no-any-return]
        if path.startswith("/api/"):
            if not self._code_ok(request.headers.get("X-Join-Code")):
                return web.json_response({"error": "wrong or missing join code"}, status=403)
            return await handler(request)  # type: ignore[no-any-return]
        if path == "/":
            supplied = request.query.get("code") or request.cookies.get(COOKIE)
            if not self._code_ok(supplied):
                return web.Response(status=403, content_type="text/html", text=_ask_for_code(bool(supplied)))
            response = await handler(request)
            if isinstance(response, web.Response) and response.text:
                response.text = _FONT_LINK.sub("", response.text)  # no third-party requests from the room
            response.set_cookie(COOKIE, self.code, httponly=True, samesite="Strict", path="/")
            return response  # type: ignore[no-any-return]
        if path == "/ws":
            if not self._code_ok(request.cookies.get(COOKIE) or request.query.get("code")):
                return web.json_response({"error": "wrong or missing join code"}, status=403)
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                return web.json_response({"error": "cross-site connection refused"}, status=403)
            if len(self.sessions) >= self.max_sessions:
                return web.json_response({"error": "the session is full; ask the facilitator"}, status=503)
            return await handler(request)  # type: ignore[no-any-return]
        raise web.HTTPNotFound()

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        # Build links from the address the browser used (the server may listen on 0.0.0.0).
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """As textual-serve's, but with our process class, counted against the cap."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        self.tmp.mkdir(parents=True, exist_ok=True)
        service = GameProcess(
            self.argv,
            scrubbed_environment(self.store_path, self.tmp),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=False,
        )
        self.sessions[service.app_service_id] = service
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            self.spawned += 1
            try:
                await self._relay(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a broken browser connection must not take the hub down
            log.warning("browser session ended: %s", error)
        finally:
            self.sessions.pop(service.app_service_id, None)
        return websocket

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            data = envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    to_int(str(data.get("width", 80)), 80), to_int(str(data.get("height", 24)), 24)
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    # -- the JSON API ----------------------------------------------------------------
    def _cohort(self) -> Cohort:
        return self.store.cohort(self.code)

    async def api_health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(
                text='{"error": "the request is not JSON"}', content_type="application/json"
            ) from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}', content_type="application/json")
        return body

    async def api_join(self, request: web.Request) -> web.Response:
        from simgame.cohort.progress import fold

        body = await self._body(request)
        name, team = body.get("name"), body.get("team")
        if not isinstance(name, str) or (team is not None and not isinstance(team, str)):
            return web.json_response({"error": "a name (and optionally a team) is needed"}, status=400)
        try:
            player, _ = self.store.join(self.code, name, team or None, origin="terminal")
            cohort = self._cohort()
        except CohortError as exc:
            return web.json_response({"error": str(exc)}, status=409)
        resume = fold([player], self.store.events(self.code))[player.id].choice_log()
        return web.json_response(
            {
                "player": player.id,
                "name": player.name,
                "team": player.team,
                "cohort_name": cohort.name,
                "scenario_id": cohort.scenario_id,
                "content_hash": cohort.content_hash,
                "seed": cohort.seed,
                "pace": cohort.pace,
                "resume": resume,
            }
        )

    async def api_events(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        player, raw = body.get("player"), body.get("events")
        if not isinstance(player, str) or not isinstance(raw, list) or len(raw) > MAX_BATCH:
            return web.json_response({"error": f"send a player id and at most {MAX_BATCH} events"}, status=400)
        try:
            events = [event_from_json(item, player=player) for item in raw]
        except EventError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        if any(e.kind not in PLAYER_KINDS for e in events):
            return web.json_response({"error": "players may only send choices and finishes"}, status=400)
        try:
            stored = self.store.append(self.code, events)
        except CohortError as exc:
            return web.json_response({"error": str(exc)}, status=409)
        return web.json_response({"received": len(events), "stored": stored})

    async def api_state(self, request: web.Request) -> web.Response:
        c = self._cohort()
        state: dict[str, Any] = {
            "pace": c.pace,
            "open_step": c.open_step,
            "revealed_step": c.revealed_step,
            "paused": c.paused,
            "closed": c.closed,
        }
        if c.revealed_step >= 0:
            counts = self._revealed_counts(c.revealed_step)
            if shareable(counts):
                state["revealed"] = {"step": c.revealed_step, "counts": counts}
        return web.json_response(state)

    def _revealed_counts(self, step: int) -> dict[str, int]:
        """The revealed split, recomputed at most once a second however many players poll."""
        at, cached_step, counts = self._revealed
        if cached_step != step or time.monotonic() - at > 1.0:
            counts = step_counts(self.store.events(self.code), step)
            self._revealed = (time.monotonic(), step, counts)
        return counts


def _ask_for_code(wrong: bool) -> str:
    note = "<p style='color:#b00'>That code is not this session's.</p>" if wrong else ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>simgame: join</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:30rem;margin:4rem auto'>"
        f"<h1>Join the session</h1>{note}<form method='get' action='/'>"
        "<label>Join code <input name='code' autocomplete='off' autofocus></label> "
        "<button type='submit'>Join</button></form></body></html>"
    )
