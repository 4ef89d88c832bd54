"""JSON Schema (draft-07) generated from the models, for editor completion via the YAML language server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from simgame.format.model import GlossaryDoc, ScenarioDoc

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def _draft07(model: type[ScenarioDoc] | type[GlossaryDoc], title: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}", mode="validation")
    defs = schema.pop("$defs", {})
    out: dict[str, Any] = {"$schema": DRAFT_07, "title": title}
    out.update(schema)
    if defs:
        out["definitions"] = defs
    return out


def scenario_schema() -> dict[str, Any]:
    return _draft07(ScenarioDoc, "simgame scenario (format simgame/v1)")


def glossary_schema() -> dict[str, Any]:
    return _draft07(GlossaryDoc, "simgame shared glossary (format simgame/glossary-v1)")


def rendered() -> dict[str, str]:
    """File name -> JSON text, exactly as committed under simgame/schemas/."""
    return {
        "scenario-v1.json": json.dumps(scenario_schema(), indent=2, sort_keys=True) + "\n",
        "glossary-v1.json": json.dumps(glossary_schema(), indent=2, sort_keys=True) + "\n",
    }


def write_all(directory: Path = SCHEMA_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in rendered().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_all():
        print(p)
