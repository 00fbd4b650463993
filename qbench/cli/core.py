"""Core commands: plugins, datasets, templates, backends, check."""

from __future__ import annotations

import math

import click

from qbench.plugin import manager as P
from qbench.errors import QBenchError


def _parse_options(pairs: tuple[str, ...], option: str = "--option") -> dict:
    """``key=value`` pairs; values parsed as JSON when they can be (numbers, booleans, lists); NaN and
    infinities are refused, and so is a credential-like key (options are stored and shown)."""
    import json

    from qbench.secrets import is_secret_key

    def finite(text: str):
        raise QBenchError(f"{option} {key}: expected a finite number, got {text}")

    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise QBenchError(f"{option} expects key=value, got {pair!r}")
        if is_secret_key(key):
            raise QBenchError(f"{option} {key}: looks like a credential; credentials are never options (they "
                              f"would be shown and stored): give them through the framework's environment")
        try:
            out[key] = json.loads(value, parse_constant=finite)
        except json.JSONDecodeError:
            out[key] = value
        if isinstance(out[key], float) and not math.isfinite(out[key]):  # 1e999 parses as inf
            finite(value)
    return out


@click.command()
def plugins() -> int:
    """List plugins (name, version, availability, install hint, hooks) and the backends each registers."""
    backends_by_plugin: dict[str, list] = {}
    for entry in P.host.registries()["backend"].entries():
        backends_by_plugin.setdefault(entry.plugin, []).append(entry)
    for info in P.host.plugin_infos():
        specs = [e.obj for e in backends_by_plugin.get(info.name, [])]
        missing = sorted({m for s in specs for m in s.missing})
        if info.error:
            status = f"broken: {info.error}"
        elif missing:
            status = f"unavailable (missing {', '.join(missing)}): {specs[0].install_hint}"
        else:
            status = "available"
        hooks = ", ".join(h.removeprefix("qbench_") for h in info.hooks) or "-"
        kind = "built-in" if info.builtin else "plugin"
        click.echo(f"{info.name:<40} {info.version:<8} {kind:<8} {status}")
        click.echo(f"{'':<40} hooks: {hooks}")
    click.echo("")
    click.echo("backends:")
    for entry in P.host.registries()["backend"].entries():
        spec = entry.obj
        state = "available" if spec.available else f"unavailable (missing {', '.join(spec.missing)}; {spec.install_hint})"
        click.echo(f"  {entry.name:<22} {spec.framework:<10} plugin={entry.plugin:<36} {state}")
    return 0


@click.command()
def backends() -> int:
    """List backends with their declared modes, gradient methods and maximum qubits (no framework is imported)."""
    for entry in P.host.registries()["backend"].entries():
        spec = entry.obj
        if not spec.available:
            click.echo(f"{entry.name:<22} unavailable: {spec.install_hint}")
            continue
        caps = spec.declared()
        limits = "".join(f",{m}:{n}" for m, n in sorted(getattr(caps, "max_qubits_by_mode", {}).items()))
        click.echo(f"{entry.name:<22} modes={','.join(caps.modes):<24} gradients={','.join(caps.gradient_methods) or '-':<28} "
                   f"max_qubits={caps.max_qubits}{limits} atol={caps.atol:g}")
    return 0


@click.command()
def datasets() -> int:
    """List the registered data sets."""
    for entry in P.host.registries()["dataset"].entries():
        entry = P.dataset_entry(entry.name)
        source = entry.meta.get("source", "")
        click.echo(f"{entry.name:<20} {source:<24} {(entry.description or '').strip()}")
    return 0


@click.command()
def templates() -> int:
    """List feature maps, ansaetze and observables."""
    regs = P.host.registries()
    for kind in P.TEMPLATE_KINDS:
        click.echo(f"{kind.replace('_', ' ')}s:")
        for entry in regs[kind].entries():
            click.echo(f"  {entry.name:<22} {entry.description}")
    from qbench.models.projected import KERNEL_DESCRIPTIONS

    click.echo('kernels (kind = "kernel" models: params.kernel, any feature map):')
    for name, description in KERNEL_DESCRIPTIONS.items():
        click.echo(f"  {name:<22} {description}")
    return 0


@click.command()
@click.argument("backend")
@click.option("--mode", "modes", multiple=True, help="Mode to check (repeatable); default: every declared mode the kit covers.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE", help="Backend option, e.g. device=fake_manila.")
@click.option("--noise", default=None, metavar="p1=P,p2=P,p_meas=P",
              help="Noise of the noisy-mode checks (default: the kit's), e.g. p1=0.01,p2=0.02,p_meas=0.01.")
@click.option("-v", "--verbose", is_flag=True, help="Print every check, not just failures.")
def check(backend: str, modes: tuple[str, ...], options: tuple[str, ...], noise: str | None, verbose: bool) -> int:
    """Run the conformance kit on BACKEND; exit 0 only when every check passes."""
    from qbench.backends.noise import parse_noise
    from qbench.testing import backend_checks, run_checks

    opts = _parse_options(options)
    if noise is not None:
        if modes and "noisy" not in modes:
            raise QBenchError("--noise applies only to noisy mode; add --mode noisy")
        opts["noise"] = parse_noise(noise).as_dict()
    elif "noise" in opts:
        opts["noise"] = parse_noise(opts["noise"]).as_dict()
    checks = backend_checks(backend, list(modes) or None, opts)
    counts = {"pass": 0, "fail": 0}
    for chk, status, message in run_checks(checks):
        counts["pass" if status == "pass" else "fail"] += 1
        if status != "pass" or verbose:
            line = f"{status.upper():<5} {chk.id}"
            click.echo(line + (f": {message}" if message else ""))
    click.echo(f"qbench check {backend}: {counts['pass']} of {len(checks)} checks passed")
    return 0 if counts["fail"] == 0 else 1


COMMANDS = [plugins, backends, datasets, templates, check]
