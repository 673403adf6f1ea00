"""One writer at a time on a SQLite file, queued by the operating system rather than by SQLite.

SQLite's busy handler polls: a writer that finds the lock taken sleeps 1, 2, 5 … up to 100 ms
between tries, so under steady writes from several server processes most of a request's time was
spent asleep after the lock had long been free. Writers here wait on a thread lock (this
process) and then on `flock` of a file beside the database (every process), both of which wake
the next writer the moment the last one lets go."""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import Engine


class WriteQueue:
    def __init__(self, lock_file: Path) -> None:
        self._threads = threading.Lock()
        self._fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)

    def __enter__(self) -> WriteQueue:
        self._threads.acquire()
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()


def write_queue_for(engine: Engine) -> AbstractContextManager[object]:
    """The queue for `engine`'s writers: a file lock beside a SQLite file, a thread lock for an
    in-memory SQLite database, nothing for PostgreSQL (its writers run together)."""
    if engine.dialect.name != "sqlite":
        return nullcontext()
    database = engine.url.database
    if not database or database == ":memory:":
        return threading.Lock()
    return WriteQueue(Path(f"{database}-writers.lock"))
