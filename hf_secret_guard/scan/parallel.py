"""Scan a large tree on every core, with the results in discovery order, exactly as a serial scan.

Why processes: the scan is Python code (prefilters, JSON, libcst), so threads would share one core.
Why fork: a forked worker starts with everything the parent imported and the list of files to scan,
in about a millisecond, so only trees big enough to pay for it use workers (``workers_for``), and only
where fork is safe (POSIX, no other thread running).

How the work is shared:

- The parent cuts the file list into chunks (files whose names end alike side by side: ``_chunks``) and
  writes every chunk number into a pipe before forking.
  Each process, the parent included, takes the next number from that pipe (a 4-byte read is atomic), so
  fast and slow chunks even out by themselves.
- libcst is slow to import, as slow as scanning many clean files (benchmarks/README.md).  Few need it, so
  one worker, the parser, imports it.  In every other process an import hook turns the import into
  ``_Deferred``; that file goes to the parser through a second pipe, and the parser scans it whole.  A
  deferred file is read twice; no file is scanned with less than the full scan.  A process that has
  handed over ``DEFER_LIMIT`` files drops the hook and parses the rest itself: when most files need
  libcst, one parser would leave the other cores idle.
- Workers send their results, pickled, when they are done; the parent puts everything in discovery order.
  A worker that dies leaves holes, which the parent fills by scanning those files itself: the outcome is
  always the serial one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Generic, Optional, TypeVar

from hf_secret_guard.model import Candidate
from hf_secret_guard.options import ScanOptions

MIN_FILES = 300  # below this a serial scan is too quick for workers to pay for themselves
MAX_WORKERS = 8  # the one parser would become the bottleneck long before this
MAX_CHUNKS = 1024  # every chunk number is written before the workers start: 4 KB fits any pipe buffer
MIN_CHUNK = 8
# Files a worker hands to the parser before it imports libcst itself: a few go to the one parser, but
# in a tree of template notebooks that all hold placeholders every file needs libcst.
DEFER_LIMIT = 32
RECORD_SIZE = 4  # a chunk or file number on a pipe: 4 bytes, little-endian

Result = TypeVar("Result")  # what the per-file function returns: a FileResult, or that and the fix's plan


class _Deferred(BaseException):
    """Raised where this process would import libcst.  A BaseException, so that no ``except Exception``
    on the way turns it into a scan error: it must reach the worker loop."""


class _DeferLibcst:
    """An import hook (``sys.meta_path``) that refuses libcst to a worker that is not the parser."""

    def find_spec(
        self, name: str, path: Optional[Sequence[str]] = None, target: Optional[ModuleType] = None
    ) -> Optional[ModuleSpec]:
        if name == "libcst" or name.startswith("libcst."):
            raise _Deferred(name)
        return None


def workers_for(candidates: Sequence[Candidate], jobs: Optional[int] = None) -> int:
    """How many processes to scan ``candidates`` with; 0 or 1 means a serial scan.  ``jobs``: the
    user's ``--jobs`` (None: one per core, for trees of ``MIN_FILES`` or more)."""
    return processes_for(sum(1 for c in candidates if not c.skipped and not c.error), jobs, MIN_FILES)


def processes_for(count: int, jobs: Optional[int], threshold: int) -> int:
    """How many processes ``count`` pieces of work get: ``jobs`` (``--jobs``) for two or more, else one
    per core from ``threshold`` pieces (below it, forking costs more than it saves); 0 or 1: serial."""
    if jobs is None:
        return fork_workers() if count >= threshold else 0
    return fork_workers(jobs) if count >= 2 else 0


def fork_workers(jobs: Optional[int] = None) -> int:
    """How many forked processes this machine can run work in (``jobs``, if given, else one per core;
    at most ``MAX_WORKERS``); 0 where fork is not safe: another thread may hold a lock (the import lock,
    a stream's) that the child would wait on forever.  Threads started without ``threading``
    (``_thread``, as execnet and some kernels do) count too: ``sys._current_frames`` lists every thread
    of the interpreter."""
    if not hasattr(os, "fork") or sys.platform == "win32" or len(sys._current_frames()) > 1:
        return 0
    return min(cores() if jobs is None else jobs, MAX_WORKERS)


