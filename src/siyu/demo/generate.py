"""Write the six import files of a demo brand into a directory, customers in chunks, in
parallel worker processes when there are many. Chunks are concatenated in customer order, so
the bytes do not depend on the number of workers or the chunk size."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from siyu.demo.customer import generate_customer
from siyu.demo.encode import (
    MEMBERS_HEADER,
    TAGS_HEADER,
    customer_line,
    event_lines,
    group_line,
    member_lines,
    staff_lines,
    tag_lines,
)
from siyu.demo.world import DemoSpec, World

FILE_NAMES = {
    "staff": "staff.csv",
    "customers": "customers.jsonl",
    "groups": "groups.jsonl",
    "members": "members.csv",
    "tags": "tags.csv",
    "events": "events.jsonl",
}
IMPORT_ORDER = ("staff", "customers", "groups", "members", "tags", "events")
STREAMED = ("customers", "members", "tags", "events")  # written customer by customer
CHUNK = 10_000
MAX_WORKERS = 8
_BUFFER = 1 << 20

Progress = Callable[[int], None]  # called with the number of customers written so far


@dataclass
class DemoFiles:
    directory: Path
    counts: dict[str, int]  # rows per kind
    event_types: dict[str, int] = field(default_factory=dict)

    def path(self, kind: str) -> Path:
        return self.directory / FILE_NAMES[kind]


@dataclass(frozen=True)
class _Chunk:
    start: int
    stop: int
    parts: Path  # where a worker writes this chunk's files


def _open(path: Path, mode: str) -> IO[str]:
    return open(path, mode, encoding="utf-8", newline="", buffering=_BUFFER)


def _write_customers(world: World, start: int, stop: int, out: dict[str, IO[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    clock = world.clock
    for index in range(start, stop):
        customer = generate_customer(world, index)
        out["customers"].write(customer_line(customer, clock))
        members = member_lines(customer)
        out["members"].writelines(members)
        tags = tag_lines(customer)
        out["tags"].writelines(tags)
        out["events"].write(event_lines(customer, clock))
        counts["members"] += len(members)
        counts["tags"] += len(tags)
        counts["events"] += len(customer.events)
        for _, kind, _, _ in customer.events:
            counts["type:" + kind] += 1
    counts["customers"] += stop - start
    return counts


def _part_path(parts: Path, start: int, kind: str) -> Path:
    return parts / f"{start:09d}.{FILE_NAMES[kind]}"


_worker_world: World | None = None


def _init_worker(spec: DemoSpec) -> None:
    global _worker_world  # noqa: PLW0603  (one World per worker process)
    _worker_world = World(spec)


def _run_chunk(chunk: _Chunk) -> tuple[_Chunk, Counter[str]]:
    assert _worker_world is not None
    with ExitStack() as stack:
        out = {kind: stack.enter_context(_open(_part_path(chunk.parts, chunk.start, kind), "w")) for kind in STREAMED}
        counts = _write_customers(_worker_world, chunk.start, chunk.stop, out)
    return chunk, counts


def default_workers(customers: int, chunk: int = CHUNK) -> int:
    """One process per core, no more than there are chunks (and at most MAX_WORKERS)."""
    return max(1, min(os.cpu_count() or 1, -(-customers // chunk), MAX_WORKERS))


def write_demo(
    spec: DemoSpec,
    directory: Path,
    *,
    workers: int | None = None,
    chunk: int = CHUNK,
    progress: Progress | None = None,
) -> DemoFiles:
    """Write staff.csv, customers.jsonl, groups.jsonl, members.csv, tags.csv and events.jsonl
    into `directory` (created if needed; files of those names are replaced)."""
    directory.mkdir(parents=True, exist_ok=True)
    world = World(spec)
    workers = default_workers(spec.customers, chunk) if workers is None else max(1, workers)
    files = DemoFiles(directory, {})
    files.path("staff").write_text(staff_lines(world.staff.members), encoding="utf-8")
    files.path("groups").write_text("".join(group_line(group) for group in world.groups), encoding="utf-8")
    totals: Counter[str] = Counter()
    with ExitStack() as stack:
        out = {kind: stack.enter_context(_open(files.path(kind), "w")) for kind in STREAMED}
        out["members"].write(MEMBERS_HEADER)
        out["tags"].write(TAGS_HEADER)
        if workers == 1:
            for start in range(0, spec.customers, chunk):
                stop = min(start + chunk, spec.customers)
                totals.update(_write_customers(world, start, stop, out))
                if progress is not None:
                    progress(stop)
        else:
            _parallel(spec, directory / ".parts", chunk, workers, out, totals, progress)
    files.counts = {
        "staff": len(world.staff.members),
        "customers": totals["customers"],
        "groups": len(world.groups),
        "members": totals["members"],
        "tags": totals["tags"],
        "events": totals["events"],
    }
    files.event_types = {
        key.removeprefix("type:"): value for key, value in sorted(totals.items()) if key.startswith("type:")
    }
    return files


def _parallel(  # noqa: PLR0917  (private; called once)
    spec: DemoSpec,
    parts: Path,
    chunk: int,
    workers: int,
    out: dict[str, IO[str]],
    totals: Counter[str],
    progress: Progress | None,
) -> None:
    """Workers write chunks into `parts`; the parent appends them to `out` in customer order."""
    parts.mkdir(exist_ok=True)
    chunks = (_Chunk(start, min(start + chunk, spec.customers), parts) for start in range(0, spec.customers, chunk))
    context = multiprocessing.get_context("spawn")  # not fork: the parent may be running threads
    try:
        with context.Pool(workers, initializer=_init_worker, initargs=(spec,)) as pool:
            for done, counts in pool.imap(_run_chunk, chunks):
                for kind in STREAMED:
                    part = _part_path(parts, done.start, kind)
                    target = out[kind]
                    target.flush()  # what was written as text (the header) goes first
                    with open(part, "rb") as source:
                        shutil.copyfileobj(source, target.buffer, _BUFFER)  # type: ignore[attr-defined]
                    part.unlink()
                totals.update(counts)
                if progress is not None:
                    progress(done.stop)
    finally:
        shutil.rmtree(parts, ignore_errors=True)
