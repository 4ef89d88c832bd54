"""A session's statements: well formed, pseudonymous, stable ids, and the figures the room debrief has."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, make_event
from simgame.cohort.referee import EventRefused
from simgame.cohort.sessions import scenario_of
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.xapi.outbox import Outbox, outbox_path
from simgame.cohort.xapi.statements import EXT, Deployment, Statement, build, duration, registration, timestamp
from simgame.engine.run import Run
from tests.xapi.conftest import HOME, Room
from tests.xapi.shape import DURATION_RE, TIMESTAMP_RE, problems

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def _build(store: SqliteStore, room: Room, d: Deployment) -> list[Statement]:
    return build(store, room.code, scenario_of(store.cohort(room.code)), d)


def test_every_statement_is_well_formed(store: SqliteStore, room: Room, deployment: Deployment) -> None:
    statements = _build(store, room, deployment)
    verbs = [s.body["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    assert verbs.count("initialized") == verbs.count("completed") == len(room.names)
    assert verbs.count("answered") >= 2 * len(room.names)
    for s in statements:
        assert problems(s.body) == [], json.dumps(s.body, indent=1)
        grouping = [a["id"] for a in s.body["context"]["contextActivities"]["grouping"]]
        assert grouping == [f"{HOME}/simgame/cohorts/{room.code}", f"{HOME}/simgame/programmes/Leadership%202027"]
    assert len({s.id for s in statements}) == len(statements)


def test_the_checker_catches_what_ralph_would_accept(store: SqliteStore, room: Room, deployment: Deployment) -> None:
    """The checker itself: each broken rule is reported (so a passing statement means something)."""
    answered = next(s.body for s in _build(store, room, deployment) if s.body["verb"]["id"] == ANSWERED)
    completed = next(s.body for s in _build(store, room, deployment) if s.body["verb"]["id"] == COMPLETED)
    breaks = {
        "id is not a lower-case UUID": lambda b: b.update(id="statement-1"),
        "should not set version": lambda b: b.update(version="1.0.3"),
        "identified by an account only": lambda b: b["actor"].update(mbox="mailto:chen@example.org"),
        "players are pseudonymous": lambda b: b["actor"].update(name="Chen"),
        "registration is not a UUID": lambda b: b["context"].update(registration="run-1"),
        "no correct response pattern": lambda b: b["object"]["definition"].update(correctResponsesPattern=["a"]),
        "interactionType choice": lambda b: b["object"]["definition"].update(interactionType="other"),
        "lists its choices": lambda b: b["object"]["definition"].pop("choices"),
        "timestamp is not an ISO 8601": lambda b: b.update(timestamp="7 Dec 2026"),
        "grouping must list": lambda b: b["context"]["contextActivities"].pop("grouping"),
    }
    for words, damage in breaks.items():
        body = copy.deepcopy(answered)
        damage(body)
        assert any(words in p for p in problems(body)), words
    for words, damage in {
        "scaled must be a number from -1 to 1": lambda b: b["result"]["score"].update(scaled=79.5),
        "not an ISO 8601 duration": lambda b: b["result"].update(duration="754 seconds"),
    }.items():
        body = copy.deepcopy(completed)
        damage(body)
        assert any(words in p for p in problems(body)), words


def test_players_are_pseudonymous(store: SqliteStore, room: Room, deployment: Deployment) -> None:
    text = json.dumps([s.body for s in _build(store, room, deployment)])
    for p in store.players(room.code):
        assert p.name not in text and p.id not in text and "Zed" not in text
    names = {s.body["actor"]["account"]["name"] for s in _build(store, room, deployment)}
    assert len(names) == len(room.names)


def test_ids_and_registrations_are_stable(store: SqliteStore, room: Room, deployment: Deployment) -> None:
    first, again = _build(store, room, deployment), _build(store, room, deployment)
    assert [s.body for s in first] == [s.body for s in again]
    for p in store.players(room.code):
        mine = {s.registration for s in first if s.player == p.id}
        assert mine == {registration(deployment, room.code, p.id)}
    other = _build(store, room, Deployment("https://other.example.org"))
    assert not {s.id for s in first} & {s.id for s in other}  # two deployments never share an id


def test_figures_come_from_the_room_analysis(store: SqliteStore, room: Room, deployment: Deployment) -> None:
    cohort = store.cohort(room.code)
    scenario = scenario_of(cohort)
    analysis = analyse(store, room.code, scenario)
    statements = _build(store, room, deployment)
    for result in analysis.players:
        mine = [s.body for s in statements if s.player == result.player.id]
        answered = [b for b in mine if b["verb"]["id"] == ANSWERED]
        real = [s for s in result.steps if not scenario.choices[s.choice].synthetic]
        assert [b["result"]["response"] for b in answered] == [s.choice for s in real]
        run = Run.replay(scenario, cohort.seed, [s.choice for s in result.steps], order_key=result.player.id)
        for body, step in zip(answered, real, strict=True):
            ext = body["result"]["extensions"]
            assert ext.get(EXT + "quality") == step.quality and ext.get(EXT + "points-given-up") == step.given_up
            assert ext[EXT + "deltas"] == {k: round(v, 2) for k, v in run.history[step.step].deltas.items()}
            offered = {c["id"] for c in body["object"]["definition"]["choices"]}
            assert offered == {c.id for c in scenario.scene_choices[step.scene]}
        run.close()
        (done,) = [b["result"] for b in mine if b["verb"]["id"] == COMPLETED]
        assert done["score"] == {
            "scaled": round(result.outcome.overall / 100, 4),
            "raw": result.outcome.overall,
            "min": 0,
            "max": 100,
        }
        assert done["extensions"][EXT + "band"] == result.outcome.band
        assert done["extensions"][EXT + "ending"] == result.ending


def test_only_events_the_store_accepted_become_statements(
    store: SqliteStore, room: Room, deployment: Deployment
) -> None:
    before = _build(store, room, deployment)
    late, _ = store.join(room.code, "Late Comer", None)
    with pytest.raises(EventRefused):  # an option that is not offered at the start: the referee refuses it
        store.append(room.code, [make_event(CHOSE, late.id, 0, {"choice": "measure"})])
    after = _build(store, room, deployment)
    mine = [s for s in after if s.player == late.id]
    assert [s.kind for s in mine] == ["initialized"]  # joined, and nothing else happened
    assert {s.id for s in before} <= {s.id for s in after}


def test_export_writes_the_statements_as_json_lines(
    store: SqliteStore, room: Room, tmp_path: Path, cohort_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "statements.jsonl"
    assert main(["cohort", "xapi", room.code, "--export", str(out), "--home-page", HOME]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and all(problems(b) == [] for b in lines)
    assert main(["cohort", "xapi", room.code, "--status"]) == 0
    assert f"{len(lines)} queued, 0 sent, 0 refused" in capsys.readouterr().out
    outbox = Outbox(outbox_path(cohort_env / "cohorts.sqlite"))
    assert [q.body for q in outbox.all(room.code)] == lines
    outbox.close()


def test_a_missing_home_page_is_said_plainly(room: Room, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cohort", "xapi", room.code, "--export", str(tmp_path / "x.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "say which deployment" in err and "Traceback" not in err


def test_the_home_page_cannot_change_under_a_session(
    room: Room, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")
    assert main(["cohort", "xapi", room.code, "--export", a, "--home-page", HOME]) == 0
    assert main(["cohort", "xapi", room.code, "--export", b, "--home-page", "https://other.example.org"]) == 1
    assert "count every player twice" in capsys.readouterr().err


def test_the_password_never_comes_from_the_config_file(
    room: Room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('xapi_home_page = "https://learning.example.org"\nxapi_password = "hunter2"\n')
    monkeypatch.setenv("SIMGAME_CONFIG", str(config))
    assert main(["cohort", "xapi", room.code, "--status"]) == 2
    assert "$SIMGAME_XAPI_PASSWORD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-12-07T09:00:00+00:00", "2026-12-07T09:12:34.2+00:00", "PT12M34.2S"),
        ("2026-12-07T09:00:00Z", "2026-12-07T09:00:00Z", "PT0S"),
        ("2026-12-07T10:00:00+01:00", "2026-12-21T09:00:00.010Z", "PT336H0.01S"),  # weeks open: hours, never 1e+06
        ("2026-12-07T09:00:05Z", "2026-12-07T09:00:00Z", "PT0S"),  # a clock that went back: never negative
    ],
)
def test_durations_and_timestamps_are_iso_8601(start: str, end: str, expected: str) -> None:
    assert duration(start, end) == expected and DURATION_RE.match(expected)
    assert timestamp("2026-12-07T10:00:00.5+01:00", "") == "2026-12-07T09:00:00.500Z"
    assert timestamp("not a time", "2026-12-07T09:00:00") == "2026-12-07T09:00:00.000Z"
    assert TIMESTAMP_RE.match(timestamp("", "garbage too"))


def test_removed_players_statements_are_withdrawn(
    store: SqliteStore, room: Room, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from simgame.cohort.events import FACILITATOR

    out = tmp_path / "statements.jsonl"
    assert main(["cohort", "xapi", room.code, "--export", str(out), "--home-page", HOME]) == 0
    before = [json.loads(line) for line in out.read_text().splitlines()]
    bot = store.players(room.code)[0]
    audit = make_event(FACILITATOR, None, None, {"action": "remove", "by": "cli", "player": bot.id})
    store.update_player(room.code, bot.id, audit, remove=True)
    assert main(["cohort", "xapi", room.code, "--export", str(out), "--home-page", HOME]) == 0
    assert "unsent statement(s) of removed players withdrawn" in capsys.readouterr().err
    after = [json.loads(line) for line in out.read_text().splitlines()]
    gone = registration(Deployment(HOME), room.code, bot.id)
    assert [b for b in before if b["context"]["registration"] != gone] == after and len(after) < len(before)
    assert main(["cohort", "xapi", room.code, "--status"]) == 0
    assert f"{len(before) - len(after)} statement(s) of removed players were withdrawn" in capsys.readouterr().out


def test_lrs_settings_flag_over_environment_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simgame.settings import load_settings

    config = tmp_path / "config.toml"
    config.write_text('xapi_endpoint = "https://file.example.org/xAPI"\nxapi_home_page = "https://file.example.org"\n')
    for name in ("SIMGAME_XAPI_ENDPOINT", "SIMGAME_XAPI_HOME_PAGE"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(config).xapi_endpoint == "https://file.example.org/xAPI"
    monkeypatch.setenv("SIMGAME_XAPI_ENDPOINT", "https://env.example.org/xAPI")
    settings = load_settings(config)
    assert (settings.xapi_endpoint, settings.xapi_home_page) == (
        "https://env.example.org/xAPI",
        "https://file.example.org",
    )
    assert load_settings(config, xapi_endpoint="https://flag.example.org/xAPI").xapi_endpoint.endswith(
        "flag.example.org/xAPI"
    )
    monkeypatch.setenv("SIMGAME_XAPI_PASSWORD", "s3cret")
    assert "s3cret" not in repr(load_settings(config))


def test_a_sessions_own_programme_groups_its_statements(
    store: SqliteStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from simgame.cohort.sessions import create

    cohort, _ = create(store, "tiny", "Q1 room", "free", programme="Leading with AI 2027")
    player, _ = store.join(cohort.code, "Ana", None, device="a" * 20)
    store.append(cohort.code, [make_event(CHOSE, player.id, 0, {"choice": "name-owner", "scene": "kickoff"})])
    out = tmp_path / "own.jsonl"
    assert main(["cohort", "xapi", cohort.code, "--export", str(out), "--home-page", HOME]) == 0
    bodies = [json.loads(line) for line in out.read_text().splitlines()]
    for body in bodies:
        grouping = [a["id"] for a in body["context"]["contextActivities"]["grouping"]]
        assert grouping == [
            f"{HOME}/simgame/cohorts/{cohort.code}",
            f"{HOME}/simgame/programmes/Leading%20with%20AI%202027",
        ]
