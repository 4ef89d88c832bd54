"""A hub on PostgreSQL when the database blips: players are asked to try again (their outbox keeps
their answers), and the hub carries on with fresh connections once the database is back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
from aiohttp.test_utils import TestClient, TestServer

from simgame.cohort.hub import Hub
from simgame.cohort.sessions import create
from simgame.cohort.storage import open_store
from simgame.cohort.store import CohortStore, StoreUnavailable
from tests.cohort.pgsupport import database


class Blipping:
    """The real store, unreachable while ``down`` is set (as a database server restarting would be)."""

    def __init__(self, store: CohortStore) -> None:
        self.store, self.down = store, False

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.store, name)

        def guarded(*args: Any, **kw: Any) -> Any:
            if self.down:
                raise StoreUnavailable("cannot reach the cohort database on db.example, database simgame")
            return call(*args, **kw)

        return guarded


async def test_players_are_asked_to_retry_while_the_database_is_down(cohort_env: Path, tmp_path: Path) -> None:
    with database() as url:
        real = open_store(url)
        cohort, key = create(real, "tiny", "Blip", "free")
        store = Blipping(real)
        hub = Hub(store, url, cohort.code, argv=["true"], tmp=tmp_path / "hub-tmp")  # type: ignore[arg-type]
        client = TestClient(TestServer(await hub.make_app(), host="127.0.0.1"))
        await client.start_server()
        try:
            auth = {"X-Join-Code": cohort.code}
            joined = await (await client.post("/api/v1/join", json={"name": "Ann"}, headers=auth)).json()
            body = {
                "player": joined["player"],
                "device": joined["device"],
                "events": [{"id": "ann-choice-0", "kind": "chose", "step": 0, "data": {"choice": "name-owner"}}],
            }
            store.down = True
            for path, payload in (("/api/v1/events", body), ("/api/v1/join", {"name": "Bob"})):
                resp = await client.post(path, json=payload, headers=auth)
                assert resp.status == 503, path  # retryable: a terminal player's outbox keeps the answer
                assert "cannot reach the cohort database on db.example" in (await resp.json())["error"]
            assert (await client.get("/api/v1/state", headers=auth)).status == 503
            facilitator = {**auth, "X-Facilitator-Key": key}  # a co-facilitator is told in plain words too
            resp = await client.get("/api/v1/facilitator/session", headers=facilitator)
            assert resp.status == 503 and "cannot reach the cohort database" in (await resp.json())["error"]
            store.down = False
            with psycopg.connect(url, autocommit=True) as admin:  # the server dropped every connection it had
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            resp = await client.post("/api/v1/events", json=body, headers=auth)  # the outbox sends it again
            assert resp.status == 200 and (await resp.json())["stored"] == 1
        finally:
            await client.close()
            real.close()
