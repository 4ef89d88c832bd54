"""`python -m simgame` runs the command-line interface."""

from simgame.cli import main

raise SystemExit(main())
