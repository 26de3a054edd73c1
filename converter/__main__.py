"""``python -m converter`` runs the perfkg command line."""

from .cli import run

run()
