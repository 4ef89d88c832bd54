"""Facilitated cohort sessions: a join code, pseudonymous players, an append-only event log,
pacing, a room debrief, an offline path and the hub that serves a room.

Everything here except ``dashboard`` is engine-side code and never imports Textual.
"""
