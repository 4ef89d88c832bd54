"""The numpy batch explorer: the engine's rules over arrays of states, for speed."""
