"""Text is inert (issue 18, item 5): no escape sequence from a scenario, a name or an id reaches a terminal.

- ``simgame.format.inert.inert`` shows controls and direction overrides as visible stand-ins
  and keeps every other character;
- scenario text carrying them is refused when the scenario is loaded (a located error naming
  the character), so the play screen, `simgame run` and every report only ever show clean text;
  `simgame run`'s text output is made inert as well, whatever the scenario object holds;
- player names and teams carrying them are refused at join, alike in the store, the hub, the
  terminal client, `simgame export` and `simgame cohort import`;
- ids are matched whole: a trailing newline is not part of a valid id.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st
from textual.drivers.headless_driver import HeadlessDriver

from simgame.authoring.run_report import debrief_text, transcript_text
from simgame.cli import main
from simgame.cohort import resultfile
from simgame.cohort.client import observer_for
from simgame.cohort.codes import is_valid_code
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, Event, EventError, check_event
from simgame.cohort.hub import Hub
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.saves import SaveError, save_path, write_save
from simgame.engine.scoring import debrief
from simgame.format.diagnostics import LoadError
from simgame.format.inert import inert, unsafe_characters
from simgame.format.loader import load_scenario
from tests.cohort.test_hub import dump_env_argv
from tests.support import TINY
from tests.tui.support import SIZE, make_app, make_library, screen_name, until_screen, wait_for

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # writes the terminal's clipboard (OSC 52)
RAW = ("\x1b", "\x9b", "\u202e", "\u2066")  # ESC, CSI (C1), right-to-left override, left-to-right isolate
HOSTILE = ("Eve\x1b[31m", "Bob\x9b31m", "eve\u202egnp.exe", "Iso\u2066late", "Del\x7f", "Bell\x07", "Nul\x00")


def no_raw(text: str) -> bool:
    return not any(c in text for c in RAW)


# -- inert -----------------------------------------------------------------------------------------
def test_inert_shows_controls_and_overrides_and_keeps_everything_else() -> None:
    assert inert(f"a{TITLE}b") == "a␛]0;pwned␇b"
    assert inert("CSI\x9b31m, RLO\u202e, LRI\u2066, DEL\x7f") == "CSI\\x9b31m, RLO\\u202e, LRI\\u2066, DEL␡"
    assert inert("line one\n\tline two\r") == "line one\n\tline two␍"
    assert inert("line one\n\tline two", keep_lines=False) == "line one␊␉line two"
    kept = "Zoë, 李雷, Ådne, émoji 🎲, ‘quotes’ — dashes, zero\u200bwidth, Arabic مرحبا, U+2028\u2028"
    assert inert(kept) == kept


@given(st.text())
def test_inert_text_has_no_control_and_loses_no_other_character(text: str) -> None:
    shown = inert(text)
    assert not unsafe_characters(shown)
    kept = [c for c in text if not unsafe_characters(c)]
    rest = iter(shown)
    assert all(c in rest for c in kept)  # every other character is there, in order
    if not unsafe_characters(text):
        assert shown == text


# -- scenario text ---------------------------------------------------------------------------------
def escaped_scenario(folder: Path) -> Path:
    """tiny.yaml with terminal escapes in its scene text, a label, a title, feedback and a debrief (YAML escapes)."""
    src = TINY.read_text(encoding="utf-8")
    replacements = {
        "text: The pilot works. The board asks what next.": (
            r'text: "The pilot works.\e]0;pwned\a The board \e]52;c;ZWNobyBwd25lZA==\a asks."'
        ),
        "label: Scale to every region now": r'label: "Scale\x9b31m to every region now"',
        "title: Monday": r'title: "Mon\u202eday"',
        "debrief: Speed bought value and risk together.": r'debrief: "Speed \u2066bought value."',
        "feedback: The rollout starts on Friday.": r'feedback: "The rollout \e[2J starts."',
    }
    for old, new in replacements.items():
        assert old in src, old
        src = src.replace(old, new, 1)
    path = folder / "escaped.yaml"
    path.write_text(src, encoding="utf-8")
    return path


def test_scenario_text_with_escapes_is_refused_where_it_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = escaped_scenario(tmp_path)
    with pytest.raises(LoadError) as refused:
        load_scenario(path)
    messages = [d.message for d in refused.value.diagnostics]
    assert any("control character (U+001B)" in m for m in messages), messages
    assert any("U+009B" in m for m in messages) and any("text-direction override (U+202E)" in m for m in messages)
    assert any("U+2066" in m for m in messages)
    lines = sorted({d.line for d in refused.value.diagnostics})
    assert len(lines) == 5  # each located where it is written
    assert main(["validate", str(path)]) != 0
    out = capsys.readouterr()
    assert no_raw(out.out + out.err) and "U+001B" in out.out + out.err


def test_run_never_prints_a_raw_escape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The escaped scenario is refused, with a message and no escape.
    assert main(["run", str(escaped_scenario(tmp_path)), "--choose", "scale-now"]) != 0
    out = capsys.readouterr()
    assert no_raw(out.out + out.err) and "U+001B" in out.out + out.err
    # And whatever a scenario object holds, `run`'s text output is inert.
    copy = tmp_path / "tiny.yaml"
    copy.write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    scenario = load_scenario(copy)  # a private copy: its objects are changed below
    scene = scenario.scene("kickoff")
    object.__setattr__(scene, "text", f"The pilot works.{TITLE} The board{CLIPBOARD} asks.")
    object.__setattr__(scene, "title", "Mon\u202eday")
    for choice in scene.choices:
        object.__setattr__(choice, "label", f"{choice.label}\x9b31m")
        object.__setattr__(choice, "feedback", f"{choice.feedback}\x1b[2J")
    run = Run.start(scenario, 0)
    steps: list[Any] = []
    while not run.ended:
        options = [o.id for o in run.options()]
        steps.append((run.scene_id, options, run.choose(run.available()[0])))
    text = transcript_text(run, steps) + debrief_text(debrief(run), scenario)
    assert no_raw(text)
    assert "␛]0;pwned␇" in text and "␛]52;c;ZWNobyBwd25lZA==␇" in text and "Mon\\u202eday" in text


async def test_the_play_screen_never_sends_an_escape_from_scene_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the game writes to the terminal, captured at the driver, holds no escape from the scenario."""
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    saves = tmp_path / "saves"
    saves.mkdir()
    path = escaped_scenario(tmp_path)
    app = make_app(make_library(tmp_path / "library", broken=False), saves, scenario=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: screen_name(app) in ("BriefingScreen", "ProblemScreen", "PlayScreen"))
        if screen_name(app) == "BriefingScreen":  # (code that loads it would show it: play on)
            await pilot.press("enter")
            await until_screen(pilot, "PlayScreen")
        await pilot.pause(0.3)
        shown = screen_name(app)
    output = "".join(written)
    assert "\x1b[" in output  # the capture sees the real terminal output (Textual's own sequences)
    assert "\x1b]0;" not in output and "\x1b]52;" not in output and "\x1b[2J" not in output
    assert "\x9b" not in output and "\u202e" not in output and "\u2066" not in output
    assert shown == "ProblemScreen" and "U+001B" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)


