"""Expected transcripts: committed regression tests of a scenario's behaviour.

A transcript is one YAML file (tests/transcripts/<scenario-id>/<name>.yaml):

    scenario: pilot-to-production      # a bundled id, or a .yaml path relative to this file
    seed: 3
    fixture: after-rush                # optional
    choices: [scale-now, measure]
    expect:
      ending: muddled
      band: mixed
      score: 55.0
      metrics: {value: 60.0, risk: 50.0}
      scenes: [kickoff, rollout]        # optional: where play rested before each decision, then the ending

Replaying uses the real engine (`Run.replay`), so a transcript fails when a content
edit changes what those choices lead to; the difference is shown as a readable diff.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simgame.engine.run import EngineError, Run
from simgame.engine.saves import atomic_write
from simgame.engine.scoring import score
from simgame.format.compiled import Scenario
from simgame.format.diagnostics import LoadError
from simgame.format.loader import bundled_dir, load_scenario, resolve

SCORE_TOLERANCE = 0.05


class TranscriptError(Exception):
    """A transcript file that cannot be read or replayed; the message says why."""


@dataclass
class Transcript:
    path: Path
    scenario: str
    seed: int
    choices: list[str]
    expect: dict[str, Any]
    fixture: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"


@dataclass
class Result:
    transcript: Transcript
    passed: bool
    diff: str
    actual: dict[str, Any]


MAX_TRANSCRIPT_BYTES = 1024 * 1024


def read(path: Path) -> Transcript:
    from simgame.format.safefile import SafeReadError, read_capped

    try:  # a regular file only, read with a cap (a transcript is a few kilobytes)
        raw = read_capped(path, MAX_TRANSCRIPT_BYTES)
        data = yaml.safe_load(raw.decode("utf-8"))
    except SafeReadError as exc:
        raise TranscriptError(f"{path}: cannot be read ({exc.message})") from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TranscriptError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise TranscriptError(f"{path}{where}: cannot be read as YAML ({problem})") from None
    if not isinstance(data, dict):
        raise TranscriptError(f"{path}: a transcript is a mapping with scenario, seed, choices and expect")
    missing = [k for k in ("scenario", "choices", "expect") if k not in data]
    if missing:
        raise TranscriptError(f"{path}: missing {', '.join(missing)}")
    choices = data["choices"]
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise TranscriptError(f"{path}: `choices` must be a list of choice ids")
    if not isinstance(data["expect"], dict):
        raise TranscriptError(f"{path}: `expect` must be a mapping (ending, band, score, metrics)")
    seed = data.get("seed", 0)
    if not isinstance(seed, int):
        raise TranscriptError(f"{path}: `seed` must be a whole number")
    return Transcript(path, str(data["scenario"]), seed, list(choices), dict(data["expect"]), data.get("fixture"))


def scenario_path(t: Transcript, scenarios: Path | None = None) -> Path:
    """The scenario a transcript plays: a file beside it, or a bundled id looked up in ``scenarios``."""
    ref = t.scenario
    if ref.endswith((".yaml", ".yml")):
        return (t.path.parent / ref).resolve()
    return resolve(ref, bundled_dir(scenarios))


def play(
    sc: Scenario, seed: int, choices: list[str], fixture: str | None = None, want_scenes: bool = True
) -> dict[str, Any]:
    """What a transcript records about a replay: ending, band, score, metrics, and the scenes shown."""
    run = Run.start(sc, seed, fixture)
    try:
        scenes = [run.scene_id]
        for choice in choices:  # `<scene>.continue` ids may be given or left out, as in `simgame run`
            scenes += [d.next for d in run.choose_reading_on(choice)]
        scenes += [d.next for d in run.read_on()]
        outcome = score(sc, run, run.metrics)
        actual: dict[str, Any] = {
            "ending": run.ending,
            "band": outcome.band,
            "score": outcome.overall,
            "metrics": {k: round(v, 3) for k, v in run.metrics.items()},
        }
        if want_scenes:
            actual["scenes"] = scenes
        return actual
    finally:
        run.close()


def _same(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    for key, want in expected.items():
        got = actual.get(key)
        if key == "score":
            if (
                not isinstance(want, int | float)
                or not isinstance(got, int | float)
                or abs(float(want) - float(got)) > SCORE_TOLERANCE
            ):
                return False
        elif key == "metrics":
            if not isinstance(want, dict) or not isinstance(got, dict) or set(want) != set(got):
                return False
            if any(abs(float(want[m]) - float(got[m])) > 1e-6 for m in want):
                return False
        elif want != got:
            return False
    return True


def _dump(data: dict[str, Any]) -> list[str]:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True).splitlines()


def check(t: Transcript, scenarios: Path | None = None) -> Result:
    try:
        sc = load_scenario(scenario_path(t, scenarios))
    except LoadError as exc:
        raise TranscriptError(f"{t.path}: the scenario {t.scenario} does not load:\n{exc.render()}") from None
    try:
        actual = play(sc, t.seed, t.choices, t.fixture, want_scenes="scenes" in t.expect)
    except EngineError as exc:
        return Result(t, False, f"  the choices cannot be replayed any more: {exc}", {})
    if _same(t.expect, actual):
        return Result(t, True, "", actual)
    diff = difflib.unified_diff(
        _dump(t.expect), _dump({k: actual.get(k) for k in t.expect}), "expected", "actual", lineterm="", n=2
    )
    return Result(t, False, "\n".join("  " + line for line in diff), actual)


_FORMAT_LINE = re.compile(r"""^format:\s*["']?simgame/""")


