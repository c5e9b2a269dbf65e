"""How the command line's process runs a scan: the garbage collector mostly idle (``few_collections``),
and a large tree's workers started before click is imported (``head_start``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from hf_secret_guard.model import Candidate
    from hf_secret_guard.options import DiscoverOptions

# How many more objects may be made than freed between two passes of the garbage collector over the
# young ones while a scan runs (``few_collections``); Python's default is 700.
YOUNG_COLLECTION_THRESHOLD = 10_000
# How many of those passes between two over the objects that survived one (Python's default: 10).
SURVIVOR_COLLECTION_THRESHOLD = 100


@contextmanager
def rare_collections() -> Iterator[None]:
    """The collector's passes over the young objects as rare as during a scan (``few_collections``),
    from the command line's start: what it makes before the scan is mostly modules (the scanner's and
    click's), which live as long as the process, so those passes found nothing to free.  Nothing is
    frozen here; the caller's threshold comes back afterwards."""
    import gc

    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_COLLECTION_THRESHOLD), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@contextmanager
def few_collections() -> Iterator[None]:
    """The scan with the garbage collector mostly idle: a scan makes its objects file by file and drops
    them with the file, in next to no reference cycles, so the collector's frequent passes over the young
    objects find almost nothing; what survives them is the scan's memories and results, which live to its
    end, so the passes over the survivors find nothing either (benchmarks/README.md has what one cost a
    worker); what is loaded by now (modules, the list of files) is frozen
    out of its full passes, unless the process froze objects of its own (then it is left as it is).
    Forked workers inherit all of it.  The caller's settings come back afterwards."""
    import gc

    threshold = gc.get_threshold()
    freeze = not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    gc.set_threshold(
        max(threshold[0], YOUNG_COLLECTION_THRESHOLD),
        max(threshold[1], SURVIVOR_COLLECTION_THRESHOLD),
        threshold[2],
    )
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


# The files ``head_start`` discovered, and for which paths and options: the full command line's scan of
# the same takes them rather than walking again.
_discovered: list[tuple[list[str], DiscoverOptions, list[Candidate]]] = []


@contextmanager
def head_start(args: Sequence[str]) -> Iterator[None]:
    """Run the full command line inside this: for a plain ``scan PATH...`` (``fastpath.plain_scan``, without
    ``--fix``) of a tree large enough for workers, they are forked and scanning before click is imported
    and the command line parsed, on a core that would otherwise wait for them.  The scan the command line
    then asks for takes them when it is the same scan (``parallel.start_early``), as it is unless the
    configuration changed in between; any other stops them.  The files are those found here: one added
    meanwhile is not scanned, as if the command had started that much earlier (it did).  Whatever the
    command line does, no worker outlives the block."""
    try:
        try:
            _start(args)
        except Exception:  # whatever it is, the command line meets it again and reports it properly
            _end()
        yield
    finally:
        _end()


def _end() -> None:
    """Forget the walk and stop the workers that no scan took."""
    from hf_secret_guard.scan import parallel

    _discovered.clear()
    parallel.stop_early()


def _start(args: Sequence[str]) -> None:
    from hf_secret_guard.cli.fastpath import discover_plain, plain_scan

    plain = plain_scan(args)
    found = discover_plain(plain) if plain is not None and not plain.fix else None
    if found is None:
        return
    from hf_secret_guard import api
    from hf_secret_guard.scan import parallel

    settings, candidates = found
    _discovered.append((list(settings.paths), settings.discover_options, candidates))
    workers = parallel.workers_for(candidates, settings.jobs)
    if workers > 1:
        with few_collections():  # as the full command line's scan runs, so its workers too
            parallel.start_early(candidates, settings.scan_options, api.scan_candidate_undigested, workers)


def discovered(paths: Sequence[str], options: DiscoverOptions) -> Optional[list[Candidate]]:
    """What ``head_start`` discovered for ``paths`` with ``options``; None when it did not."""
    for known, known_options, candidates in _discovered:
        if known == list(paths) and known_options == options:
            return list(candidates)
    return None
