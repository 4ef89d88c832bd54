"""Option order per run (simgame.engine.order): a permutation derived from (seed, player, scene, visit, turn)."""

from __future__ import annotations

import json
from itertools import permutations
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simgame.engine import order, rules
from simgame.engine.run import Run
from simgame.engine.saves import read_save, restore, write_save
from simgame.format.compiled import Scenario
from simgame.format.loader import load_scenario
from tests.support import DATA

HUB = DATA / "hub-once.yaml"
HUB_CHOICES = ["ask-floor", "check-in", "wrap-up"]  # as authored


@pytest.fixture(scope="module")
def hub() -> Scenario:
    return load_scenario(HUB)


@pytest.fixture(scope="module")
def pinned(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """The hub with `order: authored`: an author who wants the file's order kept."""
    text = HUB.read_text(encoding="utf-8")
    marker = "    text: You stand on the claims floor and decide what to do next.\n"
    assert marker in text
    path = tmp_path_factory.mktemp("pinned") / "hub-pinned.yaml"
    path.write_text(text.replace(marker, marker + "    order: authored\n"), encoding="utf-8")
    return load_scenario(path)


def shown_ids(run: Run) -> list[str]:
    return [o.id for o in run.options()]


@given(seed=st.integers(-(2**40), 2**40), key=st.text(max_size=12), walk=st.lists(st.integers(0, 2), max_size=6))
def test_the_order_is_a_numbered_permutation_of_what_the_rules_offer(
    hub: Scenario, seed: int, key: str, walk: list[int]
) -> None:
    run = Run.start(hub, seed, order_key=key)
    for step in [*walk, 0]:
        st_ = run.snapshot()
        authored = rules.options(hub, st_)
        shown = run.options()
        assert sorted(o.id for o in shown) == sorted(o.id for o in authored)
        assert [o.number for o in shown] == list(range(1, len(shown) + 1))
        by_id = {o.id: o for o in authored}
        assert all(
            (o.label, o.available, o.locked_reason)
            == (by_id[o.id].label, by_id[o.id].available, by_id[o.id].locked_reason)
            for o in shown
        )
        # the ids the player may take are the available ones, in the order shown
        assert run.available() == [o.id for o in shown if o.available]
        if run.ended:
            break
        run.choose(run.available()[step % len(run.available())])


@given(seed=st.integers(0, 10**9), key=st.sampled_from(["", "p-1a2b3c4d5e"]))
def test_the_order_is_the_same_for_the_same_seed_scene_and_visit(hub: Scenario, seed: int, key: str) -> None:
    first = Run.start(hub, seed, order_key=key)
    again = Run.start(hub, seed, order_key=key)
    assert shown_ids(first) == shown_ids(again)
    first.choose("check-in")
    replayed = Run.replay(hub, seed, ["check-in"], order_key=key)
    assert shown_ids(first) == shown_ids(replayed)
    assert order.shown(hub, first.snapshot(), seed, key) == first.options()


def test_the_order_varies_across_seeds_and_reaches_every_permutation(hub: Scenario) -> None:
    seen = {tuple(shown_ids(Run.start(hub, seed))) for seed in range(200)}
    assert seen == set(permutations(HUB_CHOICES))


def test_the_first_position_is_not_biased(hub: Scenario) -> None:
    firsts = [shown_ids(Run.start(hub, seed))[0] for seed in range(600)]
    for cid in HUB_CHOICES:
        assert 140 <= firsts.count(cid) <= 260, (cid, firsts.count(cid))  # about a third each


def test_a_revisit_can_show_a_new_order(hub: Scenario) -> None:
    changed = 0
    for seed in range(50):
        run = Run.start(hub, seed)
        before = shown_ids(run)
        run.choose("check-in")  # back to the same scene, one more visit
        changed += shown_ids(run) != before
    assert changed > 10


def test_each_player_in_a_cohort_has_their_own_order(hub: Scenario) -> None:
    differ = [
        seed
        for seed in range(40)
        if shown_ids(Run.start(hub, seed, order_key="p-ada")) != shown_ids(Run.start(hub, seed, order_key="p-bob"))
    ]
    assert len(differ) > 10
    run = Run.start(hub, differ[0], order_key="p-ada")
    assert shown_ids(run.rewind(0)) == shown_ids(run)  # a rewind keeps whose order it is


def test_locked_options_take_part_in_the_shuffle(tiny: Scenario) -> None:
    places = set()
    for seed in range(40):
        run = Run.start(tiny, seed)
        run.choose("name-owner")  # value 35: `celebrate` is shown locked with its reason
        assert run.scene_id == "rollout"
        locked = [o for o in run.options() if not o.available]
        assert [o.id for o in locked] == ["celebrate"] and locked[0].locked_reason
        places.add(locked[0].number)
    assert places == {1, 2}


def test_a_pinned_scene_keeps_the_authored_order(pinned: Scenario) -> None:
    assert pinned.doc.scenes["hub"].order == "authored"
    for seed in range(30):
        run = Run.start(pinned, seed, order_key=f"p-{seed}")
        assert shown_ids(run) == HUB_CHOICES and run.available() == HUB_CHOICES
        run.choose("ask-floor")
        assert [(o.id, o.number) for o in run.options()] == [("check-in", 1), ("wrap-up", 2)]


def test_the_recipe_is_stable(hub: Scenario, tiny: Scenario) -> None:
    """Committed saves, transcripts and facilitator notes rely on these orders: change them knowingly."""
    assert [shown_ids(Run.start(tiny, seed))[0] for seed in range(8)] == [
        "name-owner",
        "name-owner",
        "scale-now",
        "scale-now",
        "scale-now",
        "name-owner",
        "scale-now",
        "name-owner",
    ]
    assert order.sort_key(7, "", "hub", 1, 0, "ask-floor").hex() == "fcd7655cd267a0d4"  # blake2b, no salt
    keys = {
        order.sort_key(*args)
        for args in [
            (7, "", "hub", 1, 0, "ask-floor"),
            (8, "", "hub", 1, 0, "ask-floor"),
            (7, "p", "hub", 1, 0, "ask-floor"),
            (7, "", "lab", 1, 0, "ask-floor"),
            (7, "", "hub", 2, 0, "ask-floor"),
            (7, "", "hub", 1, 1, "ask-floor"),
        ]
    }
    assert len(keys) == 6  # seed, player, scene, visit and turn each change the key


def test_each_decision_records_the_order_it_was_made_in(hub: Scenario) -> None:
    run = Run.start(hub, 3)
    seen = shown_ids(run)
    decision = run.choose(seen[-1] if seen[-1] != "wrap-up" else seen[0])
    assert list(decision.shown) == seen
    assert decision.position == seen.index(decision.choice) + 1
    assert [list(d.shown) for d in Run.replay(hub, 3, run.choice_log).history] == [seen]


def test_a_save_shows_the_order_and_resumes_with_it(hub: Scenario, tmp_path: Path) -> None:
    run = Run.replay(hub, 5, ["check-in", "ask-floor"], order_key="p-ada")
    path = write_save(run, tmp_path, "hub-run")
    data = json.loads(path.read_text())
    assert data["extra"] == {"shown": [list(d.shown) for d in run.history], "order_key": "p-ada"}
    back = restore(read_save(path), hub, path)
    assert back.order_key == "p-ada" and shown_ids(back) == shown_ids(run)


def test_an_old_save_without_the_order_still_loads(hub: Scenario, tmp_path: Path) -> None:
    run = Run.replay(hub, 5, ["check-in"])
    path = write_save(run, tmp_path, "old-run")
    data = json.loads(path.read_text())
    data["extra"] = {}  # as written before option order existed
    path.write_text(json.dumps(data))
    back = restore(read_save(path), hub, path)
    assert back.choice_log == ["check-in"] and shown_ids(back) == shown_ids(run)
