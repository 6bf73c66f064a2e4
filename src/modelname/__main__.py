"""``python -m modelname`` runs the command line."""

from .cli import main

main()