def split_transcripts(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(transcripts, other simgame files): a scenario or glossary in the folder is not a failed transcript.

    Only the first kilobyte is looked at, for a top-level `format: simgame/…` line; anything else
    (unreadable files included) stays a transcript, so `check` reports it in plain words.
    """
    from simgame.format.safefile import SafeReadError, read_capped

    keep: list[Path] = []
    other: list[Path] = []
    for path in paths:
        try:
            head = read_capped(path, 1 << 20)[:1024].decode("utf-8", errors="replace")
        except (SafeReadError, OSError):
            keep.append(path)
            continue
        is_format = any(_FORMAT_LINE.match(line) for line in head.splitlines())
        (other if is_format else keep).append(path)
    return keep, other


def find(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def record(
    target: Path,
    scenario_ref: str,
    seed: int,
    choices: list[str],
    fixture: str | None = None,
    scenarios: Path | None = None,
    unfinished: bool = False,
) -> Path:
    """Play the choices with the real engine and write what happened as an expected transcript.

    A run that has not reached an ending is refused unless ``unfinished``: a transcript pins an
    outcome, and a half-played run pins only where the author stopped typing.
    """
    source = resolve(scenario_ref, bundled_dir(scenarios))
    sc = load_scenario(source)
    actual = play(sc, seed, choices, fixture)
    if actual["ending"] is None and not unfinished:
        stopped = actual["scenes"][-1]
        raise TranscriptError(
            f"these choices stop at scene `{stopped}` before any ending, so there is no outcome to pin; "
            "add the choices that finish the run (or pass --unfinished to record it anyway)"
        )
    is_bundled = source.resolve().parent == bundled_dir(scenarios).resolve() and not scenario_ref.endswith(
        (".yaml", ".yml")
    )
    ref = sc.id if is_bundled else Path(os.path.relpath(source.resolve(), target.resolve().parent)).as_posix()
    data: dict[str, Any] = {"scenario": ref, "seed": seed}
    if fixture:
        data["fixture"] = fixture
    data["choices"] = choices
    data["expect"] = actual
    header = (
        f"# Expected transcript: replayed by `simgame test` and tests/toolkit/test_transcripts.py.\n"
        f"# Re-record after an intended change: simgame test --record {target} --scenario {scenario_ref} "
        f"--seed {seed}{f' --fixture {fixture}' if fixture else ''} --choose {','.join(choices)}"
        f"{' --unfinished' if unfinished else ''}\n"
    )
    atomic_write(target, header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    return target
