"""``python -m ipplan`` runs the command line."""

from ipplan.cli import main

main()
