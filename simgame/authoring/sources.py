"""docs/scenario-sources.md: every shipped scenario's sources, from the scenarios themselves.

The page is generated so that it cannot drift from the files: `python -m simgame.authoring.sources`
rewrites it, and a test fails when the committed page differs from what this module renders.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simgame.format.compiled import Scenario
from simgame.format.loader import bundled_dir, load_scenario, scenario_files

PAGE = Path(__file__).resolve().parents[2] / "docs" / "scenario-sources.md"
_CHECKED = {"primary": "checked at the source", "secondary": "secondary reporting"}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(scenarios: list[Scenario]) -> str:
    out = [
        "# Scenario sources",
        "",
        "The facts each shipped scenario states rest on these sources, as of the scenario's `as_of` date.",
        "“Checked at the source” means the fact was read in the law, ruling, standard or survey itself;",
        "“secondary reporting” means it rests on reporting about it. Generated from each scenario's",
        "`sources:` by `python -m simgame.authoring.sources`; do not edit by hand.",
        "",
    ]
    for sc in sorted(scenarios, key=lambda s: s.doc.title.lower()):
        doc = sc.doc
        out += [f"## {_cell(doc.title)} (`{sc.id}`)", "", f"Facts as of {doc.as_of}.", ""]
        if not doc.sources:
            out += ["No sources listed yet.", ""]
            continue
        out += ["| source | date | what it supports | checked |", "| --- | --- | --- | --- |"]
        for src in doc.sources:
            name = f"{_cell(src.publisher)}, *{_cell(src.title)}*"
            if src.url:
                name = f"[{name}]({src.url.strip()})"
            out.append(f"| {name} | {src.date} | {_cell(src.supports)} | {_CHECKED[src.checked]} |")
        out.append("")
    return "\n".join(out)


def shipped() -> list[Scenario]:
    return [load_scenario(p) for p in scenario_files(bundled_dir())]


def main() -> int:
    PAGE.write_text(render(shipped()), encoding="utf-8")
    print(PAGE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
