"""Run the CLI as ``python -m simcoach``."""

from simcoach.cli.main import main

main()
