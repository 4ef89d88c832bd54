"""The player-facing terminal UI (Textual). The only part of simgame that imports Textual.

Modules that the first screen needs import nothing heavy: the engine (pydantic, YAML) is
imported lazily, in workers, so the library appears as fast as a bare Textual app.
"""
