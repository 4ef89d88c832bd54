"""`simgame new`: a valid, playable starter scenario whose comments teach the format.

The template passes `simgame validate --strict` (tests/toolkit/test_new.py checks it)
and shows every feature an author needs first: metrics, flags, phases, conditional
and locked choices, a chance event that is a delayed consequence, `next: end`,
endings, the debrief and a fixture.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "scenario-v1.json"

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A simgame scenario (format v1). Your editor completes and checks fields through the
# schema line above (VS Code: install the "YAML" extension by Red Hat).
# Check it:    simgame validate {filename}
# Explore it:  simgame explore {filename}      (every path, every ending, score balance)
# Play it:     simgame play {filename}
# Full guide:  docs/authoring.md    Every warning code: docs/diagnostics.md
format: simgame/v1
id: {id}                       # lowercase-with-hyphens; unique among your scenarios
title: {title}
version: "0.1.0"               # quote versions and anything YAML might read as a number
as_of: "2026-11-01"            # facts in the text are true as of this date
role: Chief Operating Officer  # who the player is
summary: One sentence an executive reads in the scenario library.
briefing: |
  The situation in a few short paragraphs, second person: what is at stake,
  who wants what, and what the board expects by when.
minutes: 2                     # play time: reading plus deciding (`simgame stats` measures the reading)
themes: [pilots-to-operations]
objectives:                    # learning objectives; `when` is checked on the final state
  - id: owner-named
    text: Give one person the authority to switch the system off
    when: owner_named

metrics:                       # the dashboard; every metric runs from min (0) to max (100)
  value:
    label: Value delivered
    description: Measured business outcomes, not activity.
    start: 30
  risk:
    label: Risk exposure
    start: 30
    higher_is: worse           # the debrief inverts it when scoring

flags:                         # true/false facts a later scene, event or ending can read
  owner_named: Someone can switch the system off at any hour
  rushed: Went live before the checks were done

phases:                        # the lifecycle the dashboard shows; every scene is in one
  pilot: {{label: Pilot}}
  live: {{label: Live}}
  incident: {{label: Incident, kind: failure}}

start: decision                # the first scene

scenes:
  decision:
    phase: pilot
    title: Monday, 09:00
    text: |
      Narrative in the second person, present tense, 60-180 words: an executive
      reads a scene in under a minute. The pilot worked in one team. The board
      asks you to take it live for everyone next month.
    choices:                   # 1-4 choices; each has an id unique in the whole file
      - id: go-live-now
        label: Go live for everyone next month, on the board's date
        effects: {{value: 20, risk: 20}}     # metric changes; numbers or expressions
        set: [rushed]                       # flags to set (clear: [...] clears them)
        next: first-week                    # a scene, an ending, or `end`
        feedback: Shown at once. The launch date goes into every calendar.
        debrief: Shown in the debrief. Speed bought value and risk together.
        practice: experimentation           # rethink-work | experimentation | measure-outcomes | shared-language
      - id: name-an-owner
        label: Name an owner who can switch it off at any hour, then go live
        effects: {{value: 10, risk: -10}}
        set: [owner_named]
        next: first-week
        feedback: Dana accepts the role and the authority that comes with it.
        debrief: A named owner with real authority is the control that matters most in an incident.
        practice: rethink-work
      - id: extend-pilot
        label: Keep it in the pilot team for another quarter
        effects: {{risk: -15}}              # options are shown in a shuffled order per run;
        next: first-week                    # no option is right because of its place or length
        feedback: The pilot team carries on; the other teams wait.
        debrief: The safest move looked prudent, but a pilot that never scales delivers no value.
        practice: experimentation

  first-week:
    phase: live
    title: The first week
    text: |
      The system is live. Early numbers arrive on Friday.
    events:                    # checked on entering the scene, before the player sees it
      - id: bad-batch
        chance: if(rushed, 0.5, 0.2)       # a seeded roll; `simgame explore` tries both outcomes.
                                           # It reads `rushed`, so the debrief shows it as a later
                                           # consequence of the choice that set the flag.
        text: A batch of wrong answers reaches customers overnight.
        effects: {{risk: 10}}
        goto: incident                     # divert play to another scene
    choices:
      - id: measure
        label: Compare the outcomes with last quarter's numbers
        effects: {{value: 10, risk: -5}}
        next: end                          # pick the first ending whose `when` holds
        feedback: The comparison is ready on Friday.
        debrief: Measuring outcomes, not activity, is what lets you scale with confidence.
        practice: measure-outcomes
      - id: announce
        label: Announce the success to the whole company at Friday's all-hands
        when: value >= 40                  # a condition on the state
        locked: Needs value of at least 40 # shown greyed out with this reason; omit to hide it
        effects: {{value: 0, risk: 20}}
        next: end
        feedback: Applause, and a few raised eyebrows.
        debrief: Announcing before measuring spends trust you may need later.
        practice: shared-language

  incident:
    phase: incident
    title: Saturday, 07:10
    text: |
      Complaints are arriving. Someone has to decide whether to switch it off.
    choices:                   # `simgame explore` flags `switch-off` as a dominant option: fine for an
                               # incident drill; in a dilemma, give every option a real cost.
      - id: switch-off
        label: Switch the system off until it is fixed
        when: owner_named
        locked: Nobody has the authority to switch it off
        effects: {{risk: -20, value: -10}}
        next: end
        feedback: Dana switches it off within the hour.
        debrief: Authority agreed in advance made the incident survivable.
        practice: rethink-work
      - id: patch-live
        label: Keep it running and patch it
        effects: {{risk: 25, value: -20}}
        next: crisis
        feedback: The patch takes a week.
        debrief: Running a faulty system while patching it turned an incident into a crisis.
        practice: experimentation

endings:                       # `next: end` tries endings with `when` in order, else the last without
  crisis:
    title: Crisis
    tone: bad                  # good | mixed | bad
    text: The regulator calls on Monday.
    debrief: Nobody could switch it off, so a bad week became a public one.
  scaled:
    title: Live, and in control
    when: value >= 50 and risk <= 30
    tone: good
    text: Value is real, measured, and someone owns the off switch.
    debrief: You paired speed with control and measured what mattered.
  muddling:
    title: Muddling through
    tone: mixed
    text: Some value, some risk, and an open question about who is in charge.
    debrief: Value without an owner or a baseline is fragile.

debrief:
  dimensions:                  # the overall score is the weighted mean of these (0-100 each)
    value: {{label: Value, weight: 2, from: {{value: 1}}}}
    control:
      label: Risk and control
      from: {{risk: 1}}            # `higher_is: worse` metrics are inverted automatically
      adjust:
        - {{when: owner_named, points: 10, why: A named owner could switch the system off}}
  bands:                       # highest first; the last must start at 0
    - {{id: strong, min: 60, label: Strong, text: You scaled with control.}}
    - {{id: mixed, min: 40, label: Mixed, text: Progress with loose ends.}}
    - {{id: weak, min: 0, label: Weak, text: Speed without control.}}

fixtures:                      # start anywhere: simgame play {filename} --fixture after-rush
  after-rush:
    scene: first-week
    note: Went live without the checks
    metrics: {{risk: 60}}
    flags: [rushed]
"""


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if not s or not s[0].isalpha():
        s = "scenario-" + s if s else "my-scenario"
    return s[:64].rstrip("-")


def render(name: str, target: Path) -> str:
    """The starter scenario for ``name``, with a $schema path that works from ``target``'s folder."""
    sid = slug(name)
    try:
        schema = os.path.relpath(SCHEMA, target.resolve().parent)
    except ValueError:  # another drive on Windows
        schema = SCHEMA.as_uri()
    title = " ".join(w.capitalize() for w in sid.split("-"))
    return TEMPLATE.format(schema=Path(schema).as_posix(), id=sid, title=title, filename=target.name)
