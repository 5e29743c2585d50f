"""What earlier builds computed, kept outside the site so a build does not compute it again.

One SQLite file (`.booklet-cache/cache.sqlite3` beside the site by default). Every entry is
keyed by a hash of its inputs and of the generator itself (its code, and the versions of the
libraries that shape its output), so a change to either simply misses; the folder is safe to
delete at any time. Entries another version of the generator made can never be used again: they
are removed when the cache is opened. A cache that cannot be opened or written is left aside:
the build goes on without it.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import operator
import os
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

log = logging.getLogger(__name__)
FOLDER = ".booklet-cache"
BATCH = 500  # values pickled into the cache at a time: memory stays flat


def _fingerprint() -> str:
    """Return a hash of what shapes a cached value besides its inputs: our code, the libraries."""
    from importlib import metadata
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    for package in ("markdown", "nh3", "pypinyin", "zxing-cpp", "jinja2", "pagefind", "weasyprint"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()


FINGERPRINT = _fingerprint()


def key(*parts: object) -> str:
    """Return the key of a value computed from `parts` by this generator."""
    digest = hashlib.sha256(FINGERPRINT.encode())
    for part in parts:  # text as it is (the commonest part, and long), anything else as repr() writes it
        digest.update(b"s" + part.encode("utf-8", "surrogatepass") if isinstance(part, str)
                      else b"r" + repr(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


# The entries' columns. Which generator made an entry (FINGERPRINT) comes before the value, so
# that finding another's entries reads no value.
_COLUMNS = {"kind": "kind TEXT", "key": "key TEXT", "made_by": "made_by TEXT", "value": "value BLOB"}


class Cache:
    """A store of pickled values by kind and key."""

    def __init__(self, folder: Path | None, sweep: bool = True):
        self.db: sqlite3.Connection | None = None
        self.folder, self._pid, self._forked = folder, os.getpid(), None
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(folder / "cache.sqlite3", timeout=30)
            columns = [row[1] for row in self.db.execute("PRAGMA table_info(entries)")]
            if columns and columns != list(_COLUMNS):  # made by an earlier generator: of no use
                self.db.execute("DROP TABLE entries")
            self.db.execute(f"CREATE TABLE IF NOT EXISTS entries ({', '.join(_COLUMNS.values())}, "
                            "PRIMARY KEY (kind, key))")
            self.db.execute("CREATE INDEX IF NOT EXISTS by_generator ON entries (made_by)")
            if sweep:  # (a forked worker's connection leaves that to the build that forked it)
                with self.db:
                    # Two ranges, not !=, so that the index answers (at once when nothing is old).
                    self.db.execute("DELETE FROM entries WHERE made_by < ? OR made_by > ?", (FINGERPRINT,) * 2)
        except (OSError, sqlite3.Error) as error:
            log.info("Working without the build cache in %s (%s).", folder, error)
            self.db = None

    @property
    def usable(self) -> bool:
        """Whether values put here can be read back (the folder could be opened)."""
        return self.db is not None

    def here(self) -> Cache:
        """Return this cache as this process may use it: a forked worker opens a connection of
        its own (an SQLite connection must not cross a fork)."""
        if self._pid == os.getpid() or self.folder is None:
            return self
        if self._forked is None or self._forked._pid != os.getpid():
            self._forked = Cache(self.folder, sweep=False)
        return self._forked

    def get_many(self, kind: str, keys: Iterable[str], kept: Callable | None = None) -> dict[str, object]:
        """Return the values found for `keys`: of each, `kept(value)` when given (what to hold of it)."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, object] = {}
        if self.db is None:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                rows = self.db.execute(f"SELECT key, value FROM entries WHERE kind = ? AND key IN "
                                       f"({','.join('?' * len(chunk))})", [kind, *chunk])
                found.update((k, _loaded(v, kept)) for k, v in rows)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError) as error:
            log.info("The build cache could not be read (%s); computing again.", error)
            return {}
        return found

    def put_many(self, kind: str, values: dict[str, object]) -> None:
        items = list(values.items())
        for start in range(0, len(items), BATCH):  # pickled a few at a time: memory stays flat
            self.put_pickled(kind, {k: pickle.dumps(v, pickle.HIGHEST_PROTOCOL)
                                    for k, v in items[start:start + BATCH]})

    def put_pickled(self, kind: str, pickled: dict[str, bytes]) -> None:
        """Store values pickled already (pickle.HIGHEST_PROTOCOL)."""
        if self.db is None or not pickled:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                                    [(kind, k, FINGERPRINT, v) for k, v in pickled.items()])
        except sqlite3.Error as error:
            log.info("The build cache could not be written (%s).", error)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _loaded(pickled: bytes, kept: Callable | None):
    """Return a cached value unpickled: `kept(value)` when given (what to hold of it)."""
    value = pickle.loads(pickled)
    return kept(value) if kept else value


def quiet_worker() -> None:
    """Let a worker process end as the pool ends it: no handler of ours for the pool's SIGTERM,
    and Ctrl+C left to the parent, which stops the build."""
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def on_cores(work: Callable, jobs: list[tuple], workers: int, inherited: bool = False,
             chunked: bool = False) -> list:
    """Return [work(*args) for args in jobs], computed on `workers` processes (each taking jobs
    in chunks, unless the jobs are `chunked` already: then one at a time, so that the cores stay
    evenly busy). `inherited`: `work` relies on what the processes inherit from this one (fork
    only); where processes cannot fork, it runs here."""
    return list(each_on_cores(work, jobs, workers, inherited, chunked))


