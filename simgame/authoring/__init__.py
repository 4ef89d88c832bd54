"""Tools for scenario authors: lint, graphs, scaffolding, statistics, transcripts."""
