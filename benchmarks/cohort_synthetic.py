"""A synthetic scenario for cohort benchmarks: DECISIONS scenes in a row, three choices each, four metrics."""

from __future__ import annotations

from pathlib import Path

PRACTICES = ["rethink-work", "experimentation", "measure-outcomes", "shared-language"]


def write_scenario(folder: Path, decisions: int = 30) -> Path:
    lines = [
        "format: simgame/v1",
        "id: bench-long",
        "title: Benchmark, a long programme",
        'version: "1.0.0"',
        'as_of: "2026-11-01"',
        "role: Chief operating officer",
        "summary: Thirty decisions in a row.",
        "briefing: |",
        "  A long programme of decisions for benchmarks.",
        "minutes: 60",
        "themes: [pilots-to-operations]",
        "metrics:",
        "  value: {label: Value realised, start: 40}",
        "  risk: {label: Risk exposure, start: 40, higher_is: worse}",
        "  trust: {label: Trust, start: 50}",
        "  skills: {label: Skills, start: 30}",
        "phases:",
        "  run: {label: Running}",
        "start: s0",
        "scenes:",
    ]
    options = [
        ("bold", {"value": 3, "risk": 3}),
        ("careful", {"risk": -2, "trust": 1}),
        ("learn", {"skills": 2, "value": 1}),
    ]
    for i in range(decisions):
        nxt = f"s{i + 1}" if i + 1 < decisions else "end"
        lines += [
            f"  s{i}:",
            "    phase: run",
            f"    title: Decision {i + 1}",
            f"    text: Step {i + 1} of the programme.",
            "    choices:",
        ]
        for j, (name, effects) in enumerate(options):
            eff = ", ".join(f"{k}: {v + (i % 3 == j)}" for k, v in effects.items())
            lines += [
                f"      - id: s{i}-{name}",
                f"        label: {name.title()} move at step {i + 1}",
                f"        effects: {{{eff}}}",
                f"        next: {nxt}",
                "        feedback: Noted.",
                "        debrief: A benchmark choice.",
                f"        practice: {PRACTICES[(i + j) % 4]}",
            ]
    lines += [
        "endings:",
        "  good: {title: Scaled well, tone: good, when: value >= 70 and risk <= 50, text: Good., debrief: Good.}",
        "  muddled: {title: Muddling through, tone: mixed, text: Mixed., debrief: Mixed.}",
        "debrief:",
        "  dimensions:",
        "    value: {label: Value, weight: 2, from: {value: 1}}",
        "    control: {label: Control, from: {risk: 1, trust: 1}}",
        "    people: {label: People, from: {skills: 1}}",
        "  bands:",
        "    - {id: strong, min: 70, label: Strong}",
        "    - {id: mixed, min: 40, label: Mixed}",
        "    - {id: weak, min: 0, label: Weak}",
    ]
    path = folder / "bench-long.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
