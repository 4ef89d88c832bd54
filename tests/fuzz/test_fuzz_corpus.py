"""The regression corpus: every input that ever crashed a reader (or was built to), replayed as the fuzzer checks it.

tests/fuzz/corpus/<target>/ holds one file per input; see docs/reliability.md to add one. Targets:

- ``scenario``: scenario file bytes (validated; if valid, started and played);
- ``expression``: one condition as UTF-8 text (parsed, type-checked, evaluated);
- ``save``: save file bytes (read and restored against tests/data/tiny.yaml);
- ``resultfile``: result file bytes (read and verified against a session on tiny);
- ``hub``: a POST body; the file name says where it goes (``join-…`` or ``events-…``).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

import pytest

from tests.cohort.conftest import cohort_env, free_cohort, store  # noqa: F401 (fixtures)
from tests.fuzz import targets
from tests.fuzz.support import CORPUS, PROJECT_ERRORS, corpus_files
from tests.fuzz.test_fuzz_hub import Client, hub_client, post_body  # noqa: F401 (fixture)

TARGETS = {
    "scenario": lambda raw: targets.check_scenario_bytes(raw),
    "expression": lambda raw: targets.check_expression(raw.decode("utf-8")),
    "save": lambda raw: targets.check_save_bytes(raw),
    "resultfile": lambda raw: targets.check_result_bytes(raw),
}
CASES = [pytest.param(t, p, id=f"{t}/{p.name}") for t in TARGETS for p in corpus_files(t)]
HUB_CASES = [pytest.param(p, id=p.name) for p in corpus_files("hub")]


def test_every_corpus_folder_is_a_known_target() -> None:
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert folders == {*TARGETS, "hub"}, folders
    assert all(p.name.startswith(("join-", "events-")) for p in corpus_files("hub"))


@pytest.mark.parametrize(("target", "path"), CASES)
def test_corpus(target: str, path: Path) -> None:
    with contextlib.suppress(*PROJECT_ERRORS):
        TARGETS[target](path.read_bytes())


@pytest.mark.filterwarnings("ignore::DeprecationWarning:aiohttp.*")
@pytest.mark.parametrize("path", HUB_CASES)
async def test_hub_corpus(
    hub_client: Client,  # noqa: F811
    path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    where = "/api/v1/join" if path.name.startswith("join-") else "/api/v1/events"
    status = await post_body(hub_client, where, path.read_bytes())
    assert 400 <= status < 500, (path.name, status)  # every hub corpus body is a bad one
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text
