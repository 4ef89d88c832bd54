"""Settings: flag > environment > config file > default; located errors; remember() keeps the rest."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs
import pytest

from simgame.settings import SettingsError, config_path, load_settings, remember

ROOT = Path(__file__).resolve().parents[1]
VARS = ("SAVES", "SCENARIOS", "THEME", "COHORT_DB", "HUB", "FACILITATOR_KEY", "COHORT_ORIGIN", "CONFIG")


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment and a private config file (not yet written)."""
    for name in VARS:
        monkeypatch.delenv(f"SIMGAME_{name}", raising=False)
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv("SIMGAME_CONFIG", str(path))
    return path


def test_defaults_are_todays(cfg: Path) -> None:
    s = load_settings()
    assert s.saves_dir == ROOT / "saves"  # the checkout's saves/ (the README's quick start)
    assert s.scenarios_dir.resolve() == (ROOT / "scenarios").resolve()
    assert s.cohort_db_path() == ROOT / "saves" / "cohorts.sqlite"
    assert (s.theme, s.hub, s.key, s.cohort_origin) == ("simgame-dark", None, None, "terminal")


def test_default_config_location_is_the_platform_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SIMGAME_CONFIG", raising=False)
    assert config_path() == Path(platformdirs.user_config_dir("simgame")) / "config.toml"
    monkeypatch.setenv("SIMGAME_CONFIG", str(tmp_path / "x.toml"))
    assert config_path() == tmp_path / "x.toml"


