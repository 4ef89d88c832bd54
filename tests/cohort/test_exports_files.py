"""The facilitator's files: choice-level CSV, JSON lines, BOMs, unfinished players, cell suppression."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort import pacing
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.exports import BOM, CHOICE_COLUMNS, choices_csv, events_jsonl
from simgame.cohort.html import to_html
from simgame.cohort.render import to_csv, to_markdown
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.cohort.summary import summarise
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:])))


def _choose(store: SqliteStore, code: str, player: str, step: int, choice: str, scene: str, at: str) -> None:
    event = make_event(CHOSE, player, step, {"choice": choice, "scene": scene, "decision": step})
    store.append(code, [dataclasses.replace(event, at=at)])


def test_one_row_per_player_per_decision(
    store: SqliteStore, lockstep_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = lockstep_cohort
    ann, _ = store.join(cohort.code, "=Ann()", "Blue")
    bob, _ = store.join(cohort.code, "Bob", None)
    cohort = pacing.open_next(store, cohort)
    _choose(store, cohort.code, ann.id, 0, "name-owner", "kickoff", "2099-01-01T10:00:00.000+00:00")
    cohort, late = pacing.advance(store, cohort)  # Bob had not chosen: timed out on decision 1
    assert late == 1
    _choose(store, cohort.code, bob.id, 0, "scale-now", "kickoff", "2099-01-01T10:01:00.000+00:00")
    _choose(store, cohort.code, ann.id, 1, "measure", "rollout", "2099-01-01T10:00:42.500+00:00")
    store.append(cohort.code, [make_event(FINISHED, ann.id, 2, {"ending": "muddled"})])

    text = choices_csv(analyse(store, cohort.code, tiny), store.events(cohort.code))
    rows = _rows(text)
    assert list(rows[0]) == CHOICE_COLUMNS
    assert [(r["player"], r["decision"], r["scene"], r["choice"]) for r in rows] == [
        ("'=Ann()", "1", "kickoff", "name-owner"),  # a formula a player typed is made text
        ("'=Ann()", "2", "rollout", "measure"),
        ("Bob", "1", "kickoff", "scale-now"),
    ]
    first, second, late = rows
    assert first["session"] == cohort.code and first["team"] == "Blue" and late["team"] == ""
    assert first["label"] == tiny.choices["name-owner"].model.label
    # Quality from the outcome map: naming an owner was the best option, scaling now the worst.
    assert (first["quality"], first["points_given_up"], first["timed_out"]) == ("100.0", "0.0", "no")
    # The second decision was put to Ann when she made the first; 42.5 s later she chose.
    assert second["presented_at"] == first["chosen_at"] and second["seconds_to_decide"] == "42.5"
    # A timed-out decision keeps its choice but has no quality.
    assert (late["timed_out"], late["quality"], late["points_given_up"]) == ("yes", "", "")


def test_the_event_log_as_json_lines(store: SqliteStore, free_cohort: tuple[Cohort, str]) -> None:
    cohort, _ = free_cohort
    p, _ = store.join(cohort.code, "Zoë", None)
    _choose(store, cohort.code, p.id, 0, "name-owner", "kickoff", "2099-01-01T10:00:00.000+00:00")
    events = store.events(cohort.code)
    lines = events_jsonl(events).splitlines()
    assert len(lines) == len(events) >= 1
    parsed = [json.loads(line) for line in lines]
    assert [x["id"] for x in parsed] == [e.id for e in events]
    assert [x["seq"] for x in parsed] == sorted(x["seq"] for x in parsed)
    assert {"seq", "id", "kind", "player", "step", "data", "at"} == set(parsed[0])


def test_unfinished_players_have_no_score_and_come_last(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    quitter, _ = store.join(cohort.code, "Quitter", None)
    _choose(store, cohort.code, quitter.id, 0, "name-owner", "kickoff", "2099-01-01T10:00:00.000+00:00")
    done, _ = store.join(cohort.code, "Done", None)
    _choose(store, cohort.code, done.id, 0, "name-owner", "kickoff", "2099-01-01T10:00:00.000+00:00")
    _choose(store, cohort.code, done.id, 1, "measure", "rollout", "2099-01-01T10:00:10.000+00:00")
    store.append(cohort.code, [make_event(FINISHED, done.id, 2, {"ending": "muddled"})])
    report = summarise(analyse(store, cohort.code, tiny))
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert [(r["player"], r["ended"]) for r in rows] == [("Done", "yes"), ("Quitter", "no")]
    assert rows[0]["overall"] and rows[0]["band"] and rows[0]["value"]
    assert all(rows[1][c] == "" for c in ("overall", "band", "choice_quality", "points_given_up", "value", "control"))
    assert report["players"]["in_progress"] == 1
    assert "1 not finished (no score" in to_markdown(report)


# Endings reached by 6, 2 and 1 players: the 2 and the 1 are cells under five.
ROOM = [(f"g{i}", ["measure"]) for i in range(6)] + [("a0", ["drift"]), ("a1", ["drift"]), ("k0", ["force"])]


def _three_endings(store: SqliteStore) -> dict[str, object]:
    cohort, _ = create(store, "three-endings", "Cells", "free", seed=0)
    scenario = load_scenario(DATA / "three-endings.yaml")
    from simgame.engine.run import Run

    for name, choices in ROOM:
        player, _ = store.join(cohort.code, name, None)
        run = Run.start(scenario, cohort.seed)
        events = []
        for choice in choices:
            d = run.choose(choice)
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(cohort.code, events)
        run.close()
    return summarise(analyse(store, cohort.code, scenario))


def test_no_shared_cell_tells_of_fewer_than_five(store: SqliteStore) -> None:
    report = _three_endings(store)
    endings = report["endings"]
    assert isinstance(endings, list)
    assert [(e["id"], e["count"]) for e in endings] == [("growth", 6), ("", None)]
    titles = {e["title"] for e in endings}
    assert "Adrift" not in titles and "Backlash" not in titles
    bins = report["scores"]["histogram"]  # type: ignore[index]
    assert all(b["count"] is None or b["count"] == 0 or b["count"] >= 5 for b in bins)
    decision = report["decisions"][0]  # type: ignore[index]
    assert all(o["count"] is None or o["count"] == 0 or o["count"] >= 5 for o in decision["options"])
    for text in (to_markdown(report), re.sub(r"<[^>]+>", " ", to_html(report))):
        for n in range(1, 5):
            assert not re.search(rf"(?<![\d.]){n} player\(s\)", text), text
        assert "Adrift" not in text.split("Every decision")[0] and "Backlash" not in text.split("Every decision")[0]
        assert "Other endings (each reached by fewer than 5)" in text


def test_report_files_start_with_a_bom_and_help_has_examples(
    cohort_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SqliteStore(cohort_env / "cohorts.sqlite")
    cohort, _ = create(store, "tiny", "Files", "free")
    store.close()
    for fmt in ("csv", "choices-csv", "events-jsonl", "md"):
        out = tmp_path / f"out.{fmt}"
        assert main(["cohort", "report", cohort.code, "--format", fmt, "-o", str(out)]) == 0
        assert out.read_bytes().startswith(b"\xef\xbb\xbf") is fmt.endswith("csv")
    for command in ("report", "backup"):
        with pytest.raises(SystemExit):
            main(["cohort", command, "--help"])
        assert "examples:" in capsys.readouterr().out
