"""``qbench bench``: time the kernel and QNN tasks on backends, with the ratio to the numpy reference."""

from __future__ import annotations

import click

from qbench.cli.core import _parse_options


@click.command()
@click.argument("task", type=click.Choice(["kernel", "qnn", "limits"]))
@click.option("--backend", "backends", multiple=True, default=("numpy",), show_default=True)
@click.option("--qubits", "qubits", multiple=True, type=int, help="Qubit counts (default: 4 8 12 for kernel, 6 for qnn).")
@click.option("--samples", type=int, help="Samples (default: 200 for kernel, 100 for qnn).")
@click.option("--layers", type=int, default=3, show_default=True, help="Ansatz layers (qnn).")
@click.option("--repeat", type=int, default=3, show_default=True)
@click.option("--mode", default="exact", show_default=True)
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE")
def bench(task, backends, qubits, samples, layers, repeat, mode, options) -> int:
    """Best-of-N seconds of TASK (kernel: ZZ reps 2 full Gram matrix; qnn: forward + gradient) and x numpy.

    ``limits`` measures the machine's memory bandwidth and matmul rate and prints the
    floor they put under the kernel task.
    """
    from qbench.cli.workloads import kernel_floor, kernel_time, machine_limits, qnn_time

    if task == "limits":
        lim = machine_limits()
        click.echo(f"memory bandwidth {lim['bandwidth_gbs']:.1f} GB/s, complex128 matmul {lim['matmul_gflops']:.1f} GFLOP/s")
        click.echo(f"{'qubits':>6} {'samples':>7} {'numpy s':>9} {'memory floor s':>15} {'matmul floor s':>15}")
        for n in qubits or (4, 8, 12, 14):
            floor = kernel_floor(n, samples or 200, lim)
            t = kernel_time("numpy", n, samples or 200, repeat)
            click.echo(f"{n:>6} {samples or 200:>7} {t:>9.4f} {floor['memory_s']:>15.4f} {floor['matmul_s']:>15.4f}")
        return 0

    opts = _parse_options(options)
    qubits = qubits or ((4, 8, 12) if task == "kernel" else (6,))
    samples = samples or (200 if task == "kernel" else 100)
    click.echo(f"{'backend':<24} {'qubits':>6} {'samples':>7} {'seconds':>10} {'x numpy':>8}")
    for n in qubits:
        if task == "kernel":
            ref = kernel_time("numpy", n, samples, repeat)
        else:
            ref = qnn_time("numpy", n, layers, samples, repeat)
        for b in backends:
            if task == "kernel":
                t = kernel_time(b, n, samples, repeat, mode=mode, **(opts if b != "numpy" else {}))
            else:
                t = qnn_time(b, n, layers, samples, repeat, mode=mode, **(opts if b != "numpy" else {}))
            click.echo(f"{b:<24} {n:>6} {samples:>7} {t:>10.4f} {t / ref:>8.1f}")
    return 0


COMMANDS = [bench]
