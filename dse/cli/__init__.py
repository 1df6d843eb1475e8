"""The `dse` command line. Commands parse input, call library functions and print.

User mistakes (bad files, fields, values) end in one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import click

from ..errors import USER_ERRORS, error_line


@click.group()
@click.version_option(package_name="cl-dse")
def cli() -> None:
    """cl-dse: design-space exploration for continuous-learning accelerators.

    The simulator runs compiled with Numba when it is installed (the `fast` extra), else with
    NumPy; DSE_ENGINE=numba|numpy chooses.
    """
    from ..sim.engine import engine_name

    engine_name()  # a bad DSE_ENGINE is one error line here, not a failure in every trial


def _register() -> None:
    from .accel import accel
    from .bench import bench
    from .proxies import proxies
    from .report import report
    from .reproduce import reproduce
    from .simulate import simulate
    from .study import study, worker
    from .sweep import sweep

    cli.add_command(accel)
    cli.add_command(bench)
    cli.add_command(proxies)
    cli.add_command(simulate)
    cli.add_command(reproduce)
    cli.add_command(study)
    cli.add_command(worker)
    cli.add_command(report)
    cli.add_command(sweep)


_register()


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="dse", standalone_mode=False)
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