def test_flag_beats_environment_beats_file_beats_default(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert load_settings().theme == "simgame-dark"
    cfg.write_text('theme = "simgame-light"\nsaves = "/from/file"\nhub = "http://file:1"\n', encoding="utf-8")
    s = load_settings()
    assert (s.theme, s.saves_dir, s.hub) == ("simgame-light", Path("/from/file"), "http://file:1")
    monkeypatch.setenv("SIMGAME_THEME", "simgame-high-contrast")
    monkeypatch.setenv("SIMGAME_SAVES", "/from/env")
    monkeypatch.setenv("SIMGAME_HUB", "http://env:2")
    s = load_settings()
    assert (s.theme, s.saves_dir, s.hub) == ("simgame-high-contrast", Path("/from/env"), "http://env:2")
    s = load_settings(theme="simgame-dark", saves="/from/flag", hub=None)  # None: the flag was not given
    assert (s.theme, s.saves_dir, s.hub) == ("simgame-dark", Path("/from/flag"), "http://env:2")


def test_an_empty_variable_counts_as_unset(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.write_text('saves = "/from/file"\n', encoding="utf-8")
    monkeypatch.setenv("SIMGAME_SAVES", "")
    assert load_settings().saves_dir == Path("/from/file")


def test_config_file_paths_and_cohort_store(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.write_text('saves = "my-saves"\nscenarios = "~/lib"\n', encoding="utf-8")
    s = load_settings()
    assert s.saves_dir == cfg.parent / "my-saves"  # relative to the file's folder
    assert s.scenarios_dir == Path.home() / "lib"
    assert s.cohort_db_path() == cfg.parent / "my-saves" / "cohorts.sqlite"
    assert s.cohort_db_path(Path("/other")) == Path("/other/cohorts.sqlite")
    monkeypatch.setenv("SIMGAME_COHORT_DB", "/hub/given.sqlite")  # what the hub gives its games
    assert load_settings().cohort_db_path(Path("/other")) == Path("/hub/given.sqlite")
    assert load_settings(cohort_db="/flag.sqlite").cohort_db_path() == Path("/flag.sqlite")


def test_secrets_and_origin_come_from_the_environment_only(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMGAME_FACILITATOR_KEY", "k-123")
    monkeypatch.setenv("SIMGAME_COHORT_ORIGIN", "browser")
    s = load_settings()
    assert (s.key, s.cohort_origin) == ("k-123", "browser")
    assert "k-123" not in repr(s)
    cfg.write_text('facilitator_key = "leak"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"facilitator_key.*SIMGAME_FACILITATOR_KEY"):
        load_settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('theme = "neon"\n', r"`theme` = 'neon': must be one of simgame-dark"),
        ("saves = 3\n", r"`saves` must be a folder or file path"),
        ('sves = "x"\n', r"unknown key `sves`"),
        ("theme = \n", r"not valid TOML: .*line 1"),
    ],
)
def test_a_bad_config_file_is_a_located_message(cfg: Path, text: str, expected: str) -> None:
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match=expected) as info:
        load_settings()
    assert str(info.value).startswith(f"{cfg}: ")


def test_a_bad_variable_names_the_variable(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMGAME_THEME", "neon")
    with pytest.raises(SettingsError, match=r"^\$SIMGAME_THEME: must be one of"):
        load_settings()


def test_the_cli_reports_a_bad_config_without_a_traceback(cfg: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from simgame.cli import main

    cfg.write_text('theme = "neon"\n', encoding="utf-8")
    assert main(["run", str(ROOT / "tests/data/tiny.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"simgame: {cfg}: `theme`"), err
    assert "Traceback" not in err


def test_remember_round_trip_keeps_other_keys_and_comments(cfg: Path) -> None:
    cfg.write_text(
        '# my simgame settings\nsaves = "/keep/me"   # where runs go\ntheme = "simgame-dark"\nhub = "http://keep:1"\n',
        encoding="utf-8",
    )
    assert remember(theme="simgame-light") == cfg
    text = cfg.read_text(encoding="utf-8")
    assert "# my simgame settings" in text and "# where runs go" in text
    assert tomllib.loads(text) == {"saves": "/keep/me", "theme": "simgame-light", "hub": "http://keep:1"}
    s = load_settings()
    assert (s.theme, s.saves_dir, s.hub) == ("simgame-light", Path("/keep/me"), "http://keep:1")
    remember(scenarios=cfg.parent / "lib", hub=None)  # a new key is added, None removes one
    assert tomllib.loads(cfg.read_text(encoding="utf-8")) == {
        "saves": "/keep/me",
        "theme": "simgame-light",
        "scenarios": str(cfg.parent / "lib"),
    }
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]  # no temporary file left behind


def test_remember_creates_the_file_and_the_environment_still_wins(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remember(theme="simgame-high-contrast")
    assert load_settings().theme == "simgame-high-contrast"
    monkeypatch.setenv("SIMGAME_THEME", "simgame-light")
    assert load_settings().theme == "simgame-light"


def test_remember_refuses_bad_values_and_broken_files_without_touching_them(cfg: Path) -> None:
    cfg.write_text('theme = "simgame-light"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="must be one of"):
        remember(theme="neon")
    with pytest.raises(SettingsError, match="not a setting the config file keeps"):
        remember(facilitator_key="x")
    assert cfg.read_text(encoding="utf-8") == 'theme = "simgame-light"\n'
    cfg.write_text("theme = = broken\nsaves = '/x'\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        remember(theme="simgame-dark")
    assert cfg.read_text(encoding="utf-8") == "theme = = broken\nsaves = '/x'\n"


def test_engine_and_format_defaults_read_no_environment(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simgame.engine.saves import default_dir
    from simgame.format.loader import bundled_dir

    monkeypatch.setenv("SIMGAME_SAVES", "/env/saves")
    monkeypatch.setenv("SIMGAME_SCENARIOS", "/env/scenarios")
    assert default_dir() == ROOT / "saves" and default_dir(Path("/given")) == Path("/given")
    assert bundled_dir() != Path("/env/scenarios") and bundled_dir(Path("/given")) == Path("/given")
    assert load_settings().saves_dir == Path("/env/saves")
    assert load_settings().scenarios_dir == Path("/env/scenarios")


def test_hub_games_get_the_facilitators_folders_but_not_their_config(
    cfg: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from simgame.cohort.hub import scrubbed_environment

    cfg.write_text('scenarios = "/lib"\nhub = "http://elsewhere:1"\n', encoding="utf-8")
    monkeypatch.setenv("SIMGAME_SAVES", "/env/saves")
    env = scrubbed_environment(tmp_path / "c.sqlite", tmp_path)
    assert env["SIMGAME_SCENARIOS"] == "/lib" and env["SIMGAME_SAVES"] == "/env/saves"
    assert env["SIMGAME_CONFIG"] != str(cfg) and not os.path.exists(env["SIMGAME_CONFIG"])
