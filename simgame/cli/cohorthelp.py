"""Examples for each `simgame cohort` page (its --help): what a facilitator types, as they type it."""

CREATE_EXAMPLES = """examples:
  simgame cohort create --scenario pilot-to-production --name "Board offsite" --pace lockstep
  simgame cohort create --scenario workforce-redesign --name "HR leaders" --teams "Finance,Operations,HR"
  simgame cohort create --scenario ai-value-and-cost --name "Cohort 1, Leeds" --programme "Leading with AI 2027"
  simgame cohort create --scenario my-scenario.yaml --name "Pilot" --seed 7 --store postgresql://simgame@db/simgame
It prints the join code (for the room) and the facilitator key (keep it private).
"""

LIST_EXAMPLES = """examples:
  simgame cohort list
  simgame cohort list --store postgresql://simgame@db.internal/simgame
"""

SHOW_EXAMPLES = """examples:
  simgame cohort show K7QF3M
  simgame cohort show K7QF3M --hub http://10.0.0.7:8765 --key KEY     from another machine
"""

CLOSE_EXAMPLES = """examples:
  simgame cohort close K7QF3M --key KEY
Reports, exports and imports still work on a closed session; its players' choices are kept.
"""

IMPORT_EXAMPLES = """examples:
  simgame cohort import K7QF3M results/*.json --key KEY
Result files come from players without a network: simgame export --join CODE --name NAME --from SAVE.json
"""

DASHBOARD_EXAMPLES = """examples:
  simgame cohort dashboard K7QF3M --key KEY
  simgame cohort dashboard K7QF3M --hub http://10.0.0.7:8765 --key KEY --as "Ana"
"""
