"""The one-state-at-a-time reference explorer: the oracle the batch explorer is tested against."""
