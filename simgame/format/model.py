"""The scenario format v1 as pydantic models: the contract with authors and the JSON Schema source.

Models are strict: text must be text (YAML's `NO` is refused, not read as False), unknown
fields are refused, ids follow fixed patterns. Cross-references are checked later, in
:mod:`simgame.format.checks`, where positions are known.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from simgame.format.inert import printable

SLUG_PATTERN = r"^[a-z][a-z0-9-]*$"
IDENT_PATTERN = r"^[a-z][a-z0-9_]*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Ident = Annotated[str, StringConstraints(pattern=IDENT_PATTERN, max_length=64)]
# Text is inert: no control character (but newline and tab) and no direction override (simgame.format.inert).
Text = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(printable)]
ExprText = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e9, le=1e9)]
# A chance written as a number: the schema says 0..1 so editors flag 1.5 as you type; the loader's SG203
# (simgame.format.checks) refuses it with a located hint, so validation itself is unchanged.
Probability = Annotated[Number, WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]
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

    name: Text = Field(description="The person's name as the player meets them, e.g. `Priya Raman`.")
    role: Text = Field(description="Their job in the organisation, e.g. `Head of Claims`.")
    wants: Text = Field(
        default="", description="What they want from the player, in a phrase (optional, default empty)."
    )


class Objective(_Strict):
    """A learning objective; `when` says whether the player met it on the final state."""

    id: Slug = Field(description="The objective's id: a lowercase slug (`kill-switch-owner`), unique in the scenario.")
    text: Text = Field(
        description="The objective as the debrief states it, e.g. `Name an owner who can switch a model off`."
    )
    when: ExprText | None = Field(
        default=None,
        description="A condition on the final state that says whether the player met the objective "
        "(e.g. `kill_switch_owner`); without it the objective is listed but not judged.",
    )


class Metric(_Strict):
    """A number the player's decisions move (value, risk, trust), shown on the dashboard."""

    label: Text = Field(description="The metric's name on the dashboard and in the debrief, e.g. `Value realised`.")
    description: Text = Field(default="", description="What the metric measures, in a sentence (optional).")
    min: Number = Field(default=0, description="The lowest value; every change is clamped to it. Default 0.")
    max: Number = Field(default=100, description="The highest value; every change is clamped to it. Default 100.")
    start: Number = Field(description="The value at the start of play, between `min` and `max`.")
    higher_is: Literal["better", "worse"] = Field(
        default="better",
        description="`better` (the default) or `worse` (for risk, cost): a `worse` metric is inverted when "
        "the debrief scores it.",
    )
    hidden: bool = Field(
        default=False, description="true keeps the metric off the dashboard (it still scores). Default false."
    )


class Phase(_Strict):
    """A stage of the lifecycle the dashboard shows (pilot, scaling); every scene belongs to one."""

    label: Text = Field(description="The phase's name on the dashboard, e.g. `Scaling`.")
    description: Text = Field(default="", description="What this phase is, in a phrase (optional).")
    kind: Literal["normal", "failure"] = Field(
        default="normal",
        description="`normal` (the default), or `failure` for a phase that means things went wrong (pilot purgatory).",
    )


EffectValue = Annotated[Number | ExprText, Field(union_mode="left_to_right")]


class Event(_Strict):
    """Checked on entering a scene: a seeded chance event or a delayed consequence."""

    id: Slug = Field(description="The event's id: a lowercase slug, unique in its scene (`drift-spike`).")
    when: ExprText | None = Field(
        default=None,
        description="A condition that must hold for the event to fire (e.g. `rushed`); without it, it is "
        "always considered. Reading a flag an earlier choice set makes it that choice's delayed consequence.",
    )
    chance: Annotated[Probability | ExprText, Field(union_mode="left_to_right")] | None = Field(
        default=None,
        description="The probability that the event fires when its `when` holds: a number from 0 to 1, or an "
        "expression such as `0.2 + risk / 200` (clamped to 0-1). Default 1: certain.",
    )
    text: Text = Field(default="", description="What the player is told when the event fires (optional).")
    effects: dict[Ident, EffectValue] = Field(
        default_factory=dict,
        description="Metric changes when it fires: metric id to a number or an expression (`{risk: 10}`). "
        "Default none.",
    )
    set: list[Ident] = Field(default_factory=list, description="Flags the event sets to true. Default none.")
    clear: list[Ident] = Field(default_factory=list, description="Flags the event sets to false. Default none.")
    goto: Slug | None = Field(
        default=None,
        description="A scene or ending to divert play to; the scene's remaining events are skipped. "
        "Without it, play stays in the scene.",
    )


