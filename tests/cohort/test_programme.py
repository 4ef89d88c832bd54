"""Programmes: putting sessions in and out (audited, on both stores), the programme report's figures
against an independent computation, its small-group suppression, and `simgame cohort programme`."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simgame.analysis.outcomes.cache import ensure_map
from simgame.analysis.outcomes.mapfile import OutcomeMap
from simgame.cli import main
from simgame.cohort.analytics import analyse
from simgame.cohort.codes import hash_key, new_join_code
from simgame.cohort.errors import CohortError
from simgame.cohort.events import CHOSE, FACILITATOR, FINISHED, make_event
from simgame.cohort.hubstore import HubStore
from simgame.cohort.programme import find_programme, programmes, put_in, take_out
from simgame.cohort.programmehtml import to_html
from simgame.cohort.programmerender import to_csv, to_markdown, to_text
from simgame.cohort.programmereport import gather, programme_report
from simgame.cohort.sessions import load_for, scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.cohort.summary import summarise
from simgame.engine import rules
from simgame.engine.run import Run
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from simgame.settings import load_settings
from tests.cohort.conftest import BACKENDS, reopen
from tests.support import DATA

both = pytest.mark.parametrize("backend", BACKENDS, indirect=True)
KEY = "test-key-for-every-session"
Room = list[tuple[str, str, list[str]]]  # (player, team, the choices they prefer, in order)


@dataclass
class Played:
    session: str
    name: str
    team: str
    log: list[str]  # the choices actually made (a preferred one not offered: the first offered)


def _session(store: SqliteStore, ref: str, name: str, created: str, programme: str | None, seed: int = 0) -> Cohort:
    """A session created on a given date (what `sessions.create` does, with the date chosen)."""
    scenario = load_for(ref)
    cohort = Cohort(
        code=new_join_code(),
        name=name,
        scenario_id=scenario.id,
        scenario_ref=ref,
        content_hash=scenario.content_hash,
        seed=seed,
        pace="free",
        open_step=0,
        revealed_step=-1,
        paused=False,
        key_hash=hash_key(KEY),
        created=created,
        programme=programme,
    )
    store.create_cohort(cohort)
    return cohort


def _play(store: SqliteStore, cohort: Cohort, scenario: Scenario, room: Room, stop_after: int = 99) -> list[Played]:
    """Scripted players: each makes its preferred choices in order (the first offered when one is not)."""
    out = []
    for name, team, wanted in room:
        player, _ = store.join(cohort.code, name, team or None)
        run = Run.start(scenario, cohort.seed)
        events = []
        for choice in wanted[:stop_after]:
            if run.ended:
                break
            d = run.choose(choice if choice in run.available() else run.available()[0])
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        if run.ended:
            events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(cohort.code, events)
        out.append(Played(cohort.code, name, team, list(run.choice_log)))
        run.close()
    return out


def _final(scenario: Scenario, seed: int, log: list[str]) -> float | None:
    """The player's final score, replayed through the engine's Run; None if the run did not end."""
    run = Run.replay(scenario, seed, log)
    try:
        return score(scenario, run.snapshot(), run.metrics).overall if run.ended else None
    finally:
        run.close()


def _rated(scenario: Scenario, seed: int, log: list[str]) -> list[tuple[str, dict[str, float], str]]:
    """(scene, each option's value from the outcome map, choice) for each decision with a real choice."""
    found = ensure_map(load_settings().maps_dir, scenario)
    assert isinstance(found, OutcomeMap)
    roller = rules.seeded_roller(seed)
    st, _ = rules.start(scenario, roller)
    out = []
    for choice in log:
        here = found.at(st)
        values = dict(here.options) if here is not None else {}
        if len(values) > 1 and choice in values:
            out.append((st.scene, values, choice))
        rules.choose(scenario, st, next(c for c in rules.available(scenario, st) if c.id == choice), roller)
    return out


def _room(prefix: str, team: str, n: int, choices: list[str]) -> Room:
    return [(f"{prefix}{i}", team, choices) for i in range(n)]


# --- putting sessions in and out ---------------------------------------------------------------
@both
def test_a_session_is_put_into_a_programme_and_taken_out_with_an_audit_trail(store: SqliteStore, backend: str) -> None:
    first = _session(store, "tiny", "Room A", "2027-01-10T09:00:00+00:00", "Leading with AI")
    second = _session(store, "stakes", "Room B", "2027-02-14T09:00:00+00:00", None)
    before = store.cohort(second.code)
    moved = put_in(store, second, "  leading   WITH ai ", by="Dana")
    assert moved.programme == "Leading with AI"  # the spelling the programme's sessions already use
    assert moved.revision == before.revision  # not a pacing action: nobody's pending pacing is refused
    other = reopen(store)  # another terminal or hub sees it
    try:
        assert [c.code for c in find_programme(other, "LEADING WITH AI").sessions] == [first.code, second.code]
    finally:
        other.close()
    logged = [e for e in store.events(second.code) if e.kind == FACILITATOR]
    assert [(e.data["action"], e.data["programme"], e.data["was"], e.data["by"]) for e in logged] == [
        ("programme", "Leading with AI", None, "Dana")
    ]
    out = take_out(store, moved, by="Dana")
    assert out.programme is None and store.cohort(second.code).programme is None
    assert [e.data["was"] for e in store.events(second.code) if e.kind == FACILITATOR][-1] == "Leading with AI"
    with pytest.raises(CohortError, match="not in a programme"):
        take_out(store, out)
    with pytest.raises(CohortError, match="no session with code"):
        store.set_programme("ZZZZZZ", "Leading with AI", make_event(FACILITATOR, None, None, {"action": "programme"}))
    with pytest.raises(CohortError, match="1 to 60 visible characters"):
        put_in(store, out, "x" * 61)
    with pytest.raises(CohortError, match="the programmes are: 'Leading with AI'"):
        find_programme(store, "Leading with ML")
    assert [p.name for p in programmes(store)] == ["Leading with AI"]


@pytest.mark.asyncio
async def test_a_co_facilitator_files_a_session_through_a_hub(store: SqliteStore, tmp_path: Path) -> None:
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from simgame.cohort.hub import Hub
    from simgame.cohort.sessions import create

    cohort, key = create(store, "tiny", "Remote room", "free")
    hub = Hub(store, store.path, None, argv=["true"], tmp=tmp_path / "hub-tmp")
    client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
    await client.start_server()
    try:
        base = f"http://127.0.0.1:{client.port}"
        action = make_event(FACILITATOR, None, None, {"action": "programme"})
        remote = HubStore(base, cohort.code, key, name="Co-facilitator")
        moved = await asyncio.to_thread(remote.set_programme, cohort.code, "Leading with AI", action)
        assert moved.programme == "Leading with AI" == store.cohort(cohort.code).programme
        logged = [e for e in store.events(cohort.code) if e.data.get("action") == "programme"]
        assert logged and logged[-1].data["by"] == "Co-facilitator"  # the hub names who did it
        wrong = HubStore(base, cohort.code, "not-the-key", name="Eve")
        with pytest.raises(CohortError, match="facilitator key"):
            await asyncio.to_thread(wrong.set_programme, cohort.code, None, action)
        assert store.cohort(cohort.code).programme == "Leading with AI"
    finally:
        await client.close()


# --- the report's figures ------------------------------------------------------------------------
def _programme(store: SqliteStore) -> tuple[dict[str, Cohort], list[Played]]:
    """Three sessions of two scenarios over a quarter (created out of order), and one outside the programme."""
    tiny, stakes = load_for("tiny"), load_for("stakes")
    s3 = _session(store, "tiny", "March room", "2027-03-20T09:00:00+00:00", "Leading with AI", seed=2)
    s1 = _session(store, "tiny", "January room", "2027-01-10T09:00:00+00:00", "leading with ai", seed=0)
    s2 = _session(store, "stakes", "February room", "2027-02-14T09:00:00+00:00", "Leading with AI", seed=1)
    outside = _session(store, "tiny", "Another programme", "2027-02-01T09:00:00+00:00", None)
    played = _play(store, s1, tiny, _room("f", "Finance", 6, ["name-owner", "measure"]))
    played += _play(store, s1, tiny, _room("o", "Ops", 5, ["scale-now", "measure"]))
    played += _play(store, s1, tiny, [("quitter", "Ops", ["scale-now", "measure"])], stop_after=1)
    played += _play(store, s2, stakes, _room("f", "Finance", 5, ["prepare", "steady", "tidy"]))
    played += _play(store, s2, stakes, _room("o", "ops", 5, ["skip", "bold", "leave"]))
    played += _play(store, s2, stakes, _room("h", "HR", 3, ["prepare", "bold", "leave"]))
    played += _play(store, s3, tiny, _room("f", "finance", 3, ["scale-now", "measure"]))
    played += _play(store, s3, tiny, _room("o", "OPS", 6, ["name-owner", "measure"]))
    played += _play(store, s3, tiny, _room("h", "HR", 3, ["name-owner", "measure"]))
    _play(store, outside, tiny, _room("x", "Finance", 7, ["scale-now", "celebrate"]))
    return {"s1": s1, "s2": s2, "s3": s3, "outside": outside}, played


@both
def test_the_programme_report_agrees_with_an_independent_computation(store: SqliteStore, backend: str) -> None:
    sessions, played = _programme(store)
    programme = find_programme(store, "LEADING WITH AI")
    report = programme_report(programme.name, gather(store, programme, scenario_of))
    by_code = {c.code: c for c in sessions.values()}
    scenario = {c.code: load_for(c.scenario_ref) for c in sessions.values()}
    finals = {id(p): _final(scenario[p.session], by_code[p.session].seed, p.log) for p in played}

    # Outcomes over time: oldest first, whatever order they were created in; the outside session left out.
    assert [s["code"] for s in report["sessions"]] == [sessions[k].code for k in ("s1", "s2", "s3")]
    assert report["programme"] == "Leading with AI" and report["sessions"][0]["date"] == "2027-01-10"
    for row in report["sessions"]:
        mine = [p for p in played if p.session == row["code"]]
        done = [f for p in mine if (f := finals[id(p)]) is not None]
        assert (row["joined"], row["finished"], row["not_finished"]) == (len(mine), len(done), len(mine) - len(done))
        assert row["overall"]["n"] == len(done)
        assert row["overall"]["mean"] == pytest.approx(statistics.fmean(done), abs=0.05)
        assert row["overall"]["sd"] == pytest.approx(statistics.stdev(done), abs=0.05)
        assert sum(b["count"] or 0 for b in row["bands"]) <= len(done)
    assert report["sessions"][0]["not_finished"] == 1  # the quitter: counted apart, no score
    room = summarise(analyse(store, sessions["s1"].code, scenario[sessions["s1"].code]))  # its own debrief
    assert {k: report["sessions"][0]["overall"][k] for k in room["scores"]["overall"]} == room["scores"]["overall"]
    assert report["sessions"][0]["choice_quality"]["mean"] == room["scores"]["choice_quality"]["mean"]
    everyone = [f for p in played if (f := finals[id(p)]) is not None]
    assert report["players"] == {"joined": 37, "finished": 36, "not_finished": 1, "unread": 0}
    assert report["overall"]["mean"] == pytest.approx(statistics.fmean(everyone), abs=0.05)

    # Teams across sessions, matched whatever their case.
    teams = {t["team"]: t for t in report["teams"]}
    assert set(teams) == {"Finance", "Ops", "HR"}
    ops = [f for p in played if p.team.casefold() == "ops" and (f := finals[id(p)]) is not None]
    assert teams["Ops"]["players"] == 17 and teams["Ops"]["finished"] == 16
    assert teams["Ops"]["overall"]["mean"] == pytest.approx(statistics.fmean(ops), abs=0.05)
    assert teams["HR"]["overall"]["n"] == 6  # three in each of two sessions: shown together only
    assert all(c["mean"] is None for c in teams["HR"]["by_session"])
    # Finance: 6, 5 and 3 finished. The two sessions' figures of five or more are shown; the pooled
    # figure would give the three away (pooled minus the two shown), so it is withheld.
    cells = {c["code"]: c["mean"] for c in teams["Finance"]["by_session"]}
    jan = [finals[id(p)] for p in played if p.session == sessions["s1"].code and p.team == "Finance"]
    assert cells[sessions["s1"].code] == pytest.approx(statistics.fmean(f for f in jan if f is not None), abs=0.05)
    assert cells[sessions["s3"].code] is None and teams["Finance"]["overall"] is None

    # The decisions that divide: every player of the programme's sessions of a scenario together.
    kickoff = next(d for d in report["divided"] if d["scenario_id"] == "tiny" and d["scene"] == "kickoff")
    tiny_players = [p for p in played if scenario[p.session].id == "tiny"]
    counts = {c: sum(p.log[:1] == [c] for p in tiny_players) for c in ("scale-now", "name-owner")}
    assert counts == {"scale-now": 9, "name-owner": 15}
    assert kickoff["answered"] == 24 and kickoff["sessions"] == 2
    # The March room's own debrief withholds its 3 / 9 split (a cell of three, with its companion): the
    # pooled 9 / 15 minus January's shown 6 / 6 would give it back, so the pooled split is withheld too.
    march = summarise(analyse(store, sessions["s3"].code, scenario[sessions["s3"].code]))
    assert all(o["count"] is None for d in march["decisions"] if d["scene"] == "kickoff" for o in d["options"])
    assert all(o["count"] is None and o["quality"] is None for o in kickoff["options"])
    assert kickoff["divergence"] is None
    options = {o["choice"]: o for o in kickoff["options"]}
    assert options["name-owner"]["is_best"] and options["scale-now"]["label"] == "Scale to every region now"
    shown = [d["divergence"] for d in report["divided"] if d["divergence"] is not None]
    assert shown == sorted(shown, reverse=True) and shown[0] == max(shown)

    # The practices: the choice quality of every rated on-time decision that exercised each.
    spread: dict[str, list[float]] = {}
    kept: dict[str, list[float]] = {}
    who: dict[str, set[str]] = {}
    for p in played:
        sc = scenario[p.session]
        for _scene, values, choice in _rated(sc, by_code[p.session].seed, p.log):
            practice: str = sc.choices[choice].model.practice
            kept.setdefault(practice, []).append(values[choice] - min(values.values()))
            spread.setdefault(practice, []).append(max(values.values()) - min(values.values()))
            who.setdefault(practice, set()).add(f"{p.session}/{p.name}")
    practices = {p["practice"]: p for p in report["practices"]}
    checked = 0
    for name, gaps in spread.items():
        assert practices[name]["decisions"] == len(gaps)
        assert practices[name]["players"] == len(who[name])
        if len(who[name]) >= 5 and sum(gaps) > 0:
            assert practices[name]["quality"] == pytest.approx(100 * sum(kept[name]) / sum(gaps), abs=0.05)
            checked += 1
    assert checked >= 3
    ranked = [p["quality"] for p in report["practices"] if p["quality"] is not None]
    assert ranked == sorted(ranked) and len(ranked) >= 2  # weakest first


def test_the_programme_report_reads_the_outcome_maps_and_never_explores(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _programme(store)
    for ref in ("tiny", "stakes"):  # the maps exist from here on (built in another process)
        assert isinstance(ensure_map(load_settings().maps_dir, load_for(ref)), OutcomeMap)

    def no_exploring(*_: object, **__: object) -> None:
        raise AssertionError("a report process explored the state space")

    monkeypatch.setattr("simgame.analysis.batch.explorer.explore", no_exploring)
    monkeypatch.setattr("simgame.analysis.batch.explorer.Explorer.run", no_exploring)
    programme = find_programme(store, "Leading with AI")
    report = programme_report(programme.name, gather(store, programme, scenario_of))
    assert [s["reference"]["exact"] for s in report["scenarios"]] == [True, True]


def test_small_groups_are_withheld_and_the_pooled_figure_does_not_give_them_away(store: SqliteStore) -> None:
    tiny = load_for("tiny")
    big = _session(store, "tiny", "Big room", "2027-01-10T09:00:00+00:00", "Pilot programme")
    small = _session(store, "tiny", "Small room", "2027-02-10T09:00:00+00:00", "Pilot programme")
    _play(store, big, tiny, _room("b", "Finance", 6, ["name-owner", "measure"]))
    _play(store, small, tiny, _room("s", "Legal", 2, ["scale-now", "measure"]))
    _play(store, small, tiny, _room("t", "Finance", 2, ["name-owner", "measure"]))
    programme = find_programme(store, "pilot programme")
    report = programme_report(programme.name, gather(store, programme, scenario_of))
    rows = {s["name"]: s for s in report["sessions"]}
    assert rows["Big room"]["overall"]["n"] == 6 and rows["Big room"]["bands"] is not None
    assert rows["Small room"]["suppressed"] and rows["Small room"]["overall"] is None
    assert rows["Small room"]["choice_quality"] is None and rows["Small room"]["bands"] is None
    # Ten finished in all, but the programme's figure minus the big room's would be the small room's four.
    assert report["players"]["finished"] == 10 and report["overall"] is None and report["choice_quality"] is None
    teams = {t["team"]: t for t in report["teams"]}
    assert teams["Legal"]["suppressed"] and teams["Legal"]["overall"] is None
    assert teams["Finance"]["overall"] is None  # 6 shown in the big room's own figures, 2 more elsewhere
    kickoff = next(d for d in report["divided"] if d["scene"] == "kickoff")
    # Ten answers: scale-now by two, a cell under five, withheld with the next smallest (all of them here).
    assert all(o["count"] is None and o["share"] is None and o["quality"] is None for o in kickoff["options"])
    assert kickoff["divergence"] is None
    practices = {p["practice"]: p for p in report["practices"]}
    assert practices["shared-language"]["quality"] is None  # nobody, or too few, exercised it
    for text in (
        to_markdown(report),
        to_text(report),
        re.sub(r"<style>.*?</style>|<[^>]+>", "", to_html(report), flags=re.S),
    ):
        assert "withheld: fewer than 5" in text
        assert not re.search(r"\d+%", text)  # no split is shown


def test_a_session_whose_scenario_changed_is_named_and_left_out(store: SqliteStore, tmp_path: Path) -> None:
    copy = tmp_path / "pilot.yaml"
    shutil.copy(DATA / "tiny.yaml", copy)
    tiny = load_for("tiny")
    kept = _session(store, "tiny", "Kept room", "2027-01-10T09:00:00+00:00", "P")
    changed = _session(store, str(copy), "Changed room", "2027-02-10T09:00:00+00:00", "P")
    _play(store, kept, tiny, _room("k", "", 5, ["name-owner", "measure"]))
    _play(store, changed, load_for(str(copy)), _room("c", "", 3, ["name-owner", "measure"]))
    copy.write_text(copy.read_text(encoding="utf-8").replace("Rollout", "Roll-out"), encoding="utf-8")
    programme = find_programme(store, "p")
    report = programme_report(programme.name, gather(store, programme, scenario_of))
    row = next(s for s in report["sessions"] if s["code"] == changed.code)
    assert "has changed since session" in row["problem"] and row["finished"] is None and row["joined"] == 3
    assert report["players"] == {"joined": 8, "finished": 5, "not_finished": 0, "unread": 3}
    assert report["overall"]["n"] == 5
    assert "not read: the scenario" in to_text(report)
    assert list(csv.DictReader(io.StringIO(to_csv(report))))[1]["problem"].startswith("the scenario")


# --- the command line ------------------------------------------------------------------------------
def _create(capsys: pytest.CaptureFixture[str], scenario: str, name: str, *extra: str) -> tuple[str, str]:
    assert main(["cohort", "create", "--scenario", scenario, "--name", name, *extra]) == 0
    out = capsys.readouterr().out
    code, key = re.search(r"Join code\s+(\S+)", out), re.search(r"Facilitator key\s+(\S+)", out)
    assert code and key
    return code.group(1), key.group(1)


@both
def test_the_programme_commands_as_a_facilitator_uses_them(
    store: SqliteStore, backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, key_a = _create(capsys, "tiny", "January room", "--programme", "Leading with AI")
    b, key_b = _create(capsys, "stakes", "February room")
    c, key_c = _create(capsys, "tiny", "March room")
    _play(store, store.cohort(a), load_for("tiny"), _room("a", "Ops", 6, ["name-owner", "measure"]))
    _play(store, store.cohort(b), load_for("stakes"), _room("b", "Ops", 5, ["skip", "bold", "leave"]))

    def err(*args: str) -> str:
        assert main(list(args)) == 1
        return capsys.readouterr().err

    assert "give --key once per session" in err("cohort", "programme", "add", "leading with AI", b, c, "--key", key_b)
    wrong = err("cohort", "programme", "add", "leading with AI", b, c, "--key", key_b, "--key", key_a)
    assert f"session {c}: that facilitator key does not match" in wrong
    assert store.cohort(b).programme is None  # every key is checked before anything moves
    assert "no session with code ZZZZZZ" in err("cohort", "programme", "add", "X", "ZZZZZZ", "--key", key_b)
    assert main(["cohort", "programme", "add", "leading with AI", b, c, "--key", key_b, "--key", key_c]) == 0
    assert f"{b} (February room) is now in Leading with AI." in capsys.readouterr().out
    assert main(["cohort", "programme", "add", "LEADING WITH AI", b, "--key", key_b]) == 0
    assert f"{b} (February room) is already in Leading with AI." in capsys.readouterr().out
    assert len([e for e in store.events(b) if e.kind == FACILITATOR]) == 1  # nothing to log the second time
    d, key_d = _create(capsys, "tiny", "Pilot room", "--programme", "Pilot")
    assert main(["cohort", "programme", "add", "Leading with AI", d, "--key", key_d]) == 0
    assert "is now in Leading with AI (moved from Pilot)." in capsys.readouterr().out
    assert main(["cohort", "programme", "remove", d, "--key", key_d]) == 0
    capsys.readouterr()
    assert main(["cohort", "programme", "list"]) == 0
    assert re.search(r"3\s+11\s+\S+\s+\S+\s+Leading with AI", capsys.readouterr().out)

    assert main(["cohort", "programme", "report", "LEADING WITH AI"]) == 0
    text = capsys.readouterr().out
    assert "Programme: Leading with AI" in text and "Outcomes over time" in text and "March room" in text
    for flag in ("--markdown", "--html", "--json", "--csv"):
        out = tmp_path / f"programme{flag.replace('--', '.')}"
        assert main(["cohort", "programme", "report", "leading with ai", flag, "-o", str(out)]) == 0
    capsys.readouterr()
    assert (tmp_path / "programme.markdown").read_text(encoding="utf-8").startswith("# Programme report: Leading")
    html = (tmp_path / "programme.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert not re.search(r"<script|\b(src|href)=", html)  # self-contained: nothing fetched
    data = json.loads((tmp_path / "programme.json").read_text(encoding="utf-8"))
    assert data["format"] == "simgame-programme-report/1" and [s["code"] for s in data["sessions"]] == [a, b, c]
    raw = (tmp_path / "programme.csv").read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [(r["session"], r["joined"], r["finished"]) for r in rows] == [(a, "6", "6"), (b, "5", "5"), (c, "0", "0")]
    assert rows[0]["overall_mean"] and rows[2]["overall_mean"] == ""  # an empty room has no figures

    assert "the programmes are: 'Leading with AI'" in err("cohort", "programme", "report", "Leading with ML")
    assert "hub's machine" in err("cohort", "programme", "add", "x", b, "--key", key_b, "--hub", "http://127.0.0.1:9")
    assert main(["cohort", "programme", "remove", a, "--key", key_a]) == 0
    assert f"{a} (January room) is no longer in Leading with AI." in capsys.readouterr().out
    assert "is not in a programme" in err("cohort", "programme", "remove", a, "--key", key_a)
    assert "does not match" in err("cohort", "programme", "remove", b, "--key", key_a)
    audit = [e.data for e in store.events(a) if e.kind == FACILITATOR]
    assert audit == [{"action": "programme", "by": "cli", "programme": None, "was": "Leading with AI"}]


def test_the_help_pages_show_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["cohort", "programme"], ["cohort", "programme", "report"]):
        with pytest.raises(SystemExit) as done:
            main([*args, "--help"])
        assert done.value.code == 0
        page = capsys.readouterr().out
        assert "examples:" in page and 'simgame cohort programme report "Leading with AI 2027"' in page
    assert main(["cohort", "programme"]) == 2


# --- nothing a room debrief withholds comes back by subtraction ------------------------------------
def _report(store: SqliteStore, name: str) -> dict[str, Any]:
    programme = find_programme(store, name)
    return programme_report(programme.name, gather(store, programme, scenario_of))


def _kickoff(debrief: dict[str, Any]) -> dict[str, int | None]:
    """The first decision's counts, as a room debrief or a programme report shows them (None: withheld)."""
    decisions = debrief["decisions"] if "decisions" in debrief else debrief["divided"]
    found = next(d for d in decisions if d["scene"] == "kickoff")
    return {o["choice"]: o["count"] for o in found["options"]}


def test_a_pooled_split_does_not_give_away_a_small_rooms_withheld_split(store: SqliteStore) -> None:
    tiny = load_for("tiny")
    big = _session(store, "tiny", "Room of ten", "2027-01-10T09:00:00+00:00", "Split")
    small = _session(store, "tiny", "Room of two", "2027-02-10T09:00:00+00:00", "Split")
    _play(store, big, tiny, _room("a", "Ops", 5, ["scale-now", "measure"]) + _room("b", "HR", 5, ["name-owner"]))
    _play(store, small, tiny, _room("s", "Legal", 2, ["scale-now", "measure"]))
    shown = _kickoff(summarise(analyse(store, big.code, tiny)))
    assert shown == {"scale-now": 5, "name-owner": 5}  # the big room's own debrief shows its split
    assert set(_kickoff(summarise(analyse(store, small.code, tiny))).values()) == {None}  # two: withheld
    report = _report(store, "split")
    pooled = _kickoff(report)
    # Subtraction: pooled 7 / 5 minus the big room's 5 / 5 would say both small-room players chose scale-now.
    leaked = {c: n - (shown[c] or 0) for c, n in pooled.items() if n is not None}
    assert not any(leaked.values()), f"the small room's split comes back by subtraction: {leaked}"
    kickoff = next(d for d in report["divided"] if d["scene"] == "kickoff")
    assert kickoff["answered"] == 12 and kickoff["divergence"] is None
    for o in kickoff["options"]:  # each option's quality and expected score are the few's too
        assert o["count"] is None and o["share"] is None and o["quality"] is None
        assert o["expected"] is None and o["is_best"] is None
    assert "Scale to every region now" not in to_markdown(report)  # the decision is not shown at all


def test_a_pooled_split_is_shown_when_every_room_shows_its_own(store: SqliteStore) -> None:
    tiny = load_for("tiny")
    first = _session(store, "tiny", "Room one", "2027-01-10T09:00:00+00:00", "Shown")
    second = _session(store, "tiny", "Room two", "2027-02-10T09:00:00+00:00", "Shown")
    _play(store, first, tiny, _room("a", "Ops", 5, ["scale-now", "measure"]) + _room("b", "HR", 5, ["name-owner"]))
    _play(store, second, tiny, _room("c", "Ops", 6, ["scale-now", "measure"]) + _room("d", "HR", 5, ["name-owner"]))
    rooms = [_kickoff(summarise(analyse(store, c.code, tiny))) for c in (first, second)]
    report = _report(store, "shown")
    expected = {c: sum(r[c] or 0 for r in rooms) for c in rooms[0]}
    assert expected == {"scale-now": 11, "name-owner": 10} and _kickoff(report) == expected
    kickoff = next(d for d in report["divided"] if d["scene"] == "kickoff")
    entropy = -sum(n / 21 * math.log(n / 21) for n in expected.values()) / math.log(2)
    assert kickoff["divergence"] == pytest.approx(entropy, abs=0.001) and kickoff["sessions"] == 2
    options = {o["choice"]: o for o in kickoff["options"]}
    assert options["name-owner"]["is_best"] and options["name-owner"]["quality"] == 100.0
    assert options["scale-now"]["quality"] == 0.0 and options["scale-now"]["share"] == round(11 / 21, 3)


def test_a_teams_figure_in_a_session_does_not_give_away_a_small_team(store: SqliteStore) -> None:
    tiny = load_for("tiny")
    first = _session(store, "tiny", "Room one", "2027-01-10T09:00:00+00:00", "Teams")
    second = _session(store, "tiny", "Room two", "2027-02-10T09:00:00+00:00", "Teams")
    played = _play(store, first, tiny, _room("f", "Finance", 5, ["name-owner", "measure"]))
    played += _play(store, first, tiny, [("lone", "Legal", ["scale-now", "celebrate"])])
    played += _play(store, second, tiny, _room("g", "Finance", 7, ["scale-now", "measure"]))
    lone = _final(tiny, first.seed, next(p.log for p in played if p.name == "lone"))
    assert lone is not None
    report = _report(store, "teams")
    row = next(s for s in report["sessions"] if s["code"] == first.code)
    assert row["overall"]["n"] == 6  # the session's own figure is shown, as in its room debrief
    finance = next(t for t in report["teams"] if t["team"] == "Finance")
    cells = {c["code"]: c for c in finance["by_session"]}
    # Subtraction: six times the session's mean minus five times Finance's there is Legal's one score.
    guesses = []
    if cells[first.code]["mean"] is not None:
        guesses.append(6 * row["overall"]["mean"] - 5 * cells[first.code]["mean"])
    if finance["overall"] is not None and cells[second.code]["mean"] is not None:  # Finance's first room, pooled
        in_first = (12 * finance["overall"]["mean"] - 7 * cells[second.code]["mean"]) / 5
        guesses.append(6 * row["overall"]["mean"] - 5 * in_first)
    assert not any(abs(g - lone) < 1.0 for g in guesses), f"Legal's lone score {lone} comes back: {guesses}"
    assert cells[first.code]["mean"] is None and finance["overall"] is None and finance["choice_quality"] is None
    assert cells[second.code]["mean"] is not None and cells[second.code]["finished"] == 7  # nothing to cover there
    assert "withheld: fewer than 5" in to_markdown(report)


def test_a_rooms_withheld_expected_scores_stay_withheld_beside_a_shown_split(store: SqliteStore) -> None:
    tiny = load_for("tiny")
    few = _session(store, "tiny", "Room of three", "2027-01-10T09:00:00+00:00", "States")
    other = _session(store, "tiny", "Room of twelve", "2027-02-10T09:00:00+00:00", "States")
    _play(store, few, tiny, _room("a", "Ops", 3, ["scale-now", "measure"]))
    _play(store, other, tiny, _room("b", "Ops", 2, ["scale-now", "measure"]) + _room("c", "HR", 10, ["name-owner"]))
    room = summarise(analyse(store, few.code, tiny))
    assert all(o["expected"] is None for d in room["decisions"] if d["scene"] == "kickoff" for o in d["options"])
    report = _report(store, "states")
    # The rooms withhold 3 + 2 scale-now and 10 name-owner: fifteen answers, no cell under five, so the
    # pooled split is shown; the three's expected scores are not (pooled minus the twelve's would give them).
    assert _kickoff(report) == {"scale-now": 5, "name-owner": 10}
    kickoff = next(d for d in report["divided"] if d["scene"] == "kickoff")
    assert kickoff["divergence"] is not None
    assert all(o["expected"] is None and o["is_best"] is None for o in kickoff["options"])
    markdown = to_markdown(report)
    section = markdown[markdown.index("### Monday") :].split("\n#")[0]  # this decision's table only
    assert "| (withheld: fewer than 5) |" in section and "not mapped" not in section
