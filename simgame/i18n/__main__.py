"""Check a scenario's translation: ``python -m simgame.i18n SCENARIO.yaml [SCENARIO.LANG.yaml ...]``.

With no translation named, every ``SCENARIO.LANG.yaml`` beside the scenario is checked. Each problem
is printed as ``file:line:col: severity: message``; the exit status is 1 when any is an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simgame.i18n import LANGUAGES
from simgame.i18n.overlay import check_file, translation_path


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    scenario = Path(argv[0])
    targets = [Path(a) for a in argv[1:]] or [
        p for p in (translation_path(scenario, lang) for lang in LANGUAGES[1:]) if p.is_file()
    ]
    if not targets:
        print(f"{scenario}: no translation beside it (looked for NAME.LANG.yaml)", file=sys.stderr)
        return 1
    failed = False
    for target in targets:
        problems = check_file(scenario, target)
        for problem in problems:
            print(problem.render())
        failed = failed or any(p.is_error for p in problems)
        if not problems:
            print(f"{target}: every text translated, every id found in {scenario.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