class Choice(_Strict):
    """One option of a scene's decision."""

    id: Slug = Field(
        description="The choice's id: a lowercase slug unique across the whole scenario (`chose(id)` reads it)."
    )
    label: Text = Field(description="The option as the player reads it, one sentence.")
    when: ExprText | None = Field(
        default=None,
        description="A condition for the option to be offered (e.g. `data >= 50 and not rushed`); without "
        "it, it is always offered.",
    )
    locked: Text | None = Field(
        default=None,
        description="When `when` is false: show the option locked with this reason. Without it, the option "
        "is hidden instead.",
    )
    once: bool = Field(
        default=False, description="true hides the option after it has been chosen once (for revisited hubs)."
    )
    effects: dict[Ident, EffectValue] = Field(
        default_factory=dict,
        description='Metric changes: metric id to a number or an expression (`{value: 10, risk: "trust / 10"}`). '
        "Values clamp to each metric's range.",
    )
    set: list[Ident] = Field(default_factory=list, description="Flags the choice sets to true. Default none.")
    clear: list[Ident] = Field(default_factory=list, description="Flags the choice sets to false. Default none.")
    next: Slug = Field(
        description="Where play goes: a scene id, an ending id, or `end` (the first ending whose `when` holds)."
    )
    feedback: Text = Field(
        default="", description="What happens right away, shown after the choice: one or two sentences."
    )
    debrief: Text = Field(
        default="", description="What an experienced leader would notice about this choice, shown in the debrief."
    )
    practice: Practice = Field(
        description="The leadership practice the choice exercises: `rethink-work`, `experimentation`, "
        "`measure-outcomes` or `shared-language`."
    )


class Scene(_Strict):
    """One moment of the story: text, then a decision (or `next:` for a scene the player reads on from)."""

    phase: Slug = Field(description="The phase this scene belongs to (an id under `phases:`).")
    title: Text = Field(default="", description="The scene's heading, e.g. `Monday, 08:30 - fourteen pilots`.")
    text: Text = Field(
        description="The narrative, second person, present tense, about 60-180 words; may hold conditional "
        "text (`{if CONDITION}...{/if}`)."
    )
    terms: list[Slug] = Field(
        default_factory=list, description="Glossary term ids this scene's text uses, highlighted for the player."
    )
    events: list[Event] = Field(
        default_factory=list,
        description="Chance events and delayed consequences, checked in order each time the scene is entered.",
    )
    choices: list[Choice] = Field(
        default_factory=list,
        description="The options, 1-4 of them; leave empty and give `next:` for a pass-through scene.",
    )
    next: Slug | None = Field(  # a pass-through scene: no choices, the player reads it and continues
        default=None,
        description="For a scene without choices: where the player goes after reading it (a scene, an ending "
        "or `end`).",
    )
    order: Literal["shuffled", "authored"] = Field(
        default="shuffled",
        description="How the choices are listed: `shuffled` (the default) in an order derived from each "
        "run's seed, so a position means nothing; `authored` as written, when the order itself means "
        "something (a scale from cautious to bold).",
    )


class Ending(_Strict):
    """How the story ends: reached by `next: <id>`, an event's `goto`, or `next: end` by its `when`."""

    title: Text = Field(description="The ending's heading, e.g. `Scaled, and still in control`.")
    when: ExprText | None = Field(
        default=None,
        description="The condition `next: end` tries, in file order; the last ending without `when` is the default.",
    )
    tone: Literal["good", "mixed", "bad"] = Field(
        default="mixed", description="`good`, `mixed` (the default) or `bad`: how the ending feels."
    )
    text: Text = Field(description="What the organisation looks like afterwards.")
    debrief: Text = Field(default="", description="Why this outcome happened and what to carry into real work.")


