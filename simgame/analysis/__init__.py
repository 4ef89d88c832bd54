"""Searches of the state space: the exhaustive explorer, reports, personas and findings."""
