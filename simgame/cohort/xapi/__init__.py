"""xAPI 1.0.3 to the organisation's Learning Record Store (LRS): statements, a durable outbox, sending.

- ``statements`` turns a session's stored events (only what the referee accepted) into statements:
  an ``initialized`` per player, an ``answered`` per decision, a ``completed`` per finished run.
  Every id is derived, never random, so building twice gives the same statements.
- ``outbox`` keeps them in an SQLite file beside the cohort store until the LRS has them.
- ``lrs`` sends them (HTTP Basic, ``X-Experience-API-Version: 1.0.3``) with retries and backoff,
  and says in plain words why the LRS refused.

``simgame cohort xapi CODE --send | --export FILE | --status`` (``simgame/cli/xapi.py``) drives it;
docs/deployment.md is the facilitator's and the administrator's guide.
"""
