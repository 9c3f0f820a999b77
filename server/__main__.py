"""`python -m server` runs the command line."""

from server.cli import cli

cli(prog_name="tallybook")
