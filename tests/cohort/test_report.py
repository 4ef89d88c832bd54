"""Room debrief content: distributions, best reachable outcomes, hot wash, suppression, formats."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from simgame.analysis.seeded import best_outcomes
from simgame.cohort.analytics import analyse
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.html import to_html
from simgame.cohort.render import to_csv, to_json, to_markdown
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.cohort.summary import summarise
from simgame.engine.run import Run
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA

# (name, team, choices): 6 Blue players mostly name an owner; 3 Red players scale at once.
ROOM = [(f"b{i}", "Blue", ["name-owner", "measure"]) for i in range(5)] + [("b5", "Blue", ["scale-now", "measure"])]
ROOM += [(f"r{i}", "Red", ["scale-now", "measure"]) for i in range(3)]


def _play(store: SqliteStore, cohort: Cohort, tiny: Scenario, room: list[tuple[str, str, list[str]]]) -> None:
    for name, team, choices in room:
        player, _ = store.join(cohort.code, name, team)
        run = Run.start(tiny, cohort.seed)
        events = []
        for choice in choices:
            if run.ended:
                break
            d = run.choose(choice if choice in run.available() else run.available()[0])
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        if run.ended:
            events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(cohort.code, events)
        run.close()


def _all_paths(tiny: Scenario, seed: int) -> list[tuple[list[str], float]]:
    """Every complete path of the tiny scenario, by brute force through the real engine."""
    out = []
    frontier = [[]]
    while frontier:
        prefix = frontier.pop()
        run = Run.replay(tiny, seed, prefix)
        if run.ended:
            out.append((prefix, score(tiny, run, run.metrics).overall))
        else:
            frontier += [[*prefix, c] for c in run.available()]
        run.close()
    return out


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_best_reachable_matches_brute_force_through_the_engine(tiny: Scenario, seed: int) -> None:
    paths = _all_paths(tiny, seed)
    best = best_outcomes(tiny, seed)
    assert best.exact
    assert best.best_start == max(v for _, v in paths)
    for scene_choice, value in best.by_choice.items():
        scene, choice = scene_choice
        through = [
            v
            for p, v in paths
            for i, c in enumerate(p)
            if c == choice and Run.replay(tiny, seed, p[:i]).scene_id == scene
        ]
        assert value == max(through)


@pytest.mark.parametrize("budget", [1, 2])
def test_a_search_over_budget_says_so_and_values_only_what_it_finished(tiny: Scenario, budget: int) -> None:
    exact = best_outcomes(tiny, 0)
    best = best_outcomes(tiny, 0, budget=budget)
    assert not best.exact and best.expanded == budget
    assert ("kickoff", "name-owner") not in best.by_choice  # cut off: no value rather than an unfair one
    assert (("kickoff", "scale-now") in best.by_choice) == (budget == 2)  # searched to its ends with 2 states
    assert all(exact.by_choice[slot] == value for slot, value in best.by_choice.items())
    assert best.quality("kickoff", "name-owner", ["scale-now", "name-owner"]) is None


def test_report_content(store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, ROOM)
    report = summarise(analyse(store, cohort.code, tiny))

    assert report["players"] == {"joined": 9, "finished": 9, "in_progress": 0, "timed_out_decisions": 0}
    kickoff = next(d for d in report["decisions"] if d["scene"] == "kickoff")
    shares = {o["choice"]: (o["count"], o["best_after"], o["is_best"]) for o in kickoff["options"]}
    assert shares == {"scale-now": (4, 41.7, False), "name-owner": (5, 60.0, True)}
    assert report["discussion"][0]["scene"] == "kickoff"
    unanimous = {d["scene"] for d in report["decisions"] if d["divergence"] == 0}
    assert unanimous and not unanimous & {d["scene"] for d in report["discussion"]}  # nothing to discuss there
    assert "56% chose “Name an owner" in report["discussion"][0]["prompt"]
    teams = {t["team"]: t for t in report["teams"]}
    assert teams["Blue"]["overall"]["n"] == 6 and not teams["Blue"]["suppressed"]
    assert teams["Red"]["suppressed"] and teams["Red"]["overall"] is None
    assert [s["stage"] for s in report["hot_wash"]] == [
        "Reactions",
        "What happened",
        "Analysis",
        "Summary and one commitment",
    ]
    endings = {e["id"]: e["count"] for e in report["endings"]}
    assert sum(endings.values()) == 9
    owners = [p for p in report["player_results"] if p["player"].startswith("b") and p["player"] != "b5"]
    assert all(p["choice_quality"] == 100.0 for p in owners)


def test_the_most_instructive_failure_opens_the_analysis(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    room = [(f"s{i}", "", ["scale-now", "measure"]) for i in range(5)] + [("o", "", ["name-owner", "measure"])]
    _play(store, cohort, tiny, room)
    report = summarise(analyse(store, cohort.code, tiny))
    assert report["instructive"][0]["scene"] == "kickoff"
    assert "gave up 18 points" in report["instructive"][0]["prompt"]
    md = to_markdown(report)
    assert md.index("Open with the most instructive failures") < md.index("The most divided decisions, as")


def test_small_rooms_are_suppressed_in_shared_views(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, ROOM[:3])
    report = summarise(analyse(store, cohort.code, tiny))
    assert report["suppressed"] and report["scores"]["overall"] is None and report["endings"] is None
    assert all(o["count"] is None for d in report["decisions"] for o in d["options"])
    for text in (to_markdown(report), to_html(report)):
        assert "withheld" in text
        readable = re.sub(r"<style>.*?</style>|<[^>]+>", "", text, flags=re.S)
        assert not re.search(r"\d+%", readable)


def test_formats(store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, [*ROOM, ("=cmd()", "Red", ["scale-now"])])
    report = summarise(analyse(store, cohort.code, tiny))

    assert json.loads(to_json(report))["format"] == "simgame-cohort-report/1"
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert len(rows) == 10 and {"player", "team", "overall", "choice_quality", "value", "control"} <= set(rows[0])
    assert rows[-1]["player"] == "'=cmd()" and rows[-1]["ended"] == "no"

    md = to_markdown(report)
    assert "## Hot wash" in md and "## By team" in md and "| Name an owner" in md

    html = to_html(report)
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 3
    assert "@media print" in html
    # Self-contained: no scripts, no external stylesheets, images or fonts.
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"(src|href)=\"?https?:", html)
    assert set(re.findall(r"https?://[^\s\"']+", html)) <= {"http://www.w3.org/2000/svg"}


def test_names_are_escaped_in_html(store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario) -> None:
    cohort, _ = free_cohort
    room = [(n, "<b>team</b>", ["name-owner", "measure"]) for n in (f"<i>{i}</i>" for i in range(5))]
    _play(store, cohort, tiny, room)
    html = to_html(summarise(analyse(store, cohort.code, tiny)))
    assert "<b>team</b>" not in html and "&lt;b&gt;team&lt;/b&gt;" in html


def test_the_search_result_is_cached_in_the_store(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    analyse(store, cohort.code, tiny)
    keys = [r[0] for r in store._db.execute("SELECT key FROM cache")]
    assert keys == [f"best:{tiny.content_hash}:0:1500"]


# Three endings reached by 3, 1 and 5 players; the first to finish reach them in scenario order,
# so "most players first" differs from scenario order, first-finished order and fewest first.
ENDINGS_ROOM = [
    ("a0", "", ["drift"]),
    ("k0", "", ["force"]),
    ("g0", "", ["measure"]),
    ("a1", "", ["drift"]),
    ("g1", "", ["measure"]),
    ("a2", "", ["drift"]),
    *((f"g{i}", "", ["measure"]) for i in range(2, 5)),
]
ENDINGS_BY_COUNT = [
    ("growth", "Growth", "good", 5),
    ("adrift", "Adrift", "mixed", 3),
    ("backlash", "Backlash", "bad", 1),
]


def test_endings_are_listed_most_reached_first(store: SqliteStore) -> None:
    cohort, _ = create(store, "three-endings", "Endings room", "free", seed=0)
    scenario = load_scenario(DATA / "three-endings.yaml")
    _play(store, cohort, scenario, ENDINGS_ROOM)
    report = summarise(analyse(store, cohort.code, scenario))

    assert not report["suppressed"]
    expected = [{"id": i, "title": t, "tone": tone, "count": n} for i, t, tone, n in ENDINGS_BY_COUNT]
    assert report["endings"] == expected
    assert json.loads(to_json(report))["endings"] == expected

    md = to_markdown(report)
    listed = re.findall(r"^- Ending “(.+)” \((\w+)\): (\d+) player\(s\)$", md, flags=re.M)
    assert listed == [(t, tone, str(n)) for _, t, tone, n in ENDINGS_BY_COUNT]

    html = to_html(report)
    at = [html.index(f"{t} ({tone})") for _, t, tone, _ in ENDINGS_BY_COUNT]
    assert at == sorted(at)


def _team_rows(md: str) -> dict[str, str]:
    section = md.split("## By team", 1)[1].split("\n## ", 1)[0]
    return {row.split(" | ")[0][2:]: row for row in section.splitlines() if row.startswith("| ") and "---" not in row}


def test_a_team_of_exactly_five_finished_is_shown_and_four_is_withheld(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    room = [(f"f{i}", "Five", ["name-owner", "measure"]) for i in range(5)]
    room += [(f"q{i}", "Four", ["name-owner", "measure"]) for i in range(4)]
    # Five joined but one is still playing: four finished, so withheld (docs/facilitation.md).
    room += [(f"u{i}", "Playing", ["name-owner", "measure"] if i else ["name-owner"]) for i in range(5)]
    _play(store, cohort, tiny, room)
    report = summarise(analyse(store, cohort.code, tiny))
    teams = {t["team"]: t for t in report["teams"]}

    five, four, playing = teams["Five"], teams["Four"], teams["Playing"]
    assert (five["players"], five["finished"], five["suppressed"]) == (5, 5, False)
    assert five["overall"] is not None and five["overall"]["n"] == 5
    assert all(d["stats"] is not None and d["stats"]["n"] == 5 for d in five["dimensions"])
    for team, players in ((four, 4), (playing, 5)):
        assert (team["players"], team["finished"], team["suppressed"]) == (players, 4, True)
        assert team["overall"] is None and all(d["stats"] is None for d in team["dimensions"])
    assert json.loads(to_json(report))["teams"] == report["teams"]

    rows = _team_rows(to_markdown(report))
    assert rows["Five"].startswith("| Five | 5 | 5 | mean ") and "(n=5)" in rows["Five"]
    assert rows["Four"] == "| Four | 4 | 4 | (withheld: fewer than 5) |"
    assert rows["Playing"] == "| Playing | 5 | 4 | (withheld: fewer than 5) |"

    html = to_html(report)
    assert re.search(r"<tr><td>Five</td><td>5</td><td>5</td><td>mean [^<]*\(n=5\)</td></tr>", html)
    assert "<tr><td>Four</td><td>4</td><td>4</td><td>(withheld: fewer than 5)</td></tr>" in html


@pytest.mark.parametrize("finished", [4, 5])
def test_a_room_of_exactly_five_finished_is_shown_and_four_is_withheld(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, finished: int
) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, [(f"p{i}", "", ["name-owner", "measure"]) for i in range(finished)])
    report = summarise(analyse(store, cohort.code, tiny))
    shown = finished >= 5
    assert report["players"]["finished"] == finished
    assert report["suppressed"] is not shown
    assert (report["scores"]["overall"] is not None) is shown
    assert (report["endings"] is not None) is shown
    kickoff = next(d for d in report["decisions"] if d["scene"] == "kickoff")
    assert kickoff["answered"] == finished and kickoff["suppressed"] is not shown
    owner = next(o for o in kickoff["options"] if o["choice"] == "name-owner")
    assert (owner["count"], owner["share"]) == ((5, 1.0) if shown else (None, None))
    assert ("(withheld: fewer than 5)" in to_markdown(report)) is not shown
