"""Room debrief content: distributions, best reachable outcomes, hot wash, suppression, formats."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from simgame.analysis.outcomes.reference import choice_quality
from simgame.analysis.search import outcome_range
from simgame.cohort.analytics import analyse, best_option
from simgame.cohort.events import CHOSE, FINISHED, make_event
from simgame.cohort.html import to_html
from simgame.cohort.render import to_csv, to_json, to_markdown
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.cohort.summary import summarise
from simgame.engine.run import Run
from simgame.engine.scoring import score, score_text
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA, shipped_paths

SHIPPED = DATA.parent.parent / "scenarios"

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


def test_the_reference_points_are_the_exhaustive_ones(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, ROOM)
    report = summarise(analyse(store, cohort.code, tiny))
    exhaustive = outcome_range(tiny)
    b = report["best_outcome"]
    assert b["exact"] and (b["best_start"], b["worst_start"]) == (exhaustive.best, exhaustive.worst)
    assert b["expected_random_play"] < b["expected_best_play"] <= b["best_start"]
    expected = f"Best reachable outcome from the start: {score_text(60.0)}/100 (worst {score_text(41.7)}/100)"
    assert expected in to_markdown(report)


def test_report_content(store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, ROOM)
    report = summarise(analyse(store, cohort.code, tiny))

    assert report["players"] == {"joined": 9, "finished": 9, "in_progress": 0, "timed_out_decisions": 0}
    kickoff = next(d for d in report["decisions"] if d["scene"] == "kickoff")
    shares = {o["choice"]: (o["count"], o["expected"], o["is_best"]) for o in kickoff["options"]}
    # Expected final scores under best play after each option (scaling now risks a drift event);
    # four chose to scale now, a cell under five: withheld, with the next smallest (test_exports_cells.py).
    assert shares == {"scale-now": (None, 48.45, False), "name-owner": (None, 60.0, True)}
    assert kickoff["given_up"] == pytest.approx(4 * 11.55 / 9, abs=0.01)
    assert report["discussion"][0]["scene"] == "kickoff"
    unanimous = {d["scene"] for d in report["decisions"] if d["divergence"] == 0}
    assert unanimous and not unanimous & {d["scene"] for d in report["discussion"]}  # nothing to discuss there
    assert "a share would tell of fewer than 5, so the shares stay private" in report["discussion"][0]["prompt"]
    teams = {t["team"]: t for t in report["teams"]}
    assert teams["Red"]["suppressed"] and teams["Red"]["overall"] is None
    # The room's 9 minus Blue's 6 would give Red's 3 away: Blue is withheld with them (cells.covers_small_teams).
    assert report["scores"]["overall"]["n"] == 9
    assert teams["Blue"]["suppressed"] and teams["Blue"]["overall"] is None and teams["Blue"]["finished"] == 6
    assert all(d["stats"] is None for d in teams["Blue"]["dimensions"])
    assert [s["stage"] for s in report["hot_wash"]] == [
        "Reactions",
        "What happened",
        "Analysis",
        "Summary and one commitment",
    ]
    endings = {e["id"]: e["count"] for e in report["endings"]}
    assert sum(endings.values()) == 9
    owners = [p for p in report["player_results"] if p["player"].startswith("b") and p["player"] != "b5"]
    assert all(p["choice_quality"] == 100.0 and p["given_up"] == 0.0 for p in owners)
    scalers = [p for p in report["player_results"] if p["player"].startswith("r")]
    assert all(p["choice_quality"] == 0.0 and p["given_up"] == 11.6 for p in scalers)


def test_the_most_instructive_failure_opens_the_analysis(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    room = [(f"s{i}", "", ["scale-now", "measure"]) for i in range(5)] + [("o", "", ["name-owner", "measure"])]
    _play(store, cohort, tiny, room)
    report = summarise(analyse(store, cohort.code, tiny))
    assert report["instructive"][0]["scene"] == "kickoff"
    assert "gave up 9.6 expected points each on average" in report["instructive"][0]["prompt"]
    md = to_markdown(report)
    assert md.index("Open with the most instructive failures") < md.index("The most divided decisions, as")


def test_a_decision_that_gave_up_nothing_is_never_an_instructive_failure(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    _play(store, cohort, tiny, [(f"o{i}", "", ["name-owner", "measure"]) for i in range(6)])
    report = summarise(analyse(store, cohort.code, tiny))
    kickoff = next(d for d in report["decisions"] if d["scene"] == "kickoff")
    assert kickoff["answered"] == 6 and kickoff["given_up"] == 0.0
    assert report["instructive"] == []


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


def test_the_report_reads_the_outcome_map_and_never_explores(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort, _ = free_cohort
    analyse(store, cohort.code, tiny)  # the map exists from here on (built in another process)

    def no_exploring(*_: object, **__: object) -> None:
        raise AssertionError("a report process explored the state space")

    monkeypatch.setattr("simgame.analysis.batch.explorer.explore", no_exploring)
    monkeypatch.setattr("simgame.analysis.batch.explorer.Explorer.run", no_exploring)
    assert summarise(analyse(store, cohort.code, tiny))["best_outcome"]["exact"]


# Three endings reached by 6, 5 and 7 players (each at least five: smaller cells are withheld,
# see test_exports_cells.py); the first to finish reach them in scenario order,
# so "most players first" differs from scenario order, first-finished order and fewest first.
ENDINGS_ROOM = [
    ("a0", "", ["drift"]),
    ("k0", "", ["force"]),
    ("g0", "", ["measure"]),
    ("a1", "", ["drift"]),
    ("g1", "", ["measure"]),
    ("a2", "", ["drift"]),
    *((f"g{i}", "", ["measure"]) for i in range(2, 7)),
    *((f"a{i}", "", ["drift"]) for i in range(3, 6)),
    *((f"k{i}", "", ["force"]) for i in range(1, 5)),
]
ENDINGS_BY_COUNT = [
    ("growth", "Growth", "good", 7),
    ("adrift", "Adrift", "mixed", 6),
    ("backlash", "Backlash", "bad", 5),
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


def test_choice_quality_tells_random_play_from_best_play(store: SqliteStore) -> None:
    """The room's choice quality comes from the outcome map, so random bots land clearly below best play."""
    import random

    from simgame.analysis.outcomes.cache import ensure_map
    from simgame.analysis.outcomes.mapfile import OutcomeMap
    from simgame.settings import load_settings

    scenario = load_scenario(SHIPPED / "pilot-to-production.yaml")
    cohort, _ = create(store, str(SHIPPED / "pilot-to-production.yaml"), "Quality room", "free", seed=5)
    outcomes = ensure_map(load_settings().maps_dir, scenario)
    assert isinstance(outcomes, OutcomeMap)
    for i in range(12):
        best_play = i < 6
        player, _ = store.join(cohort.code, f"{'best' if best_play else 'bot'}{i}", "")
        run = Run.start(scenario, cohort.seed)
        rng = random.Random(i)
        events = []
        while not run.ended:
            here = outcomes.at(run.snapshot())
            assert here is not None
            choice = here.best_choices()[0] if best_play else rng.choice(run.available())
            d = run.choose(choice)
            events.append(make_event(CHOSE, player.id, d.index, {"choice": d.choice, "scene": d.scene}))
        events.append(make_event(FINISHED, player.id, len(run.history), {"ending": run.ending}))
        store.append(cohort.code, events)
        run.close()
    rows = {p["player"]: p for p in summarise(analyse(store, cohort.code, scenario))["player_results"]}
    best = [rows[f"best{i}"] for i in range(6)]
    bots = [rows[f"bot{i}"] for i in range(6, 12)]
    assert all(p["choice_quality"] == 100.0 and p["given_up"] == 0.0 for p in best)
    assert max(p["choice_quality"] for p in bots) < 80.0
    assert min(p["given_up"] for p in bots) > 5.0