class Adjust(_Strict):
    """A modifier of a dimension score, explained in the debrief."""

    when: ExprText = Field(description="The condition on the final state that applies the modifier, e.g. `rushed`.")
    points: Number = Field(description="Points added to the dimension's score (negative to subtract), e.g. `-10`.")
    why: Text = Field(description="The reason shown in the debrief, e.g. `Scaled before the data was ready`.")


class Dimension(_Strict):
    """One scored part of the debrief's profile, computed from metrics."""

    label: Text = Field(description="The dimension's name in the debrief, e.g. `Value`.")
    description: Text = Field(default="", description="What the dimension rewards, in a phrase (optional).")
    weight: Annotated[float, Field(ge=0, le=100)] = Field(
        default=1, description="Its weight in the overall score, 0-100. Default 1."
    )
    from_: dict[Ident, Annotated[float, Field(gt=0, le=100)]] = Field(
        alias="from",
        min_length=1,
        description="Metric id to weight (above 0, up to 100): each metric is normalised to 0-100 (inverted "
        "when `higher_is: worse`), then averaged with these weights.",
    )
    adjust: list[Adjust] = Field(
        default_factory=list, description="Modifiers of the score, each with a condition and a reason. Default none."
    )


class Band(_Strict):
    """A named range of overall scores (Transformative, Solid ...)."""

    id: Slug = Field(description="The band's id: a lowercase slug, e.g. `solid` (a red line's `cap` names it).")
    min: Annotated[float, Field(ge=0, le=100)] = Field(
        description="The lowest overall score in this band, 0-100; bands are listed highest first."
    )
    label: Text = Field(description="The band's name in the debrief, e.g. `Solid`.")
    text: Text = Field(default="", description="What a score in this band means, shown in the debrief.")


class RedLine(_Strict):
    """A condition that caps the band whatever the metrics: a prohibited practice used, a legal duty skipped.

    When `when` holds on the final state, the overall score is lowered to the highest score of the
    band `cap` (just below the next band's `min`), and the debrief shows `why`.
    """

    id: Slug = Field(description="The red line's id: a lowercase slug, unique in the scenario.")
    when: ExprText = Field(
        description="The condition on the final state that crosses the line, e.g. `chose(run-emotion-trial)`."
    )
    cap: Slug = Field(description="A band id: the best band a run that crossed the line can get.")
    why: Text = Field(description="Why no score makes up for it, shown in the debrief.")


class DebriefConfig(_Strict):
    """How the final state is scored: dimensions, bands and red lines."""

    dimensions: dict[Slug, Dimension] = Field(
        min_length=1, description="The scored parts of the profile, by id; at least one."
    )
    bands: list[Band] = Field(
        min_length=1,
        description="Named score ranges, highest first; a score gets the first band whose `min` it reaches.",
    )
    red_lines: list[RedLine] = Field(
        default_factory=list,
        description="Conditions that cap the band whatever the metrics (a prohibited practice used, a legal "
        "duty skipped); each crossed red line is shown in the debrief with its `why`.",
    )


class Fixture(_Strict):
    """A named state to start play from (`simgame play FILE --fixture NAME`)."""

    scene: Slug = Field(description="The scene play starts at.")
    note: Text = Field(default="", description="What state this is, for the author (optional).")
    metrics: dict[Ident, Number] = Field(
        default_factory=dict, description="Metric values that differ from their `start`. Default none."
    )
    flags: list[Ident] = Field(default_factory=list, description="Flags that are true. Default none.")


