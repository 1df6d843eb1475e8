"""The `dse` command line. Commands parse input, call library functions and print.

User mistakes (bad files, fields, values) end in one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import click

from ..errors import USER_ERRORS, error_line
from .process import OwnProcess, command_starts

#: Command -> "module:attribute", imported when the command runs (or `--help` lists them), so a
#: `dse worker` does not import the report and plotting code: every command starts faster.
COMMANDS = {
    "accel": "accel:accel", "bench": "bench:bench", "proxies": "proxies:proxies", "report": "report:report",
    "reproduce": "reproduce:reproduce", "simulate": "simulate:simulate", "study": "study:study",
    "sweep": "sweep:sweep", "worker": "study:worker",
}


class _LazyGroup(click.Group):
    """Click's lazily loading group (click.palletsprojects.com, "Lazily Loading Subcommands")."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        import importlib

        module, attr = COMMANDS[cmd_name].split(":")
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)


@click.group(cls=_LazyGroup)
@click.version_option(package_name="cl-dse")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """cl-dse: design-space exploration for continuous-learning accelerators.

    The simulator runs compiled with Numba when it is installed, else with NumPy;
    DSE_ENGINE=numba|numpy chooses.
    """
    from ..sim.engine import engine_name

    engine_name()  # a bad DSE_ENGINE is one error line here, not a failure in every trial
    command_starts(ctx)


def main(argv: list[str] | None = None) -> None:
    """The `dse` command line on `argv`; without `argv`, this process's own command line, the
    process ending with the command (see `OwnProcess`)."""
    own = OwnProcess(argv is None)
    try:
        _dispatch(argv, own)
    finally:
        own.ending()


def _dispatch(argv: list[str] | None, own: OwnProcess) -> None:
    try:
        cli.main(args=argv, prog_name="dse", standalone_mode=False, obj=own)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except USER_ERRORS as err:
        click.echo(f"error: {error_line(err)}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    sys.exit(0)
