"""Creating cohorts and resolving their scenario: what `simgame cohort create` and the hub share."""

from __future__ import annotations

from simgame.cohort.codes import (
    hash_key,
    is_valid_code,
    key_matches,
    new_facilitator_key,
    new_join_code,
    normalise_code,
)
from simgame.cohort.errors import CohortError
from simgame.cohort.events import now_iso
from simgame.cohort.store import FREE, LOCKSTEP, Cohort, CohortStore, check_name, check_programme, check_teams
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import load_scenario, resolve
from simgame.settings import load_settings


def load_for(ref: str) -> Scenario:
    """Load a cohort's scenario; a failure is a plain message (details via `simgame validate`)."""
    try:
        return load_scenario(resolve(ref, load_settings().scenarios_dir))
    except LoadError as exc:
        first = exc.diagnostics[0].message if exc.diagnostics else "it has errors"
        raise CohortError(f"the scenario `{ref}` cannot be loaded: {first} (run `simgame validate {ref}`)") from None


def scenario_of(cohort: Cohort) -> Scenario:
    """The cohort's scenario, refused if its content changed since the cohort was created."""
    scenario = load_for(cohort.scenario_ref)
    if scenario.content_hash != cohort.content_hash:
        raise CohortError(
            f"the scenario `{cohort.scenario_id}` has changed since session {cohort.code} was "
            "created; results would not be comparable. Create a new session."
        )
    return scenario


def create(
    store: CohortStore,
    scenario_ref: str,
    name: str,
    pace: str = FREE,
    seed: int = 0,
    code: str | None = None,
    *,
    teams: tuple[str, ...] = (),
    programme: str | None = None,
) -> tuple[Cohort, str]:
    """A new cohort with a fresh join code; returns it and the facilitator key (shown once).

    ``teams`` are the teams players choose from on joining (none: players may name their own);
    ``programme`` groups the session with others of one leadership programme for its report.
    """
    if pace not in (FREE, LOCKSTEP):
        raise CohortError("pace must be `free` or `lockstep`")
    offered = check_teams(teams)
    if programme is not None:  # an existing programme keeps its spelling ("leading with ai" joins "Leading with AI")
        from simgame.cohort.programme import spelling

        programme = spelling(store, check_programme(programme))
    scenario = load_for(scenario_ref)
    key = new_facilitator_key()
    for _attempt in range(20):
        candidate = code or new_join_code()
        cohort = Cohort(
            code=candidate,
            name=check_name(name, "session name"),
            scenario_id=scenario.id,
            scenario_ref=scenario_ref,
            content_hash=scenario.content_hash,
            seed=int(seed),
            pace=pace,
            open_step=0,
            revealed_step=-1,
            paused=False,
            key_hash=hash_key(key),
            created=now_iso(),
            teams=offered,
            programme=programme,
        )
        try:
            store.create_cohort(cohort)
        except CohortError:
            if code:
                raise
            continue
        return cohort, key
    raise CohortError("could not find a free join code; try again")


def find(store: CohortStore, code: str) -> Cohort:
    """The cohort for what a person typed as its code."""
    canonical = normalise_code(code)
    if not is_valid_code(canonical):
        raise CohortError(f"`{code}` is not a join code: codes are 6 letters and digits, as shown by the facilitator")
    return store.cohort(canonical)


def authorise(cohort: Cohort, key: str | None) -> None:
    """Facilitator actions need the key printed by `simgame cohort create`."""
    if not key:
        raise CohortError("this needs the facilitator key shown when the session was created (--key)")
    if not key_matches(key, cohort.key_hash):
        raise CohortError("that facilitator key does not match this session")
