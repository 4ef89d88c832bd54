"""The game survives bad files and never overwrites a save by accident (issue 18, items 3 and 4).

A broken scenario or save is one line saying why and everything else loads; Ctrl+Q quits even
while a file never finishes reading; resuming writes back to the file that was opened; a save
whose scenario changed is backed up, and only after the player agrees; quitting says the progress
is kept only when it was; temporary files a crash left are cleaned on start.

The tests that could hang on a broken build (a FIFO, a read that never returns) run the game in a
child process with a time limit, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import OptionList

from simgame.engine.run import Run
from simgame.engine.saves import write_save
from simgame.format.loader import load_scenario
from tests.tui.support import SIZE, home_ready, make_app, screen_name, until_screen, wait_for
from tests.tui.test_flows import take, text_of

ROOT = Path(__file__).resolve().parents[2]


def option_ids(app) -> list[str]:
    listing = app.screen.query_one("#library", OptionList)
    return [listing.get_option_at_index(i).id for i in range(listing.option_count)]


def option_text(app, option_id: str) -> str:
    return str(app.screen.query_one("#library", OptionList).get_option(option_id).prompt)


def tiny_save(library: Path, saves: Path, run_id: str, choices: list[str], seed: int = 1) -> Path:
    run = Run.replay(load_scenario(library / "tiny.yaml"), seed, choices)
    return write_save(run, saves, run_id)


def deep_json(path: Path) -> None:
    path.write_text("[" * 100_000 + "]" * 100_000)


def long_seed(path: Path, good: Path) -> None:
    """A well-formed save but for a 5,000-digit seed (Python refuses to read integers over 4,300 digits)."""
    text = good.read_text()
    seed = json.loads(text)["seed"]
    path.write_text(text.replace(f'"seed": {seed},', f'"seed": {"9" * 5000},', 1))


def run_child(script: str, tmp_path: Path, timeout: float = 60.0) -> tuple[dict, float]:
    """Run ``script`` (it prints one JSON line last) in a fresh interpreter; fail, never hang, if it does not end."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"the game did not exit within {timeout}s; output: {exc.stdout!r} {exc.stderr!r}"
        ) from None
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), elapsed


# -- item 3: one bad file is one line ---------------------------------------------
async def test_a_broken_scenario_and_broken_saves_are_one_line_each_and_the_rest_loads(
    library: Path, saves: Path
) -> None:
    (library / "malformed.yaml").write_text("id: [unclosed\n  title: {\n")
    tiny_save(library, saves, "tiny-run-7", ["name-owner"])  # in progress
    finished = tiny_save(library, saves, "tiny-run-8", ["name-owner", "measure"])
    deep_json(saves / "deep.json")
    long_seed(saves / "digits.json", finished)
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)  # the old library stayed on "Loading scenarios…" here
        ids = option_ids(app)
        assert ids[:2] == ["head:resume", "resume:tiny-run-7"]  # the good unfinished run
        scenario = next(i for i in ids if i.startswith("scenario:"))
        assert "best" in option_text(app, scenario)  # the good finished run is counted
        invalid = [i for i in ids if i.startswith("invalid:")]
        assert len(invalid) == 2  # half-written.yaml and malformed.yaml, one entry each
        assert ids[-3:] == ["head:badsaves", "badsave:0", "badsave:1"]
        lines = {option_text(app, i).splitlines()[0].strip() for i in ("badsave:0", "badsave:1")}
        assert lines == {"⚠ deep.json", "⚠ digits.json"}
        assert all("damaged" in option_text(app, i) for i in ("badsave:0", "badsave:1"))
        library_list = app.screen.query_one("#library", OptionList)
        library_list.highlighted = ids.index("badsave:0")
        await pilot.pause()
        assert "This save cannot be opened" in text_of(app, "#detail")
        await pilot.press("enter")
        await until_screen(pilot, "ProblemScreen")
        assert "Traceback" not in text_of(app, "#problem-text")
        await pilot.press("escape")
        await pilot.press("l")  # the saved-runs list shows every file too
        await until_screen(pilot, "LoadScreen")
        listing = app.screen.query_one("#saves", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 4 and listing.get_option_at_index(0).id == "save:0")
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(4)]
        assert sum("DAMAGED SAVE" in p for p in prompts) == 2
        assert "2 damaged" in text_of(app, "#load-status")


