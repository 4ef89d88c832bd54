"""The scenario format v1 as pydantic models: the contract with authors and the JSON Schema source.

Models are strict: text must be text (YAML's `NO` is refused, not read as False), unknown
fields are refused, ids follow fixed patterns. Cross-references are checked later, in
:mod:`simgame.format.checks`, where positions are known.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from simgame.format.inert import printable

SLUG_PATTERN = r"^[a-z][a-z0-9-]*$"
IDENT_PATTERN = r"^[a-z][a-z0-9_]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Ident = Annotated[str, StringConstraints(pattern=IDENT_PATTERN, max_length=64)]
# Text is inert: no control character (but newline and tab) and no direction override (simgame.format.inert).
Text = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(printable)]
ExprText = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
Practice = Literal["rethink-work", "experimentation", "measure-outcomes", "shared-language"]

PRACTICES: dict[str, str] = {
    "rethink-work": "Rethink work as teams",
    "experimentation": "Continuous experimentation",
    "measure-outcomes": "Measure outcomes, not completions",
    "shared-language": "A shared language",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Stakeholder(_Strict):
    """A named person in the organisation, shown in the briefing."""

    name: Text
    role: Text
    wants: Text = ""


class Objective(_Strict):
    """A learning objective; `when` says whether the player met it on the final state."""

    id: Slug
    text: Text
    when: ExprText | None = None


class Metric(_Strict):
    label: Text
    description: Text = ""
    min: Number = 0
    max: Number = 100
    start: Number
    higher_is: Literal["better", "worse"] = "better"
    hidden: bool = False


class Phase(_Strict):
    label: Text
    description: Text = ""
    kind: Literal["normal", "failure"] = "normal"


EffectValue = Annotated[Number | ExprText, Field(union_mode="left_to_right")]


class Event(_Strict):
    """Checked on entering a scene: a seeded chance event or a delayed consequence."""

    id: Slug
    when: ExprText | None = None
    chance: Annotated[Number | ExprText, Field(union_mode="left_to_right")] | None = None
    text: Text = ""
    effects: dict[Ident, EffectValue] = Field(default_factory=dict)
    set: list[Ident] = Field(default_factory=list)
    clear: list[Ident] = Field(default_factory=list)
    goto: Slug | None = None


class Choice(_Strict):
    id: Slug
    label: Text
    when: ExprText | None = None
    locked: Text | None = None
    once: bool = False
    effects: dict[Ident, EffectValue] = Field(default_factory=dict)
    set: list[Ident] = Field(default_factory=list)
    clear: list[Ident] = Field(default_factory=list)
    next: Slug
    feedback: Text = ""
    debrief: Text = ""
    practice: Practice


class Scene(_Strict):
    phase: Slug
    title: Text = ""
    text: Text
    terms: list[Slug] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    choices: list[Choice] = Field(default_factory=list)
    next: Slug | None = None  # a pass-through scene: no choices, the player reads it and continues
    order: Literal["shuffled", "authored"] = Field(
        default="shuffled",
        description="How the choices are listed: `shuffled` (the default) in an order derived from each "
        "run's seed, so a position means nothing; `authored` as written, when the order itself means "
        "something (a scale from cautious to bold).",
    )


class Ending(_Strict):
    title: Text
    when: ExprText | None = None
    tone: Literal["good", "mixed", "bad"] = "mixed"
    text: Text
    debrief: Text = ""


class Adjust(_Strict):
    """A modifier of a dimension score, explained in the debrief."""

    when: ExprText
    points: Number
    why: Text


class Dimension(_Strict):
    label: Text
    description: Text = ""
    weight: Annotated[float, Field(ge=0, le=100)] = 1
    from_: dict[Ident, Annotated[float, Field(gt=0, le=100)]] = Field(alias="from", min_length=1)
    adjust: list[Adjust] = Field(default_factory=list)


class Band(_Strict):
    id: Slug
    min: Annotated[float, Field(ge=0, le=100)]
    label: Text
    text: Text = ""


class RedLine(_Strict):
    """A condition that caps the band whatever the metrics: a prohibited practice used, a legal duty skipped.

    When `when` holds on the final state, the overall score is lowered to the highest score of the
    band `cap` (just below the next band's `min`), and the debrief shows `why`.
    """

    id: Slug
    when: ExprText
    cap: Slug
    why: Text


class DebriefConfig(_Strict):
    dimensions: dict[Slug, Dimension] = Field(min_length=1)
    bands: list[Band] = Field(min_length=1)
    red_lines: list[RedLine] = Field(
        default_factory=list,
        description="Conditions that cap the band whatever the metrics (a prohibited practice used, a legal "
        "duty skipped); each crossed red line is shown in the debrief with its `why`.",
    )


class Fixture(_Strict):
    scene: Slug
    note: Text = ""
    metrics: dict[Ident, Number] = Field(default_factory=dict)
    flags: list[Ident] = Field(default_factory=list)


class ScenarioDoc(_Strict):
    """A whole scenario file."""

    format: Literal["simgame/v1"]
    id: Slug
    title: Text
    version: Text
    as_of: Text
    role: Text
    organisation: Text = ""
    summary: Text
    briefing: Text = ""
    minutes: Annotated[int, Field(ge=1, le=240)]
    themes: list[Slug] = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    metrics: dict[Ident, Metric] = Field(min_length=1)
    flags: dict[Ident, Text] = Field(default_factory=dict)
    phases: dict[Slug, Phase] = Field(min_length=1)
    start: Slug
    scenes: dict[Slug, Scene] = Field(min_length=1)
    endings: dict[Slug, Ending] = Field(min_length=1)
    debrief: DebriefConfig
    fixtures: dict[Slug, Fixture] = Field(default_factory=dict)


class GlossaryTerm(_Strict):
    term: Text
    aliases: list[Text] = Field(default_factory=list)
    definition: Text
    why_it_matters: Text = ""
    see_also: list[Slug] = Field(default_factory=list)


class GlossaryDoc(_Strict):
    format: Literal["simgame/glossary-v1"]
    terms: dict[Slug, GlossaryTerm] = Field(min_length=1)


ALL_FIELDS: frozenset[str] = frozenset(
    (f.alias or name)
    for model in (
        Stakeholder,
        Objective,
        Metric,
        Phase,
        Event,
        Choice,
        Scene,
        Ending,
        Adjust,
        Dimension,
        Band,
        RedLine,
        DebriefConfig,
        Fixture,
        ScenarioDoc,
        GlossaryTerm,
        GlossaryDoc,
    )
    for name, f in model.model_fields.items()
)
