"""``qbench report`` (the static dashboard site) and ``qbench draw`` (circuit diagrams of templates)."""

from __future__ import annotations

from pathlib import Path

import click

from qbench.cli.core import _parse_options

DEFAULT_SITE = Path(".qbench") / "site"


@click.command()
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store [default: $QBENCH_DB or .qbench/results.db].")
@click.option("--suite", help="Only this suite [default: every suite in the store].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_SITE, show_default=True,
              help="Folder to write the site to (created; an existing one must be a qbench site or empty).")
@click.option("--serve", is_flag=True, help="After building, serve the site on http://127.0.0.1 until Ctrl-C.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port for --serve (0: any free port).")
def report(db, suite, out, serve, port) -> int:
    """Write the comparison dashboard: a static HTML site that works from file:// and any static host.

    index.html lists the suites, job counts and environments; one page per suite has the
    sortable comparison table, the accuracy, runtime, kernel and QNN plots, circuit
    diagrams and the failures.  plotly.js is copied from the installed plotly package;
    the pages load nothing from any other host.
    """
    from qbench.cli import check_output_path
    from qbench.errors import QBenchError
    from qbench.report import build_site
    from qbench.results.store import default_db

    check_output_path(out, "--out", folder=True)
    db = db or default_db()
    try:
        site = build_site(db, out, suite)
    except OSError as exc:  # e.g. --out /proc/x: the folder passes the checks above, the kernel refuses it
        raise QBenchError(f"--out {out}: cannot write the site: {exc.strerror or exc}") from None
    size = site.size_bytes() / 2**20
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in site.timings.items())
    click.echo(f"wrote {len(site.pages)} pages ({len(site.suites)} suites, {size:.1f} MiB) to {out} "
               f"in {site.seconds:.1f} s ({phases}); open {site.index}", err=True)
    if serve:
        from qbench.report.serve import serve as serve_site

        serve_site(out, port, echo=lambda line: click.echo(line, err=False))
    return 0


@click.command()
@click.argument("template")
@click.option("--qubits", type=int, required=True, help="Number of qubits.")
@click.option("--backend", help="Draw with this backend's framework (qiskit, pennylane, cirq); default: qbench's text diagram.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE: .svg or .png for an image, .txt for text [default: print text].")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Template parameter (repeatable), e.g. --param reps=1 --param entanglement=linear.")
def draw(template, qubits, backend, out, params) -> int:
    """Draw a feature map or ansatz (TEMPLATE, e.g. zz, iqp, hea; ansatz:NAME when a name is both)."""
    from qbench.circuits.drawing import draw as draw_circuit
    from qbench.circuits.drawing import format_for, template_circuit, write

    options = _parse_options(params, "--param")
    kind, circuit = template_circuit(template, qubits, options)
    fmt = format_for(out) if out is not None else "text"
    title = f"{kind.replace('_', ' ')} {template} on {qubits} qubits"
    result = draw_circuit(circuit, fmt, backend=backend, title=title)
    if out is None:
        click.echo(result)
    else:
        write(result, out)
        click.echo(f"wrote {out}", err=True)
    return 0


COMMANDS = [report, draw]
