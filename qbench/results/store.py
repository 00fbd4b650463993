"""The results store: one SQLite file (default ``.qbench/results.db``), one row per job, WAL mode.

Rows are keyed by the job key, so re-running or resuming a suite replaces a row and never
duplicates it.  Every row is written in its own short transaction as soon as the job
finishes, so a killed runner loses at most the jobs that were still running.  The file
carries ``PRAGMA application_id`` (qbench) and ``PRAGMA user_version`` (the number of
:mod:`qbench.results.migrations` applied); an older store is migrated when opened for
writing, any other SQLite file, or one from a newer qbench, is refused without being
modified and without a file appearing beside it.  Reading never writes: an older store is
migrated in a copy in memory; a store that cannot be written (a read-only mount) is opened
read-only for reading, and refused for running.  A store with damaged pages is refused by
readers and writers alike (``PRAGMA quick_check`` at open).

A runner claims a job before running it: a placeholder row (status ``running``) or the
existing row gets a lease (owner, expiry) that the runner renews while the job runs; a
lease expires when it is not renewed, or at once when its owner is a dead process on this
host.  Readers never see placeholder rows.

The ``remote_jobs`` table is the remote job journal (:mod:`qbench.run.journal`): each hardware
submission's remote id, written by the worker before it waits for the result, so a re-run
re-attaches to it instead of paying for it again.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import socket
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterable

from qbench.errors import QBenchError
from qbench.results.migrations import MIGRATIONS, V1_COLUMNS, V2_COLUMNS, migrate, time_split
from qbench.suite.jobs import config_id, job_key

DEFAULT_DB = Path(".qbench") / "results.db"
#: 'qbnc' -- marks a SQLite file as a qbench results store.
APPLICATION_ID = 0x71626E63
SCHEMA_VERSION = len(MIGRATIONS)
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 60_000
STATUSES = ("done", "failed", "skipped")
#: Bytes a runner holds beside the store while it runs (:meth:`Store.reserve`), freed to release its leases
#: when the disk fills up.
RESERVE_BYTES = 512 * 1024
#: Status of a claimed job's placeholder row until its result replaces it.
RUNNING = "running"

#: Column name -> SQLite type.  JSON columns hold text; ``load`` decodes them.
COLUMNS: dict[str, str] = dict(V1_COLUMNS + V2_COLUMNS)
JSON_COLUMNS = tuple(c for c, t in COLUMNS.items() if t == "JSON")
TIME_SPLIT = ("quantum_time", "classical_time", "overhead_time")


class StoreError(QBenchError):
    """A results store that cannot be used (not a qbench store, a newer schema, unreadable, damaged, read-only)."""


class StoreWriteError(StoreError):
    """A write to an open store failed (disk full, I/O error, pages damaged since it was opened)."""


def _writes(method):
    """Turn SQLite's and the OS's errors in a store write into one :class:`StoreWriteError` naming the store."""
    @functools.wraps(method)
    def write(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            raise StoreWriteError(f"cannot write results store {self.path}: {describe(exc)}") from None
    return write


def _header_version(path: Path, header: bytes) -> int:
    """Schema version from the 100-byte SQLite header, refusing other applications' files."""
    app_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    wal = Path(str(path) + "-wal")
    live_wal = wal.exists() and wal.stat().st_size > 0  # the newest header may still be in the WAL
    being_created = app_id == 0 and header[18] == 1  # rollback mode, unmarked: maybe another runner's first commit
    if live_wal or being_created:  # ask SQLite, which waits for the writer (and adds no file in either case)
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                version = conn.execute("PRAGMA user_version").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise StoreError(f"{path} cannot be read as a qbench results store: {exc}") from None
    if app_id != APPLICATION_ID:
        raise StoreError(f"{path} is an SQLite database but not a qbench results store; choose another file with --db")
    return version


def inspect_file(path: Path) -> int | None:
    """Schema version of an existing store (``None`` for a missing or empty file); refuses foreign files.

    Reads the file's header without opening it with SQLite (unless a live WAL holds a newer
    header), so a refused file is left byte-for-byte unchanged and no ``-wal``/``-shm`` appears.
    """
    path = Path(path)
    if not path.exists():
        return None
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a qbench results store")
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read results store {path}: {exc}") from None
    if not header:
        return None
    if not header.startswith(SQLITE_MAGIC) or len(header) < 100:
        raise StoreError(f"{path} is not a qbench results store (not an SQLite database); "
                         "choose another file with --db")
    version = _header_version(path, header)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} was written by a newer qbench (store schema {version}; this qbench reads up to "
                         f"{SCHEMA_VERSION}); upgrade qbench or use another --db")
    return version


