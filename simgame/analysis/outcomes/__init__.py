"""The outcome map: exact reference points for every decision a player can face, built once per scenario.

For every state where play rests at a scene it holds the best and worst final score still
reachable and, per offered option, the expected final score under best play afterwards, with
chance events weighted by their probabilities (expectimax). It is built from one exhaustive
exploration (`solve`, in a separate, memory-capped process: `build`), written to a compact file
keyed by the scenario's content hash (`mapfile`), and read by every player, hub and report
process without numpy and without exploring (`lookup`, `cache`).
"""