# -- names and teams -------------------------------------------------------------------------------
def test_names_and_teams_with_controls_are_refused_at_every_door(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    cohort_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cohort, key = free_cohort
    for bad in HOSTILE:
        with pytest.raises(CohortError, match="cannot contain control characters or text-direction overrides"):
            store.join(cohort.code, bad, None)  # the store (the hub and `cohort import` join through it)
        with pytest.raises(CohortError, match="cannot contain control characters"):
            store.join(cohort.code, "Fine Name", bad)  # a team
        for hub in (None, "http://127.0.0.1:9"):  # the terminal client, before it contacts anyone
            with pytest.raises(CohortError, match="cannot contain control characters"):
                observer_for(cohort.code, bad, hub=hub, saves=cohort_env)
            with pytest.raises(CohortError, match="cannot contain control characters"):
                observer_for(cohort.code, "Fine Name", team=bad, hub=hub, saves=cohort_env)
    # Whitespace controls in a name are tidied to a space, as before; nothing else is changed.
    assert store.join(cohort.code, "Ann\n\tLee", None)[0].name == "Ann Lee"
    assert store.join(cohort.code, "Zoë 李", None)[0].name == "Zoë 李"

    # `simgame export` refuses such a name; `simgame cohort import` refuses a file that carries one.
    tiny = load_scenario(TINY)
    save = write_save(Run.replay(tiny, 0, ["scale-now"]), cohort_env, "tiny-offline-1")
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["export", "--join", cohort.code, "--name", "Bob\x9b31m", "--from", str(save)]) == 1
    assert "cannot contain control characters" in capsys.readouterr().err
    with monkeypatch.context() as patched:  # a forged file, signed, naming a player with an override
        patched.setattr(resultfile, "check_name", lambda name, what="name": name)
        forged = resultfile.build(cohort.code, "eve\u202egnp.exe", None, Run.replay(tiny, 0, ["scale-now"]))
    path = tmp_path / "forged.result.json"
    path.write_text(json.dumps(forged), encoding="utf-8")
    assert main(["cohort", "import", cohort.code, str(path), "--key", key]) == 1
    out = capsys.readouterr()
    assert "cannot contain control characters" in out.err and no_raw(out.out + out.err)
    assert sorted(p.name for p in store.players(cohort.code)) == ["Ann Lee", "Zoë 李"]


