"""Fuzzing the hub's API bodies on loopback: every POST answers 2xx or 4xx, never 5xx, and logs no error."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simgame.cohort.sqlite import SqliteStore
from simgame.cohort.store import Cohort
from tests.cohort.conftest import cohort_env, free_cohort, store  # noqa: F401 (fixtures)
from tests.cohort.test_hub_perimeter import Client, make_hub, serving
from tests.fuzz.conftest import FUZZ
from tests.fuzz.support import RAW_JSON_TRICKS, json_values

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:aiohttp.*")

PATHS = ["/api/v1/join", "/api/v1/events"]
good_event = {"id": "abcdefghij", "kind": "chose", "step": 0, "data": {"choice": "name-owner"}}


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["join", "events", "value", "raw", "bytes"]))
    if kind == "join":
        body: object = draw(
            st.fixed_dictionaries(
                {"name": st.one_of(st.text(max_size=30), json_values)},
                optional={"team": json_values, "request": st.one_of(st.text(max_size=70), json_values)},
            )
        )
    elif kind == "events":
        event = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": st.one_of(st.just(good_event["id"]), st.text(max_size=12), json_values),
                    "kind": st.one_of(st.sampled_from(["chose", "finished", "joined", "x"]), json_values),
                    "step": st.one_of(st.integers(), json_values),
                    "data": json_values,
                    "at": json_values,
                },
            )
        )
        body = {
            "player": draw(st.one_of(st.just("p-fuzz"), st.text(max_size=10), json_values)),
            "events": draw(st.one_of(st.lists(st.just(event) | st.just(good_event), max_size=3), json_values)),
        }
    elif kind == "value":
        body = draw(json_values)
    elif kind == "raw":
        return draw(st.sampled_from(RAW_JSON_TRICKS))
    else:
        return draw(st.binary(max_size=200))
    return json.dumps(body).encode()


@pytest.fixture
async def hub_client(
    store: SqliteStore,  # noqa: F811
    free_cohort: tuple[Cohort, str],  # noqa: F811
    tmp_path: Path,
) -> AsyncIterator[Client]:
    cohort, _ = free_cohort
    hub = make_hub(store, store.path, cohort.code, tmp_path)
    async with serving(hub) as client:
        client.join_code = cohort.code  # type: ignore[attr-defined]
        yield client


async def post_body(client: Client, path: str, raw: bytes) -> int:
    headers = {"X-Join-Code": client.join_code, "Content-Type": "application/json"}  # type: ignore[attr-defined]
    resp = await client.post(path, data=raw, headers=headers)
    status = resp.status
    await resp.read()
    assert status < 500, (path, raw[:300], status)
    if status >= 400:
        assert resp.content_type == "application/json", (path, raw[:300], status)
    return status


@FUZZ
@given(path=st.sampled_from(PATHS), raw=bodies())
async def test_hub_bodies(hub_client: Client, path: str, raw: bytes, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    await post_body(hub_client, path, raw)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, caplog.text