# tests/data/stakes.yaml: preparing is worth 30 points, tidying up 1; the steady launch beats the
# bold one by 5 wherever both are offered, but only those who prepared are offered the bold one.
CAREFUL = ["prepare", "steady", "leave"]  # best, best, then worst by 1 point
SLOPPY = ["skip", "steady", "tidy"]  # worst by 30 points, no choice, then best


@pytest.fixture
def stakes() -> Scenario:
    return load_scenario(DATA / "stakes.yaml")


def test_choice_quality_weighs_each_decision_by_what_was_at_stake(store: SqliteStore, stakes: Scenario) -> None:
    cohort, _ = create(store, "stakes", "Stakes room", "free", seed=0)
    _play(store, cohort, stakes, [("careful", "", CAREFUL), ("sloppy", "", SLOPPY)])
    analysis = analyse(store, cohort.code, stakes)
    rows = {p["player"]: p for p in summarise(analysis)["player_results"]}
    # Σ(mine − worst) / Σ(best − worst): (30 + 5 + 0) / (30 + 5 + 1) and (0 + 1) / (30 + 1), not the
    # mean of per-decision positions (100, 100, 0 -> 66.7 and 0, 100 -> 50).
    assert (rows["careful"]["choice_quality"], rows["careful"]["given_up"]) == (97.2, 1.0)
    assert (rows["sloppy"]["choice_quality"], rows["sloppy"]["given_up"]) == (3.2, 30.0)
    # The one figure: the run reference's helper agrees.
    for p in analysis.players:
        assert p.choice_quality == choice_quality((s.options, s.choice) for s in p.steps if s.rated)


