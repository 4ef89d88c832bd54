"""Personas: typical executive strategies, defined as data, that the explorer plays.

A persona rates each available choice by its immediate effect on the metrics it
favours and takes the best (ties: the first in the file). Scenarios name their
metrics freely, so a persona matches metrics by words in the metric's id or label;
`worse` metrics (higher_is: worse) count with the sign flipped. docs/authoring.md
documents the table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from simgame.format.compiled import CompiledChoice, Scenario


@dataclass(frozen=True)
class Persona:
    id: str
    label: str
    description: str
    favour: dict[str, float] = field(default_factory=dict)  # word in a metric id/label -> weight
    others: float = 0.0  # weight of metrics no word matches (better-is-higher direction)
    worse_weight: float = 1.0  # extra weight on metrics where higher is worse (risk-like)
    random: bool = False


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "ship-fast",
        "Ship fast",
        "Takes whatever delivers value and speed now; shrugs at risk.",
        favour={
            "value": 3,
            "speed": 3,
            "delivery": 3,
            "adoption": 2,
            "revenue": 3,
            "productiv": 3,
            "time": 2,
            "momentum": 3,
            "capacity": 2,
            "cost": 1,
        },
        others=0.2,
        worse_weight=0.0,
    ),
    Persona(
        "risk-averse",
        "Risk-averse",
        "Minimises exposure first: risk, incidents, compliance gaps.",
        favour={
            "risk": 3,
            "control": 3,
            "compliance": 3,
            "safety": 3,
            "security": 3,
            "incident": 3,
            "exposure": 3,
            "governance": 2,
            "audit": 2,
        },
        others=0.2,
        worse_weight=3.0,
    ),
    Persona(
        "ethics-first",
        "Ethics first",
        "Puts people, fairness and trust ahead of speed.",
        favour={
            "trust": 3,
            "ethic": 3,
            "fair": 3,
            "people": 3,
            "staff": 2,
            "employee": 2,
            "customer": 2,
            "morale": 3,
            "equity": 3,
            "reputation": 2,
            "wellbeing": 3,
            "bias": 3,
            "transparen": 3,
            "inclusion": 3,
        },
        others=0.2,
        worse_weight=1.0,
    ),
    Persona(
        "random",
        "Random",
        "Picks uniformly at random among the available choices (as `simgame run --policy random` with the same seed).",
        random=True,
    ),
)

BY_ID: dict[str, Persona] = {p.id: p for p in PERSONAS}


def metric_weights(persona: Persona, sc: Scenario) -> dict[str, float]:
    """How much the persona cares about each metric of this scenario, signed so that higher is better."""
    weights: dict[str, float] = {}
    for mid, m in sc.doc.metrics.items():
        text = f"{mid} {m.label}".lower()
        w = max((v for word, v in persona.favour.items() if word in text), default=persona.others)
        if m.higher_is == "worse":
            w = -(w + persona.worse_weight)
        span = (m.max - m.min) or 1.0
        weights[mid] = w / span
    return weights


def pick(
    persona: Persona, sc: Scenario, options: list[CompiledChoice], weights: dict[str, float], rng: random.Random
) -> CompiledChoice:
    """The persona's choice among the available options."""
    if persona.random:
        return sc.choices[rng.choice([o.id for o in options])]
    best = options[0]
    best_value = float("-inf")
    for option in options:
        value = sum(weights[e.metric] * (e.constant if e.constant is not None else 0.0) for e in option.effects)
        if value > best_value:
            best, best_value = option, value
    return best