class Source(_Strict):
    """A source a scenario's facts rest on, listed in docs/scenario-sources.md and the teaching note."""

    id: Slug = Field(description="A short id for the source, unique in the scenario, e.g. `mckinsey-state-of-ai-2025`.")
    title: Text = Field(description="The document's title as its publisher gives it.")
    publisher: Text = Field(description="Who published it: a regulator, a court, a survey's author.")
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] = Field(
        description="When it was published: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    url: Text = Field(default="", description="Where a reader can check it (leave empty for print-only sources).")
    checked: Literal["primary", "secondary"] = Field(
        description="`primary` when the fact was checked in the source itself (the law, the ruling, the "
        "survey); `secondary` when it rests on reporting about it."
    )
    supports: Text = Field(description="What the scenario states on its authority, in a sentence.")


class ScenarioDoc(_Strict):
    """A whole scenario file."""

    format: Literal["simgame/v1"] = Field(description="The format version: exactly `simgame/v1`.")
    id: Slug = Field(description="The scenario's id: a lowercase slug, e.g. `pilot-to-production`.")
    title: Text = Field(description="The scenario's title in the library, e.g. `From Pilot to Production`.")
    version: Text = Field(description='The scenario\'s own version, quoted: `"1.0.0"`.')
    as_of: Text = Field(description='The date the facts in the text are true as of, quoted: `"2026-11-01"`.')
    role: Text = Field(description="The player's role, e.g. `Chief Operating Officer, Hollis Mutual`.")
    organisation: Text = Field(default="", description="The organisation, in a phrase (optional).")
    summary: Text = Field(description="One or two sentences shown in the library.")
    briefing: Text = Field(default="", description="The situation, read before play; several paragraphs allowed.")
    minutes: Annotated[int, Field(ge=1, le=240)] = Field(description="Estimated play time in minutes, 1-240.")
    themes: list[Slug] = Field(
        default_factory=list, description="Slugs for the library's filters, e.g. `[risk, data]`."
    )
    stakeholders: list[Stakeholder] = Field(
        default_factory=list, description="People shown in the briefing (optional)."
    )
    objectives: list[Objective] = Field(
        default_factory=list, description="Learning objectives, each judged on the final state by its `when`."
    )
    metrics: dict[Ident, Metric] = Field(
        min_length=1,
        description="The numbers decisions move, by id (lowercase identifier: `kill_switch_owner`); at least one.",
    )
    flags: dict[Ident, Text] = Field(
        default_factory=dict,
        description="Yes/no facts of the story, all false at the start: id to a one-line description (shown in "
        "the debrief when a flag explains a consequence).",
    )
    phases: dict[Slug, Phase] = Field(min_length=1, description="The lifecycle's stages, by id; at least one.")
    start: Slug = Field(description="The id of the first scene.")
    scenes: dict[Slug, Scene] = Field(min_length=1, description="The scenes, by id; at least one.")
    endings: dict[Slug, Ending] = Field(
        min_length=1, description="The endings, by id (sharing one namespace with scenes); at least one."
    )
    debrief: DebriefConfig = Field(description="How the final state is scored: dimensions, bands, red lines.")
    fixtures: dict[Slug, Fixture] = Field(
        default_factory=dict, description="Named states to start play from while writing (optional)."
    )
    sources: list[Source] = Field(
        default_factory=list,
        description="The sources the scenario's facts rest on (laws, rulings, surveys), each dated, with what "
        "it supports and whether it was checked at the source.",
    )


class GlossaryTerm(_Strict):
    """One term of the shared language."""

    term: Text = Field(description="The term as shown, e.g. `Hallucination (confabulation)`.")
    aliases: list[Text] = Field(
        default_factory=list, description="Words highlighted in scene text for this term (optional)."
    )
    definition: Text = Field(description="A plain-language definition for an executive, 1-3 sentences.")
    why_it_matters: Text = Field(
        default="", description="One or two sentences on what a leader does about it (optional)."
    )
    see_also: list[Slug] = Field(default_factory=list, description="Related term ids (optional).")


class GlossaryDoc(_Strict):
    """A glossary file: the shared one, or a folder's own terms."""

    format: Literal["simgame/glossary-v1"] = Field(description="The format version: exactly `simgame/glossary-v1`.")
    as_of: Text | None = Field(
        default=None,
        description="The date the definitions' facts (laws in force, dates) were last checked, quoted; shown "
        "with them (optional).",
    )
    standalone: bool = Field(
        default=False,
        description="false (the default): this file adds its terms to the shared glossary; true: it replaces "
        "it, a closed vocabulary for the scenarios in its folder.",
    )
    terms: dict[Slug, GlossaryTerm] = Field(
        min_length=1, description="The terms, by id (a lowercase slug); at least one."
    )


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
        Source,
        ScenarioDoc,
        GlossaryTerm,
        GlossaryDoc,
    )
    for name, f in model.model_fields.items()
)
