"""Compare one commit's asv results between two environments of the version matrix.

    python suites/benchmarks/_compare_envs.py pennylane0.45.0 pennylane0.45.1
    python suites/benchmarks/_compare_envs.py qiskit2.5.2 qiskit2.6.2 --bench qsvm --factor 1.2

``OLD`` and ``NEW`` pick environments by a substring of their names (as asv prints them,
e.g. ``virtualenv-py3.11-pennylane0.45.0-qiskit2.6.2``).  For every benchmark and parameter
combination both environments ran, it prints the two values and the ratio new/old, and
marks those beyond ``--factor``.  The exit status is 1 when something got worse (slower,
more memory, more circuits, lower accuracy) by more than the factor.  ``asv compare``
compares commits; this compares environments (docs/asv.md).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _worse(name: str, ratio: float, factor: float) -> bool:
    """Higher is better for accuracy, lower for everything else."""
    if name.rsplit(".", 1)[-1] == "track_test_accuracy":
        return ratio < 1 / factor
    return ratio > factor


def _pick(results, pattern: str):
    hits = [r for r in results if pattern in r.env_name]
    if len(hits) != 1:
        names = ", ".join(sorted(r.env_name for r in results)) or "(none)"
        what = "no environment" if not hits else f"{len(hits)} environments"
        raise SystemExit(f"{what} matching {pattern!r} among the results for this commit: {names}")
    return hits[0]


def compare(old, new, units: dict, bench: str | None, factor: float) -> tuple[list[list[str]], int]:
    from asv import util

    rows, worse = [], 0
    for key in sorted(set(old.get_all_result_keys()) & set(new.get_all_result_keys())):
        params = old.get_result_params(key)
        if params != new.get_result_params(key):
            continue
        a, b = old.get_result_value(key, params), new.get_result_value(key, params)
        if not params:
            a, b, combos = [a], [b], [()]
        else:
            combos = list(itertools.product(*params))
        for combo, x, y in zip(combos, a, b):
            label = f"{key}({', '.join(combo)})" if combo else key
            if bench and not re.search(bench, label):
                continue
            if x is None or y is None or (isinstance(x, float) and math.isnan(x)) or (isinstance(y, float) and math.isnan(y)):
                continue
            ratio = y / x if x else (1.0 if y == x else math.inf)
            bad = _worse(key, ratio, factor)
            worse += bad
            mark = "worse" if bad else ("better" if _worse(key, 1 / ratio if ratio else math.inf, factor) else "")
            unit = units.get(key, "unit")
            rows.append([label, util.human_value(x, unit), util.human_value(y, unit), f"{ratio:.2f}", mark])
    return rows, worse


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", help="substring of the reference environment's name, e.g. pennylane0.45.0")
    parser.add_argument("new", help="substring of the compared environment's name, e.g. pennylane0.45.1")
    parser.add_argument("--commit", default="HEAD", help="the commit whose results are compared (default: HEAD)")
    parser.add_argument("--machine", help="asv machine name (default: the only one with results for the commit)")
    parser.add_argument("--bench", help="regular expression on 'benchmark(params)'")
    parser.add_argument("--factor", type=float, default=1.1, help="ratio beyond which a change is marked (1.1)")
    parser.add_argument("--config", default=str(ROOT / "asv.conf.json"))
    args = parser.parse_args(argv)

    from asv.benchmarks import Benchmarks
    from asv.config import Config
    from asv.results import get_result_hash_from_prefix, iter_results_for_machine_and_hash

    os.chdir(Path(args.config).resolve().parent)
    conf = Config.load(args.config)
    commit = subprocess.run(["git", "rev-parse", args.commit], capture_output=True, text=True, check=True).stdout.strip()
    results_dir = Path(conf.results_dir)
    machines = [args.machine] if args.machine else sorted(
        p.name for p in results_dir.iterdir() if p.is_dir() and get_result_hash_from_prefix(str(results_dir), p.name, commit[:8]))
    if len(machines) != 1:
        raise SystemExit(f"results for {commit[:8]} on machines {machines or '(none)'}: pick one with --machine")
    results = list(iter_results_for_machine_and_hash(str(results_dir), machines[0], commit))
    old, new = _pick(results, args.old), _pick(results, args.new)
    try:
        units = {name: b.get("unit", "unit") for name, b in Benchmarks.load(conf).items()}
    except Exception:  # noqa: BLE001 - units only format the values
        units = {}

    rows, worse = compare(old, new, units, args.bench, args.factor)
    print(f"commit {commit[:8]} on {machines[0]}\n  old: {old.env_name}\n  new: {new.env_name}\n")
    header = ["benchmark", "old", "new", "new/old", ""]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for r in [header] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    print(f"\n{len(rows)} compared, {worse} worse by more than a factor {args.factor}")
    return 1 if worse else 0


if __name__ == "__main__":
    sys.exit(main())
