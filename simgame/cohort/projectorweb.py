"""The projector view's web side: `/projector` on the hub, for the facilitator only.

- ``GET /projector?session=CODE`` asks for the facilitator key (a form, so the key never sits in an
  address bar on the wall or in a log), and for the join code on a hub serving several sessions;
  the form never says whether a code exists. ``POST /projector`` checks the code as the hub's
  perimeter does (wrong codes count against the address) and the key against that session's key
  hash (so do wrong keys), then sets a cookie for that session alone, signed with a secret this hub
  process made at start: two walls in one browser show two rooms. The join code and its cookie
  never open it: players cannot see it.
- ``GET /projector/state?session=CODE`` is the JSON the page polls (`simgame.cohort.projector.room_state`, on
  the store's thread); ``GET /projector/app.js`` is the page's script.
- Pages are fixed text: the join URL comes from the hub's own settings, never from a request,
  and the script writes every string with ``textContent`` (a strict Content-Security-Policy
  allows no inline script).

The hub registers all of it with :func:`install` (one line in ``Hub._make_app``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import socket
from collections.abc import Callable
from html import escape
from typing import Any, Protocol, TypeVar

import segno
from aiohttp import web

from simgame.cohort.codes import is_valid_code, key_matches, normalise_code
from simgame.cohort.hubsessions import OK, SessionFinder
from simgame.cohort.perimeter import LOCAL_NAMES, CodeBackoff
from simgame.cohort.projector import VIEWS, ProjectorCache, join_url, room_state
from simgame.cohort.projectorpage import PAGE_CSS, PAGE_JS, key_form
from simgame.cohort.store import CohortStore

T = TypeVar("T")


class Hub(Protocol):
    """What the projector needs of `simgame.cohort.hub.Hub` (named here so that neither imports the other)."""

    store: CohortStore
    only: frozenset[str] | None
    bind: str
    port: int
    host_names: frozenset[str]
    backoff: CodeBackoff

    async def _in_store(self, call: Callable[..., T], *args: Any, **kw: Any) -> T: ...

    @property
    def finder(self) -> SessionFinder: ...

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse: ...


COOKIE = "simgame_projector"
PREFIX = "/projector"
MAX_FORM = 2048
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make the form's Origin "null"
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def qr_svg(url: str) -> str:
    """The join URL as an inline SVG QR code (error correction M: still reads from the back of a room)."""
    code = segno.make(url, error="m", micro=False)
    return str(code.svg_inline(border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code"))


class Projector:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.secret = secrets.token_bytes(32)  # signs the cookie: valid for this hub process only
        self.caches: dict[str, ProjectorCache] = {}
        self._scenarios: dict[str, Any] = {}

    def url(self, code: str) -> str:
        """The address players join ``code`` at (from the hub's own settings, never from a request)."""
        return join_url(self.hub.bind, self.hub.port, code, configured_names(self.hub))

    def _mac(self, code: str) -> str:
        return hmac.new(self.secret, code.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def _only_session(self) -> str | None:
        only = self.hub.only
        return next(iter(only)) if only is not None and len(only) == 1 else None

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
            return await handler(request)  # type: ignore[no-any-return]
        response = await self.dispatch(request)
        response.headers.update(HEADERS)
        return response

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        path, method = request.path, request.method
        if path == PREFIX and method == "POST":
            return await self.sign_in(request)
        if method != "GET":
            raise web.HTTPMethodNotAllowed(method, ["GET"])
        code = self._asked(request.query.get("session"))
        if code is None or not self._signed_in(request, code):
            if path == PREFIX:
                return _html(self._form(wrong=False, session=code), 200)
            return web.json_response({"error": "the projector needs the facilitator key"}, status=403)
        if path == PREFIX:
            return _html(self.page(code), 200)
        if path == PREFIX + "/app.js":
            return web.Response(text=PAGE_JS, content_type="application/javascript")
        if path == PREFIX + "/state":
            return await self.state(request, code)
        raise web.HTTPNotFound()

    def _asked(self, supplied: str | None) -> str | None:
        """The session a request names (``?session=``; on a hub serving one: that one), if it is shaped
        like a code. Never looked up here: the page says nothing about which codes exist."""
        if not supplied:
            return self._only_session()
        code = normalise_code(supplied)
        return code if is_valid_code(code) else None

    def _form(self, wrong: bool, session: str | None) -> str:
        several = self._only_session() is None
        return key_form(wrong=wrong, session=session if several else None, ask=several)

    def _signed_in(self, request: web.Request, code: str) -> bool:
        """Whether this browser signed in to session ``code`` (its cookie for it holds this hub's signature)."""
        held = request.cookies.get(cookie_name(code), "").encode("utf-8", "replace")
        return hmac.compare_digest(held, self._mac(code).encode("ascii"))

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        hub = self.hub
        origin = request.headers.get("Origin")
        if origin and origin.split("://", 1)[-1] != request.host:
            return _html(key_form(wrong=True), 403)
        wait = hub.backoff.wait(request.remote)
        if wait > 0:
            seconds = str(max(1, int(wait + 0.999)))
            return web.Response(
                status=429,
                text=f"Too many wrong keys from here. Try again in {seconds} s.\n",
                headers={"Retry-After": seconds},
            )
        if request.content_length is None or request.content_length > MAX_FORM:
            return _html(key_form(wrong=True), 400)
        form = await request.post()
        key = str(form.get("key", "")).strip()
        code = self._only_session()
        if code is None:  # several sessions: the code is checked as the perimeter checks it (and counted)
            verdict = await hub.finder.check(str(form.get("session", "")), request.remote)
            if verdict.kind != OK or verdict.code is None:  # the page says only "wrong", never which part
                return _html(self._form(wrong=True, session=None), 403)
            code = verdict.code
        cohort = await hub._in_store(hub.store.cohort, code)
        if not key or not key_matches(key, cohort.key_hash):
            hub.backoff.wrong(request.remote)
            return _html(self._form(wrong=True, session=None), 403)
        hub.backoff.right(request.remote)
        response = web.Response(status=303, headers={"Location": f"{PREFIX}?session={code}"})
        response.set_cookie(cookie_name(code), self._mac(code), httponly=True, samesite="Strict", path=PREFIX)
        return response

    def page(self, session: str) -> str:
        url = escape(self.url(session))
        code = escape(session)
        return (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>simgame: projector</title><style>{PAGE_CSS}</style></head>"
            f"<body class='view-lobby' data-session='{code}'><div id='frame'>"
            "<header><div><h1 id='session'></h1><p id='scenario' class='muted'></p></div>"
            "<p id='counts' class='counts'></p></header>"
            "<main id='main'>"
            "<section id='lobby'><h2>Join the session</h2><p class='muted'>Scan the code, or open</p>"
            f"<p class='lobby-url'>{url}</p><p class='lobby-code'>join code <strong>{code}</strong></p>"
            "<p id='lobby-count' class='lobby-count'></p></section>"
            "<section id='decision'><h2 id='decision-title'></h2><p id='decision-counts' class='counts'></p>"
            "<div id='scenes'></div></section>"
            "<section id='debrief'><div class='columns'><div><h2>Hot wash</h2><div id='hotwash'></div>"
            "<div id='prompts'></div></div><div><h2>The room's outcomes</h2><div id='endings'></div>"
            "<div id='histogram'></div></div></div></section>"
            "</main>"
            f"<aside id='join'><div class='qr' data-url='{url}'>{qr_svg(self.url(session))}</div>"
            f"<p class='join-url'>{url}</p><p class='join-code'>code <strong>{code}</strong></p></aside>"
            f"</div><script src='/projector/app.js?session={code}'></script></body></html>"
        )

    async def state(self, request: web.Request, code: str) -> web.StreamResponse:
        view = request.query.get("view", "auto")
        if view not in VIEWS:
            view = "auto"
        raw = request.query.get("decision", "")
        focus = int(raw) - 1 if raw.isdigit() and 0 < int(raw) < 10_000 else None
        data = await self.hub._in_store(self._state, code, view, focus)
        return web.json_response(data)

    def _state(self, code: str, view: str, focus: int | None) -> dict[str, Any]:
        from simgame.cohort.analytics import analyse
        from simgame.cohort.sessions import scenario_of
        from simgame.cohort.summary import summarise

        store = self.hub.store
        if code not in self._scenarios:
            self._scenarios[code] = scenario_of(store.cohort(code))
        scenario = self._scenarios[code]

        def report() -> dict[str, Any]:
            # On the store's thread: never wait for an outcome map to be built (`cohort create` starts it).
            return summarise(analyse(store, code, scenario, build=False))

        cache = self.caches.setdefault(code, ProjectorCache())
        return room_state(store, code, scenario, cache, report, view, focus)


def cookie_name(code: str) -> str:
    """One cookie per session: a browser showing two rooms on two walls keeps them apart."""
    return f"{COOKIE}-{code}"


def configured_names(hub: Hub) -> list[str]:
    """The names the facilitator gave the hub (`--public-host`, the `hub` setting), in a stable order."""
    machine = socket.gethostname().lower()
    own = {machine, f"{machine}.local", machine.split(".")[0], hub.bind.strip("[]").lower()}
    return sorted(n for n in hub.host_names if n not in LOCAL_NAMES and n not in own)


def _html(text: str, status: int) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html")


def install(app: web.Application, hub: Hub) -> Projector:
    """Serve the projector from ``app``: its middleware runs before the hub's guard, which knows nothing of it."""
    projector = Projector(hub)
    guard = hub._guard
    at = app.middlewares.index(guard) if guard in app.middlewares else len(app.middlewares)
    app.middlewares.insert(at, projector.middleware)
    return projector
