"""The language is for display only: a run played in German stores, sends, hashes and compares exactly
what the same run does in English.

Saves, the content hash, the state snapshot, `simgame run --format json`, the cohort events a player
sends, the outcome map and the recorded-transcript text (`simgame test` compares it byte for byte) are
built in each language and must be byte-identical; the debrief's displayed sentences must differ, which
proves the German was switched on.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from simgame.analysis.outcomes.build import build
from simgame.analysis.outcomes.mapfile import MAGIC
from simgame.authoring.run_report import debrief_text, run_json, transcript_text
from simgame.cohort.client import CohortObserver
from simgame.cohort.events import Event
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.saves import render_save
from simgame.engine.scoring import debrief
from simgame.engine.state import Decision
from simgame.format.loader import load_scenario
from simgame.i18n import in_english, set_language
from tests.support import TINY
from tests.tui.test_german_engine import AGENTS_PATH, SCENARIOS


class _Clock(datetime):
    """A fixed 'now', so two saves of one run differ only if their contents do."""

    @classmethod
    def now(cls, tz: Any = None) -> _Clock:  # type: ignore[override]
        return cls(2026, 3, 2, 9, 30, tzinfo=tz or UTC)


class _Channel:
    """What a cohort player's observer sends, kept instead of sent."""

    def __init__(self) -> None:
        self.sent: list[Event] = []

    def send(self, event: Event) -> None:
        self.sent.append(event)


def _played(lang: str) -> dict[str, Any]:
    """Everything a run stores, sends or compares, built with the game in ``lang``."""
    assert set_language(lang) == lang
    sc = load_scenario(SCENARIOS / "agents-in-operations.yaml")
    run = Run.start(sc, 3)
    steps: list[tuple[str, list[str], Decision | None]] = []
    channel = _Channel()
    cohort = Cohort("K7QF3M", "Room", sc.id, sc.id, sc.content_hash, 3, "free", 99, -1, False, "", "2026-03-02")
    observer = CohortObserver(channel, sc, cohort, "p1", "Blue Heron", [])  # type: ignore[arg-type]
    observer.started(run)
    for choice in AGENTS_PATH:
        scene, shown = run.scene_id, [o.id for o in run.options()]
        decision = run.choose(choice)
        observer.chose(run, decision)
        steps.append((scene, shown, decision))
    observer.finished(run)
    with in_english():
        text_debrief = debrief_text(debrief(run), sc)
    return {
        "content_hash": sc.content_hash,
        "save": render_save(run, "agents-run-1", created="2026-03-02T09:00:00+00:00", player="Blue Heron"),
        "snapshot": json.dumps(run.snapshot().to_json(), sort_keys=True),
        "json": json.dumps(run_json(run, steps), sort_keys=True),
        "events": [(e.kind, e.player, e.step, json.dumps(e.data, sort_keys=True)) for e in channel.sent],
        "transcript": transcript_text(run, steps),
        "text_debrief": text_debrief,
        "shown": [d.explain() for d in debrief(run).outcome.dimensions],  # for display: follows the language
    }


def test_a_run_stores_sends_and_compares_the_same_in_every_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from simgame.engine import saves

    monkeypatch.setattr(saves, "datetime", _Clock)
    english, german = _played("en"), _played("de")
    assert english["shown"] != german["shown"] and german["shown"][0].startswith(("Der Durchschnitt", "Grundlage"))
    for key in ("content_hash", "save", "snapshot", "json", "events", "transcript", "text_debrief"):
        assert english[key] == german[key], f"{key} changed with the language"
    assert "later, after decision" in english["text_debrief"]  # English words were built, in both languages
    assert "because at decision" in english["transcript"]
    assert len(english["events"]) == len(AGENTS_PATH) + 1


def _map_without_timing(data: bytes) -> tuple[dict[str, Any], bytes]:
    """An outcome map's header (minus when and how fast it was built) and its arrays."""
    lead = len(MAGIC) + 8
    size = int.from_bytes(data[len(MAGIC) : lead], "little")
    header = json.loads(data[lead : lead + size])
    header.pop("built"), header.pop("seconds")
    return header, data[lead + size :]


def test_an_outcome_map_is_the_same_in_every_language(tmp_path: Path) -> None:
    maps = []
    for lang in ("en", "de"):
        set_language(lang)
        out = tmp_path / f"tiny-{lang}.map"
        build(TINY, out)
        maps.append(_map_without_timing(out.read_bytes()))
    assert maps[0] == maps[1]
