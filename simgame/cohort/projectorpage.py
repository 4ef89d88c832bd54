"""The projector page's fixed parts: its style, its script and the form that asks for the key.

Large type for the back of the room: the root font size follows the window (about 1/48 of its
width), and when a decision's options do not fit the script steps the size down until they do,
never below MIN_FONT_PX, so an option's text is always whole (wrapped, never cut). The script
polls ``/projector/state`` and writes every string with ``textContent``.
"""

from __future__ import annotations

from html import escape

MIN_FONT_PX = 18

PAGE_CSS = """
* { box-sizing: border-box; }
html { font-size: 28px; }
body { margin: 0; background: #10161d; color: #f2f5f8; font-family: system-ui, -apple-system, "Segoe UI",
       Roboto, sans-serif; line-height: 1.3; overflow: hidden; }
#frame { display: grid; grid-template-columns: minmax(0, 1fr) auto; grid-template-rows: auto minmax(0, 1fr);
         gap: 0.6rem 1.2rem; padding: 0.8rem 1.2rem; width: 100vw; min-height: 100vh; }
header { grid-column: 1 / 3; display: flex; justify-content: space-between; align-items: baseline; gap: 1rem;
         border-bottom: 2px solid #2c3a48; padding-bottom: 0.3rem; min-width: 0; }
header div { min-width: 0; }
h1 { font-size: 1.3rem; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 0 0 0.4rem; overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 0.5rem 0 0.3rem; color: #9fc3e6; overflow-wrap: anywhere; }
p { margin: 0.2rem 0; overflow-wrap: anywhere; }
.muted { color: #a9b6c3; font-size: 0.8rem; }
.counts { font-size: 1rem; font-weight: 600; white-space: nowrap; }
main { min-width: 0; }
section { display: none; min-width: 0; }
body.view-lobby #lobby, body.view-decision #decision, body.view-debrief #debrief { display: block; }
#join { grid-column: 2; grid-row: 2; text-align: center; width: 9rem; }
#join .qr svg { width: 100%; height: auto; display: block; background: #fff; image-rendering: pixelated; }
#join .qr path { shape-rendering: crispEdges; }
.join-url { font-size: 0.6rem; overflow-wrap: anywhere; margin-top: 0.3rem; }
.join-code { font-size: 0.9rem; letter-spacing: 0.1em; }
body.view-lobby #join { width: min(40vw, 70vh); }
body.view-lobby .join-url, body.view-lobby .join-code { display: none; }
.lobby-url { font-size: 1.5rem; font-weight: 700; margin-top: 1rem; }
.lobby-code { font-size: 1.5rem; margin-top: 1rem; }
.lobby-code strong { letter-spacing: 0.12em; }
.lobby-count { font-size: 1.3rem; margin-top: 2rem; color: #9fc3e6; }
ol.options { list-style: none; padding: 0; margin: 0; }
ol.options li { display: grid; grid-template-columns: minmax(0, 1fr) 8rem; gap: 0.2rem 0.8rem; align-items: center;
                padding: 0.25rem 0; border-bottom: 1px solid #2c3a48; }
.label { font-size: 1rem; overflow-wrap: anywhere; min-width: 0; }
.share { font-size: 1rem; text-align: right; font-weight: 700; white-space: nowrap; }
.bar { grid-column: 1 / 3; height: 0.35rem; background: #2c3a48; border-radius: 0.2rem; }
.bar span { display: block; height: 100%; background: #5aa9e6; border-radius: 0.2rem; }
.note { font-size: 0.75rem; color: #e6c35a; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1.2rem; }
.stage { font-size: 0.8rem; margin-bottom: 0.3rem; }
.stage strong { color: #9fc3e6; }
.stage ul, #prompts ul { margin: 0.1rem 0 0; padding-left: 1rem; }
#prompts li { font-size: 0.75rem; }
.chart-row { display: grid; grid-template-columns: minmax(0, 1fr) 5rem; gap: 0.1rem 0.6rem; font-size: 0.8rem;
             margin-bottom: 0.2rem; }
.chart-row .bar { height: 0.5rem; }
.histogram { display: flex; align-items: flex-end; gap: 0.15rem; height: 5rem; margin-top: 0.4rem; }
.histogram div { flex: 1; background: #5aa9e6; min-height: 2px; }
.histogram div.withheld { background: repeating-linear-gradient(45deg, #2c3a48 0 4px, #3d5064 4px 8px); height: 30%; }
.axis { display: flex; justify-content: space-between; font-size: 0.6rem; color: #a9b6c3; }
"""