async def test_a_reader_that_raises_never_stops_the_library(
    library: Path, saves: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a reader raises for one file (here a RecursionError and a ValueError), the rest load."""
    import simgame.engine.saves as saves_module
    import simgame.format.loader as loader_module
    import simgame.tui.catalog as catalog_module

    tiny_save(library, saves, "tiny-run-7", ["name-owner"])
    (saves / "deep.json").write_text("{}")
    (saves / "digits.json").write_text("{}")
    shutil.copy(library / "tiny.yaml", library / "deep.yaml")
    read_save, check_file = saves_module.read_save, loader_module.check_file

    def raising_read_save(path: Path):
        if path.name == "deep.json":
            raise RecursionError("maximum recursion depth exceeded")
        if path.name == "digits.json":
            raise ValueError("Exceeds the limit (4300 digits) for integer string conversion")
        return read_save(path)

    def raising_check_file(path, glossary=None):
        if Path(path).name == "deep.yaml":
            raise RecursionError("maximum recursion depth exceeded")
        return check_file(path, glossary)

    for module in (saves_module, catalog_module):
        monkeypatch.setattr(module, "read_save", raising_read_save, raising=False)
    for module in (loader_module, catalog_module):
        monkeypatch.setattr(module, "check_file", raising_check_file, raising=False)
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)  # the old library stayed on "Loading scenarios…" here
        ids = option_ids(app)
        assert ids[:2] == ["head:resume", "resume:tiny-run-7"]
        assert sum(i.startswith("invalid:") for i in ids) == 2 and sum(i.startswith("scenario:") for i in ids) == 1
        assert [i for i in ids if i.startswith("badsave:")] == ["badsave:0", "badsave:1"]
        deep = next(e for e in app.catalog.entries if e.path.name == "deep.yaml")
        assert deep.problem == "it is nested too deeply to be checked"


def test_a_file_that_never_finishes_reading_is_listed_as_too_slow_and_the_rest_are_read() -> None:
    from simgame.tui.reading import LoadCancelled, read_each

    never = threading.Event()

    def read(name: str) -> str:
        if name == "stuck":
            never.wait()
        return f"read {name}"

    started = time.monotonic()
    results = read_each(["a", "stuck", "b"], read, lambda name: f"{name} too slow", limit=0.3)
    assert results == ["read a", "stuck too slow", "read b"] and time.monotonic() - started < 5
    with pytest.raises(LoadCancelled):
        read_each(["stuck", "a"], read, lambda name: "", limit=60, cancelled=lambda: True)
    never.set()


async def test_the_library_says_so_if_it_cannot_be_read_at_all(
    library: Path, saves: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import simgame.tui.catalog as catalog_module

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(catalog_module, "load_catalog", broken)
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: option_ids(app) == ["head:failed"])  # not "Loading scenarios…" forever
        assert "the disk went away" in text_of(app, "#detail")
        await pilot.press("ctrl+q")
    assert app.return_value == 0


async def test_a_save_of_a_scenario_that_is_gone_is_one_line_and_stays_as_it_was(library: Path, saves: Path) -> None:
    path = tiny_save(library, saves, "tiny-run-3", ["name-owner"])
    before = path.read_bytes()
    (library / "tiny.yaml").unlink()
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        ids = option_ids(app)
        assert "badsave:0" in ids and "its scenario is not in the library" in option_text(app, "badsave:0")
        app.screen.query_one("#library", OptionList).highlighted = ids.index("badsave:0")
        await pilot.press("enter")
        await until_screen(pilot, "ProblemScreen")
        assert "not in the library" in text_of(app, "#problem-text")
    assert path.read_bytes() == before


async def test_two_files_of_the_same_run_are_both_listed(library: Path, saves: Path) -> None:
    real = tiny_save(library, saves, "tiny-run-1", ["name-owner"])
    shutil.copy(real, saves / "tiny-run-1-copy.json")
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)  # two options with one id once stopped the library from showing
        assert {"resume:tiny-run-1", "resume:tiny-run-1-copy"} <= set(option_ids(app))


_BAD_FOLDERS = """
    import asyncio, json, os, sys
    from pathlib import Path
    from tests.tui.support import SIZE, make_app, make_library
    from simgame.engine.run import Run
    from simgame.engine.saves import write_save
    from simgame.format.loader import load_scenario

    root = Path(sys.argv[1])
    library, saves = make_library(root / "library"), root / "saves"
    saves.mkdir()
    write_save(Run.replay(load_scenario(library / "tiny.yaml"), 1, ["name-owner"]), saves, "tiny-run-7")
    os.mkfifo(library / "pipe.yaml")
    os.symlink("/dev/zero", library / "zero.yaml")
    (library / "huge.yaml").write_bytes(b"# padding\\n" * 1_000_000)
    os.mkfifo(saves / "pipe.json")
    os.symlink("/dev/zero", saves / "zero.json")
    (saves / "huge.json").write_bytes(b" " * (3 * 1024 * 1024))

    async def main():
        app = make_app(library, saves)
        out = {}
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(400):
                await pilot.pause(0.05)
                if app.catalog is not None:
                    break
            listing = app.screen.query_one("#library")
            out["home"] = [str(o.id) for o in listing.options]
            out["problems"] = sorted(e.problem for e in app.catalog.entries if e.scenario is None)
            await pilot.press("l")
            for _ in range(400):
                await pilot.pause(0.05)
                if type(app.screen).__name__ == "LoadScreen" and app.screen.entries:
                    break
            out["saves"] = sorted(e.path.name for e in app.screen.entries if e.save is None)
            await pilot.press("ctrl+q")
        return out

    print(json.dumps(asyncio.run(main())))
"""


def test_pipes_devices_and_huge_files_are_refused_and_ctrl_q_still_quits(tmp_path: Path) -> None:
    out, elapsed = run_child(_BAD_FOLDERS, tmp_path)
    home = out["home"]
    assert home[:2] == ["head:resume", "resume:tiny-run-7"] and "scenario:3" in home  # tiny.yaml, sorted 4th
    assert sum(i.startswith("invalid:") for i in home) == 4  # half-written, huge, pipe, zero
    problems = " | ".join(out["problems"])
    assert "named pipe" in problems and "device" in problems and "MB" in problems
    assert out["saves"] == ["huge.json", "pipe.json", "zero.json"]
    assert elapsed < 45


_QUIT_WHILE_LOADING = """
    import asyncio, json, sys, threading, time
    from pathlib import Path
    import simgame.tui.catalog as catalog
    from tests.tui.support import SIZE, make_app, make_library

    never = threading.Event()

    def stuck(*args, **kwargs):  # a read that never returns: a pipe, a stalled network drive
        never.wait()

    catalog.check_file = stuck
    root = Path(sys.argv[1])
    library, saves = make_library(root / "library", broken=False), root / "saves"
    saves.mkdir()

    async def main():
        app = make_app(library, saves)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            loading = app.catalog is None and app.screen.query_one("#library").get_option_at_index(0).id == "loading"
            await pilot.press("ctrl+q")
            quit_at = time.monotonic()
        return loading, app.return_value, quit_at

    loading, code, quit_at = asyncio.run(main())
    print(json.dumps({"loading": loading, "code": code, "exit_seconds": time.monotonic() - quit_at}))
"""


def test_ctrl_q_quits_while_the_library_is_still_loading(tmp_path: Path) -> None:
    out, _ = run_child(_QUIT_WHILE_LOADING, tmp_path, timeout=30)
    assert out["loading"] and out["code"] == 0
    assert out["exit_seconds"] < 5


# -- item 4: saves are never overwritten by accident -----------------------------
async def test_resuming_an_older_copy_never_rewrites_the_newer_save(library: Path, saves: Path) -> None:
    real = tiny_save(library, saves, "tiny-run-1", ["name-owner", "measure"])  # the real, finished run
    copy = saves / "tiny-run-1-old.json"
    older = tiny_save(library, saves, "tiny-run-1-tmp", ["name-owner"])  # the same run, one decision in
    copy.write_text(older.read_text().replace('"run_id": "tiny-run-1-tmp"', '"run_id": "tiny-run-1"'))
    older.unlink()
    before = real.read_bytes()
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # the copy is the one unfinished run on offer
        await until_screen(pilot, "PlayScreen")
        assert app.session.run.choice_log == ["name-owner"]
        await take(pilot, "measure")
        await pilot.press("ctrl+q")
    assert real.read_bytes() == before  # the old game wrote the copy's run over this file
    kept = json.loads(copy.read_text())
    assert kept["run_id"] == "tiny-run-1" and kept["choices"] == ["name-owner", "measure"] and kept["ended"]


def test_a_save_is_never_written_over_another_run_or_a_later_point(library: Path, saves: Path) -> None:
    from simgame.engine.saves import SaveError, check_overwrite

    later = tiny_save(library, saves, "tiny-run-1", ["name-owner", "measure"])
    digest = json.loads(later.read_text())["content_hash"]
    with pytest.raises(SaveError, match="later point"):
        check_overwrite(later, "tiny-run-1", ["name-owner"], digest)
    with pytest.raises(SaveError, match="another run"):
        check_overwrite(later, "tiny-run-2", ["name-owner", "measure"], digest)
    check_overwrite(later, "tiny-run-1", ["name-owner", "measure"], digest)  # the same point: fine
    check_overwrite(saves / "new.json", "tiny-run-9", [], digest)  # nothing there: fine
    os.mkfifo(saves / "pipe.json")
    with pytest.raises(SaveError, match="named pipe"):
        check_overwrite(saves / "pipe.json", "pipe", [], digest)


def changed_scenario_save(library: Path, saves: Path) -> Path:
    path = tiny_save(library, saves, "tiny-old", ["name-owner"])
    tiny = library / "tiny.yaml"
    tiny.write_text(tiny.read_text().replace("The model is live everywhere.", "The model is live in 9 regions."))
    return path


@pytest.mark.parametrize("key", ["escape", "n"])
async def test_declining_the_migration_leaves_the_save_byte_for_byte(library: Path, saves: Path, key: str) -> None:
    path = changed_scenario_save(library, saves)
    before = path.read_bytes()
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) in ("ConfirmScreen", "PlayScreen"))
        if screen_name(app) == "ConfirmScreen":  # the old game migrated and rewrote the file at once instead
            assert "first 1 of 1 choices still apply" in text_of(app, "#confirm-text")
            await pilot.press(key)
            await until_screen(pilot, "HomeScreen")
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before
    assert app.session is None and not (saves / "backups").exists()
    again = make_app(library, saves)
    async with again.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        assert "(scenario changed)" in option_text(again, "resume:tiny-old")


async def test_accepting_the_migration_backs_the_save_up_first(library: Path, saves: Path) -> None:
    path = changed_scenario_save(library, saves)
    before = path.read_bytes()
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await until_screen(pilot, "PlayScreen")
        assert "The save as it was is kept in" in text_of(app, "#notice")
        await pilot.press("ctrl+q")
    [backup] = (saves / "backups").iterdir()
    assert backup.read_bytes() == before and backup.name.startswith("tiny-old.")
    migrated = json.loads(path.read_text())
    assert migrated["content_hash"] != json.loads(before)["content_hash"]
    assert migrated["choices"] == ["name-owner"]


async def test_a_save_that_cannot_be_resumed_stays_byte_for_byte(library: Path, saves: Path) -> None:
    path = tiny_save(library, saves, "tiny-run-1", ["name-owner", "measure"])
    data = json.loads(path.read_text())
    data["snapshot"]["turn"] += 1  # no longer what a replay of its choices gives: it cannot be resumed
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    copy = saves / "tiny-run-1-copy.json"  # an earlier copy of the same run, which can be
    earlier = tiny_save(library, saves, "tiny-run-1-tmp", ["name-owner"])
    copy.write_text(earlier.read_text().replace('"run_id": "tiny-run-1-tmp"', '"run_id": "tiny-run-1"'))
    earlier.unlink()
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # continue the copy
        await until_screen(pilot, "PlayScreen")
        await take(pilot, "measure")
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before  # the old game wrote the copy's run over it
    assert json.loads(copy.read_text())["choices"] == ["name-owner", "measure"]
    again = make_app(library, saves)
    async with again.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("l")
        await until_screen(pilot, "LoadScreen")
        listing = again.screen.query_one("#saves", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 2 and listing.get_option_at_index(0).id == "save:0")
        listing.highlighted = next(i for i, e in enumerate(again.screen.entries) if e.path == path)
        await pilot.press("enter")
        await until_screen(pilot, "ProblemScreen")
        problem = text_of(again, "#problem-text")
        assert "does not match a replay" in problem and "kept exactly as it was" in problem
        await pilot.press("escape")
        await pilot.press("ctrl+q")
    assert path.read_bytes() == before


async def test_quitting_says_the_progress_is_kept_only_when_it_was(library: Path, tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")
        await until_screen(pilot, "BriefingScreen")
        await pilot.press("enter")
        await until_screen(pilot, "PlayScreen")
        await take(pilot, "name-owner")
        await pilot.press("ctrl+q")
    assert app.farewell == f"Your progress is kept in {saves / 'tiny-run-1.json'}."

    again = make_app(library, saves)
    async with again.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
        await pilot.press("enter")  # resume tiny-run-1
        await until_screen(pilot, "PlayScreen")
        shutil.rmtree(saves)
        saves.write_text("a file where the saves folder was")  # the folder can no longer be written to
        await take(pilot, "measure")
        await pilot.press("ctrl+q")
    assert "progress is kept" not in again.farewell
    assert again.farewell.startswith("Your progress was NOT saved:")
    assert str(saves) in again.farewell and "a file is in the way" in again.farewell


def test_the_farewell_is_printed_after_the_game(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from simgame.tui import app as app_module
    from simgame.tui.launch import launch

    def fake_run(self) -> int:
        self.farewell = "Your progress was NOT saved: the saves folder /x cannot be written to (it is read-only)."
        return 0

    monkeypatch.setattr(app_module.SimgameApp, "run", fake_run)
    assert launch(object()) == 0
    assert "NOT saved" in capsys.readouterr().out


async def test_leftover_temporary_files_are_cleaned_on_start(library: Path, saves: Path) -> None:
    old = time.time() - 120
    debriefs = saves / "debriefs"
    debriefs.mkdir()
    stale = [saves / ".tiny-run-1.json.k2j4x9_a.tmp", debriefs / ".tiny-run-1.md.0abcdefg.tmp"]
    fresh = saves / ".tiny-run-2.json.zzzzzzzz.tmp"  # maybe another game writing right now
    other = [saves / "notes.tmp", saves / ".tiny.json.short.tmp"]  # not simgame's pattern
    for path in [*stale, fresh, *other]:
        path.write_text("partial")
    link = saves / ".tiny-run-3.json.abcdefgh.tmp"
    link.symlink_to(library / "tiny.yaml")
    for path in [*stale, *other]:
        os.utime(path, (old, old))
    os.utime(link, (old, old), follow_symlinks=False)
    app = make_app(library, saves)
    async with app.run_test(size=SIZE) as pilot:
        await home_ready(pilot)
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and all(p.exists() for p in other) and link.is_symlink()
    assert (library / "tiny.yaml").exists()


async def test_the_confirm_dialog_is_keyboard_first() -> None:
    from textual.app import App

    from simgame.tui.screens.confirm import ConfirmScreen

    answers: list[bool | None] = []

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ConfirmScreen("Title", "Text", "Do it", "Leave it"), answers.append)

    for keys, expected in ((["enter"], True), (["right", "enter"], False), (["y"], True), (["escape"], False)):
        app = Host()
        async with app.run_test() as pilot:
            await pilot.pause()
            await pilot.press(*keys)
            await wait_for(pilot, lambda: bool(answers))
        assert answers.pop() is expected, keys
    for binding in ConfirmScreen.BINDINGS:
        assert binding.id and binding.description and binding.tooltip