async def test_the_hub_refuses_names_and_teams_with_controls(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    hub = Hub(store, store.path, cohort.code, argv=dump_env_argv(tmp_path / "env.json"), tmp=tmp_path / "hub-tmp")
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    auth = {"X-Join-Code": cohort.code}
    try:
        for bad in HOSTILE:
            for body in ({"name": bad}, {"name": "Fine Name", "team": bad}):
                resp = await client.post("/api/v1/join", json=body, headers=auth)
                assert resp.status == 409, body
                assert "cannot contain control characters" in (await resp.json())["error"]
        # A player's events carry ids a facilitator's screen may show: no escapes in them either.
        joined = await (await client.post("/api/v1/join", json={"name": "Fine Name"}, headers=auth)).json()
        for data in ({"choice": "scale-now\x1b]0;x\x07"}, {"choice": "scale-now", "scene": "kick\u202eoff"}):
            event = {"id": "e" * 12, "kind": "chose", "step": 0, "data": data}
            resp = await client.post(
                "/api/v1/events",
                json={"player": joined["player"], "device": joined["device"], "events": [event]},
                headers=auth,
            )
            assert resp.status == 400 and "control characters" in (await resp.json())["error"]
    finally:
        await client.close()
    assert [p.name for p in store.players(cohort.code)] == ["Fine Name"]
    assert [e.kind for e in store.events(cohort.code)] == ["joined"]


async def test_the_dashboard_shows_hostile_names_as_text(
    store: SqliteStore, free_cohort: tuple[Cohort, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Markup in a name or team is shown as typed; a control stored by an older simgame is shown inert."""
    from simgame.cohort.dashboard import Dashboard

    cohort, key = free_cohort
    for name, team in (("[/b]", "[/]"), ("[@click=app.quit]click me[/]", "[b]Ops"), ("Plain Pat", None)):
        store.join(cohort.code, name, team)
    old, _ = store.join(cohort.code, "Old Oz", None)
    store._db.execute("UPDATE players SET name = ? WHERE id = ?", (f"Old{TITLE}Oz", old.id))  # an older store
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "is_headless", property(lambda self: False))
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    app = Dashboard(cohort.code, store.path, key, refresh_seconds=60)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.2)
        teams = str(app.query_one("#teams").render())
        table = app.query_one("#players")
        cells = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]  # type: ignore[attr-defined]
    assert "[/]" in teams and "[b]Ops" in teams
    assert {"[/b]", "[@click=app.quit]click me[/]", "Plain Pat", "Old␛]0;pwned␇Oz"} <= set(cells)
    assert "\x1b]0;" not in "".join(written)


# -- ids -------------------------------------------------------------------------------------------
def test_ids_are_matched_whole(tmp_path: Path) -> None:
    with pytest.raises(SaveError):
        save_path(tmp_path, "tiny-run-1\n")  # a save named `tiny-run-1\n.json` is never written
    assert save_path(tmp_path, "tiny-run-1").name == "tiny-run-1.json"
    with pytest.raises(EventError):
        check_event(Event("abcdefgh\n", CHOSE, "p-1", 0, {"choice": "x"}))
    check_event(Event("abcdefgh", CHOSE, "p-1", 0, {"choice": "x"}))
    assert not is_valid_code("ABCDEF\n") and is_valid_code("ABCDEF")
    src = TINY.read_text(encoding="utf-8").replace("id: tiny\n", 'id: "tiny\\n"\n', 1)
    (tmp_path / "newline.yaml").write_text(src, encoding="utf-8")
    with pytest.raises(LoadError):
        load_scenario(tmp_path / "newline.yaml")
