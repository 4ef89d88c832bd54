"""One game in progress: the engine run plus what the UI needs around it.

Autosaves after every choice (and when the run starts), tells the observer about every
step, and remembers the metrics before the last choice so the dashboard can show the change.
A failed save never stops play: the reason is kept for the screen to show, and for the words
said on quitting (:meth:`GameSession.farewell`).

A resumed run is saved to the file it was opened from, never to another file of the same run,
and never over a file that now holds another run or a later point of this one
(:func:`simgame.engine.saves.check_overwrite`).
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simgame.engine.observer import NullObserver, PlayObserver
from simgame.engine.run import Run
from simgame.engine.saves import SaveError, render_save, save_path, write_checked
from simgame.engine.scoring import Debrief, debrief
from simgame.engine.state import Decision
from simgame.format.compiled import Scenario
from simgame.i18n import _

_WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="simgame-save")
BRANCH_KEY = "branch_of"  # in a save's ``extra``: {"run_id": the original run, "decision": where it branched}


@dataclass(frozen=True)
class BranchOf:
    """A "What if?" run's origin: the run it was branched from, and the decision it went back to (1-based)."""

    run_id: str
    decision: int

    @staticmethod
    def of(extra: dict[str, Any]) -> BranchOf | None:
        """The origin recorded in a save's ``extra``, if any (anything malformed reads as none)."""
        found = extra.get(BRANCH_KEY)
        if not isinstance(found, dict):
            return None
        run_id, decision = found.get("run_id"), found.get("decision")
        if not isinstance(run_id, str) or not isinstance(decision, int) or isinstance(decision, bool):
            return None
        return BranchOf(run_id, decision)


def with_branch(text: str, branch: BranchOf) -> str:
    """A save's text with its origin added to ``extra`` (the engine's save format keeps ``extra`` as it is)."""
    data = json.loads(text)
    data.setdefault("extra", {})[BRANCH_KEY] = {"run_id": branch.run_id, "decision": branch.decision}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def metrics_before_last(run: Run) -> dict[str, float]:
    """The metrics before the run's last decision (its own effects and the events after it taken back).

    The deltas recorded are already clamped, so taking them back is exact: a resumed or rewound run
    shows the same "▲+5 better" as the run did when that decision was made.
    """
    metrics = run.metrics
    if not run.history:
        return metrics
    last = run.history[-1]
    for deltas in (last.deltas, *(event.deltas for event in last.events)):
        for mid, change in deltas.items():
            if mid in metrics:
                metrics[mid] = round(metrics[mid] - change, 6)
    return metrics


@dataclass(frozen=True)
class PathStep:
    """One scene on the path so far: where the player was and in which phase."""

    scene: str
    title: str
    phase: str
    phase_label: str


