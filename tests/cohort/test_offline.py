"""The offline path: export a result file, import many; twice changes nothing; foreign or edited files refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simgame.cli import main
from simgame.cohort.errors import CohortError
from simgame.cohort.resultfile import build, import_file
from simgame.cohort.sessions import create
from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from simgame.engine.run import Run
from simgame.engine.saves import write_save
from simgame.format.compiled import Scenario


def _result(
    tmp_path: Path,
    cohort: Cohort,
    tiny: Scenario,
    name: str = "Offline Olu",
    seed: int | None = None,
    choices: tuple[str, ...] = ("name-owner", "measure"),
) -> Path:
    run = Run.replay(tiny, cohort.seed if seed is None else seed, list(choices))
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(build(cohort.code, name, "Ops", run)))
    return path


def test_import_once_and_again_changes_nothing(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    path = _result(tmp_path, cohort, tiny)
    assert import_file(store, cohort, tiny, path) == ("Offline Olu", 3)
    before = [(e.id, e.kind, e.step) for e in store.events(cohort.code)]
    assert import_file(store, cohort, tiny, path) == ("Offline Olu", 0)
    assert [(e.id, e.kind, e.step) for e in store.events(cohort.code)] == before
    (player,) = store.players(cohort.code)
    assert player.origin == "import" and player.team == "Ops"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda d: d.update(choices=["scale-now", "measure"]), "changed after it was exported"),
        (lambda d: d["snapshot"]["metrics"].update(value=99.0), "changed after it was exported"),
        (lambda d: d.update(format="something-else"), "not a simgame result file"),
    ],
)
def test_tampered_files_are_refused_with_a_reason(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, tmp_path: Path, edit: object, reason: str
) -> None:
    cohort, _ = free_cohort
    path = _result(tmp_path, cohort, tiny)
    data = json.loads(path.read_text())
    edit(data)  # type: ignore[operator]
    path.write_text(json.dumps(data))
    with pytest.raises(CohortError, match=reason):
        import_file(store, cohort, tiny, path)
    assert store.players(cohort.code) == []


def test_foreign_and_mismatched_files_are_refused(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, tmp_path: Path
) -> None:
    cohort, _ = free_cohort
    other, _ = create(store, "tiny", "Another room", "free", seed=0)
    with pytest.raises(CohortError, match=f"belongs to session {other.code}, not {cohort.code}"):
        import_file(store, cohort, tiny, _result(tmp_path, other, tiny))
    with pytest.raises(CohortError, match="seed 5, but this session uses seed 0"):
        import_file(store, cohort, tiny, _result(tmp_path, cohort, tiny, "Seedy", seed=5))
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(CohortError, match="not valid JSON"):
        import_file(store, cohort, tiny, tmp_path / "junk.json")


def test_a_signed_file_whose_state_does_not_replay_is_refused(
    store: SqliteStore, free_cohort: tuple[Cohort, str], tiny: Scenario, tmp_path: Path
) -> None:
    from simgame.cohort import resultfile

    cohort, _ = free_cohort
    run = Run.replay(tiny, 0, ["name-owner", "measure"])
    data = build(cohort.code, "Fixer", None, run)
    data["snapshot"]["metrics"]["value"] = 99.0  # edited, then re-signed by someone who knows the code
    body = {k: v for k, v in data.items() if k != "signature"}
    data["signature"] = resultfile._sign(cohort.code, body)
    path = tmp_path / "fixer.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CohortError, match="does not match a replay"):
        import_file(store, cohort, tiny, path)


def test_export_from_a_save_then_import_through_the_cli(
    store: SqliteStore,
    free_cohort: tuple[Cohort, str],
    tiny: Scenario,
    cohort_env: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cohort, key = free_cohort
    save = write_save(Run.replay(tiny, 0, ["scale-now"]), cohort_env, "tiny-offline-1")
    out = tmp_path / "olu.json"
    assert main(["export", "--join", cohort.code.lower(), "--name", "Olu", "--from", str(save), "-o", str(out)]) == 0
    assert "1 decision(s), not finished" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text(out.read_text().replace('"Olu"', '"Mallory"'))
    assert main(["cohort", "import", cohort.code, str(out), str(bad), "--key", key]) == 1
    captured = capsys.readouterr()
    assert "olu.json: Olu, 1 new event(s)" in captured.out
    assert "bad.json: it was changed after it was exported" in captured.err
    assert main(["cohort", "import", cohort.code, str(out), "--key", key]) == 0
    assert "(already imported)" in capsys.readouterr().out
    assert main(["cohort", "import", cohort.code, str(out), "--key", "wrong"]) == 1
    assert "does not match this session" in capsys.readouterr().err
