"""Scan a large tree on every core, with the results in discovery order, exactly as a serial scan.

Why processes: the scan is Python code (prefilters, JSON, libcst), so threads would share one core.
Why fork: a forked worker starts with everything the parent imported and the list of files to scan,
in about a millisecond, so only trees big enough to pay for it use workers (``workers_for``), and only
where fork is safe (POSIX, no other thread running).

How the work is shared:

- The parent sorts the files so that names that end alike stand side by side (copies of one template
  notebook, ``AMD-X.ipynb``, ``Kaggle-X.ipynb``, ``X.ipynb``; a template's scripts), cuts that order into
  small chunks and the chunks into one stretch per process (``_Stretches``).  Each process takes the
  chunks of its own stretch from the front; with it done, it takes from the back of the stretch that has
  the most left, and keeps to that one while it lasts.  So each process reads files next to each other
  in the order, whose memories of parts and chunks then serve it (handing out one chunk after another
  to whichever process asked split every run of copies between them, and each did the first-time work of
  most of them), and the last chunks are still shared out to the end.  Who takes what is kept in a
  small temporary file that every process locks while it takes; the kernel releases the lock of a
  process that dies.
- libcst is slow to import, as slow as scanning many clean files (benchmarks/README.md).  Few need it, so
  one worker, the parser, imports it.  In every other process an import hook turns the import into
  ``_Deferred``; that file goes to the parser through a pipe, and the parser scans it whole.  A
  deferred file is read twice; no file is scanned with less than the full scan.  A process that has
  handed over ``DEFER_LIMIT`` files drops the hook and parses the rest itself: when most files need
  libcst, one parser would leave the other cores idle.
- Workers send their results, pickled, when they are done; the parent puts everything in discovery order.
  A worker that dies leaves holes, which the parent fills by scanning those files itself: the outcome is
  always the serial one.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Generic, NoReturn, Optional, TypeVar

from hf_secret_guard import regexes
from hf_secret_guard.model import Candidate
from hf_secret_guard.options import ScanOptions

MIN_FILES = 300  # below this a serial scan is too quick for workers to pay for themselves
MAX_WORKERS = 8  # the one parser would become the bottleneck long before this
CHUNK = 4  # files taken at a time: each take is a lock and an unlock
# Files a worker hands to the parser before it imports libcst itself: a few go to the one parser, but
# in a tree of template notebooks that all hold placeholders every file needs libcst.
DEFER_LIMIT = 32
RECORD_SIZE = 4  # a file number on a pipe: 4 bytes, little-endian
_C_INT = 4  # bytes of the C int of ``memoryview.cast("i")`` wherever fork runs (Linux, macOS, the BSDs)

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
    """The files' indexes in chunks of ``CHUNK``, files whose names end alike next to each other: copies
    of one notebook (``AMD-X.ipynb``, ``Kaggle-X.ipynb``, ``X.ipynb``) land in one process, whose
    memories of parts and chunks then serve them all."""
    order = sorted(range(len(candidates)), key=lambda index: candidates[index].path[::-1])
    return [order[start : start + CHUNK] for start in range(0, len(order), CHUNK)]


class _Stretches:
    """The chunk numbers, cut into one stretch per process, and who takes which (see the module's
    docstring).  The stretches' bounds are in a temporary file that every process maps and locks
    (``fcntl.lockf``: per process, and released by the kernel when a process ends, however it ends)."""

    def __init__(self, chunks: int, processes: int) -> None:
        """Raises OSError where there is no temporary file to share, or it cannot be locked (some network
        file systems): the caller then scans in one process."""
        import fcntl
        import mmap

        self._fd = _shared_file()
        try:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            fcntl.lockf(self._fd, fcntl.LOCK_UN)
            size = 2 * processes * _C_INT  # a front and a back per stretch
            os.ftruncate(self._fd, size)
            self._state = mmap.mmap(self._fd, size)
        except OSError:
            os.close(self._fd)
            raise
        # Stretch s holds the chunks from bounds[2s] (its front) up to bounds[2s + 1] (its back).
        self._bounds = memoryview(self._state).cast("i")
        cuts = [chunks * number // processes for number in range(processes + 1)]
        for number in range(processes):
            self._bounds[2 * number], self._bounds[2 * number + 1] = cuts[number], cuts[number + 1]
        self._from: Optional[int] = None  # the stretch this process takes from the back of
        self._owner = os.getpid()  # the process that gathers the results

    def take(self, own: int) -> Optional[int]:
        """The next chunk number for the process that owns stretch ``own``, or None when all are taken, or
        when the process that gathers the results is gone (killed): none would be read."""
        import fcntl

        if os.getpid() != self._owner and os.getppid() != self._owner:
            return None
        fd, bounds = self._fd, self._bounds
        fcntl.lockf(fd, fcntl.LOCK_EX)
        try:
            if bounds[2 * own] < bounds[2 * own + 1]:
                bounds[2 * own] += 1
                return bounds[2 * own] - 1
            left = [bounds[2 * number + 1] - bounds[2 * number] for number in range(len(bounds) // 2)]
            if self._from is None or not left[self._from]:
                self._from = max(range(len(left)), key=left.__getitem__)
            if not left[self._from]:
                return None
            bounds[2 * self._from + 1] -= 1
            return bounds[2 * self._from + 1]
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd >= 0:
            self._bounds.release()
            self._state.close()
            os.close(self._fd)
            self._fd = -1


def _shared_file() -> int:
    """A new file that no other program can open, for the stretches' bounds: one in memory where the
    system makes it (``memfd_create``: Linux), which costs no import of ``tempfile`` before the first fork
    (benchmarks/README.md); else an unnamed temporary file."""
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is not None:
        try:
            return int(memfd_create("hf-secret-guard-stretches", getattr(os, "MFD_CLOEXEC", 0)))
        except OSError:  # a kernel without it, or a sandbox that refuses it
            pass
    import tempfile

    handle = tempfile.TemporaryFile()  # noqa: SIM115 (its descriptor outlives it: ``close``)
    try:
        return os.dup(handle.fileno())
    finally:
        handle.close()


def _records(fd: int, block: bool) -> Iterator[int]:
    """File numbers from a pipe: all that are there now, or (``block``) all until EOF."""
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
        stretches: _Stretches,
        own: int,
    ) -> None:
        self.candidates = candidates
        self.options = options
        self.scan_one = scan_one
        self.chunks = chunks
        self.stretches = stretches
        self.own = own  # the stretch this process takes from first
        self.results: list[tuple[int, Result]] = []

    def scan(self, index: int) -> None:
        self.results.append((index, self.scan_one(self.candidates[index], self.options)))

    def run_parser(self, deferred: int) -> None:
        """Scan chunks, and between them whatever the others deferred; then the rest of that, to EOF."""
        while True:
            for index in _records(deferred, block=False):
                self.scan(index)
            chunk = self.stretches.take(self.own)
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
                chunk = self.stretches.take(self.own)
                if chunk is None:
                    break
                for index in self.chunks[chunk]:
                    try:
                        self.scan(index)
                    except _Deferred:
                        try:
                            os.write(deferred, _pack(index))
                        except BrokenPipeError:  # the parser died: this process parses from now on
                            sys.meta_path.remove(hook)
                            self.scan(index)
                            continue
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
    """``scan_one`` over ``candidates`` in ``workers`` processes (the caller's among them), in order: the
    run ``start_early`` began for exactly these, or a new one."""
    run = _adopt(candidates, options, scan_one, workers)
    if run is None:
        try:
            run = _Run(candidates, options, scan_one, workers)
        except OSError:  # no temporary file to share and lock: one process does it all
            yield from (scan_one(candidate, options) for candidate in candidates)
            return
    yield from run.finish()


_early: list[_Run[Any]] = []  # the run ``start_early`` began, until ``scan_in_workers`` takes it


def start_early(
    candidates: Sequence[Candidate],
    options: ScanOptions,
    scan_one: Callable[[Candidate, ScanOptions], Result],
    workers: int,
) -> None:
    """Fork the workers of ``scan_in_workers(candidates, options, scan_one, workers)`` now, while this
    process still has other work to do before it asks for that scan (the CLI: importing click, parsing
    the command line).  They scan their stretches meanwhile; the call with the same arguments takes
    them, any other stops them first (``stop_early``), so the results are always the call's own."""
    stop_early()
    with contextlib.suppress(OSError):  # no file to share: the call will find no run, and go on as usual
        _early.append(_Run(list(candidates), options, scan_one, workers))


def stop_early() -> None:
    """Stop the workers ``start_early`` forked that no scan took (a command line that asked for
    something else): they must not outlive the run."""
    while _early:
        _early.pop().stop()


def _adopt(
    candidates: Sequence[Candidate],
    options: ScanOptions,
    scan_one: Callable[[Candidate, ScanOptions], Result],
    workers: int,
) -> Optional[_Run[Result]]:
    if not _early:
        return None
    run = _early.pop()
    if (run.scan_one, run.workers, run.options, run.candidates) == (
        scan_one,
        workers,
        options,
        list(candidates),
    ):
        return run
    run.stop()
    return None


class _Run(Generic[Result]):
    """One scan in ``workers`` processes: the workers forked and scanning from the start; the caller's
    process scans its own stretch and gathers everyone's results in ``finish``.

    Every process scans with the same room on the stack (``room``: what the process that began the run
    had where it began it), however deep its own stack is: a worker forked early (``start_early``) from
    a shallow one, the caller from deep in the command line.  What nests as deep as the recursion limit
    lets it (a notebook's JSON) is then read or refused alike whichever process scans it."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        options: ScanOptions,
        scan_one: Callable[[Candidate, ScanOptions], Result],
        workers: int,
    ) -> None:
        """Raises OSError where there is no file to share (``_Stretches``) or no pipe or process to start;
        nothing is left open then."""
        self.candidates, self.options, self.scan_one, self.workers = candidates, options, scan_one, workers
        self.room = _room()
        self.chunks = _chunks(candidates)
        self.stretches = _Stretches(len(self.chunks), workers)
        self.deferred_read = self.deferred_write = -1
        self.children: list[tuple[int, int]] = []  # (pid, the read end of its result pipe)
        try:
            self.deferred_read, self.deferred_write = os.pipe()
            for number in range(1, workers):
                result_read, result_write = os.pipe()
                try:
                    pid = os.fork()
                except BaseException:
                    os.close(result_read)
                    os.close(result_write)
                    raise
                if pid == 0:  # the worker: it never returns into the caller's code
                    self._work(number, result_read, result_write)
                os.close(result_write)
                self.children.append((pid, result_read))
            os.close(self.deferred_read)
            self.deferred_read = -1
        except BaseException:
            self.stop()
            raise

    def _work(self, number: int, result_read: int, result_write: int) -> NoReturn:
        status = 1
        try:
            # Only the parent reads results: were a worker to hold a read end, a worker whose parent was
            # killed would wait forever to write to a pipe nobody reads (see also ``_Stretches.take``).
            for fd in (result_read, *(fd for _, fd in self.children)):
                os.close(fd)
            worker = _Worker(
                self.candidates, self.options, self.scan_one, self.chunks, self.stretches, number
            )
            _with_room(self.room)  # not set back: this process ends here
            if number == 1:
                os.close(self.deferred_write)  # else it would wait for its own end of the pipe
                worker.run_parser(self.deferred_read)
            else:
                worker.run_deferring(self.deferred_write)
                os.close(self.deferred_write)
            _send(result_write, worker.results)
            regexes.save()  # what this worker compiled that the others may not have
            status = 0
        finally:
            os._exit(status)

    def finish(self) -> Iterator[Result]:
        results: dict[int, Result] = {}
        try:
            parent: _Worker[Result] = _Worker(
                self.candidates, self.options, self.scan_one, self.chunks, self.stretches, 0
            )
            limit = _with_room(self.room)
            try:
                parent.run_deferring(self.deferred_write)
                os.close(self.deferred_write)  # the parser sees EOF once every process has closed this
                self.deferred_write = -1
                results.update(parent.results)
                while self.children:
                    pid, result_read = self.children[0]
                    results.update(_receive(result_read))
                    os.close(result_read)
                    os.waitpid(pid, 0)
                    self.children.pop(0)
                # What a worker that died left: scanned here, with the same room.
                for index, candidate in enumerate(self.candidates):
                    if index not in results:
                        results[index] = self.scan_one(candidate, self.options)
            finally:
                sys.setrecursionlimit(limit)
        finally:
            self.stop()
        for index in range(len(self.candidates)):
            yield results[index]

    def stop(self) -> None:
        """Close this process's ends and stop the workers still running (after an exception in this
        process, Ctrl-C or a bug, or a run no scan took)."""
        for fd in (self.deferred_read, self.deferred_write, *(fd for _, fd in self.children)):
            if fd >= 0:
                os.close(fd)
        self.deferred_read = self.deferred_write = -1
        for pid, _ in self.children:
            _stop(pid)
        self.children = []
        self.stretches.close()


def _room() -> int:
    """How many calls deeper than the caller's the stack can go before ``RecursionError``: counted, since
    calls made through C (a generator driven by ``next``, a context manager) count too."""
    depth = 0

    def down() -> None:
        nonlocal depth
        depth += 1
        down()

    with contextlib.suppress(RecursionError):
        down()
    return depth


def _with_room(room: int) -> int:
    """Set the recursion limit so that ``_room`` called where the caller is would say ``room``; the limit
    it was, for the caller to set back."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + room - (_room() + 1))  # + 1: this call's own frame
    return limit


def _stop(pid: int) -> None:
    import signal  # only in a worker process

    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