def test_choice_quality_is_none_when_nothing_was_at_stake() -> None:
    assert choice_quality([({"a": 50.0, "b": 50.0}, "a"), ({"c": 40.0}, "c")]) is None
    assert choice_quality([({"a": 50.0, "b": 50.0}, "a"), ({"c": 40.0, "d": 10.0}, "d")]) == 0.0


def test_the_best_option_is_compared_on_the_states_that_offered_both(store: SqliteStore, stakes: Scenario) -> None:
    cohort, _ = create(store, "stakes", "Stakes room", "free", seed=0)
    room = [(f"c{i}", "", ["prepare", "steady", "tidy"]) for i in range(3)]
    room += [(f"s{i}", "", ["skip", "steady", "tidy"]) for i in range(6)]
    _play(store, cohort, stakes, room)
    report = summarise(analyse(store, cohort.code, stakes))
    launch = next(d for d in report["decisions"] if d["scene"] == "launch")
    options = {o["choice"]: (o["expected"], o["is_best"]) for o in launch["options"]}
    # Bold's mean (86, over the 3 prepared states) beats steady's (71, over all 9), yet wherever both
    # were offered steady ended 5 points higher: steady is the best option.
    assert options == {"steady": (71.0, True), "bold": (86.0, False)}
    md = to_markdown(report)
    assert "| Launch steadily (best) | 100% |" in md and "| Launch boldly | 0% |" in md
    assert "averaged over the room's on-time decisions where it was offered" in md


@pytest.mark.parametrize(
    ("tables", "best"),
    [
        ([{"a": 60.0, "b": 50.0}, {"a": 20.0, "b": 30.0}], "a"),  # each wins once by 10: a tie, so authored order
        ([{"a": 60.0, "b": 50.0}, {"a": 20.0, "b": 40.0}], "b"),  # always offered together: the higher mean
        ([{"a": 90.0, "b": 85.0}, {"a": 60.0}, {"a": 60.0}], "a"),  # b only in a good state, worse there
        ([{"a": 40.0, "c": 50.0}, {"b": 90.0}], "c"),  # never compared with b: c beat a
    ],
)
def test_best_option_cases(tables: list[dict[str, float]], best: str) -> None:
    assert best_option(tables, ["a", "b", "c"]) == best


