"""What refusing wide data costs (docs/performance.md, "Refusing wide data"; not a test: pytest does not collect it).

    python suites/benchmarks/scripts/bad_data.py [COLUMNS ...]     # default: 1000 10000

For each width, a 40-row CSV of that many feature columns is written to a temporary folder and
``qbench evaluate --data FILE`` is run under ``/usr/bin/time -v`` with a 3 GB address-space limit
(``ulimit -v``), so a run that would allocate more stops there instead of taking the machine.
Prints one JSON line per width: exit code, the error line, wall seconds and peak RSS in MB.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ADDRESS_SPACE_KB = 3_000_000


def write_wide_csv(path: Path, columns: int, rows: int = 40) -> Path:
    """``rows`` samples of ``columns`` features in [0, 1) and a 0/1 label last."""
    rng = np.random.default_rng(0)
    data = np.column_stack([rng.random((rows, columns)), np.arange(rows) % 2])
    np.savetxt(path, data, delimiter=",", fmt="%.6f")
    return path


def measure(columns: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        csv = write_wide_csv(Path(tmp) / f"wide{columns}.csv", columns)
        command = f"ulimit -v {ADDRESS_SPACE_KB}; /usr/bin/time -v qbench evaluate --data {csv}"
        out = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp)
    err = out.stderr
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", err)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))) if wall else None
    error = next((line for line in err.splitlines() if line.startswith("Error:") or line.endswith("Error")), "")
    return {"columns": columns, "exit": out.returncode, "error": error[:120], "traceback": "Traceback" in err,
            "seconds": seconds, "peak_rss_mb": int(rss.group(1)) / 1000 if rss else None}


if __name__ == "__main__":
    for width in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        print(json.dumps(measure(width)))