def writable(path: Path) -> bool:
    """Whether the store file and its folder can be written (SQLite needs both for its journal)."""
    folder = path.resolve().parent
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def lease_owner() -> str:
    """``host:pid:token`` -- one runner's name on the leases it holds."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def owner_alive(owner: str) -> bool:
    """False only for an owner that is a dead process on this host (its lease is void at once)."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    """An open results store.  Safe to use from several processes at once (WAL, busy timeout) and threads (a lock).

    ``create=False`` opens an existing store for reading and never writes it: one that cannot be
    written is opened read-only (``readonly``), an older one is copied into memory and migrated
    there, a current one is read as it is (its journal mode included).  Only a writer
    (``create=True``, ``qbench run``) migrates the file.  Every open runs ``PRAGMA quick_check``
    and refuses a damaged file before reading or writing it.  Opening for writing a store that
    cannot be written raises :class:`StoreError`; one that cannot be created leaves no file behind.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, create: bool = True) -> None:
        self.path = Path(path)
        self.lock = threading.RLock()
        version = inspect_file(self.path)
        if version is None and not create:
            raise StoreError(f"no results store at {self.path}; run a suite first (qbench run SUITE --db {self.path})")
        self.readonly = version is not None and not writable(self.path)
        if self.readonly and create:
            raise StoreError(f"results store {self.path} is read-only (its file or folder cannot be written); "
                             "qbench run needs a writable store: copy it somewhere writable or choose another --db")
        if not create and (self.readonly or version < SCHEMA_VERSION):
            # reading never writes: an older store is migrated in a copy in memory, the file is left as it is
            self.conn = self._open_for_reading(version)
            self.version = SCHEMA_VERSION if version < SCHEMA_VERSION else version
            return
        created = [p for p in self._files() if not p.exists()]
        made_folder = None if version is not None else _missing_folder(self.path.parent)
        try:
            if version is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if version is not None:
                try:
                    check_integrity(self.conn, self.path)  # before anything is written into a damaged file
                except StoreError:
                    self.conn.close()
                    raise
            if version is None or version < SCHEMA_VERSION:
                self._initialise()
            if create or version is None or version < SCHEMA_VERSION:
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as exc:
            if getattr(self, "conn", None) is not None:
                self.conn.close()
            if version is None:  # a store that could not be created leaves no empty file (or folder) behind
                _remove_created(created, made_folder)
            raise StoreError(f"cannot {'create' if version is None else 'open'} results store {self.path}: "
                             f"{describe(exc)}") from None
        self.version = SCHEMA_VERSION

    def _files(self) -> list[Path]:
        return [self.path] + [Path(f"{self.path}{s}") for s in ("-wal", "-shm", "-journal")]

    def _open_for_reading(self, version: int) -> sqlite3.Connection:
        """A connection that cannot write the file: read-only, or (an older store) a migrated copy in memory."""
        try:
            if self.readonly:
                conn = self._open_readonly()
            else:  # as every reader of a writable store: a connection that issues no write (and leaves no -wal)
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            try:
                check_integrity(conn, self.path)
            except StoreError:
                conn.close()
                raise
            if version >= SCHEMA_VERSION:
                return conn
            memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            try:
                conn.backup(memory)
            finally:
                conn.close()
            memory.execute("BEGIN")
            migrate(memory)
            memory.execute("COMMIT")
            return memory
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read results store {self.path}: {describe(exc)}") from None

    def _open_readonly(self) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error:
            conn.close()
        # a WAL store on a read-only mount has no -shm to share: nobody writes there
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn

    def _initialise(self) -> None:
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:  # another process got there first
                return
            migrate(self.conn)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def transaction(self):
        return _Transaction(self.conn, self.lock)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _columns(self) -> set[str]:
        return {r[1] for r in self.conn.execute("PRAGMA table_info(jobs)")}

    # ------------------------------------------------------------ writing
    @_writes
    def record(self, row: dict) -> None:
        """Insert or replace one job's row (columns not given are NULL; the time split derived when not given).

        Replacing a claimed job's row releases its lease.
        """
        unknown = set(row) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown store columns: {sorted(unknown)}")
        row = dict(row)
        if row.get("config_id") is None and isinstance(row.get("config"), dict):
            row["config_id"] = config_id(row["config"])
        for k, v in time_split(row).items():
            if row.get(k) is None:
                row[k] = v
        row["lease_owner"] = row["lease_expires"] = None
        cols = list(COLUMNS)
        values = [_encode(c, row.get(c)) for c in cols]
        sql = f"INSERT OR REPLACE INTO jobs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        with self.transaction():
            self.conn.execute(sql, values)

    @_writes
    def define(self, suite: str, config_ids: Iterable[str]) -> str:
        """Record that ``suite`` is now defined by these configurations (its latest definition); returns its hash."""
        ids = sorted(set(config_ids))
        definition = job_key(ids)
        now = time.time()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO suite_definitions VALUES (?, ?, ?, ?, ?) ON CONFLICT (suite, definition) "
                "DO UPDATE SET last_run = excluded.last_run", (suite, definition, json.dumps(ids), now, now))
        return definition

    def current_configs(self) -> dict[str, set[str]]:
        """suite -> the configuration ids of its latest definition (suites never defined are absent)."""
        try:
            cur = self.conn.execute("SELECT suite, config_ids FROM suite_definitions ORDER BY last_run, rowid")
        except sqlite3.OperationalError:  # a v1 store opened read-only
            return {}
        return {suite: set(json.loads(ids)) for suite, ids in cur.fetchall()}

    # ------------------------------------------------------------ leases
    @_writes
    def claim(self, key: str, suite: str, label: str, config: str, owner: str, seconds: float,
              since: str, rerun: bool = False) -> str:
        """Try to take the job ``key`` for ``owner`` for ``seconds``: ``claimed``, ``held`` (by another live
        runner) or ``done`` (done already, or finished by another runner since ``since``, an ISO time)."""
        now = time.time()
        with self.transaction():
            row = self.conn.execute("SELECT status, lease_owner, lease_expires, finished_at FROM jobs "
                                    "WHERE job_key = ?", (key,)).fetchone()
            if row is None:
                self.conn.execute("INSERT INTO jobs (job_key, suite, label, status, config_id, lease_owner, "
                                  "lease_expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  (key, suite, label, RUNNING, config, owner, now + seconds))
                return "claimed"
            status, holder, expires, finished = row
            if holder and holder != owner and expires is not None and expires > now and owner_alive(holder):
                return "held"
            if status != RUNNING and ((status == "done" and not rerun) or (finished or "") >= since):
                return "done"
            self.conn.execute("UPDATE jobs SET lease_owner = ?, lease_expires = ? WHERE job_key = ?",
                              (owner, now + seconds, key))
            return "claimed"

    @_writes
    def renew(self, owner: str, seconds: float) -> int:
        """Extend every lease ``owner`` holds; the number renewed."""
        with self.transaction():
            return self.conn.execute("UPDATE jobs SET lease_expires = ? WHERE lease_owner = ?",
                                     (time.time() + seconds, owner)).rowcount

    @_writes
    def release(self, owner: str) -> None:
        """Give up ``owner``'s leases: placeholders go, rows with an earlier result keep it."""
        with self.transaction():
            self.conn.execute("DELETE FROM jobs WHERE lease_owner = ? AND status = ?", (owner, RUNNING))
            self.conn.execute("UPDATE jobs SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner = ?",
                              (owner,))

    # ------------------------------------------------------------ remote job journal
    @_writes
    def record_remote_job(self, job_key: str, submission: str, backend: str, remote_id: str) -> None:
        """Journal a hardware submission of job ``job_key`` before its result is awaited (replaces an earlier one)."""
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO remote_jobs VALUES (?, ?, ?, ?, 'submitted', ?, NULL)",
                              (job_key, submission, backend, remote_id, time.time()))

    @_writes
    def finish_remote_job(self, job_key: str, submission: str, status: str, message: str | None = None) -> None:
        """Mark a journalled submission ``done`` (its result came back) or ``failed`` (with the provider's message)."""
        with self.transaction():
            self.conn.execute("UPDATE remote_jobs SET status = ?, message = ? WHERE job_key = ? AND submission = ?",
                              (status, message, job_key, submission))

    def reserve(self, size: int = RESERVE_BYTES) -> Path:
        """A file of ``size`` bytes beside the store, held while a runner runs so that on a full disk it can be
        deleted to make room for releasing the runner's leases; reserves of dead runners on this host go first."""
        host = socket.gethostname()
        for stale in self.path.parent.glob(f"{self.path.name}-reserve-{host}-*"):
            if not owner_alive(f"{host}:{stale.name.rpartition('-')[2]}"):
                stale.unlink(missing_ok=True)
        path = self.path.with_name(f"{self.path.name}-reserve-{host}-{os.getpid()}")
        try:
            with open(path, "wb") as fh:
                fh.write(b"\0" * size)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            path.unlink(missing_ok=True)
            raise StoreWriteError(f"cannot write results store {self.path}: {describe(exc)}") from None
        return path

    # ------------------------------------------------------------ reading
    def statuses(self, keys: Iterable[str] | None = None) -> dict[str, str]:
        """job key -> status, for the given keys (or every row); claimed jobs without a result are ``running``."""
        with self.lock:
            if keys is None:
                return dict(self.conn.execute("SELECT job_key, status FROM jobs").fetchall())
            keys = list(keys)
            out: dict[str, str] = {}
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                q = f"SELECT job_key, status FROM jobs WHERE job_key IN ({', '.join('?' * len(chunk))})"
                out.update(self.conn.execute(q, chunk).fetchall())
            return out

    def rows(self, suite: str | None = None, keys: Iterable[str] | None = None) -> list[dict]:
        """Rows with a result, as dicts with JSON columns decoded (placeholders of running jobs left out)."""
        q, args = "SELECT * FROM jobs WHERE status != ?", [RUNNING]
        if suite is not None:
            q, args = q + " AND suite = ?", args + [suite]
        with self.lock:
            cur = self.conn.execute(q + " ORDER BY rowid", args)
            names = [d[0] for d in cur.description]
            values = cur.fetchall()
        wanted = None if keys is None else set(keys)
        out = []
        for vals in values:
            row = dict(zip(names, vals))
            if wanted is not None and row["job_key"] not in wanted:
                continue
            for c in JSON_COLUMNS:
                if row.get(c) is not None:
                    row[c] = json.loads(row[c])
            out.append(row)
        return out

    def remote_jobs(self, job_key: str | None = None) -> list[dict]:
        """Journalled remote jobs (of one job, or all) in submission order, as dicts."""
        q, args = "SELECT * FROM remote_jobs", []
        if job_key is not None:
            q, args = q + " WHERE job_key = ?", [job_key]
        with self.lock:
            cur = self.conn.execute(q + " ORDER BY submitted_at, rowid", args)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, values)) for values in cur.fetchall()]

    def suites(self) -> list[str]:
        with self.lock:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT suite FROM jobs WHERE status != ? ORDER BY suite",
                                                    (RUNNING,))]


