"""``qbench bench``: time the kernel and QNN tasks on backends, with the ratio to the numpy reference."""

from __future__ import annotations

import click

from qbench.cli.core import _parse_options
from qbench.errors import QBenchError

REFERENCE = "numpy"
#: The most rounds of timing (a benchmark that needs more has a noise problem, not too few rounds).
MAX_REPEAT = 1000


class BenchError(QBenchError):
    """A ``qbench bench`` value that cannot be measured (no repeats, no samples, a width no backend takes)."""


def check_values(backends, qubits, samples: int, layers: int, repeat: int) -> None:
    """One-line errors for values that would time nothing or could never run."""
    from qbench.circuits.bounds import MAX_REPETITIONS
    from qbench.datasets import MAX_SAMPLES
    from qbench.plugin import manager as P

    if not 1 <= repeat <= MAX_REPEAT:
        raise BenchError(f"--repeat must be at least 1 and at most {MAX_REPEAT}, got {repeat}")
    if not 1 <= samples <= MAX_SAMPLES:
        raise BenchError(f"--samples must be at least 1 and at most {MAX_SAMPLES:,}, got {samples}")
    if not 1 <= layers <= MAX_REPETITIONS:
        raise BenchError(f"--layers must be at least 1 and at most {MAX_REPETITIONS}, got {layers}")
    for n in qubits:
        if n < 1:
            raise BenchError(f"--qubits must be at least 1, got {n}")
    for b in dict.fromkeys((REFERENCE, *backends)):
        spec = P.backend_spec(b)
        if not spec.available:
            raise BenchError(f"backend {b!r} is not available here (missing {', '.join(spec.missing)}); "
                             f"install with: {spec.install_hint}")
        limit = spec.load().capabilities.max_qubits
        if max(qubits) > limit:
            raise BenchError(f"--qubits {max(qubits)} is above backend {b!r}'s maximum of {limit}")


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

    numpy and every backend are timed in turn within each of the N rounds, so the numpy row is
    1.00 by construction and the ratios hold on a busy machine.  ``limits`` measures the
    machine's memory bandwidth and matmul rate and prints the floor they put under the kernel task.
    """
    from qbench.cli.workloads import interleaved, kernel_floor, kernel_step, machine_limits, qnn_step

    samples = samples if samples is not None else (100 if task == "qnn" else 200)
    qubits = qubits or ((4, 8, 12, 14) if task == "limits" else (4, 8, 12) if task == "kernel" else (6,))
    check_values(backends, qubits, samples, layers, repeat)
    if task == "limits":
        lim = machine_limits()
        click.echo(f"memory bandwidth {lim['bandwidth_gbs']:.1f} GB/s, complex128 matmul {lim['matmul_gflops']:.1f} GFLOP/s")
        click.echo(f"{'qubits':>6} {'samples':>7} {'numpy s':>9} {'memory floor s':>15} {'matmul floor s':>15}")
        for n in qubits:
            floor = kernel_floor(n, samples, lim)
            t = interleaved({REFERENCE: kernel_step(REFERENCE, n, samples)}, repeat)[REFERENCE]
            click.echo(f"{n:>6} {samples:>7} {t:>9.4f} {floor['memory_s']:>15.4f} {floor['matmul_s']:>15.4f}")
        return 0

    opts = _parse_options(options)
    # Every backend is opened (and its mode and options checked) before anything is printed; numpy, the
    # reference, runs the same mode (without the other backends' framework options).
    rounds = []
    for n in qubits:
        steps = {}
        for b in dict.fromkeys((REFERENCE, *backends)):
            extra = {} if b == REFERENCE else opts
            steps[b] = (kernel_step(b, n, samples, mode=mode, **extra) if task == "kernel"
                        else qnn_step(b, n, layers, samples, mode=mode, **extra))
        rounds.append((n, steps))
    click.echo(f"{'backend':<24} {'qubits':>6} {'samples':>7} {'seconds':>10} {'x numpy':>8}")
    for n, steps in rounds:
        best = interleaved(steps, repeat)
        for b in dict.fromkeys(backends):
            click.echo(f"{b:<24} {n:>6} {samples:>7} {best[b]:>10.4f} {best[b] / best[REFERENCE]:>8.2f}")
    return 0


COMMANDS = [bench]
