"""What the integrity check costs when a store is opened: ``PRAGMA quick_check`` against opening without it.

    python suites/benchmarks/scripts/store_check.py --jobs 5000 --repeat 5

Fills a store with ``--jobs`` synthetic rows (those of ``dashboard.py``: kernel samples, loss curves,
tracebacks), then times ``Store(db, create=False)`` (which runs ``PRAGMA quick_check``) and the same open with
the check switched off, best of ``--repeat``; prints one line with both and the store's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from dashboard import fill  # noqa: E402


def best_open(db: Path, repeat: int, check: bool) -> float:
    """Best of ``repeat`` opens (and closes) of the store for reading, seconds."""
    import qbench.results.store as S

    real = S.check_integrity
    if not check:
        S.check_integrity = lambda conn, path: None
    try:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            S.Store(db, create=False).close()
            times.append(time.perf_counter() - t0)
        return min(times)
    finally:
        S.check_integrity = real


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=None, help="Where the store goes [default: a temporary folder].")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "check.db"
        db.unlink(missing_ok=True)
        fill(db, args.jobs)
        with_check = best_open(db, args.repeat, True)
        without = best_open(db, args.repeat, False)
        size = db.stat().st_size
    figures = {"jobs": args.jobs, "mib": size / 2**20, "open_s": with_check, "open_unchecked_s": without,
               "check_s": with_check - without}
    print(f"{args.jobs} jobs, {figures['mib']:.1f} MiB: open with quick_check {with_check * 1e3:.1f} ms, "
          f"without {without * 1e3:.1f} ms (the check costs {figures['check_s'] * 1e3:.1f} ms)")
    return figures


if __name__ == "__main__":
    main()
