"""The few pages the hub writes itself (asking for the join code, please wait) and its edits to textual-serve's page.

Every page is fixed text plus numbers: nothing a request sent (its Host, its query) is ever
written into one.
"""

from __future__ import annotations

import re

FONT_LINK = re.compile(r"<link[^>]+fonts\.googleapis\.com[^>]*>\s*", re.IGNORECASE)  # no third-party requests

# The page's websocket address, built in the browser from the address it used (never from the request).
WEBSOCKET_FROM_LOCATION = (
    "<script>(function () {"
    'var t = document.getElementById("terminal");'
    'var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";'
    't.dataset.sessionWebsocketUrl = scheme + window.location.host + "/ws";'
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
