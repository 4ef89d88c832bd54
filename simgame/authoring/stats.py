"""Size and reading time: scenes, choices, words, and minutes an executive spends per playthrough.

Reading time counts what a player reads in one playthrough: the briefing, each scene
shown, the labels of the choices offered, the feedback of each choice made, events
that fire, and the ending and its debrief. Playthroughs are seeded random plays
(the same as `simgame run --policy random --seed N`).
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass

from simgame.authoring.lint import WORDS_PER_MINUTE, word_count
from simgame.engine.rules import Fired, available, choose, seeded_roller, start
from simgame.engine.run import EngineError
from simgame.engine.state import PlayState
from simgame.engine.text import render
from simgame.format.compiled import Scenario


@dataclass
class Spread:
    min: float
    median: float
    max: float


@dataclass
class Stats:
    scenario: str
    scenes: int
    choices: int
    endings: int
    events: int
    words: int  # every piece of player-facing text in the file
    plays: int
    decisions: Spread  # per playthrough
    words_read: Spread
    minutes: Spread


def total_words(sc: Scenario) -> int:
    doc = sc.doc
    texts = [doc.briefing, doc.summary]
    for scene in doc.scenes.values():
        texts += [scene.title, scene.text]
        texts += [t for ch in scene.choices for t in (ch.label, ch.feedback, ch.debrief, ch.locked or "")]
        texts += [ev.text for ev in scene.events]
    texts += [t for e in doc.endings.values() for t in (e.title, e.text, e.debrief)]
    return sum(word_count(t) for t in texts)


def _scene_words(sc: Scenario, st: PlayState) -> int:
    scene = sc.doc.scenes[st.scene]
    text = render(sc, ("scene", st.scene), scene.text, st)  # only the arm this reader reads
    return word_count(scene.title) + word_count(text) + sum(word_count(c.model.label) for c in available(sc, st))


def _fired_words(sc: Scenario, st: PlayState, fired: list[Fired]) -> int:
    return sum(word_count(render(sc, ("event", f.scene, f.event.id), f.event.model.text, st)) for f in fired)


def playthrough(sc: Scenario, seed: int, max_turns: int = 500) -> tuple[int, int]:
    """(decisions, words read) of one seeded random playthrough."""
    rng = random.Random(seed)
    roller = seeded_roller(seed)
    st, fired = start(sc, roller)
    words = word_count(sc.doc.briefing) + _fired_words(sc, st, fired)
    decisions = turns = 0
    try:
        while st.ending is None and turns < max_turns:
            opts = available(sc, st)
            if not opts:
                break
            words += _scene_words(sc, st)
            choice = sc.choices[rng.choice([c.id for c in opts])]
            fired = choose(sc, st, choice, roller)
            words += word_count(render(sc, ("feedback", choice.id), choice.model.feedback, st))
            words += _fired_words(sc, st, fired)
            turns += 1
            if not choice.synthetic:  # reading on through a pass-through scene is not a decision
                decisions += 1
    except EngineError:
        pass
    if st.ending is not None:
        ending = sc.doc.endings[st.ending]
        text = render(sc, ("ending", st.ending), ending.text, st)
        words += word_count(ending.title) + word_count(text)
        words += word_count(render(sc, ("ending-debrief", st.ending), ending.debrief, st))
    return decisions, words


def _spread(values: list[float]) -> Spread:
    return Spread(min(values), round(statistics.median(values), 1), max(values))


def stats(sc: Scenario, plays: int = 2_000, seed: int = 0) -> Stats:
    runs = [playthrough(sc, seed + i) for i in range(plays)]
    words = [float(w) for _, w in runs]
    return Stats(
        scenario=sc.id,
        scenes=len(sc.doc.scenes),
        choices=sum(len(s.choices) for s in sc.doc.scenes.values()),
        endings=len(sc.doc.endings),
        events=sum(len(s.events) for s in sc.doc.scenes.values()),
        words=total_words(sc),
        plays=plays,
        decisions=_spread([float(d) for d, _ in runs]),
        words_read=_spread(words),
        minutes=_spread([round(w / WORDS_PER_MINUTE, 1) for w in words]),
    )
