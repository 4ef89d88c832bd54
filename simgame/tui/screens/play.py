"""The play screen: the scene, the choices, the live dashboard; choose by number, arrows or mouse."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import Screen
from textual.style import Style
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from simgame.i18n import _, ngettext
from simgame.tui.host import host
from simgame.tui.keys import Command, key_name
from simgame.tui.messages import (
    DebriefRequested,
    GlossaryRequested,
    LibraryRequested,
    ProblemReported,
    TermsRequested,
)
from simgame.tui.screens.playkeys import PLAY_BINDINGS
from simgame.tui.widgets.dashboard import Dashboard, MetricsLine
from simgame.tui.widgets.keybar import KeyBar
from simgame.tui.widgets.scene import event_line, option_prompt, scene_content

__all__ = ["PlayScreen", "option_prompt", "scene_content"]

if TYPE_CHECKING:
    from simgame.engine.run import EngineError
    from simgame.engine.state import Decision
    from simgame.tui.session import GameSession


class PlayScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = PLAY_BINDINGS
    PALETTE_SKIP = ("choose", "pick", "scroll")
    NARROW = 100  # below this many columns the dashboard folds into one line (M shows it in full)

    def __init__(self, session: GameSession) -> None:
        super().__init__()
        self.session = session
        self._poll: Timer | None = None
        self.waiting_message: str | None = None
        self._extra_notice = ""
        self.showing_consequence = False
        self._rendered_turn: int | None = None  # the turn whose scene is already rendered (hidden)

    def compose(self) -> ComposeResult:
        yield Static("", id="play-top")
        yield MetricsLine(id="metrics-line")
        with Horizontal(id="play-body"):
            with Vertical(id="play-main"):
                yield Static("", id="notice")
                with VerticalScroll(id="scene-scroll"):
                    yield Static("", id="scene-title")
                    yield Static("", id="scene-text")
                yield OptionList(id="choices")
            with VerticalScroll(id="consequence-view"):
                yield Static("", id="consequence-text")
            yield Dashboard(id="dashboard")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_scene()
        if not self.session.solo:
            self._poll = self.set_interval(1.0, self._check_waiting, name="cohort-wait")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "diagnostics":
            return bool(host(self).watch_diagnostics)
        if action == "next":
            return self.showing_consequence
        if action in ("choose", "terms", "pick"):
            return not self.showing_consequence
        if action == "metrics":
            return self.has_class("narrow")
        return True

    # -- what the key bar, Help and the palette say (simgame.tui.keys) ---------------
    def key_words(self, binding: Binding) -> tuple[str, str] | None:
        if binding.action == "choose(1)":
            count = len(self.session.run.options())
            return (f"1-{count}/Enter" if count > 1 else "1/Enter"), _("Choose")  # Enter: the highlighted one
        if binding.action.startswith("choose("):
            return None  # one line, "1-3", says it for every number
        if binding.action == "metrics":
            return "m", _("Hide numbers") if self.has_class("metrics-open") else _("Numbers")
        if binding.action == "leave" and host(self).options.join:
            return key_name(binding), _("Leave")  # a session's player never goes to the library
        return key_name(binding), _(binding.description)

    def extra_keys(self) -> list[tuple[str, str, str]]:
        return [("PgUp/PgDn", _("Scroll"), ""), ("↑ ↓", "", _("Move between the options"))]

    def palette_commands(self) -> list[Command]:
        """The real choices of this scene (never "Choose option 7" on a three-option scene)."""
        if self.showing_consequence or self.waiting_message is not None:
            return []
        return [
            Command(
                _("Choose {number}: {label}").format(number=o.number, label=o.label),
                _("Take this option"),
                partial(self.make_choice, o.id),
            )
            for o in self.session.run.options()
            if o.available
        ]

    # -- layout ------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < self.NARROW
        if narrow != self.has_class("narrow"):
            self.set_class(narrow, "narrow")
            self.refresh_bindings()

    def action_metrics(self) -> None:
        self.toggle_class("metrics-open")
        self.refresh_bindings()

    def action_scroll(self, where: str) -> None:
        """PgDn, PgUp, Home and End scroll the text in view, wherever the focus is (no Tab first)."""
        view = self.query_one("#consequence-view" if self.showing_consequence else "#scene-scroll", VerticalScroll)
        moves = {
            "page_down": view.scroll_page_down,
            "page_up": view.scroll_page_up,
            "home": view.scroll_home,
            "end": view.scroll_end,
        }
        if where in moves:
            moves[where](animate=False)

    def action_pick(self) -> None:
        """Enter on the scene: the highlighted option (a locked one says why, as its number would)."""
        option = self.query_one("#choices", OptionList).highlighted_option
        if option is None or not option.id:
            return
        number = next((o.number for o in self.session.run.options() if o.id == option.id), None)
        if number is not None:
            self.action_choose(number)

    def use_session(self, session: GameSession) -> None:
        """Swap in a reloaded run (hot reload) without leaving the screen."""
        self.session = session
        self._rendered_turn = None
        if session.run.ended and self.app.screen is self:
            self.post_message(DebriefRequested(session))
            return
        self.refresh_scene()

    # -- rendering -------------------------------------------------------------
    def refresh_scene(self, visible: bool = True) -> None:
        session = self.session
        run = session.run
        if run.ended or (self.showing_consequence and visible):
            return
        if not visible:
            self._rendered_turn = run.turn
        elif self._rendered_turn == run.turn and self.query_one("#choices", OptionList).option_count:
            self._rendered_turn = None
            self.query_one("#choices", OptionList).focus()
            self.query_one("#play-top", Static).update(self._top_line())
            self.show_notice()
            return
        scene = run.scene
        if visible:
            self.query_one("#play-top", Static).update(self._top_line())
        self.query_one("#scene-title", Static).update(Text(scene.title or run.scene_id, "bold"))
        body = scene_content(session)
        events = run.opening_events if not run.history else (session.last.events if session.last else ())
        if events:
            lines = "\n".join(event_line(session, e) for e in events)
            body = Content.assemble((lines, Style(italic=True)), "\n\n", body, strip_control_codes=False)
        self.query_one("#scene-text", Static).update(body)
        self.query_one("#scene-scroll", VerticalScroll).scroll_home(animate=False)
        self.query_one("#dashboard", Dashboard).show(session)
        self.query_one("#metrics-line", MetricsLine).show(session)
        self.waiting_message = session.waiting()
        self._fill_choices(focus=visible)
        if visible:
            self.show_notice()

    def _top_line(self) -> Text:
        return Text.assemble(
            (self.session.scenario.title, "bold"),
            _("  ·  {phase_label}  ·  decision {value}").format(
                phase_label=self.session.phase_label(), value=self.session.decisions_made + 1
            ),
        )

    def _fill_choices(self, focus: bool = True) -> None:
        choices = self.query_one("#choices", OptionList)
        waiting = self.waiting_message is not None
        options = [
            Option(
                option_prompt(o.number, o.label, o.available, o.why_locked),
                id=o.id,
                disabled=waiting or not o.available,
            )
            for o in self.session.run.options()
        ]
        choices.set_options(options)
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        choices.highlighted = first
        if focus:
            choices.focus()

    def show_notice(self) -> None:
        parts = []
        if self.session.note:
            parts.append(self.session.note)
        diagnostics = host(self).watch_diagnostics
        if diagnostics:
            count = len(diagnostics)
            parts.append(
                ngettext(
                    "The scenario file has {count} error: still playing the last good version. Press D to see it.",
                    "The scenario file has {count} errors: still playing the last good version. Press D to see them.",
                    count,
                ).format(count=count)
            )
        if self.waiting_message:
            parts.append(f"⏸ {self.waiting_message}")
        if self.session.save_problem:
            parts.append(f"⚠ {self.session.save_problem}")
        if self._extra_notice:
            parts.append(self._extra_notice)
        notice = self.query_one("#notice", Static)
        notice.update(Text("\n".join(parts)))  # scenario and room text: never read as markup
        notice.display = bool(parts)
        self.refresh_bindings()

    def _check_waiting(self) -> None:
        message = self.session.waiting()
        changed = message != self.waiting_message
        self.waiting_message = message
        if changed:
            # While the player reads a consequence the choices are hidden: never take the keys
            # from the text in view (Enter, Space and the arrows stay with it).
            self._fill_choices(focus=not self.showing_consequence)
            self.show_notice()

    # -- choosing --------------------------------------------------------------
    @on(OptionList.OptionSelected, "#choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.make_choice(event.option.id)

    def action_choose(self, number: int) -> None:
        """Key n takes the option shown n-th: numbers follow this run's shuffled order, never the file's."""
        option = next((o for o in self.session.run.options() if o.number == number), None)
        if option is None:
            self.app.bell()
            return
        if not option.available:
            self._extra_notice = _("Option {number} is locked: {why_locked}").format(
                number=number, why_locked=option.why_locked
            )
            self.show_notice()
            self.app.bell()
            return
        self.make_choice(option.id)

    def make_choice(self, choice_id: str) -> None:
        from simgame.engine.run import EngineError

        if self.waiting_message is not None or self.showing_consequence:
            self.app.bell()
            return
        session = self.session
        try:
            decision = session.choose(choice_id)
        except EngineError as exc:
            self._show_engine_error(exc)
            return
        session.note = ""
        self._extra_notice = ""
        if session.is_synthetic(choice_id) and not decision.events and not session.run.ended:
            self.refresh_scene()  # reading on through a pass-through scene: nothing to report
            return
        self.show_consequence(decision)

    def show_consequence(self, decision: Decision) -> None:
        """Swap the scene for what the choice did; the dashboard already shows the new numbers."""
        from simgame.tui.widgets.consequence import consequence_text

        session = self.session
        run = session.run
        self.showing_consequence = True
        view = self.query_one("#consequence-view", VerticalScroll)
        self.query_one("#consequence-text", Static).update(consequence_text(session, decision))
        self.query_one("#play-top", Static).update(
            Text.assemble(
                (session.scenario.title, "bold"),
                _("  ·  what happened after decision {decisions_made}").format(decisions_made=session.decisions_made),
            )
        )
        self.query_one("#dashboard", Dashboard).show(session)
        self.query_one("#metrics-line", MetricsLine).show(session)
        self.query_one("#play-main").display = False
        view.display = True
        view.scroll_home(animate=False)
        view.focus()
        self.refresh_bindings()
        if not run.ended:
            self.call_after_refresh(self._prepare_next)

    def _prepare_next(self) -> None:
        """Render the next scene while the player reads, so Continue only has to swap panels."""
        if self.showing_consequence and not self.session.run.ended:
            self.refresh_scene(visible=False)

    def action_next(self) -> None:
        if not self.showing_consequence:
            return
        self.showing_consequence = False
        if self.session.run.ended:
            self.post_message(DebriefRequested(self.session))
            return
        self.query_one("#consequence-view").display = False
        self.query_one("#play-main").display = True
        self.refresh_scene()
        self._after_consequence()

    def _show_engine_error(self, exc: EngineError) -> None:
        self._extra_notice = _("That choice is not possible: {exc}").format(exc=exc)
        self.show_notice()

    def _after_consequence(self) -> None:
        if self.session.run.is_stuck:
            self._extra_notice = _(
                "No choice is available here: the scenario has a dead end. "
                "Press Escape to go back; the author has been told by `simgame validate`."
            )
            self.show_notice()

    # -- other actions -----------------------------------------------------------
    def action_term(self, term_id: str) -> None:
        self._open_terms(term_id)

    def action_terms(self) -> None:
        self._open_terms(None)

    def _open_terms(self, focus: str | None) -> None:
        from simgame.tui.terms import glossary_for

        self.post_message(
            TermsRequested(glossary_for(self.session.scenario), list(self.session.run.scene.terms), focus)
        )

    def action_glossary(self) -> None:
        from simgame.tui.terms import glossary_for, terms_met

        run = self.session.run
        self.post_message(
            GlossaryRequested(glossary_for(self.session.scenario), terms_met(self.session.scenario, run.visited))
        )

    def action_diagnostics(self) -> None:
        diags = host(self).watch_diagnostics
        if diags:
            self.post_message(
                ProblemReported(_("Problems in the scenario file"), "\n\n".join(d.render() for d in diags))
            )

    def action_leave(self) -> None:
        self.session.save()
        self.post_message(LibraryRequested())
