"""The cohort hub: one aiohttp server on the facilitator's machine for browsers and terminal players.

- Browsers get the game through textual-serve. textual-serve has no authentication, no
  Origin check and no session cap, and hands each process the server's whole
  environment; this subclass checks the join code (then a same-site cookie) before any
  process is spawned, checks the websocket's Origin, caps concurrent sessions, and
  starts each game without a shell and with a scrubbed environment.
- Terminal players on their own laptops speak a small JSON API authenticated by the join
  code (header ``X-Join-Code``); their outbox resends with the same event ids, which the
  store keeps once, and a retried join (same request id) is answered with the same player.
- Everything lands in the same cohort store the dashboard and reports read.
- One hub serves one session (``--cohort CODE``), several, or every session in its store: the
  join code a request carries (its header, its query or its cookie) says which session it is for,
  so six rooms of a programme can share one hub, and several hubs one PostgreSQL database.

Its perimeter, for a room's network where anyone may connect:

- the ``Host`` header must name this hub (its bind address, a localhost name, or a name the
  facilitator configured with ``--public-host`` or the ``hub`` setting; any IP address when it
  listens on every interface), else 421: a DNS-rebinding page cannot reach it, and no page
  ever repeats the Host it was asked for;
- an address that keeps sending wrong join codes waits longer after each (429, logged);
- request bodies are read with a deadline and a size cap, and JSON deeper than a few levels
  is refused (400); idle and slow connections are dropped (:meth:`Hub.server_options`);
- the store is called on one worker thread, never on the event loop, so a slow disk or
  200 joins at once stall nobody's websocket;
- a browser game counts against ``--max-sessions`` until its process has exited: the hub
  asks it to quit, then terminates it, and only then frees its place.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import secrets
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from simgame.cohort.errors import CohortError
from simgame.cohort.gameprocess import GAME_GRACE_S, GameProcess, game_environment, scrubbed_environment
from simgame.cohort.hubapi import DEVICE, MAX_BATCH, PLAYER_KINDS, SESSION, PlayerAPI, bad_request, new_device
from simgame.cohort.hubpages import FONT_LINK, ask_for_code, page, websocket_from_location, with_resume
from simgame.cohort.hubsessions import OK, WAIT, WRONG, SessionFinder
from simgame.cohort.perimeter import WILDCARD, CodeBackoff, allowed_host_names, host_name, is_ip
from simgame.cohort.store import Cohort, CohortStore
from simgame.format.safejson import JSONLimitError, loads_limited

log = logging.getLogger("simgame.hub")
COOKIE = "simgame_join"
DEVICE_COOKIE = "simgame_device"  # a browser's device token: rejoining from it resumes the player
DEVICE_COOKIE_AGE = 7 * 24 * 3600
__all__ = ["COOKIE", "MAX_BATCH", "MAX_BODY", "PLAYER_KINDS", "CodeBackoff", "Hub", "scrubbed_environment"]

MAX_BODY = 512 * 1024  # an outbox batch of 50 events is a few kB; 200 events of the largest data fit
MAX_JSON_DEPTH = 16  # the API's deepest body is {"events": [{"data": {...}}]}
BODY_TIMEOUT_S = 10.0  # a request body must arrive within this (a slowloris body is dropped)
IDLE_TIMEOUT_S = 20.0  # a connection that sends no complete request for this long is closed
LINGER_S = 2.0  # after refusing a body, read what is left for at most this long, then close
GAME_CODE = "{code}"  # in a game's command, replaced by the session the browser joined

T = TypeVar("T")


def _error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers or None)


class Hub(PlayerAPI, Server):
    """textual-serve's Server, guarded, plus the JSON API for terminal players."""

    def __init__(
        self,
        store: CohortStore,
        store_path: Path | str,  # a SQLite file, or a postgresql:// URL (several hubs, one database)
        code: str | Iterable[str] | None,  # one session, several, or None: every session in the store
        host: str = "127.0.0.1",
        port: int = 8765,
        max_sessions: int = 60,
        argv: list[str] | None = None,
        tmp: Path | None = None,
        public_hosts: Iterable[str] = (),
        backoff: CodeBackoff | None = None,
        body_timeout: float = BODY_TIMEOUT_S,
        idle_timeout: float = IDLE_TIMEOUT_S,
        game_grace: float = GAME_GRACE_S,
    ) -> None:
        self.store = store
        self.store_path = store_path
        self.only = None if code is None else frozenset([code] if isinstance(code, str) else code)
        self.max_sessions = max_sessions
        self.sessions: dict[str, GameProcess] = {}  # every game whose process has not yet been reaped
        self.spawned = 0
        self.argv = argv or [sys.executable, "-m", "simgame", "play", "--join", GAME_CODE]
        self.tmp = tmp or _tmp_beside(store_path)
        self.bind = host
        self.host_names = allowed_host_names(host, public_hosts)
        self.backoff = backoff or CodeBackoff()
        self.finder = SessionFinder(self.only, self._cohort_named, self.backoff)
        self.body_timeout = body_timeout
        self.idle_timeout = idle_timeout
        self.game_grace = game_grace
        self._revealed = {}
        self._joins = OrderedDict()
        self._heard = {}  # session -> terminal player -> when the hub last heard from them (monotonic)
        self._device_secret = secrets.token_bytes(32)
        self._beating: asyncio.Task[None] | None = None
        self._ending: dict[str, asyncio.Task[None]] = {}  # games being ended, by session id
        # One thread owns the store: its calls never block the event loop, and never overlap.
        self._store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simgame-hub-store")
        super().__init__(" ".join(self.argv), host=host, port=port, title="simgame")

    # -- the aiohttp application ----------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.extend([self._check_host, self._guard])
        app.add_routes(
            [
                web.get("/api/v1/health", self.api_health),
                web.get("/ws/{code}", self.handle_websocket),
                web.post("/api/v1/join", self.api_join),
                web.post("/api/v1/events", self.api_events),
                web.get("/api/v1/state", self.api_state),
            ]
        )
        app.on_cleanup.append(self._close_store_thread)
        # --- co-facilitators on other machines (/api/v1/facilitator/*, facilitator key): hubfacilitator.py ---
        from simgame.cohort.hubfacilitator import install as install_facilitator

        install_facilitator(app, self)
        # --- end of the facilitator API ---
        # --- the projector view (/projector, facilitator key): simgame/cohort/projectorweb.py ---
        from simgame.cohort.projectorweb import install as install_projector

        install_projector(app, self)
        # --- end of the projector view ---
        return app

    @property
    def code(self) -> str:
        """The session of a hub that serves exactly one (its banner, its tests)."""
        if self.only is None or len(self.only) != 1:
            raise CohortError("this hub serves several sessions; a request's join code says which")
        return next(iter(self.only))

    def argv_for(self, code: str) -> list[str]:
        """The command that starts a browser player's game in session ``code``."""
        return [code if part == GAME_CODE else part for part in self.argv]

    async def _cohort_named(self, code: str) -> Cohort:
        return await self._in_store(self.store.cohort, code)

    async def served_codes(self) -> list[str]:
        """The sessions this hub answers for now: its own list, or every open session in the store."""
        if self.only is not None:
            return sorted(self.only)
        cohorts = await self._in_store(self.store.cohorts)
        return sorted(c.code for c in cohorts if c.is_open)

    async def make_app(self) -> web.Application:
        """The application, for running under a test server or web.AppRunner."""
        return await self._make_app()

    def server_options(self) -> dict[str, Any]:
        """aiohttp server settings (for ``web.run_app`` or a test server): idle and slow connections are dropped."""
        return {"keepalive_timeout": self.idle_timeout, "lingering_time": LINGER_S}

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def on_startup(self, app: web.Application) -> None:
        which = ", ".join(sorted(self.only)) if self.only is not None else "every session in its store"
        log.info("simgame hub for %s listening on %s:%s", which, self.bind, self.port)
        self._beating = asyncio.get_running_loop().create_task(self.heartbeat(f"{self.bind}:{self.port}"))

    async def on_shutdown(self, app: web.Application) -> None:
        """Ask every running game to quit (its choices are already stored); terminate any that hang."""
        if self._beating is not None:
            self._beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beating
            await self.last_beat(f"{self.bind}:{self.port}")
        await asyncio.gather(*(self._end_game(s) for s in list(self.sessions.values())))

    async def _close_store_thread(self, app: web.Application) -> None:
        self._store_thread.shutdown(wait=True)

    async def _in_store(self, call: Callable[..., T], *args: Any, **kw: Any) -> T:
        """Run a store call on the store's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._store_thread, functools.partial(call, *args, **kw))

    # -- the perimeter: the Host header, then the join code ------------------------------
    def _host_ok(self, header: str | None) -> bool:
        name = host_name(header)
        if name is None:
            return False
        return name in self.host_names or (self.bind in WILDCARD and is_ip(name))

    @web.middleware
    async def _check_host(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self._host_ok(request.headers.get("Host")):
            # Not repeated back, not logged verbatim: the header is the caller's text.
            log.info("refused a request from %s for another host name", request.remote)
            return web.Response(
                status=421, text="This hub does not answer to that address.\n", content_type="text/plain"
            )
        return await handler(request)  # type: ignore[no-any-return]

    async def _try_code(self, request: web.Request, supplied: str | None) -> web.Response | None:
        """None if ``supplied`` is a session this hub serves (noted on the request), else the refusal;
        a wrong code counts against the address (:mod:`simgame.cohort.hubsessions`)."""
        verdict = await self.finder.check(supplied, request.remote)
        if verdict.kind == OK and verdict.code is not None:
            request[SESSION] = verdict.code
            if not verdict.is_open and (request.path == "/" or request.path.startswith("/ws")):  # nothing to spawn
                return _closed(request)
            return None
        if verdict.kind in (WRONG, WAIT) and verdict.count:
            if verdict.wait:
                log.warning(
                    "wrong join code from %s (%d in a row): it must wait %.0f s before its next try",
                    self.backoff.key(request.remote),
                    verdict.count,
                    verdict.wait,
                )
            else:
                log.info("wrong join code from %s (%d in a row)", self.backoff.key(request.remote), verdict.count)
        if verdict.kind == WAIT:
            return self._slow_down(request, verdict.wait)
        if request.path == "/":
            return web.Response(status=403, content_type="text/html", text=ask_for_code(verdict.kind == WRONG))
        return _error(403, "wrong or missing join code")

    def _slow_down(self, request: web.Request, wait: float) -> web.Response:
        seconds = str(max(1, int(wait + 0.999)))
        message = f"too many wrong join codes from this address; try again in {seconds} s"
        if request.path == "/":
            text = page("Please wait", f"<p>Too many wrong codes were tried from here. Try again in {seconds} s.</p>")
            return web.Response(status=429, content_type="text/html", text=text, headers={"Retry-After": seconds})
        return _error(429, message, **{"Retry-After": seconds})

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        path = request.path
        if path.startswith("/static/") or path == "/api/v1/health":
            return await handler(request)  # type: ignore[no-any-return]
        if path.startswith("/api/"):
            refused = await self._try_code(request, request.headers.get("X-Join-Code"))
            return refused or await handler(request)
        if path == "/":
            supplied = request.query.get("code") or request.cookies.get(COOKIE)
            refused = await self._try_code(request, supplied)
            if refused is not None:
                return refused
            response = await handler(request)
            response.set_cookie(COOKIE, request[SESSION], httponly=True, samesite="Strict", path="/")
            if not DEVICE.fullmatch(request.cookies.get(DEVICE_COOKIE, "")):
                response.set_cookie(
                    DEVICE_COOKIE, new_device(), httponly=True, samesite="Strict", path="/", max_age=DEVICE_COOKIE_AGE
                )
            return response  # type: ignore[no-any-return]
        if path == "/ws" or path.startswith("/ws/"):
            # /ws/CODE: the session the page was opened for (a second tab's cookie never moves this game)
            supplied = path[4:] if path.startswith("/ws/") else request.query.get("code") or request.cookies.get(COOKIE)
            refused = await self._try_code(request, supplied)
            if refused is not None:
                return refused
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                return _error(403, "cross-site connection refused")
            return await handler(request)  # type: ignore[no-any-return]
        raise web.HTTPNotFound()

    # -- the browser game ----------------------------------------------------------------
    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """textual-serve's page, with addresses relative to wherever the browser is: no Host in the page."""
        context = {
            "font_size": max(8, min(48, to_int(request.query.get("fontsize", "16"), 16))),
            "app_websocket_url": "/ws",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        html = with_resume(FONT_LINK.sub("", response.text or ""))  # no third-party requests; "saved, Resume"
        response.text = html.replace("</body>", f"{websocket_from_location(request[SESSION])}</body>", 1)
        return response

    def live_sessions(self) -> int:
        """Browser games starting or running (what ``--max-sessions`` caps)."""
        return sum(1 for service in self.sessions.values() if service.alive)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse | web.Response:  # type: ignore[override]
        """As textual-serve's, but with our process class, counted against the cap until its process has exited."""
        websocket = web.WebSocketResponse(heartbeat=15)
        if not websocket.can_prepare(request).ok:
            return _error(400, "this address is the game's websocket; open the hub's page in a browser")
        if self.live_sessions() >= self.max_sessions:
            return _error(
                503,
                f"this hub already runs as many browser games as it may ({self.max_sessions}); ask the facilitator",
            )
        width = max(20, min(500, to_int(request.query.get("width", "80"), 80)))
        height = max(10, min(200, to_int(request.query.get("height", "24"), 24)))
        service = GameProcess(
            self.argv_for(request[SESSION]),
            game_environment(self.store_path, self.tmp, _device_of(request)),  # their own saves folder
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=False,
        )
        self.sessions[service.app_service_id] = service  # counted from now: no await before this line
        try:
            self.tmp.mkdir(parents=True, exist_ok=True)
            await websocket.prepare(request)
            await service.start(width, height)
            self.spawned += 1
            await self._relay(websocket, service)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await websocket.close()
            raise
        except Exception as error:  # a broken browser connection must not take the hub down
            log.warning("browser session ended: %s", error)
        finally:
            # Shielded: even if this handler is cancelled, the game is ended and only then uncounted.
            await asyncio.shield(self._end_game(service))
        return websocket

    def _end_game(self, service: GameProcess) -> asyncio.Task[None]:
        """A task that ends ``service``'s process and then frees its place (one per game)."""
        key = service.app_service_id
        if key in self._ending:
            return self._ending[key]

        async def end() -> None:
            try:
                await service.end(self.game_grace)
            finally:
                self.sessions.pop(key, None)
                self._ending.pop(key, None)

        task = asyncio.get_running_loop().create_task(end())
        self._ending[key] = task
        return task

    async def _relay(self, websocket: web.WebSocketResponse, service: AppService) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = loads_limited(message.data, max_depth=4)
            except JSONLimitError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            data = envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await service.set_terminal_size(
                    max(20, min(500, to_int(str(data.get("width", 80)), 80))),
                    max(10, min(200, to_int(str(data.get("height", 24)), 24))),
                )
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    # -- request bodies ----------------------------------------------------------------
    async def _body(self, request: web.Request) -> dict[str, Any]:
        """The request's JSON object: read within the deadline, at most MAX_BODY bytes, nested a few levels."""
        if request.content_length is not None and request.content_length > MAX_BODY:
            raise bad_request(f"the request is too large (at most {MAX_BODY} bytes)")
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.body_timeout):
                while chunk := await request.content.read(65536):
                    size += len(chunk)
                    if size > MAX_BODY:
                        raise bad_request(f"the request is too large (at most {MAX_BODY} bytes)")
                    chunks.append(chunk)
        except TimeoutError:
            log.warning(
                "dropped a request from %s: its body did not arrive in %.0f s", request.remote, self.body_timeout
            )
            raise web.HTTPRequestTimeout(
                text='{"error": "the request body arrived too slowly"}',
                content_type="application/json",
                headers={"Connection": "close"},
            ) from None
        try:
            body = loads_limited(b"".join(chunks), max_depth=MAX_JSON_DEPTH)
        except JSONLimitError as exc:
            raise bad_request(f"the request is not usable JSON: {exc}") from None
        if not isinstance(body, dict):
            raise bad_request("expected a JSON object")
        return body


def _closed(request: web.Request) -> web.Response:
    """A closed session's page (and websocket): no game is started; the choices made are kept."""
    message = "this session has been closed by the facilitator; the choices made in it are kept"
    if request.path == "/":
        text = page(
            "Session closed", "<p>The facilitator has closed this session. Every choice made in it is kept.</p>"
        )
        return web.Response(status=410, content_type="text/html", text=text)
    return _error(410, message)


def _tmp_beside(store: Path | str) -> Path:
    """Where browser games keep their scratch files: beside a store file, else in the saves folder."""
    if isinstance(store, Path):
        return store.parent / "hub-tmp"
    from simgame.settings import load_settings

    return load_settings().saves_dir / "hub-tmp"


def _device_of(request: web.Request) -> str:
    """The browser's device token (its cookie); a browser that refuses cookies gets one for this game only."""
    cookie = request.cookies.get(DEVICE_COOKIE, "")
    return cookie if DEVICE.fullmatch(cookie) else new_device()
