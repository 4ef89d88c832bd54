"""Entry point from the CLI: build the options, run the app, return an exit code."""

from __future__ import annotations

from typing import Any

from simgame.tui.options import from_namespace


def launch(args: Any) -> int:
    """Run the game. ``args`` is an argparse namespace; unknown or missing fields get defaults."""
    from simgame.tui.app import SimgameApp

    app = SimgameApp(from_namespace(args))
    result = app.run()
    if app.farewell:  # once the terminal is back: whether the run was kept, said plainly
        from simgame.format.inert import inert

        print(inert(app.farewell, keep_lines=False))
    return int(result or 0)
