"""What the player asked for on the command line, read defensively from an argparse namespace.

Other commands (cohorts) add options to the namespace over time, so every field is read with
``getattr`` and a default: an older or newer CLI never breaks the launcher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simgame.format.compiled import Scenario


def _default_run_id(scenario_id: str) -> str:
    from simgame.engine.saves import new_run_id

    return new_run_id(scenario_id)


@dataclass
class LaunchOptions:
    """Everything the app needs to start; tests build one directly."""

    scenario: str | None = None
    seed: int | None = None
    saves: Path | None = None
    scenarios_dir: Path | None = None
    watch: bool = False
    start_scene: str | None = None
    fixture: str | None = None
    theme: str = "simgame-dark"
    lang: str = "en"  # the UI language (simgame.i18n) and which scenario translation to use, if any
    join: str | None = None
    name: str | None = None
    team: str | None = None
    hub: str | None = None
    # Test and benchmark hooks: deterministic run ids and cursor, a fake cohort observer.
    run_id_factory: Callable[[str], str] = field(default=_default_run_id)
    cursor_blink: bool = True
    observer_factory: Callable[..., Any] | None = None
    welcome_factory: Callable[..., Any] | None = None  # a fake session's teams and returning player
    preloaded: Scenario | None = None  # the Scenario the CLI already loaded (and checked) for `scenario`
    # Where the library keeps what it last showed, to show it again before the engine loads
    # (`simgame.tui.librarycache`); None keeps nothing (tests, unless they test the cache).
    library_cache: Path | None = None

    def saves_dir(self) -> Path:
        """--saves DIR, else the saves setting ($SIMGAME_SAVES or the config file), else the default folder."""
        if self.saves is not None:
            return self.saves
        from simgame.settings import load_settings

        return load_settings().saves_dir

    def library_dir(self) -> Path:
        """The scenario library: the given folder, else the scenarios setting, else the bundled folder."""
        if self.scenarios_dir is not None:
            return self.scenarios_dir
        from simgame.settings import load_settings

        return load_settings().scenarios_dir

    @property
    def author_mode(self) -> bool:
        """Watching, a fixture or a start scene: go straight to play, no briefing."""
        return bool(self.watch or self.start_scene or self.fixture)


def from_namespace(args: Any) -> LaunchOptions:
    saves = getattr(args, "saves", None)
    seed = getattr(args, "seed", None)
    return LaunchOptions(
        scenario=getattr(args, "scenario", None),
        seed=int(seed) if seed is not None else None,
        saves=Path(saves) if saves else None,
        watch=bool(getattr(args, "watch", False)),
        start_scene=getattr(args, "from_scene", None) or getattr(args, "start_scene", None),
        fixture=getattr(args, "fixture", None),
        theme=getattr(args, "theme", None) or "simgame-dark",
        lang=getattr(args, "lang", None) or "en",
        join=getattr(args, "join", None),
        name=getattr(args, "name", None),
        team=getattr(args, "team", None),
        hub=getattr(args, "hub", None),
        preloaded=getattr(args, "preloaded", None),
        library_cache=_user_cache(),
    )


def _user_cache() -> Path | None:
    """The user cache folder's ``library`` (the same folder as the outcome maps' parent)."""
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("simgame")) / "library"
    except (ImportError, OSError, RuntimeError):
        return None
