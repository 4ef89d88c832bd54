"""Fuzz profiles: `quick` (every CI run, derandomised) and `deep` (opt-in: SIMGAME_FUZZ=deep).

Every fuzz test is decorated with :data:`FUZZ`, so the profile is chosen here and not by the
global Hypothesis profile in tests/conftest.py. Deep run (10,000 examples per target)::

    SIMGAME_FUZZ=deep .venv/bin/pytest tests/fuzz -n 2 -p no:cacheprovider
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEEP = os.environ.get("SIMGAME_FUZZ", "quick") == "deep"
QUICK_EXAMPLES = 75
DEEP_EXAMPLES = 10_000
EXAMPLES = DEEP_EXAMPLES if DEEP else QUICK_EXAMPLES

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not DEEP,  # quick: the same inputs every CI run; deep: fresh ones each time
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
