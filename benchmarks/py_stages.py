"""Where the scan of a folder's ``.py`` files goes, serially, in one process.

For each ``.py`` file under DIR: whether the prefilter lets it through, whether CPython's ``ast`` answers
(``detect.python_ast``) or libcst must read it, and the CPU time of scanning them all with
``api.scan_file``: once with the memories of the ``ast`` path empty (as a fresh scan process starts) and
once more with them full.  ``--profile N`` also prints the N costliest functions of a cold scan.

    uv run python benchmarks/py_stages.py DIR [--profile 30]

The folder is only read: point it at a clone of a real repository, never commit what it holds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from pathlib import Path

from hf_secret_guard import api
from hf_secret_guard.detect import python_ast
from hf_secret_guard.screen import prefilter


def _forget() -> None:
    python_ast._INERT.clear()
    python_ast._FOUND.clear()
    python_ast._SCREENED.clear()
    python_ast._REFUSED.clear()
    python_ast._HOLDS.clear()


def _scan_all(files: list[Path]) -> float:
    started = time.process_time()
    for path in files:
        api.scan_file(str(path))
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.rglob("*.py") if p.is_file())
    texts = [p.read_text("utf-8", "replace") for p in files]
    passed = [t for t in texts if prefilter.python_may_leak(t)]
    _forget()
    by_ast = sum(1 for t in passed if python_ast.ast_leaks(t) is not None)
    print(f"{len(files)} .py files, {sum(map(len, texts)) / 1e6:.1f} M characters")
    left = len(passed) - by_ast
    print(f"  through the prefilter: {len(passed)}; answered by ast: {by_ast}; left to libcst: {left}")
    _forget()
    _scan_all(files[:1])  # imports
    _forget()
    cold = _scan_all(files)
    warm = _scan_all(files)
    print(f"  serial CPU: {cold:.2f} s with empty memories, {warm:.2f} s with them full")
    if args.profile:
        _forget()
        profile = cProfile.Profile()
        profile.enable()
        _scan_all(files)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)


if __name__ == "__main__":
    main()
