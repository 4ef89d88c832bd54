"""simgame: a leadership AI-fluency simulation game. The engine lives here; the TUI in simgame.tui."""

__version__ = "0.1.0"
