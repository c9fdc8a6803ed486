"""Allows `python -m shipyard`."""

from shipyard.cli import app

app(prog_name="shipyard")
