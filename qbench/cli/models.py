"""``qbench models``: every registered model with its task, family, paper and the backends that run it."""

from __future__ import annotations

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model instead of the table.")
def models(as_json: bool) -> int:
    """List the registered models (quantum, then classical baselines) and the backends that can run each."""
    from qbench.plugin.model_listing import model_rows

    rows = model_rows()
    if as_json:
        import json

        for row in rows:
            click.echo(json.dumps({"name": row.name, "task": row.task, "family": row.family, "paper": row.paper,
                                   "description": row.description,
                                   "backends": {b: list(modes) for b, modes in row.backends}}))
        return 0
    for row in rows:
        click.echo(f"{row.name:<24} {row.task:<8} {row.family:<12} {row.paper or '-'}")
        if row.description:
            click.echo(f"{'':<24} {row.description}")
        if row.task != "baseline":
            where = ", ".join(f"{b} ({'/'.join(modes)})" for b, modes in row.backends) or "(no installed backend)"
            click.echo(f"{'':<24} backends: {where}")
    return 0


COMMANDS = [models]
