"""How each persona fares: many seeded plays by its policy, summed up as endings, bands and scores."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from simgame.analysis.distributions import Dist, dist
from simgame.analysis.personas import Persona, metric_weights, pick
from simgame.analysis.play import random_play
from simgame.analysis.rerun import rerun_command
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario


@dataclass
class PersonaResult:
    """What one persona reached over its plays."""

    id: str
    label: str
    description: str
    plays: int
    endings: dict[str, int]
    bands: dict[str, int]
    score: Dist | None
    example: str


def play_persona(sc: Scenario, persona: Persona, seed: int, plays: int) -> PersonaResult:
    """``plays`` seeded plays by the persona's policy (seeds ``seed`` on), with an example to re-run."""
    weights = metric_weights(persona, sc)
    endings: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    scores: list[float] = []
    example = ""
    for k in range(plays):
        s = seed + k
        if persona.random:
            st, made, error = random_play(sc, s)
        else:

            def policy(ids: list[str], rng: random.Random) -> str:
                return pick(persona, sc, [sc.choices[i] for i in ids], weights, rng).id

            st, made, error = random_play(sc, s, policy)
        if not example:
            example = rerun_command(sc, s, None if persona.random else made, policy=persona.random)
        if error or st.ending is None:
            continue
        outcome = score(sc, st, st.metrics)
        endings[st.ending] += 1
        bands[outcome.band] += 1
        scores.append(outcome.overall)
    return PersonaResult(
        persona.id,
        persona.label,
        persona.description,
        plays,
        dict(endings),
        dict(bands),
        dist(scores, 0, 100) if scores else None,
        example,
    )
