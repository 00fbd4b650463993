"""``qbench plan``: what a suite would execute and spend, counted without running anything."""

from __future__ import annotations

import click


def _fmt(n) -> str:
    return f"{n:,}" if isinstance(n, int) else str(n)


@click.command("plan")
@click.argument("suite")
@click.option("--only", multiple=True, metavar="PATTERN", help="Only jobs whose label matches (as qbench run --only).")
@click.option("--seconds-per-shot", type=click.FloatRange(min=0, min_open=True),
              help="QPU seconds per shot for the time estimate [default: the suite's budget.seconds_per_shot, "
                   "else each device's documented timing where its plugin knows it offline].")
@click.option("--jobs", "per_job", is_flag=True, help="Also one line per quantum job.")
def plan(suite, only, seconds_per_shot, per_job) -> int:
    """Count the circuits, shots and QPU time the benchmark SUITE would use, per backend and mode; run nothing."""
    from qbench.run.plan import plan as make_plan
    from qbench.run.plan import total_shots
    from qbench.run.runner import prepare

    s, jobs = prepare(suite, list(only))
    rows, costs = make_plan(s, jobs)
    budget = s.budget or {}
    sps = seconds_per_shot or budget.get("seconds_per_shot")
    header = ("backend", "mode", "jobs", "circuits", "shots/circuit", "total shots", "max depth", "max 2q",
              "depth of", "QPU s")
    table = [header]
    for r in sorted(rows, key=lambda r: (r.backend, r.mode)):
        per = ",".join(_fmt(x) for x in sorted(r.shots)) or "-"
        seconds = r.qpu_seconds(sps) if r.total_shots else None
        qpu = "-" if seconds is None else f"{seconds:,.0f}" + ("" if sps else " (device)")
        circuits = _fmt(r.circuits) + (f" (+{r.unknown} jobs unsized)" if r.unknown else "")
        table.append((r.backend, r.mode, _fmt(r.jobs), circuits, per, _fmt(r.total_shots), _fmt(r.depth),
                      _fmt(r.two_qubit), ",".join(sorted(r.devices)) or "neutral", qpu))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    quantum = sum(r.jobs for r in rows)
    skipped = sum(1 for j in jobs if j.skip_reason)
    click.echo(f"suite {s.name}: {len(jobs)} jobs, {quantum} quantum"
               + (f", {skipped} skipped (plugin not loaded)" if skipped else "") + "; nothing executed")
    for row in table:
        click.echo("  ".join(c.rjust(w) if i >= 2 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
    shots = total_shots(rows)
    line = f"total: {shots:,} shots"
    if sps:
        line += f", about {shots * sps:,.0f} QPU seconds at {sps} s per shot"
    elif shots and all(r.qpu_seconds(None) is not None for r in rows):
        line += f", about {sum(r.qpu_seconds(None) for r in rows):,.0f} QPU seconds at the devices' documented timing"
    click.echo(line)
    if budget:
        limits = []
        if budget.get("shots") is not None:
            limits.append(f"{budget['shots']:,} shots")
        if budget.get("qpu_seconds") is not None:
            limits.append(f"{budget['qpu_seconds']:,} QPU seconds")
        from qbench.errors import QBenchError
        from qbench.run.plan import check_budget

        try:
            check_budget(s, jobs)
            verdict = "within it"
        except QBenchError as exc:
            verdict = f"qbench run refuses this suite: {exc}"
        click.echo(f"budget: {' and '.join(limits)}; {verdict}")
    if per_job:
        for job in jobs:
            cost = costs.get(job.key)
            if cost is not None:
                sized = _fmt(cost.circuits) if cost.circuits is not None else f"unsized ({cost.note})"
                dev = cost.device
                where = (f"depth {dev.depth}, {dev.two_qubit} two-qubit gates on {dev.device}"
                         + (f", {dev.seconds_per_shot * 1e6:,.1f} us per shot" if dev.seconds_per_shot else "")
                         if dev else f"depth {cost.depth}, {cost.two_qubit} two-qubit gates")
                click.echo(f"  {job.label}: {sized} circuits x {cost.shots or 0} shots, {cost.n_qubits} qubits, {where}")
    return 0


COMMANDS = [plan]
