"""Stores on a read-only mount: reading works without writing, running says so in one line (exit 2).

The mount is real: a read-only bind mount in a private mount namespace (``unshare -m``); skipped where that is
not permitted.
"""

from __future__ import annotations

import io
import shlex
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from results_helpers import sql, suite, v1_copy

from qbench.results.store import Store


def _can_mount_readonly(tmp) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount --bind {tmp} {tmp} && "
                            f"mount -o remount,ro,bind {tmp} {tmp} && ! touch {tmp}/x"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture
def readonly(tmp_path):
    """Run ``qbench ARGS`` with ``tmp_path/ro`` mounted read-only; returns (exit code, stdout, stderr)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if not _can_mount_readonly(folder):
        pytest.skip("cannot make a read-only bind mount here (needs unshare -m and mount)")

    def run(*args):
        command = " ".join(shlex.quote(str(a)) for a in [sys.executable, "-m", "qbench", *args])
        script = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} {folder} && {command}"
        done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300)
        return done.returncode, done.stdout, done.stderr
    run.folder = folder
    return run


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in err, err
    return lines[0]


@pytest.mark.slow
def test_running_into_a_new_store_in_a_read_only_folder(readonly, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(suite("ro", seeds=[0]))
    code, out, err = readonly("run", path, "--db", readonly.folder / "new.db")
    assert code == 2 and "cannot create results store" in one_line(err)
    assert list(readonly.folder.iterdir()) == []


@pytest.mark.slow
def test_a_store_on_a_read_only_mount_is_read_but_not_run_into(readonly, cli, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(suite("ro", seeds=[0, 1]))
    db = readonly.folder / "r.db"
    assert cli("run", path, "--db", db)[0] == 0
    with Store(db):  # a WAL store as a runner leaves it (the last connection checkpoints and removes -wal/-shm)
        pass
    files = sorted(p.name for p in readonly.folder.iterdir())
    code, out, err = readonly("results", "--db", db)
    assert code == 0 and "qsvm" in out and "svc_linear" in out and "too few seeds (n=2)" in out, err
    code, out, err = readonly("results", "--db", db, "--jobs", "--format", "csv")
    assert code == 0 and len(pd.read_csv(io.StringIO(out))) == 4, err
    code, out, err = readonly("run", path, "--db", db)
    assert code == 2 and "is read-only" in one_line(err)
    assert sorted(p.name for p in readonly.folder.iterdir()) == files


@pytest.mark.slow
def test_a_v1_store_on_a_read_only_mount_is_read_without_migrating(readonly):
    db = v1_copy(readonly.folder)
    data = db.read_bytes()
    code, out, err = readonly("results", "--db", db, "--format", "json")
    assert code == 0, err
    assert '"config_id"' in out and '"seeds":2' in out.replace(" ", "")
    assert db.read_bytes() == data and sql(db, "PRAGMA user_version") == [(1,)]