class GameSession:
    def __init__(
        self,
        run: Run,
        saves_dir: Path | None,
        run_id: str,
        observer: PlayObserver | None = None,
        player: str = "",
        created: str | None = None,
        note: str = "",
        save_file: Path | None = None,
        branch_of: BranchOf | None = None,
    ) -> None:
        self.run = run
        self.branch_of = branch_of  # the run this one was branched from ("What if?"), kept in its save
        self.saves_dir = saves_dir
        self.run_id = run_id
        self.observer: PlayObserver = observer or NullObserver(run.scenario.id, run.seed)
        self.player = player
        self.created = created or datetime.now(UTC).isoformat(timespec="seconds")
        self.note = note  # shown once when play opens (e.g. "replay stopped at decision 3")
        self.previous_metrics: dict[str, float] = metrics_before_last(run)  # deltas survive resume and rewind
        self.last: Decision | None = run.history[-1] if run.history else None
        self.save_file = save_file  # where this run is saved: the file it was opened from, else saves_dir/RUN_ID.json
        self.save_path: Path | None = None  # where the last save went; None until one succeeds, and after a failure
        self.save_problem = ""  # why the last save failed, as a sentence for the screen
        self.save_failure = ""  # the same, as a reason naming the file or folder
        self._finished_reported = False
        self._pending: Future[None] | None = None

    @property
    def scenario(self) -> Scenario:
        return self.run.scenario

    @property
    def solo(self) -> bool:
        return isinstance(self.observer, NullObserver)

    def begin(self) -> None:
        """Tell the observer the run started and write the first save (so it can be resumed)."""
        self.observer.started(self.run)
        self.save()
        self._report_finish()

    def waiting(self) -> str | None:
        if self.run.ended:
            return None
        return self.observer.waiting(self.run)

    def choose(self, choice_id: str) -> Decision:
        before = self.run.metrics
        decision = self.run.choose(choice_id)
        self.previous_metrics = before
        self.last = decision
        self.save(wait=False)
        self.observer.chose(self.run, decision)
        self._report_finish()
        return decision

    def _report_finish(self) -> None:
        if self.run.ended and not self._finished_reported:
            self._finished_reported = True
            self.observer.finished(self.run)

    def save(self, wait: bool = True) -> Path | None:
        """Write the save. ``wait=False`` builds the text here and writes it on the saver thread
        (in order), so a choice never waits for the disk; :meth:`flush` waits for it."""
        if self.saves_dir is None and self.save_file is None:
            return None
        try:
            path = self.save_file or save_path(self.saves_dir or Path("."), self.run_id)
            text = render_save(self.run, self.run_id, self.created, self.player)
            if self.branch_of is not None:
                text = with_branch(text, self.branch_of)
        except SaveError as exc:
            self._failed(str(exc))
            return None
        choices, content_hash = list(self.run.choice_log), self.scenario.content_hash
        if wait:
            self.flush()
            self._write(path, text, choices, content_hash)
        else:
            self._pending = _WRITER.submit(self._write, path, text, choices, content_hash)
        return path

    def _write(self, path: Path, text: str, choices: list[str], content_hash: str) -> None:
        try:
            write_checked(path, text, self.run_id, choices, content_hash)
        except SaveError as exc:
            self._failed(str(exc))
            return
        except OSError as exc:
            self._failed(
                _("the saves folder {parent} cannot be written to ({os_reason})").format(
                    parent=path.parent, os_reason=_os_reason(exc)
                )
            )
            return
        self.save_path = path
        self.save_problem = self.save_failure = ""

    def _failed(self, reason: str) -> None:
        self.save_path = None
        self.save_failure = reason
        self.save_problem = _("Could not save your progress: {reason}.").format(reason=reason)

    @property
    def saved(self) -> bool:
        """Whether the last save succeeded (call :meth:`flush` first to include one still being written)."""
        return self.save_path is not None and not self.save_failure

    def farewell(self) -> str:
        """What to tell the player on quitting, after the last save: kept only if it was."""
        self.flush()
        if self.saves_dir is None and self.save_file is None:
            return ""
        if self.saved:
            return _("Your progress is kept in {save_path}.").format(save_path=self.save_path)
        return _("Your progress was NOT saved: {value}.").format(
            value=self.save_failure or _("the last save did not finish")
        )

    def flush(self) -> None:
        """Wait until every save handed to the saver thread is on disk."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def rewind(self, decisions: int, run_id_factory: Callable[[str], str]) -> GameSession:
        """A new, solo run that keeps the first ``decisions`` choices: the "what if" branch."""
        new_run = self.run.rewind(decisions)
        branch = GameSession(
            new_run,
            self.saves_dir,
            run_id_factory(self.scenario.id),
            None,
            self.player,
            branch_of=BranchOf(self.run_id, decisions + 1),
        )
        branch.note = _(
            "What if? You are back at decision {value}. Your finished run is kept; this is a new branch."
        ).format(value=decisions + 1)
        branch.save()
        return branch

    def debrief(self) -> Debrief:
        return debrief(self.run)

    def path(self) -> list[PathStep]:
        """Scenes visited in order, ending with where the player is now."""
        sc = self.scenario
        ids = [d.scene for d in self.run.history] + [self.run.scene_id]
        steps = []
        for sid in ids:
            if sid in sc.doc.scenes:
                scene = sc.scene(sid)
                phase = sc.doc.phases.get(scene.phase)
                steps.append(PathStep(sid, scene.title or sid, scene.phase, phase.label if phase else scene.phase))
            elif sid in sc.doc.endings:
                steps.append(PathStep(sid, sc.doc.endings[sid].title, "", _("Ending")))
        return steps

    def is_synthetic(self, choice_id: str) -> bool:
        """The "Continue" of a pass-through scene: reading on, not a decision."""
        compiled = self.scenario.choices.get(choice_id)
        return bool(getattr(compiled, "synthetic", False))

    @property
    def decisions_made(self) -> int:
        return sum(not self.is_synthetic(d.choice) for d in self.run.history)

    def phase_label(self) -> str:
        if self.run.ended:
            return _("Ending")
        phase = self.scenario.doc.phases.get(self.run.phase)
        return phase.label if phase else self.run.phase

    def phase_is_failure(self) -> bool:
        phase = self.scenario.doc.phases.get(self.run.phase)
        return bool(phase and phase.kind == "failure")

    def close(self) -> None:
        self.flush()
        self.observer.close()


def _os_reason(exc: OSError) -> str:
    """An operating-system error in plain words."""
    reasons = {
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EROFS: _("it is read-only"),
        getattr(errno, "EDQUOT", errno.ENOSPC): _("the disk quota is full"),
        errno.ENOSPC: _("the disk is full"),
        errno.EEXIST: _("a file is in the way"),
        errno.ENOTDIR: _("a file is in the way"),
    }
    return reasons.get(exc.errno or 0) or (exc.strerror or str(exc) or type(exc).__name__).lower()


def metric_view(scenario: Scenario, metrics: dict[str, float], before: dict[str, float]) -> list[dict[str, Any]]:
    """The dashboard's rows: visible metrics with value, change and whether the change is good."""
    rows = []
    for mid, m in scenario.doc.metrics.items():
        if m.hidden:
            continue
        value = metrics[mid]
        change = round(value - before.get(mid, value), 6)
        good = None if not change else (change > 0) == (m.higher_is == "better")
        share = (value - m.min) / (m.max - m.min) if m.max > m.min else 0.0
        rows.append(
            {
                "id": mid,
                "label": m.label,
                "value": value,
                "change": change,
                "good": good,
                "share": max(0.0, min(1.0, share)),
                "higher_is": m.higher_is,
                "description": m.description,
                "min": m.min,
                "max": m.max,
            }
        )
    return rows
