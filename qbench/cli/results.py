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
@click.option("--diagnostics", "diagnostics", type=click.Choice(["geometry", "kernels", "ablation"]),
              help="A diagnostics table instead (docs/diagnostics.md): geometric difference to the best classical "
                   "kernel, kernel alignment/spectrum, or entangled minus separable.")
def results(db, suite, fmt, output, raw, status, diagnostics) -> int:
    """Compare quantum models with the best classical baseline: accuracy, paired test over seeds, fit time."""
    from qbench.results import tables as R
    from qbench.errors import QBenchError

    df = R.load(db, suite=suite)
    if diagnostics:
        from qbench.results.diagnostics import view

        table = view(df, diagnostics)
        data = table.to_string(index=False, float_format=lambda v: f"{v:.3g}") if fmt == "table" else R.export(table, fmt)
    elif raw:
        if status:
            df = df[df["status"] == status]
        cols = ["job_key", "suite", "label", "status", "test_accuracy", "cv_score", "best_params", "fit_time",
                "predict_time", "total_time", "peak_memory", "error_type", "error_message"]
        table = R.flat(df) if fmt != "table" else df[cols]
        data = table.to_string(index=False) if fmt == "table" else R.export(table, fmt)
    else:
        data = R.export(R.compare(df), fmt)
    if isinstance(data, bytes):
        if output is None and sys.stdout.isatty():
            raise QBenchError("parquet is binary; write it to a file with -o FILE")
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            output.write_bytes(data)
        return 0
    if output is None:
        click.echo(data)
    else:
        output.write_text(data + ("" if data.endswith("\n") else "\n"), encoding="utf-8")
    return 0


COMMANDS = [results]