def describe(exc: BaseException) -> str:
    """What went wrong with the file, in words a user can act on."""
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return f"{text} (the file is damaged; restore it from a copy or choose another --db)"
    if "disk is full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
        return "the disk is full (free some space, or choose another --db)"
    return text


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a store with damaged pages (``PRAGMA quick_check``) before anything reads or writes its rows."""
    try:
        result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result != "ok":
        raise StoreError(f"results store {path} is damaged ({result}); restore it from a copy or choose another "
                         "--db (qbench writes nothing into a damaged store)")


def _missing_folder(folder: Path) -> Path | None:
    """The outermost folder of ``folder``'s path that does not exist yet (``None`` when it exists)."""
    missing = None
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        missing = parent
    return missing


def _remove_created(files: list[Path], folder: Path | None) -> None:
    for p in files:
        try:
            p.unlink()
        except OSError:
            pass
    if folder is not None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: takes the write lock up front so concurrent writers queue, not deadlock."""

    def __init__(self, conn: sqlite3.Connection, lock) -> None:
        self.conn = conn
        self.lock = lock

    def __enter__(self):
        self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.conn

    def __exit__(self, exc_type, *rest) -> None:
        try:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


def _encode(column: str, value):
    if value is None:
        return None
    if COLUMNS[column] == "JSON":
        return json.dumps(value, sort_keys=True, default=str)
    if COLUMNS[column] == "REAL":
        return float(value)
    if COLUMNS[column] == "INTEGER":
        return int(value)
    return str(value)


def default_db() -> Path:
    """``$QBENCH_DB`` if set, else ``.qbench/results.db`` under the current directory."""
    return Path(os.environ.get("QBENCH_DB", DEFAULT_DB))
