"""In a cohort each player sees their own option order; the room's reports list options as authored."""

from __future__ import annotations

import itertools
import json
from types import SimpleNamespace

import pytest

from simgame.cli import main
from simgame.cohort import sqliteplayers
from simgame.cohort.analytics import StepResult, decision_stats
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.format.compiled import Scenario


@pytest.fixture
def counted_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Player ids p-0000000000, p-0000000001, ... so which order each player gets is known."""
    counter = itertools.count()
    monkeypatch.setattr(sqliteplayers, "secrets", SimpleNamespace(token_hex=lambda n: f"{next(counter):0{2 * n}x}"))


def test_two_players_in_one_room_see_their_own_orders(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tiny: Scenario,
    counted_ids: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cohort, _ = free_cohort
    played = {}
    for name in ("Ann", "Bob"):
        assert main(["run", "--join", cohort.code, "--name", name, "--policy", "first", "--format", "json"]) == 0
        played[name] = json.loads(capsys.readouterr().out)
    ids = {p.name: p.id for p in store.players(cohort.code)}
    assert ids == {"Ann": "p-0000000000", "Bob": "p-0000000001"}
    for name, data in played.items():
        own = Run.start(tiny, cohort.seed, order_key=ids[name])
        assert data["steps"][0]["shown"] == [o.id for o in own.options()]
        assert data["choices"][0] == own.available()[0]  # `--policy first`: the first *they* see
    # Same room, same seed, same scene: Ann and Bob were shown the kickoff in different orders.
    assert played["Ann"]["steps"][0]["shown"] == ["scale-now", "name-owner"]
    assert played["Bob"]["steps"][0]["shown"] == ["name-owner", "scale-now"]
    assert played["Ann"]["choices"][0] != played["Bob"]["choices"][0]


def test_the_room_lists_a_decision_as_authored_whatever_order_answers_arrive_in(tiny: Scenario) -> None:
    def player(choice: str, available: tuple[str, ...]) -> SimpleNamespace:
        return SimpleNamespace(steps=[StepResult(1, "incident", choice, available, False, {})])

    # The first answer seen offered only the later-authored option; the second offered both.
    players = [player("keep-running", ("keep-running",)), player("switch-off", ("keep-running", "switch-off"))]
    [stat] = decision_stats(tiny, players)  # type: ignore[arg-type]
    assert [o.choice for o in stat.options] == ["switch-off", "keep-running"]
    assert [o.count for o in stat.options] == [1, 1]