PAGE_JS = """
(function () {
  "use strict";
  var MIN_FONT = __MIN_FONT__;
  var view = "auto", decision = null, updates = 0;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function pct(share) { return share === null ? "—" : Math.round(share * 100) + "%"; }
  function bar(fraction) {
    var b = el("div", "bar"), s = el("span");
    s.style.width = Math.max(0, Math.min(100, fraction * 100)) + "%";
    b.appendChild(s);
    return b;
  }
  function fit() {
    var size = Math.max(MIN_FONT, Math.min(window.innerWidth / 48, window.innerHeight / 26));
    var root = document.documentElement;
    root.style.fontSize = size + "px";
    while (size > MIN_FONT && root.scrollHeight > window.innerHeight + 1) {
      size = Math.max(MIN_FONT, size - 1);
      root.style.fontSize = size + "px";
    }
  }
  function renderDecision(d, minGroup) {
    document.getElementById("decision-title").textContent = "Decision " + d.number;
    var counts = d.answered + " answered";
    if (d.waiting) { counts += " · " + d.waiting + " still deciding"; }
    if (d.timed_out) { counts += " · " + d.timed_out + " timed out"; }
    if (!d.open) { counts += " · not open yet"; }
    document.getElementById("decision-counts").textContent = counts;
    var scenes = document.getElementById("scenes");
    scenes.replaceChildren();
    d.scenes.forEach(function (s) {
      var block = el("div", "scene");
      block.appendChild(el("h3", null, s.title + " (" + s.answered + " answered)"));
      var list = el("ol", "options");
      s.options.forEach(function (o) {
        var li = el("li");
        li.appendChild(el("span", "label", o.label));
        li.appendChild(el("span", "share", s.shown ? pct(o.share) : ""));
        if (s.shown) { li.appendChild(bar(o.share || 0)); }
        list.appendChild(li);
      });
      block.appendChild(list);
      if (s.note) { block.appendChild(el("p", "note", s.note)); }
      scenes.appendChild(block);
    });
    if (!d.scenes.length) { scenes.appendChild(el("p", "muted", "Nobody has reached this decision yet.")); }
  }
  function renderDebrief(b, minGroup) {
    var hot = document.getElementById("hotwash"), prompts = document.getElementById("prompts");
    var ends = document.getElementById("endings"), hist = document.getElementById("histogram");
    [hot, prompts, ends, hist].forEach(function (n) { n.replaceChildren(); });
    if (!b) { hot.appendChild(el("p", "muted", "Preparing the debrief…")); return; }
    b.hot_wash.forEach(function (s) {
      var st = el("div", "stage");
      st.appendChild(el("strong", null, s.stage + " (" + s.minutes + " min)"));
      var ul = el("ul");
      s.prompts.forEach(function (q) { ul.appendChild(el("li", null, q)); });
      st.appendChild(ul);
      hot.appendChild(st);
    });
    if (b.prompts.length) {
      var ul = el("ul");
      b.prompts.forEach(function (q) { ul.appendChild(el("li", null, q)); });
      prompts.appendChild(ul);
    }
    if (b.suppressed) {
      ends.appendChild(el("p", "note", "Fewer than " + minGroup + " finished: the room's outcomes stay private."));
      return;
    }
    var top = 0;
    b.endings.forEach(function (e) { top = Math.max(top, e.count || 0); });
    b.endings.forEach(function (e) {
      var row = el("div", "chart-row");
      row.appendChild(el("span", "label", e.title));
      row.appendChild(el("span", "share", e.count === null ? "fewer than " + minGroup : e.count));
      row.appendChild(bar(top && e.count ? e.count / top : 0));
      ends.appendChild(row);
    });
    if (b.mean !== null) { hist.appendChild(el("p", "muted", "Overall score, mean " + b.mean + "/100")); }
    var bars = el("div", "histogram"), most = 0;
    (b.histogram || []).forEach(function (h) { most = Math.max(most, h.count || 0); });
    (b.histogram || []).forEach(function (h) {
      var col = el("div", h.count === null ? "withheld" : "");
      col.title = h.from + "-" + h.to + ": " + (h.count === null ? "fewer than " + minGroup : h.count);
      if (h.count !== null) { col.style.height = (most ? 100 * h.count / most : 0) + "%"; }
      bars.appendChild(col);
    });
    hist.appendChild(bars);
    var axis = el("div", "axis");
    axis.appendChild(el("span", null, "0"));
    axis.appendChild(el("span", null, "100"));
    hist.appendChild(axis);
  }
  function render(s) {
    document.body.className = "view-" + s.view;
    document.getElementById("session").textContent = s.session.name + (s.session.closed ? " (closed)" : "");
    document.getElementById("scenario").textContent = s.session.scenario + (s.session.paused ? " · paused" : "");
    document.getElementById("counts").textContent = s.joined + " joined · " + s.finished + " finished";
    document.getElementById("lobby-count").textContent = s.joined + " joined so far";
    renderDecision(s.decision, s.min_group);
    renderDebrief(s.debrief, s.min_group);
    updates += 1;
    document.body.dataset.updates = String(updates);
    document.body.dataset.decision = String(s.decision.number);
    fit();
  }
  var generation = 0, timer = null;
  function poll() {
    var mine = ++generation;  // a key press polls at once; only the newest poll schedules the next
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    var q = "session=" + encodeURIComponent(document.body.dataset.session || "") +
      "&view=" + encodeURIComponent(view) + (decision ? "&decision=" + decision : "");
    fetch("/projector/state?" + q, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (s) { if (mine === generation) { render(s); delete document.body.dataset.offline; } })
      .catch(function () { document.body.dataset.offline = "1"; })
      .finally(function () { if (mine === generation) { timer = window.setTimeout(poll, 1500); } });
  }
  document.addEventListener("keydown", function (e) {
    var n = Number(document.body.dataset.decision || "1");
    if (e.key === "ArrowRight") { decision = n + 1; view = "decision"; }
    else if (e.key === "ArrowLeft") { decision = Math.max(1, n - 1); view = "decision"; }
    else if (e.key === "a") { decision = null; view = "auto"; }
    else if (e.key === "j") { view = "lobby"; }
    else if (e.key === "d") { view = "decision"; }
    else if (e.key === "h") { view = "debrief"; }
    else { return; }
    poll();
  });
  window.addEventListener("resize", fit);
  poll();
})();
""".replace("__MIN_FONT__", str(MIN_FONT_PX))


def key_form(wrong: bool, session: str | None = None, ask: bool = False) -> str:
    """The page that asks for the facilitator key, and (``ask``: a hub serving several sessions) which session.

    Fixed text: ``session`` is only ever a code the hub found in its store (six letters and digits)."""
    note = "<p style='color:#b00'>That is not this session's facilitator key.</p>" if wrong else ""
    if session is not None:
        which = (
            f"<p>Session <strong>{escape(session)}</strong></p>"
            f"<input type='hidden' name='session' value='{escape(session)}'>"
        )
    elif ask:
        which = "<label>Join code <input name='session' autocomplete='off' autofocus></label><br><br>"
    else:
        which = ""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>simgame: projector</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:30rem;margin:4rem auto'>"
        "<h1>Projector</h1><p>The wall view of the session, for the facilitator.</p>"
        f"{note}<form method='post' action='/projector'>{which}"
        "<label>Facilitator key <input name='key' type='password' autocomplete='off'"
        f"{'' if ask and session is None else ' autofocus'}></label> "
        "<button type='submit'>Open</button></form></body></html>"
    )
