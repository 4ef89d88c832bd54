"""The committed JSON Schema matches the models, stays draft-07, and accepts every shipped scenario."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from simgame.format.schema import SCHEMA_DIR, rendered
from tests.support import TINY, shipped_paths


def test_committed_schema_matches_models() -> None:
    for name, text in rendered().items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} drifted from the models: run `python -m simgame.format.schema`"


def test_schema_uses_only_draft_07() -> None:
    for name, text in rendered().items():
        data = json.loads(text)
        assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "$defs" not in text and "prefixItems" not in text and "unevaluatedProperties" not in text, name
        jsonschema.Draft7Validator.check_schema(data)


@pytest.mark.parametrize("path", [TINY, *shipped_paths()], ids=lambda p: Path(p).stem)
def test_scenarios_pass_the_editor_schema(path: Path) -> None:
    schema = json.loads((SCHEMA_DIR / "scenario-v1.json").read_text())
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_schema_rejects_what_the_loader_rejects() -> None:
    schema = json.loads((SCHEMA_DIR / "scenario-v1.json").read_text())
    doc = yaml.safe_load(TINY.read_text())
    doc["scenes"]["kickoff"]["narrative"] = "typo field"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(doc)
