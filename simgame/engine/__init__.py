"""The rules of play, one run's state, scoring and saves. Never imports a UI, numpy or the cohort."""
