"""Every field is described for authors, in the JSON Schema and in docs/format-v1.md, from the models alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from simgame.format.schema import FORMAT_DOC, REF_BEGIN, REF_END, field_reference, rendered, with_reference


def properties(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    parts = {"(file)": schema, **schema.get("definitions", {})}
    for part, body in parts.items():
        for name, prop in body.get("properties", {}).items():
            yield part, name, prop


@pytest.mark.parametrize("name", ["scenario-v1.json", "glossary-v1.json"])
def test_every_property_has_a_description(name: str) -> None:
    schema = json.loads(rendered()[name])
    missing = [
        f"{part}.{field}" for part, field, prop in properties(schema) if not str(prop.get("description", "")).strip()
    ]
    assert not missing, f"fields without a description (add `Field(description=...)` in model.py): {missing}"
    assert len(list(properties(schema))) > (80 if name.startswith("scenario") else 8)


def test_a_chance_number_is_a_probability_but_an_expression_stays_allowed() -> None:
    schema = json.loads(rendered()["scenario-v1.json"])
    event = {"id": "e", "chance": 0.5}
    check = jsonschema.Draft7Validator(schema["definitions"]["Event"])
    assert check.is_valid(event)
    assert check.is_valid({**event, "chance": "0.2 + risk / 200"})
    assert not check.is_valid({**event, "chance": 1.5})
    assert not check.is_valid({**event, "chance": -0.1})


def test_the_docs_field_reference_matches_the_models() -> None:
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    assert REF_BEGIN in doc and REF_END in doc, "docs/format-v1.md lost its generated field reference"
    block = doc[doc.index(REF_BEGIN) : doc.index(REF_END) + len(REF_END)] + "\n"
    assert block == field_reference(), (
        "docs/format-v1.md's field reference drifted: run `python -m simgame.format.schema`"
    )


def test_the_reference_names_every_field_with_its_description() -> None:
    ref = field_reference()
    for schema in (json.loads(t) for t in rendered().values()):
        for _, name, prop in properties(schema):
            assert f"| `{name}` |" in ref
            assert " ".join(str(prop["description"]).split()).replace("|", "\\|") in ref


def test_regenerating_keeps_the_hand_written_prose() -> None:
    doc = "# Title\n\nProse before.\n\n" + REF_BEGIN + "\nold table\n" + REF_END + "\n\nProse after.\n"
    new = with_reference(doc)
    assert new.startswith("# Title\n\nProse before.\n\n") and new.endswith(REF_END + "\n\nProse after.\n")
    assert "old table" not in new and "| `chance` |" in new
    assert with_reference(new) == new
    assert with_reference("# Only prose\n").startswith("# Only prose\n\n" + REF_BEGIN)