def cores() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def _chunks(candidates: Sequence[Candidate]) -> list[list[int]]:
    """The files' indexes in chunks, files whose names end alike next to each other: copies of one
    notebook (``AMD-X.ipynb``, ``Kaggle-X.ipynb``, ``X.ipynb``) land in one process, whose memories of
    parts and chunks then serve them all."""
    count = len(candidates)
    size = max(MIN_CHUNK, -(-count // MAX_CHUNKS))
    order = sorted(range(count), key=lambda index: candidates[index].path[::-1])
    return [order[start : start + size] for start in range(0, count, size)]


def _records(fd: int, block: bool) -> Iterator[int]:
    """Chunk or file numbers from a pipe: all that are there now, or (``block``) all until EOF."""
    os.set_blocking(fd, block)
    while True:
        try:
            data = os.read(fd, 4096)  # whole records: every write is one record of 4 bytes
        except BlockingIOError:
            return
        if not data:
            return
        while len(data) % RECORD_SIZE:  # cannot happen with atomic writes; stay correct anyway
            data += os.read(fd, RECORD_SIZE - len(data) % RECORD_SIZE)
        for start in range(0, len(data), RECORD_SIZE):
            yield _unpack(data[start : start + RECORD_SIZE])


def _take(fd: int) -> Optional[int]:
    """The next chunk number, or None when every chunk is taken."""
    data = os.read(fd, RECORD_SIZE)
    while data and len(data) < RECORD_SIZE:
        data += os.read(fd, RECORD_SIZE - len(data))
    return _unpack(data) if data else None


def _pack(number: int) -> bytes:
    return number.to_bytes(RECORD_SIZE, "little", signed=True)


def _unpack(record: bytes) -> int:
    return int.from_bytes(record, "little", signed=True)


class _Worker(Generic[Result]):
    def __init__(
        self,
        candidates: Sequence[Candidate],
        options: ScanOptions,
        scan_one: Callable[[Candidate, ScanOptions], Result],
        chunks: list[list[int]],
        work: int,
    ) -> None:
        self.candidates = candidates
        self.options = options
        self.scan_one = scan_one
        self.chunks = chunks
        self.work = work
        self.results: list[tuple[int, Result]] = []

    def scan(self, index: int) -> None:
        self.results.append((index, self.scan_one(self.candidates[index], self.options)))

    def run_parser(self, deferred: int) -> None:
        """Scan chunks, and between them whatever the others deferred; then the rest of that, to EOF."""
        while True:
            for index in _records(deferred, block=False):
                self.scan(index)
            chunk = _take(self.work)
            if chunk is None:
                break
            for index in self.chunks[chunk]:
                self.scan(index)
        for index in _records(deferred, block=True):
            self.scan(index)

    def run_deferring(self, deferred: int) -> None:
        """Scan chunks; a file that needs libcst goes to the parser instead, until ``DEFER_LIMIT`` have:
        then libcst is worth importing here too (a tree where most files need it would otherwise be
        parsed on one core)."""
        hook = _DeferLibcst()
        sys.meta_path.insert(0, hook)
        handed = 0
        try:
            while True:
                chunk = _take(self.work)
                if chunk is None:
                    break
                for index in self.chunks[chunk]:
                    try:
                        self.scan(index)
                    except _Deferred:
                        os.write(deferred, _pack(index))
                        handed += 1
                        if handed == DEFER_LIMIT:
                            sys.meta_path.remove(hook)
        finally:
            if hook in sys.meta_path:
                sys.meta_path.remove(hook)


def _send(fd: int, results: list[tuple[int, Result]]) -> None:
    import pickle  # only in a worker process

    data = memoryview(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(fd, data) :]


def _receive(fd: int) -> dict[int, Any]:
    """A worker's results; nothing if it died before sending them all."""
    import pickle  # only in a worker process

    blocks = []
    while True:
        block = os.read(fd, 1 << 20)
        if not block:
            break
        blocks.append(block)
    try:
        return dict(pickle.loads(b"".join(blocks)))
    except Exception:  # a worker that died mid-write: its files are scanned again by the parent
        return {}


def scan_in_workers(
    candidates: Sequence[Candidate],
    options: ScanOptions,
    scan_one: Callable[[Candidate, ScanOptions], Result],
    workers: int,
) -> Iterator[Result]:
    """``scan_one`` over ``candidates`` in ``workers`` processes (the caller's among them), in order."""
    chunks = _chunks(candidates)
    work_read, work_write = os.pipe()
    os.write(work_write, b"".join(_pack(number) for number in range(len(chunks))))
    os.close(work_write)
    deferred_read, deferred_write = os.pipe()
    children: list[tuple[int, int]] = []  # (pid, the read end of its result pipe)
    results: dict[int, Result] = {}
    try:
        for number in range(1, workers):
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker: it never returns into the caller's code
                status = 1
                try:
                    worker = _Worker(candidates, options, scan_one, chunks, work_read)
                    if number == 1:
                        os.close(deferred_write)  # else it would wait for its own end of the pipe
                        worker.run_parser(deferred_read)
                    else:
                        worker.run_deferring(deferred_write)
                        os.close(deferred_write)
                    _send(result_write, worker.results)
                    status = 0
                finally:
                    os._exit(status)
            os.close(result_write)
            children.append((pid, result_read))
        os.close(deferred_read)
        deferred_read = -1
        parent: _Worker[Result] = _Worker(candidates, options, scan_one, chunks, work_read)
        parent.run_deferring(deferred_write)
        os.close(deferred_write)  # the parser sees EOF once every process has closed this
        deferred_write = -1
        results.update(parent.results)
        while children:
            pid, result_read = children[0]
            results.update(_receive(result_read))
            os.close(result_read)
            os.waitpid(pid, 0)
            children.pop(0)
    finally:
        for fd in (work_read, deferred_read, deferred_write, *(fd for _, fd in children)):
            if fd >= 0:
                os.close(fd)
        for pid, _ in children:  # only after an exception in this process (Ctrl-C, a bug)
            _stop(pid)
    for index, candidate in enumerate(candidates):
        result = results.get(index)
        yield result if result is not None else scan_one(candidate, options)


def _stop(pid: int) -> None:
    import signal  # only in a worker process

    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
