"""`python -m dse` runs the `dse` command line."""

from .cli import main

main()
