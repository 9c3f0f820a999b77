"""The `tallybook` command line (also `python -m server`). Scriptable: it never prompts.

Exit codes: 0 done; 1 the input was refused (the message says why); 2 wrong usage;
3 another Tallybook is using the data folder; 4 `doctor` found kept sums that differ from the
rows (and was not asked to repair them).
"""

from __future__ import annotations

import click

from server.cli.app_commands import apps
from server.cli.book_commands import demo, import_file
from server.cli.data_commands import backup, doctor, restore
from server.cli.other_book_command import import_book
from server.cli.serve_command import serve
from server.cli.user_commands import token, user
from server.config import keep_new_files_private
from server.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tallybook")
def cli() -> None:
    """Tallybook: private, offline personal finance. Run a command with --help for more."""


for command in (serve, user, token, apps, backup, restore, doctor, import_file, import_book, demo):
    cli.add_command(command)


def main() -> None:
    """Run the command line as the `tallybook` program (and `python -m server`) does."""
    keep_new_files_private()
    cli(prog_name="tallybook")


def commands_help() -> str:
    """Return the list of commands with their one-line help, for the desktop program's --help."""
    context = click.Context(cli, info_name="tallybook")
    formatter = context.make_formatter()
    cli.format_commands(context, formatter)
    formatter.write_paragraph()
    formatter.write_text("Run `tallybook COMMAND --help` for a command's options.")
    return formatter.getvalue()
