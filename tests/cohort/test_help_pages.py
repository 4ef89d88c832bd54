"""Every `simgame cohort` page says how to use it: each subcommand's --help ends with examples."""

from __future__ import annotations

import argparse

import pytest

from simgame.cli import build_parser, main


def _cohort_commands() -> list[str]:
    parser = build_parser("cohort")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    cohort = sub.choices["cohort"]
    actions = next(a for a in cohort._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(actions.choices)


def test_there_are_cohort_pages_to_check() -> None:
    assert {"create", "pace", "players", "report", "programme", "teams", "xapi"} <= set(_cohort_commands())


@pytest.mark.parametrize("command", _cohort_commands())
def test_each_cohort_page_has_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["cohort", command, "--help"])
    assert done.value.code == 0
    page = capsys.readouterr().out
    assert "examples:" in page and f"simgame cohort {command}" in page, command
