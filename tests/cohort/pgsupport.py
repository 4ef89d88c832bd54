"""A PostgreSQL server for the tests: each test gets a database of its own, dropped afterwards.

The server is ``$SIMGAME_TEST_POSTGRES`` (a URL whose role may create databases), else the role
`.ci/run` creates on this machine's server. Without one the PostgreSQL tests skip saying how to get
one; under CI (``$CI`` set) they fail instead: CI always runs them.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ENV = "SIMGAME_TEST_POSTGRES"
DEFAULT = "postgresql://simgame_test:simgame@127.0.0.1:5432/postgres"
HOW = (
    "the PostgreSQL tests need a server: run the PostgreSQL block of .ci/run (Debian's `postgresql` package, "
    "its cluster started, a role `simgame_test` that may create databases), or set "
    f"${ENV} to a URL whose role may create databases"
)


@functools.cache
def admin_url() -> str | None:
    url = os.environ.get(ENV) or DEFAULT
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.Error:
        return None


def need_server() -> str:
    url = admin_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail(f"no PostgreSQL server for the tests under CI: {HOW}")
        pytest.skip(HOW)
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextlib.contextmanager
def database() -> Iterator[str]:
    """A new empty database's URL; dropped (with any connection left to it) afterwards."""
    admin = need_server()
    name = f"simgame_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    try:
        yield with_database(admin, name)
    finally:
        _drop(admin, name)


def _drop(admin: str, name: str, tries: int = 20) -> None:
    """Drop the database, ending what is left connected to it (an autovacuum worker may need a retry)."""
    for attempt in range(tries):
        try:
            with psycopg.connect(admin, autocommit=True) as db:
                db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == tries - 1:
                raise
            time.sleep(0.25)
