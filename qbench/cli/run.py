"""``qbench run`` and ``qbench suites``: run benchmark suites into the results store.

Exit codes of ``run``: 0 when every job is done or skipped, 1 when some failed or the store
could not be written mid-run (one line; stored jobs kept, leases released), 2 for bad input
(nothing run, the store untouched), 130 when interrupted (finished jobs kept).
"""

from __future__ import annotations

import signal
from pathlib import Path

import click

from qbench.cli import fail
from qbench.run.executors import EXECUTORS


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


@click.command("run")
@click.argument("suite")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store [default: $QBENCH_DB or .qbench/results.db].")
@click.option("-j", "--jobs", "workers", type=int, default=1, show_default=True, help="Jobs run in parallel.")
@click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
              help="local: embedded process pool; dask: Dask distributed.")
@click.option("--address", help="Dask scheduler address (tcp://host:port); default: an in-process LocalCluster.")
@click.option("--timeout", type=float, help="Seconds per job [default: the suite's timeout].")
@click.option("--memory-limit", help='Memory a job may allocate, e.g. "2 GiB" [default: the suite\'s, else none].')
@click.option("--rerun", is_flag=True, help="Run jobs that are already done again.")
@click.option("--only", multiple=True, metavar="PATTERN",
              help="Only jobs whose label matches (glob, or substring); repeatable. "
                   "Labels: DATA[n=,d=]/MODEL/BACKEND/MODE/seed=S.")
@click.option("--list", "list_jobs", is_flag=True,
              help="Print the jobs (and whether each is done) without running them.")
@click.option("--progress/--no-progress", default=None, help="Progress bar [default: when stderr is a terminal].")
def run(suite, db, workers, executor, address, timeout, memory_limit, rerun, only, list_jobs, progress) -> int:
    """Run the benchmark SUITE (a TOML file, or the name of a shipped suite)."""
    from qbench.run.runner import CLI_NAMES, check_arguments, execute, job_statuses

    if list_jobs:
        check_arguments(timeout, memory_limit, executor, workers, address, CLI_NAMES)
        for status, job in job_statuses(suite, db, list(only)):
            click.echo(f"{status:<8} {job.key}  {job.label}")
        return 0
    from qbench.results.store import StoreWriteError

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        summary, db = execute(suite, db, workers, executor, address, timeout, rerun, list(only), memory_limit,
                              progress, names=CLI_NAMES)
    except StoreWriteError as exc:  # a storage fault mid-run: one line, exit 1 (stored results kept)
        fail(str(exc))
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(summary.line(db), err=True)
    if summary.counts["failed"] and not summary.interrupted:
        click.echo(f"failed jobs: qbench results --db {db} --suite {summary.suite} --jobs --status failed", err=True)
    return summary.exit_code


@click.command("suites")
def suites() -> int:
    """List the shipped suites with their job counts."""
    from qbench.errors import QBenchError
    from qbench.suite.jobs import expand
    from qbench.suite.parse import load_suite
    from qbench.suite.catalog import shipped_suites

    files = shipped_suites()
    if not files:
        click.echo("no shipped suites found (looked in ./suites and next to the qbench package)")
        return 0
    for f in files:
        try:
            s = load_suite(f)
            jobs = expand(s)
        except QBenchError as exc:
            click.echo(f"{f.stem:<14} INVALID: {exc}")
            continue
        waiting = sum(1 for j in jobs if j.skip_reason)
        extra = f" [{waiting} jobs' plugins are not loaded here]" if waiting else ""
        click.echo(f"{f.stem:<14} {len(jobs):>5} jobs  {s.description}{extra}")
    return 0


COMMANDS = [run, suites]