def each_on_cores(work: Callable, jobs: list[tuple], workers: int, inherited: bool = False,
                  chunked: bool = False) -> Iterator:
    """Yield work(*args) for args in jobs, in order, as on_cores computes them."""
    import multiprocessing
    can_fork = forks()
    if workers < 2 or (inherited and not can_fork):
        yield from (work(*args) for args in jobs)
        return
    release_memory()  # a forked worker starts as large as this process
    with multiprocessing.get_context("fork" if can_fork else None).Pool(workers, initializer=quiet_worker) as pool:
        yield from pool.imap(_apply, ((work, args) for args in jobs),
                             chunksize=1 if chunked else max(1, len(jobs) // (workers * 8)))


_SHARED = None  # what on_cores_sharing's workers inherit (fork)


def on_cores_sharing(shared, work: Callable, jobs: list[tuple], workers: int, chunked: bool = False) -> list:
    """Return [work(shared, *args) for args in jobs], computed on `workers` processes that inherit
    `shared` (forked: it is never pickled, however large: a site's pages, say). Where processes
    cannot fork, here."""
    global _SHARED
    _SHARED = shared
    try:
        return on_cores(_with_shared, [(work, *args) for args in jobs], workers, inherited=True, chunked=chunked)
    finally:
        _SHARED = None


def _with_shared(work: Callable, *args):
    return work(_SHARED, *args)


def forks() -> bool:
    """Whether worker processes can be forked (they then inherit this one's values)."""
    import multiprocessing
    return "fork" in multiprocessing.get_all_start_methods()


def release_memory() -> None:
    """Give the memory this process freed back to the system, where the C library keeps it
    (glibc: what a step's temporary values left behind otherwise stays in the process)."""
    import ctypes
    try:
        ctypes.CDLL(None).malloc_trim(0)  # the C library this process already has
    except (OSError, AttributeError):  # not glibc: nothing to ask
        pass


def _apply(task: tuple[Callable, tuple]):
    work, args = task
    return work(*args)


_JOBS: tuple[Callable, dict] | None = None  # compute_all's work and jobs, for its forked workers


def _pickled(job: str, work: Callable | None = None, args: tuple = ()) -> bytes:
    """Return a job's value pickled: its work and arguments given, or inherited (forked) by key."""
    if work is None:
        work, args = _JOBS[0], _JOBS[1][job]
    return pickle.dumps(work(*args), pickle.HIGHEST_PROTOCOL)


def compute_all(jobs: dict[str, tuple], work: Callable, cache: Cache, kind: str,
                workers: int, inherited: bool = False, kept: Callable | None = None) -> dict[str, object]:
    """Return work(*args) for every job (key → args): from the cache where it has them, the rest
    computed across `workers` processes (in this one when there are few) and then cached.

    `kept(value)`: what to hold of each value once it is in the cache (the whole value stays
    there), so that a large part of every value need not be in memory all at once.
    """
    global _JOBS
    results = cache.get_many(kind, jobs, kept)
    missing = [k for k in jobs if k not in results]
    workers = workers if len(missing) >= 50 else 1
    # Values come back pickled, to be stored as they are and read into fresh objects: pickling a
    # value here would leave a UTF-8 copy of each of its Chinese strings in memory (CPython keeps
    # it). Forked workers find their jobs' arguments by key, so none is pickled here either.
    by_key = workers < 2 or forks()
    _JOBS = (work, jobs)
    try:
        computed = each_on_cores(_pickled, [(k,) if by_key else (k, work, jobs[k]) for k in missing], workers,
                                 inherited or by_key)
        batch: dict[str, bytes] = {}
        for number, (job, value) in enumerate(zip(missing, computed), 1):
            batch[job] = value
            if len(batch) == BATCH or number == len(missing):
                cache.put_pickled(kind, batch)
                results.update((k, _loaded(v, kept)) for k, v in batch.items())
                batch = {}
    finally:
        _JOBS = None
    return results


_RECALLING = False  # whether Recall answers: only in the preview, which asks again and again
_MISSING = object()


@contextlib.contextmanager
def recalling() -> Iterator[None]:
    """Let every Recall answer from what it kept, while in the block (a preview's rebuild).
    Elsewhere a Recall keeps nothing: a one-off build would only hold its inputs longer."""
    global _RECALLING
    _RECALLING = True
    try:
        yield
    finally:
        _RECALLING = False


class Recall:
    """The last answer for each key, given again while it is asked of the very same objects.

    For the preview, which asks the same questions on every save: a file that did not change
    parses to the objects it parsed to before, so whatever is made only of them (a case, a
    page, a page's digest) is recalled by identity, without hashing or comparing any text.
    """

    every: list[Recall] = []  # all of them: forget_all()

    def __init__(self):
        self._answers: dict = {}
        Recall.every.append(self)

    @classmethod
    def forget_all(cls) -> None:
        """Drop every answer kept (a test's fresh preview must owe nothing to an earlier one)."""
        for recall in cls.every:
            recall._answers.clear()

    def __call__(self, key, made_of: tuple, compute: Callable):
        """Return compute(), or the answer it gave for `key` when made of the same objects."""
        answer = self.get(key, made_of, _MISSING)
        if answer is _MISSING:
            answer = compute()
            self.put(key, made_of, answer)
        return answer

    def get(self, key, made_of: tuple, default=None):
        """Return the answer kept for `key` if it was made of the same objects, else `default`."""
        last = self._answers.get(key) if _RECALLING else None
        if last is not None and len(last[0]) == len(made_of) and all(map(operator.is_, last[0], made_of)):
            return last[1]
        return default

    def put(self, key, made_of: tuple, answer) -> None:
        if _RECALLING:
            self._answers[key] = (made_of, answer)
