"""The few pages the hub writes itself (asking for the join code, please wait) and its edits to textual-serve's page.

Every page is fixed text plus numbers: nothing a request sent (its Host, its query) is ever
written into one.
"""

from __future__ import annotations

import re

FONT_LINK = re.compile(r"<link[^>]+fonts\.googleapis\.com[^>]*>\s*", re.IGNORECASE)  # no third-party requests


# The page's websocket address, built in the browser from the address it used (never from the request).
def websocket_from_location(code: str) -> str:
    """The page's websocket address: wherever the browser is, for the session this page was opened for
    (``code`` is a checked join code: six letters and digits). A second tab opened for another session
    never moves this one's game there."""
    return (
        "<script>(function () {"
        'var t = document.getElementById("terminal");'
        'var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";'
        f't.dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws/{code}";'
        "})();</script>"
    )


def page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>simgame: {title}</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:30rem;margin:4rem auto'>"
        f"<h1>{title}</h1>{body}</body></html>"
    )


def ask_for_code(wrong: bool) -> str:
    note = "<p style='color:#b00'>That code is not this session's.</p>" if wrong else ""
    return page(
        "Join the session",
        f"{note}<form method='get' action='/'>"
        "<label>Join code <input name='code' autocomplete='off' autofocus></label> "
        "<button type='submit'>Join</button></form>",
    )


# textual-serve's page says "Session ended." and "Restart" when the game's connection closes: a
# player whose hub restarted would think their game was lost. The hub's page says it is saved
# and resumes it once the hub answers again (the device cookie brings the same player back).
CLOSED_DIALOG = re.compile(
    r'<div class="message">Session ended\.</div>\s*<button type="button" onClick="refresh\(\)">Restart</button>'
)
RESUME_DIALOG = (
    '<div class="message">Your game is saved.</div>'
    "<p class='message' style='max-width:28rem;text-align:center'>The connection to the session ended "
    "(the hub may have restarted). Resume carries on where you left off.</p>"
    '<button type="button" id="simgame-resume" onClick="simgameResume()">Resume</button>'
    "<p class='message' id='simgame-resume-wait' role='status'></p>"
    "<script>function simgameResume() {"
    'var wait = document.getElementById("simgame-resume-wait");'
    'wait.textContent = "Reconnecting…";'
    'fetch("/api/v1/health", {cache: "no-store"}).then(function (r) {'
    'if (!r.ok) { throw new Error("not yet"); } window.location.href = getStartUrl(); })'
    '.catch(function () { wait.textContent = "The session is not back yet: trying again in a few seconds.";'
    "setTimeout(simgameResume, 3000); });"
    "}</script>"
)


def with_resume(html: str) -> str:
    """textual-serve's page with the closed dialog saying the game is saved and offering to resume it."""
    return CLOSED_DIALOG.sub(lambda _: RESUME_DIALOG, html, count=1)
