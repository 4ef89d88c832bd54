"""The Textual app: screens, themes, the command palette, and the flow between screens.

Only Textual and the home screen are imported at start; the engine loads in a worker after
the first frame, so the library is on screen as quickly as a bare Textual app.

It is longer than the project's 400-line guide on purpose: it is the one place that decides
where to go, so every handler of a screen's message (`simgame.tui.messages`) lives here.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from simgame.i18n import LANGUAGE_NAMES, N_, _, set_language
from simgame.tui.commands import ScreenActionsProvider
from simgame.tui.messages import (
    CatalogLoaded,
    DebriefRequested,
    GlossaryRequested,
    LibraryRequested,
    PlayRequested,
    ProblemReported,
    ResumeRequested,
    RewindRequested,
    SavedRunsRequested,
    ScenarioChosen,
    TermsRequested,
)
from simgame.tui.options import LaunchOptions
from simgame.tui.screens.home import HomeScreen
from simgame.tui.themes import THEME_NAMES, THEMES

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.notifications import SeverityLevel
    from textual.screen import ScreenResultCallbackType

    from simgame.engine.run import Run
    from simgame.engine.saves import SaveFile
    from simgame.format.compiled import Scenario
    from simgame.format.diagnostics import Diagnostic, LoadError
    from simgame.tui.catalog import Catalog
    from simgame.tui.host import GameHost
    from simgame.tui.reload import ReloadResult
    from simgame.tui.screens.play import PlayScreen
    from simgame.tui.session import GameSession


class SimgameApp(App[int]):
    """simgame: play a scenario, see the consequences, learn from the debrief."""

    TITLE = "simgame"
    SUB_TITLE = N_("AI leadership simulation")
    CSS_PATH = str(Path(__file__).with_name("simgame.tcss"))  # absolute: subclasses live anywhere
    # Only the game's commands: Textual's system commands would offer its own theme picker and keys.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ScreenActionsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit",
            N_("Quit"),
            id="app.quit",
            tooltip=N_("Save your run and quit (simgame then says whether the save worked)"),
            priority=True,
            show=False,
        ),
        Binding(
            "q",
            "ask_quit",
            N_("Quit"),
            id="app.ask_quit",
            tooltip=N_("Quit simgame (during a run it asks first; your progress is saved either way)"),
        ),
        Binding("f1", "help", N_("Help"), id="app.help", tooltip=N_("Keys and how to play")),
        Binding(
            "f2",
            "next_theme",
            N_("Theme"),
            id="app.theme",
            tooltip=N_("Switch theme (dark, light, high contrast)"),
            show=False,
        ),
    ]

    def __init__(self, options: LaunchOptions | None = None) -> None:
        super().__init__()
        self.options = options or LaunchOptions()
        set_language(self.options.lang)  # before any screen: every UI string is read in this language
        self.catalog: Catalog | None = None
        self.session: GameSession | None = None
        self.startup_ms: float | None = None
        self._launched_at = time.perf_counter()
        self._watch_stamp: tuple[int, int] | None = None
        self._watch_busy = False
        self.watch_message = ""
        self.watch_diagnostics: list[Diagnostic] = []
        self.farewell = ""  # said after quitting: whether the run's progress was kept, and if not, why
        self._teams: tuple[str, ...] = ()  # the teams the joined session offers (its join dialog's list)
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = self.options.theme if self.options.theme in self.available_themes else "simgame-dark"

    # -- start -----------------------------------------------------------------
    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        if self.options.join:
            if self.options.name:
                self.join_cohort(self.options.name)
            else:
                self._welcome()
        elif self.options.preloaded is not None:
            self._opened(self.options.preloaded, Path(self.options.preloaded.path or "."))
        elif self.options.scenario:
            self.open_direct(self.options.scenario)

    def on_ready(self) -> None:
        self.startup_ms = (time.perf_counter() - self._launched_at) * 1000
        self.log.info(f"simgame ready in {self.startup_ms:.0f} ms")

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _welcome(self) -> None:
        """Before asking a joining player anything: the session's teams, and whether this device is back."""
        from simgame.tui.joining import find_welcome

        self.call_from_thread(self._ask_or_resume, *find_welcome(self.options))

    def _ask_or_resume(self, teams: tuple[str, ...], returning: str | None, closed: str | None) -> None:
        from simgame.tui.screens.confirm import ConfirmScreen
        from simgame.tui.screens.name import NameScreen

        self._teams = teams
        if closed:  # nothing to join: say so and leave (never the library)
            self.farewell = closed
            self.show_problem(_("This session is closed"), closed, lambda _: self.exit(return_code=1))
        elif returning:  # this device played here before: it may be them, or someone sharing the laptop

            def answered(same: bool | None) -> None:
                if same:
                    self.join_cohort(returning)
                else:
                    self.push_screen(NameScreen(teams=teams, ask_team=self.options.team is None), self._name_given)

            question = _("This browser already plays in this session as {name}. Is that you?").format(name=returning)
            yes, no = _("Continue as {name}").format(name=returning), _("I am someone else")
            self.push_screen(ConfirmScreen(_("Welcome back"), question, yes, no), answered)
        else:
            self.push_screen(NameScreen(teams=teams, ask_team=self.options.team is None), self._name_given)

    def _join_failed(self, title: str, text: str) -> None:
        """A join that did not work: say why, then ask for a name (given on the command line: leave),
        never leaving a session's player in the library, where play would go unrecorded."""
        from simgame.tui.screens.name import NameScreen

        def closed(_: object = None) -> None:
            if self.options.name:
                self.farewell = f"{title}: {text}"
                self.exit(return_code=1)
            else:
                self.push_screen(NameScreen(teams=self._teams, ask_team=self.options.team is None), self._name_given)

        self.show_problem(title, text, closed)

    def _name_given(self, joining: tuple[str, str | None] | None) -> None:
        if joining:
            self.join_cohort(*joining)

    # -- flow ------------------------------------------------------------------
    def new_run_id(self, scenario_id: str) -> str:
        return self.options.run_id_factory(scenario_id)

    def seed(self) -> int:
        if self.options.seed is not None:
            return self.options.seed
        import secrets

        return secrets.randbelow(10_000)

    def show_problem(self, title: str, text: str, on_close: ScreenResultCallbackType[None] | None = None) -> None:
        from simgame.tui.screens.problem import ProblemScreen

        self.push_screen(ProblemScreen(title, text), on_close)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_direct(self, name_or_path: str) -> None:
        """`simgame play X`: load X off the UI thread, then brief (or, for authors, play at once)."""
        from simgame.format.diagnostics import LoadError
        from simgame.format.loader import load_scenario, resolve

        try:
            path = resolve(name_or_path, self.options.library_dir())
            scenario = load_scenario(path)
        except LoadError as exc:
            if self.options.watch and Path(name_or_path).exists():
                self.call_from_thread(self._watch_start_broken, Path(name_or_path), exc)
                return
            self.call_from_thread(
                self.show_problem, _("{name_or_path} cannot be played").format(name_or_path=name_or_path), exc.render()
            )
            return
        self.call_from_thread(self._opened, scenario, path)

    def _opened(self, scenario: Scenario, path: Path) -> None:
        from simgame.tui.localised import localised

        scenario = localised(scenario)
        if self.options.author_mode:
            self._start_author(scenario, path)
        else:
            self.open_briefing(scenario)

    def open_briefing(self, scenario: Scenario) -> None:
        from simgame.tui.screens.briefing import BriefingScreen

        self.push_screen(BriefingScreen(scenario))

    def start_new(
        self, scenario: Scenario, fixture: str | None = None, choices: list[str] | None = None, note: str = ""
    ) -> None:
        from simgame.engine.run import EngineError, Run
        from simgame.tui.session import GameSession

        try:
            run = Run.replay(scenario, self.seed(), choices or [], fixture)
        except EngineError as exc:
            self.show_problem(_("This run cannot start"), str(exc))
            return
        session = GameSession(run, self.options.saves_dir(), self.new_run_id(scenario.id), note=note)
        session.begin()
        self.play(session)

    def _start_author(self, scenario: Scenario, path: Path) -> None:
        note = ""
        choices: list[str] = []
        seed = self.seed()  # one seed for the path found and the run that replays it
        if self.options.start_scene:
            from simgame.tui.authorstart import route  # an author's --from: this process may explore

            choices, note = route(scenario, self.options.start_scene, self.options, seed)
        elif self.options.fixture:
            note = _("Started from fixture `{fixture}`.").format(fixture=self.options.fixture)
        if self.options.seed is None:
            self.options.seed = seed  # hot reload must replay with the same seed
        self.start_new(scenario, self.options.fixture, choices, note)
        if self.options.watch:
            self._begin_watch(path)

    def play(self, session: GameSession) -> None:
        from simgame.tui.screens.play import PlayScreen

        if self.session is not None and self.session is not session:
            self.session.close()
        self.session = session
        self._pop_to_home()
        self.push_screen(PlayScreen(session))
        self._prepare_reference(session.scenario)

    def _prepare_reference(self, scenario: Scenario) -> None:
        """Have the outcome map built in the background while the player plays, so the debrief is instant."""
        from simgame.analysis.outcomes.cache import prepare_map
        from simgame.settings import SettingsError, load_settings

        with contextlib.suppress(SettingsError, OSError):
            settings = load_settings()
            prepare_map(settings.maps_dir, scenario, settings.map_memory_mb)

    def _pop_to_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()

    def show_debrief(self, session: GameSession) -> None:
        from simgame.tui.screens.debrief import DebriefScreen

        self._pop_to_home()
        self.push_screen(DebriefScreen(session))

    def back_home(self) -> None:
        self._pop_to_home()
        home = self.screen
        if isinstance(home, HomeScreen):
            home.reload()

    def resume(self, save: SaveFile, path: Path | None = None) -> None:
        """Open a saved run: verified by replay, and saved back to the file it came from (``path``).

        A save that cannot be opened is left byte for byte as it was. One whose scenario has changed
        replays as far as it can, but only once the player agrees, and after a backup of the file.
        """
        from simgame.engine.run import EngineError
        from simgame.engine.saves import SaveError, replay_prefix, restore, save_path

        entry = self.catalog.by_id(save.scenario_id) if self.catalog else None
        if entry is None or entry.scenario is None:
            self.show_problem(
                _("Scenario not available"),
                _(
                    "This save is for `{scenario_id}`, which is not in the library (or cannot be "
                    "loaded right now). The save is kept as it is."
                ).format(scenario_id=save.scenario_id),
            )
            return
        scenario = entry.scenario
        try:
            path = path or save_path(self.options.saves_dir(), save.run_id)
            try:
                run = restore(save, scenario, path)
            except SaveError as exc:
                if exc.kind != "changed":
                    raise
                run, count = replay_prefix(save, scenario)
                self._ask_to_migrate(save, path, run, count)
                return
        except (SaveError, EngineError, ValueError, KeyError, TypeError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, SaveError | EngineError) else _("its choices no longer replay")
            self.show_problem(
                _("This save cannot be opened"),
                _("{reason}\n\nThe file is kept exactly as it was.").format(reason=reason),
            )
            return
        self._open_saved(save, path, run)

    def _ask_to_migrate(self, save: SaveFile, path: Path, run: Run, count: int) -> None:
        from simgame.tui.migrate import ask_to_migrate

        ask_to_migrate(self, save, path, run, count)

    def _open_saved(self, save: SaveFile, path: Path, run: Run, note: str = "") -> None:
        from simgame.tui.session import BranchOf, GameSession

        session = GameSession(
            run,
            self.options.saves_dir(),
            save.run_id,
            player=save.player,
            created=save.created,
            note=note,
            save_file=path,
            branch_of=BranchOf.of(save.extra),
        )
        if run.ended:
            self.session = session
            self.show_debrief(session)
        else:
            session.save()
            self.play(session)

    # -- what the screens ask for ----------------------------------------------
    # Screens post messages (simgame.tui.messages); these handlers decide where to go.
    def on_catalog_loaded(self, message: CatalogLoaded) -> None:
        self.catalog = message.catalog

    def on_scenario_chosen(self, message: ScenarioChosen) -> None:
        self.open_briefing(message.scenario)

    def on_resume_requested(self, message: ResumeRequested) -> None:
        self.resume(message.save, message.path)

    def on_play_requested(self, message: PlayRequested) -> None:
        self.start_new(message.scenario)

    def on_debrief_requested(self, message: DebriefRequested) -> None:
        self.show_debrief(message.session)

    def on_rewind_requested(self, message: RewindRequested) -> None:
        self.play(message.session.rewind(message.decisions, self.new_run_id))

    def on_library_requested(self, message: LibraryRequested) -> None:
        if self.options.join:  # a session's player never reaches the library, where play would go unrecorded
            self.action_ask_quit(always=True)
            return
        self.back_home()

    def on_saved_runs_requested(self, message: SavedRunsRequested) -> None:
        from simgame.tui.screens.load import LoadScreen

        self.push_screen(LoadScreen())

    def on_glossary_requested(self, message: GlossaryRequested) -> None:
        from simgame.tui.screens.glossary import GlossaryScreen

        self.push_screen(GlossaryScreen(message.glossary, message.met))

    def on_terms_requested(self, message: TermsRequested) -> None:
        from simgame.tui.screens.terms import TermsScreen

        self.push_screen(TermsScreen(message.glossary, message.term_ids, message.focus))

    def on_problem_reported(self, message: ProblemReported) -> None:
        self.show_problem(message.title, message.text)

    # -- cohorts ---------------------------------------------------------------
    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def join_cohort(self, name: str, team: str | None = None) -> None:
        opts = self.options
        try:
            factory = opts.observer_factory
            if factory is None:
                from simgame.cohort.client import observer_for

                factory = observer_for
            observer = factory(join=opts.join, name=name, team=team or opts.team, hub=opts.hub, saves=opts.saves_dir())
        except ImportError:
            self.call_from_thread(self._join_failed, _("Cannot join"), _("This copy of simgame cannot join cohorts."))
            return
        except Exception as exc:
            self.call_from_thread(self._join_failed, _("Could not join the cohort"), str(exc) or type(exc).__name__)
            return
        from simgame.engine.run import EngineError, Run
        from simgame.format.diagnostics import LoadError
        from simgame.format.loader import resolve
        from simgame.tui.loaded import load_playable
        from simgame.tui.localised import localised
        from simgame.tui.session import GameSession

        try:  # parsed once, sharing the glossary's one copy (a browser player's memory: docs/benchmarks.md)
            scenario = localised(load_playable(resolve(observer.scenario_id, opts.library_dir())))
            # Each player sees their own option order: the cohort's seed plus who they are.
            whose = str(getattr(observer, "player", "") or name)
            run = Run.replay(scenario, observer.seed, list(observer.resume), order_key=whose)
        except (LoadError, EngineError) as exc:
            observer.close()
            self.call_from_thread(self._join_failed, _("The cohort's scenario cannot be played"), str(exc))
            return
        session = GameSession(run, opts.saves_dir(), self.new_run_id(scenario.id), observer, player=name)
        if observer.resume:
            session.note = _("Welcome back, {name}: your {len} earlier choices are restored.").format(
                name=name, len=len(observer.resume)
            )
        session.begin()
        self.call_from_thread(self.play, session)

    # -- hot reload ------------------------------------------------------------
    def _begin_watch(self, path: Path) -> None:
        from simgame.tui.reload import file_stamp

        self._watch_path = path
        self._watch_stamp = file_stamp(path)
        self.set_interval(0.5, self._check_watch, name="watch")

    def _watch_start_broken(self, path: Path, exc: LoadError) -> None:
        self.watch_diagnostics = list(exc.diagnostics)
        self.show_problem(
            _("{name} has errors").format(name=path.name),
            exc.render() + _("\n\nWatching the file: play starts as soon as it loads."),
        )
        self._watch_path = path
        self._watch_stamp = None
        self.set_interval(0.5, self._check_watch, name="watch")

    def _check_watch(self) -> None:
        from simgame.tui.reload import file_stamp

        stamp = file_stamp(self._watch_path)
        if stamp is None or stamp == self._watch_stamp or self._watch_busy:
            return
        self._watch_stamp = stamp
        self._watch_busy = True
        self._reload_worker(self._watch_path)

    @work(thread=True, group="watch", exit_on_error=False)
    def _reload_worker(self, path: Path) -> None:
        from simgame.tui.reload import reload

        session = self.session
        choices = session.run.choice_log if session else []
        fixture = session.run.fixture if session else self.options.fixture
        try:
            result = reload(path, self.options.seed or 0, fixture, choices)
        finally:
            self._watch_busy = False
        self.call_from_thread(self.apply_reload, result)

    def apply_reload(self, result: ReloadResult) -> None:
        from simgame.tui.session import GameSession

        self.watch_message = result.message
        scenario, run = result.scenario, result.run
        if scenario is None or run is None:  # not result.ok: the file has errors or cannot start
            self.watch_diagnostics = list(result.diagnostics)
            if self.session is None:
                self.show_problem(_("The file still has errors"), "\n\n".join(d.render() for d in result.diagnostics))
            else:
                self._refresh_play()
            return
        self.watch_diagnostics = []
        old = self.session
        run_id = old.run_id if old else self.new_run_id(scenario.id)
        save_file = old.save_file if old else None
        session = GameSession(run, self.options.saves_dir(), run_id, note=result.message, save_file=save_file)
        session.save()
        screen = self._play_screen()
        if screen is None:
            self.play(session)
            return
        if old is not None and old is not session:
            old.close()
        self.session = session
        screen.use_session(session)

    def _play_screen(self) -> PlayScreen | None:
        from simgame.tui.screens.play import PlayScreen

        return next((s for s in self.screen_stack if isinstance(s, PlayScreen)), None)

    def _refresh_play(self) -> None:
        screen = self._play_screen()
        if screen is not None:
            screen.show_notice()

    # -- actions ---------------------------------------------------------------
    def action_help(self) -> None:
        from simgame.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_next_theme(self) -> None:
        names = list(THEME_NAMES)
        current = names.index(self.theme) if self.theme in names else -1
        self.use_theme(names[(current + 1) % len(names)])

    def use_theme(self, name: str) -> None:
        """Switch to one of the game's themes and keep it for the next start."""
        self.theme = name
        self.notify(_("Theme: {theme}").format(theme=self.theme), timeout=2)
        self._remember_theme()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast; one already showing the same words is replaced (its time starts again), never stacked.

        ``markup`` is off by default: a message often holds a path or a title, shown as written.
        """
        for shown in list(self._notifications):
            if (shown.message, shown.title, shown.severity) == (message, title, severity):
                self._unnotify(shown, refresh=False)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`q` is a letter while a text box has the cursor (the glossary's search): not offered as Quit then."""
        if action == "ask_quit":
            from textual.command import CommandPalette
            from textual.widgets import Input

            return isinstance(self.screen, CommandPalette) or not isinstance(self.focused, Input)
        return True

    def action_ask_quit(self, always: bool = False) -> None:
        """`q` on every screen: quits, but during a run (or ``always``) asks first (the run is saved either way)."""
        from simgame.tui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return
        running = self._play_screen() is not None and self.session is not None and not self.session.run.ended
        if not (running or always):
            self.exit_saving()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit_saving()

        if self.options.join:
            title, leave = _("Leave the session?"), _("Leave")
            question = _(
                "Your choices are already with the facilitator. To come back, join again with the same "
                "code and name: you continue where you left off."
            )
        else:
            title, leave = _("Quit simgame?"), _("Quit")
            question = _(
                "Your run is saved after every decision: continue it from the library next time "
                "(it is listed first, under Continue where you left off)."
            )
        self.push_screen(ConfirmScreen(title, question, leave, _("Keep playing")), answered)

    def action_use_theme(self, name: str) -> None:
        if name in THEME_NAMES:
            self.use_theme(name)

    def action_use_language(self, code: str) -> None:
        """Keep ``code`` as the language for the next start (the screens now stay in the current one)."""
        from simgame.settings import SettingsError, remember

        try:
            remember(lang=code)
        except (SettingsError, OSError) as exc:
            self.notify(_("The language could not be kept for next time: {exc}").format(exc=exc), severity="warning")
            return
        self.notify(_("The game will be in {language} from the next start.").format(language=LANGUAGE_NAMES[code]))

    def _remember_theme(self) -> None:
        """Keep the chosen theme for the next start (a preference that cannot be saved is only a warning)."""
        from simgame.settings import SettingsError, remember

        try:
            remember(theme=self.theme)
        except (SettingsError, OSError) as exc:
            self.notify(
                _("The theme applies now but could not be kept for next time: {exc}").format(exc=exc),
                severity="warning",
            )

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.flush()

    async def action_quit(self) -> None:
        self.exit_saving()

    def exit_saving(self) -> None:
        """Save the run (if any), remember what to say about it, and leave."""
        if self.session is not None:
            self.session.save()
            self.farewell = self.session.farewell()
            self.session.close()
            self.session = None
        self.exit(0)


def _shares_state(app: SimgameApp) -> GameHost:
    """Never called: mypy checks here that the app gives screens the state they read."""
    return app
