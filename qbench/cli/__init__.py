"""The ``qbench`` command line.

Owns: commands and exit codes.  May import: every stage (it is the top of the flow).

Each module in this package defines click commands in a ``COMMANDS`` list, named in
:data:`COMMAND_MODULES` (a test keeps the two in step).  A module is imported only when
one of its commands runs, so ``qbench --version`` and ``qbench plugins`` never import
pandas, scikit-learn or the suite machinery.  Errors the user can act on (``QBenchError``)
print one line and exit 2; a command's return value is the exit code.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from qbench import __version__
from qbench.errors import QBenchError

#: Command name -> the module of this package that defines it.
COMMAND_MODULES = {
    "plugins": "core", "backends": "core", "datasets": "core", "templates": "core", "check": "core",
    "evaluate": "evaluate", "run": "run", "suites": "run", "results": "results", "report": "report",
    "draw": "report", "bench": "bench", "plan": "plan", "models": "models",
}


class LazyGroup(click.Group):
    """A click group that imports a command's module when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMAND_MODULES, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands or name not in COMMAND_MODULES:
            return self.commands.get(name)
        module = importlib.import_module(f"{__name__}.{COMMAND_MODULES[name]}")
        for command in module.COMMANDS:
            self.commands.setdefault(command.name, command)
        return self.commands.get(name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="qbench")
def cli() -> None:
    """Benchmark quantum kernels and QNNs across frameworks against classical baselines."""


def fail(message: str) -> int:
    """Print a one-line error; returns the bad-input exit code."""
    click.echo(f"Error: {' '.join(str(message).split())}", err=True)
    return 2


def check_output_path(path: Path, option: str, folder: bool = False) -> None:
    """Refuse, before anything is computed or written, an output path whose folder is missing or not writable."""
    path = Path(path)
    if path.exists():
        if folder != path.is_dir():
            raise QBenchError(f"{option} {path}: is {'a file' if folder else 'a folder'}; expected "
                              f"{'a folder' if folder else 'a file name'}")
        target = path if folder else path.parent
    else:
        target = path.parent
        if not target.is_dir():
            raise QBenchError(f"{option} {path}: the folder {str(target) or '.'} does not exist")
    if not os.access(target, os.W_OK | os.X_OK):
        raise QBenchError(f"{option} {path}: {str(target) or '.'} is not writable")


def usage_line(exc: click.UsageError) -> str:
    """A usage error on one line: what is wrong, then where ``--help`` is."""
    path = exc.ctx.command_path if exc.ctx is not None else "qbench"
    return f"{exc.format_message().rstrip('.')} (see '{path} --help')"


def _show(exc: click.ClickException) -> int:
    exc.show()
    return exc.exit_code


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="qbench", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = 130
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.UsageError as exc:  # click prints usage + hint + error; the docs promise one line
        code = fail(usage_line(exc))
    except click.ClickException as exc:
        code = fail(exc.format_message()) if exc.exit_code == 2 else _show(exc)
    except QBenchError as exc:
        code = fail(str(exc))
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        code = 130
    sys.exit(code if isinstance(code, int) else 0)
