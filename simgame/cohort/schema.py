"""The cohort store's schema, described once for every backend.

:data:`TABLES` is the schema at :data:`BASE` (the version every backend reaches first): a new
PostgreSQL database is created from it in one transaction; SQLite files reach it through their
released scripts in :mod:`simgame.cohort.migrations` (a test checks that the two agree, table by
table, column by column, index by index). Every change after ``BASE`` is a :data:`STEPS` entry,
written once as :class:`AddColumn` / :class:`AddIndex` / :class:`AddTable` and rendered for each
backend, so the two never drift. Never edit a released step: add the next one.

Types are the neutral ``TEXT``, ``INTEGER`` and ``SERIAL`` (the event log's ever-growing number);
a check that needs JSON is written per backend (:class:`Check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SQLITE, POSTGRES = "sqlite", "postgres"
BASE = 4


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # TEXT | INTEGER | SERIAL
    null: bool = True
    default: str | None = None
    primary: bool = False
    references: str | None = None  # "table(column)"
    check: str | None = None  # the same in both backends


@dataclass(frozen=True)
class Check:
    sqlite: str
    postgres: str

    def text(self, dialect: str) -> str:
        return self.sqlite if dialect == SQLITE else self.postgres


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    checks: tuple[Check, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class AddColumn:
    table: str
    column: Column


@dataclass(frozen=True)
class AddIndex:
    index: Index


@dataclass(frozen=True)
class AddTable:
    table: Table
    indexes: tuple[Index, ...] = field(default=())


Step = AddColumn | AddIndex | AddTable

_KIND = "kind IN ('joined', 'chose', 'timed_out', 'finished', 'facilitator')"
_SHAPE = (
    "CASE kind WHEN 'facilitator' THEN player IS NULL AND step IS NULL "
    "WHEN 'joined' THEN player IS NOT NULL AND step IS NULL "
    "ELSE player IS NOT NULL AND step IS NOT NULL END"
)

TABLES: tuple[Table, ...] = (
    Table(
        "cohorts",
        (
            Column("code", "TEXT", primary=True),
            Column("name", "TEXT", null=False),
            Column("scenario_id", "TEXT", null=False),
            Column("scenario_ref", "TEXT", null=False),
            Column("content_hash", "TEXT", null=False),
            Column("seed", "INTEGER", null=False),
            Column("pace", "TEXT", null=False),
            Column("open_step", "INTEGER", null=False, default="0"),
            Column("revealed_step", "INTEGER", null=False, default="-1"),
            Column("paused", "INTEGER", null=False, default="0"),
            Column("key_hash", "TEXT", null=False),
            Column("created", "TEXT", null=False),
            Column("closed", "TEXT"),
            Column("revision", "INTEGER", null=False, default="0"),
            Column("deadline", "TEXT"),
        ),
    ),
    Table(
        "players",
        (
            Column("id", "TEXT", primary=True),
            Column("cohort", "TEXT", null=False, references="cohorts(code)"),
            Column("name", "TEXT", null=False, check="length(name) BETWEEN 1 AND 40"),
            Column("name_key", "TEXT", null=False),
            Column("former_key", "TEXT"),
            Column("team", "TEXT"),
            Column("joined", "TEXT", null=False),
            Column(
                "origin", "TEXT", null=False, default="'terminal'", check="origin IN ('terminal', 'browser', 'import')"
            ),
            Column("allow_device", "INTEGER", null=False, default="0", check="allow_device IN (0, 1)"),
            Column("removed", "TEXT"),
        ),
    ),
    Table(
        "devices",
        (
            Column("cohort", "TEXT", null=False, references="cohorts(code)"),
            Column("device", "TEXT", null=False, check="length(device) = 64"),
            Column("player", "TEXT", null=False, references="players(id)"),
            Column("added", "TEXT", null=False),
        ),
        primary_key=("cohort", "device", "player"),
    ),
    Table(
        "events",
        (
            Column("seq", "SERIAL", primary=True),
            Column("id", "TEXT", null=False, check="length(id) BETWEEN 8 AND 80"),
            Column("cohort", "TEXT", null=False, references="cohorts(code)"),
            Column("player", "TEXT", references="players(id)"),
            Column("kind", "TEXT", null=False, check=_KIND),
            Column("step", "INTEGER", check="step IS NULL OR step BETWEEN 0 AND 9999"),
            Column(
                "data",
                "TEXT",
                null=False,
                check=None,
            ),
            Column("at", "TEXT", null=False),
        ),
        unique=(("cohort", "id"),),
        checks=(
            Check(
                "json_valid(data) AND json_type(data) = 'object'",
                "jsonb_typeof(data::jsonb) = 'object'",
            ),
            Check(_SHAPE, _SHAPE),
            Check(
                "kind != 'chose' OR json_type(data, '$.choice') = 'text'",
                "kind != 'chose' OR jsonb_typeof(data::jsonb -> 'choice') = 'string'",
            ),
        ),
    ),
    Table("cache", (Column("key", "TEXT", primary=True), Column("value", "TEXT", null=False))),
    Table(
        "refused_events",
        (
            Column("seq", "INTEGER"),
            Column("id", "TEXT"),
            Column("cohort", "TEXT"),
            Column("player", "TEXT"),
            Column("kind", "TEXT"),
            Column("step", "INTEGER"),
            Column("data", "TEXT"),
            Column("at", "TEXT"),
            Column("reason", "TEXT", null=False),
            Column("moved", "TEXT", null=False),
        ),
    ),
)

INDEXES: tuple[Index, ...] = (
    Index("players_one_name", "players", ("cohort", "name_key"), unique=True, where="removed IS NULL"),
    Index("devices_by_player", "devices", ("player",)),
    Index("events_by_cohort", "events", ("cohort", "seq")),
    Index("events_by_player", "events", ("player", "seq")),
    Index(
        "events_one_per_step",
        "events",
        ("player", "kind", "step"),
        unique=True,
        where="player IS NOT NULL AND step IS NOT NULL AND kind != 'timed_out'",
    ),
    Index("events_one_finish", "events", ("player",), unique=True, where="kind = 'finished'"),
)

# Changes after BASE, by the version they bring a store to (BASE + 1, BASE + 2, ...).
STEPS: tuple[tuple[Step, ...], ...] = (
    (  # 5: the teams a session offers its players (a JSON list; NULL: players name their own or none)
        # and the programme a session belongs to (several sessions of one leadership programme)
        AddColumn("cohorts", Column("teams", "TEXT")),
        AddColumn(
            "cohorts", Column("programme", "TEXT", check="programme IS NULL OR length(programme) BETWEEN 1 AND 60")
        ),
        AddIndex(Index("cohorts_by_programme", "cohorts", ("programme",))),
    ),
)
LATEST = BASE + len(STEPS)


def latest_tables() -> tuple[Table, ...]:
    """The tables as every store has them at :data:`LATEST` (the base with each step applied)."""
    tables = {t.name: t for t in TABLES}
    for steps in STEPS:
        for step in steps:
            if isinstance(step, AddColumn):
                old = tables[step.table]
                tables[step.table] = Table(
                    old.name, (*old.columns, step.column), old.primary_key, old.unique, old.checks
                )
            elif isinstance(step, AddTable):
                tables[step.table.name] = step.table
    return tuple(tables.values())


def latest_indexes() -> tuple[Index, ...]:
    """The indexes every store has at :data:`LATEST`."""
    out = list(INDEXES)
    for steps in STEPS:
        for step in steps:
            if isinstance(step, AddIndex):
                out.append(step.index)
            elif isinstance(step, AddTable):
                out += step.indexes
    return tuple(out)


def _type(column: Column, dialect: str) -> str:
    if column.type == "SERIAL":
        return "INTEGER PRIMARY KEY AUTOINCREMENT" if dialect == SQLITE else "BIGINT GENERATED ALWAYS AS IDENTITY"
    if column.type == "INTEGER" and dialect == POSTGRES:
        return "BIGINT"
    return column.type


def column_sql(column: Column, dialect: str) -> str:
    parts = [column.name, _type(column, dialect)]
    if column.primary and not (column.type == "SERIAL" and dialect == SQLITE):
        parts.append("PRIMARY KEY")
    if not column.null:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.references:
        parts.append(f"REFERENCES {column.references}")
    if column.check:
        parts.append(f"CHECK ({column.check})")
    return " ".join(parts)


def table_sql(table: Table, dialect: str) -> str:
    lines = [column_sql(c, dialect) for c in table.columns]
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    lines += [f"UNIQUE ({', '.join(u)})" for u in table.unique]
    lines += [f"CHECK ({c.text(dialect)})" for c in table.checks]
    return f"CREATE TABLE {table.name} (\n    " + ",\n    ".join(lines) + "\n)"


def index_sql(index: Index) -> str:
    unique = "UNIQUE " if index.unique else ""
    where = f" WHERE {index.where}" if index.where else ""
    return f"CREATE {unique}INDEX {index.name} ON {index.table} ({', '.join(index.columns)}){where}"


def base_statements(dialect: str) -> list[str]:
    """Everything a new store needs to be at :data:`BASE`."""
    return [table_sql(t, dialect) for t in TABLES] + [index_sql(i) for i in INDEXES]


def step_statements(step: Step, dialect: str) -> list[str]:
    if isinstance(step, AddColumn):
        return [f"ALTER TABLE {step.table} ADD COLUMN {column_sql(step.column, dialect)}"]
    if isinstance(step, AddIndex):
        return [index_sql(step.index)]
    return [table_sql(step.table, dialect), *(index_sql(i) for i in step.indexes)]


def upgrade_statements(version: int, dialect: str) -> list[str]:
    """The statements that bring a store at ``version`` (at least BASE) to :data:`LATEST`."""
    out: list[str] = []
    for number in range(max(version, BASE) + 1, LATEST + 1):
        for step in STEPS[number - BASE - 1]:
            out += step_statements(step, dialect)
    return out
