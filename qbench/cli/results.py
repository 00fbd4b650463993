"""``qbench results``: compare quantum models with the best classical baseline, from the results store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qbench.results.tables import FORMATS


@click.command("results")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store [default: $QBENCH_DB or .qbench/results.db].")
@click.option("--suite", help="Only this suite's jobs.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to a file instead of stdout.")
@click.option("--jobs", "raw", is_flag=True, help="One row per job instead of the comparison table.")
@click.option("--status", type=click.Choice(["done", "failed", "skipped"]),
              help="With --jobs: only jobs with this status.")
@click.option("--history", is_flag=True,
              help="Also the configurations of superseded suite definitions (marked superseded).")
@click.option("--wide", is_flag=True, help="Every column (fit time and its ratios, p-values, classical and harness "
              "seconds, notes); the default table fits 120 columns.")
@click.option("--diagnostics", "diagnostics", type=click.Choice(["geometry", "kernels", "ablation"]),
              help="A diagnostics table instead (docs/diagnostics.md): geometric difference to the best classical "
                   "kernel, kernel alignment/spectrum, or entangled minus separable.")
def results(db, suite, fmt, output, raw, status, history, wide, diagnostics) -> int:
    """Compare quantum models with the best classical baseline: accuracy, paired test over seeds, time split.

    Groups are configurations (config_id) of each suite, as it is defined now; p-values are Holm-adjusted
    within each suite (comparisons with at least 3 paired seeds), and the verdict uses the adjusted p-value.
    """
    from qbench.results import tables as R
    from qbench.results.display import text_table
    from qbench.cli import check_output_path
    from qbench.errors import QBenchError

    if output is not None:
        check_output_path(output, "-o/--output")
    df = R.load(db, suite=suite)
    if diagnostics:
        from qbench.results.diagnostics import view

        table = view(df, diagnostics, history=history)
        if fmt == "table":
            from qbench.results.display import diagnostics_text

            data = diagnostics_text(table)
        else:
            data = R.export(table, fmt)
    elif raw:
        if not history:
            df = df[~df["superseded"]]
        if status:
            df = df[df["status"] == status]
        cols = ["job_key", "config_id", "suite", "label", "status", "superseded", "test_accuracy", "cv_score",
                "best_params", "fit_time", "predict_time", "quantum_time", "classical_time", "overhead_time",
                "total_time", "peak_memory", "error_type", "error_message"]
        table = R.flat(df) if fmt != "table" else df[cols]
        data = table.to_string(index=False) if fmt == "table" else R.export(table, fmt)
    else:
        table = R.compare(df, history=history)
        data = text_table(table, wide=wide) if fmt == "table" else R.export(table, fmt)
    if isinstance(data, bytes):
        if output is None and sys.stdout.isatty():
            raise QBenchError("parquet is binary; write it to a file with -o FILE")
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            _write(output, data)
        return 0
    if output is None:
        click.echo(data)
    else:
        _write(output, (data + ("" if data.endswith("\n") else "\n")).encode("utf-8"))
    return 0


def _write(output: Path, data: bytes) -> None:
    """Write the table; a write that fails (a full disk) leaves no partial file and is one line."""
    from qbench.errors import QBenchError

    try:
        output.write_bytes(data)
    except OSError as exc:
        output.unlink(missing_ok=True)
        raise QBenchError(f"-o/--output {output}: cannot write: {exc.strerror or exc}") from None


COMMANDS = [results]
