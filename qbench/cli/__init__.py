"""The ``qbench`` command line.

Owns: commands and exit codes.  May import: every stage (it is the top of the flow).

Each module in this package defines click commands in a ``COMMANDS`` list; they are
added to the group automatically.  Errors the user can act on (``QBenchError``)
print one line and exit 2; a command's return value is the exit code.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from qbench import __version__
from qbench.errors import QBenchError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="qbench")
def cli() -> None:
    """Benchmark quantum kernels and QNNs across frameworks against classical baselines."""


def _add_commands() -> None:
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)


_add_commands()


def fail(message: str) -> int:
    """Print a one-line error; returns the bad-input exit code."""
    click.echo(f"Error: {' '.join(str(message).split())}", err=True)
    return 2


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="qbench", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = 130
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except QBenchError as exc:
        code = fail(str(exc))
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
