"""The cohort suite's fixtures, shared with the hardening tests."""

from tests.cohort.conftest import cohort_env, free_cohort, store

__all__ = ["cohort_env", "free_cohort", "store"]