def test_a_suppressed_decision_withholds_everything_that_gives_its_split_away(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    cohort, _ = free_cohort
    # Four answers: 3 scale now (giving up 11.55 each), 1 names an owner. The mean given up (8.66 =
    # 3 × 11.55 / 4), the divergence or each option's mean over these few players would each tell.
    room = [(f"s{i}", "", ["scale-now", "measure"]) for i in range(3)] + [("o", "", ["name-owner", "measure"])]
    _play(store, cohort, tiny, room)
    report = summarise(analyse(store, cohort.code, tiny))
    kickoff = next(d for d in report["decisions"] if d["scene"] == "kickoff")
    assert kickoff["suppressed"] and kickoff["answered"] == 4
    assert kickoff["given_up"] is None and kickoff["divergence"] is None
    assert all(o["expected"] is None and o["count"] is None and o["share"] is None for o in kickoff["options"])
    assert all(o["is_best"] is None for o in kickoff["options"])
    assert json.loads(to_json(report))["decisions"][0] == kickoff

    md = to_markdown(report)
    section = md.split("### Monday", 1)[1].split("\n### ", 1)[0]
    rows = [r for r in section.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert [r.count("(withheld: fewer than 5)") for r in rows] == [2, 2]  # share and expected
    assert "divergence (withheld: fewer than 5)" in section
    assert not re.search(r"\d/100|\d\.\d\d", section) and "(best)" not in section

    html = to_html(report)
    block = html.split("<h3>Monday", 1)[1].split('<div class="decision">', 1)[0]
    text = re.sub(r"<[^>]+>", " ", block)
    assert text.count("expected (withheld: fewer than 5)") == 2 and "divergence (withheld" in text
    assert not re.search(r"\d\.\d", text) and "(best)" not in text


def _final_scores(scenario: Scenario, seed: int, path: list[str]) -> list[float]:
    """The final score of every choice path from ``path`` on, played by the engine under ``seed``."""
    run = Run.replay(scenario, seed, path)
    try:
        if run.ended:
            return [score(scenario, run.snapshot(), run.metrics).overall]
        options = run.available()
    finally:
        run.close()
    return [s for choice in options for s in _final_scores(scenario, seed, [*path, choice])]


def test_the_reference_points_match_every_path_played_through_the_engine(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    """Brute force, sharing no code with the outcome map: every choice path of tiny, seeds 0..199.

    The best reachable outcome assumes luck goes your way, so it is the best final score under
    any seed; 200 seeds give every chance outcome of tiny (the drift event after scaling, or not).
    """
    cohort, _ = free_cohort
    seeds = range(200)
    after_rush = {Run.replay(tiny, seed, ["scale-now"]).scene_id for seed in seeds}
    assert after_rush == {"rollout", "incident"}  # both outcomes of the only chance event occur
    finals = [s for seed in seeds for s in _final_scores(tiny, seed, [])]
    report = summarise(analyse(store, cohort.code, tiny))
    b = report["best_outcome"]
    assert b["exact"] and (b["best_start"], b["worst_start"]) == (max(finals), min(finals))


@pytest.mark.slow
@pytest.mark.parametrize("path", shipped_paths(), ids=lambda p: p.stem)
def test_a_shipped_scenarios_reference_points_are_the_exhaustive_ones(store: SqliteStore, path: Path) -> None:
    scenario = load_scenario(path)
    cohort, _ = create(store, str(path), "Reference room", "free", seed=0)
    b = summarise(analyse(store, cohort.code, scenario))["best_outcome"]
    exhaustive = outcome_range(scenario)
    assert exhaustive.exhaustive and b["exact"]
    assert (b["best_start"], b["worst_start"]) == (exhaustive.best, exhaustive.worst)


def test_the_room_debrief_carries_the_teaching_note_as_its_appendix(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario
) -> None:
    """The facilitator runs the session from one document: the note comes after the room's figures."""
    cohort, _ = free_cohort
    _play(store, cohort, tiny, ROOM)
    report = summarise(analyse(store, cohort.code, tiny))
    md = to_markdown(report)
    appendix = md.index("## Appendix: teaching note")
    assert md.index("## Every decision against best play") < appendix
    assert "### Learning objectives" in md[appendix:] and "- Name an owner before scaling." in md[appendix:]
    assert "# Teaching note: Tiny" not in md  # its title gives way to the appendix heading
    html = to_html(report)
    assert '<section class="appendix">' in html and "<h3>Learning objectives</h3>" in html
    assert "<td>Read the situation aloud.</td>" in html  # run sheets stay tables
    assert json.loads(to_json(report))["teaching_note"].startswith("# Teaching note: Tiny")
