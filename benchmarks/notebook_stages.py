"""Where a folder of notebooks spends its scan: how many files and cells reach each stage, and the time.

    uv run python benchmarks/notebook_stages.py FOLDER [--profile] [--cpu ROUNDS]

Counts, for the notebooks of FOLDER (a clone of a public repository; never commit one): how many pass
the byte screen, the notebook text screen (``notebook_may_leak``) and are read with positions; how
many code cells are worth a look, how many reach libcst, and how many of those libcst reads only in part
(``screen.slices``).  Then the serial time of the whole scan, and with ``--profile`` the functions that
took it.  With ``--cpu ROUNDS``: the scan ROUNDS times more in the same process (the first round fills
the per-process memories, as a worker's first files do), and for each round its CPU time (user + system,
``time.process_time``: the machine may be shared) and that of each stage of ``scan.notebook_file``
(inclusive; the stages do not nest, but for the screens' own calls).  Prints counts and times only: no
finding, no secret.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--profile", action="store_true", help="also the 25 costliest functions")
    parser.add_argument("--cpu", type=int, default=0, metavar="ROUNDS", help="CPU time per round and stage")
    args = parser.parse_args()

    from hf_secret_guard import api
    from hf_secret_guard.scan import notebook_file
    from hf_secret_guard.screen import prefilter, slices

    counts: Counter[str] = Counter()
    files = sorted(args.folder.rglob("*.ipynb"))
    counts["notebooks"] = len(files)

    # Count the stages by wrapping them: the scan itself is unchanged.
    def counting(name: str, function, when=bool):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            result = function(*a, **k)
            if when(result):
                counts[name] += 1
            return result

        return wrapper

    prefilter.may_contain_leak = counting("pass the byte screen", prefilter.may_contain_leak)
    notebook_file.notebook_may_leak = counting("pass the notebook text screen", prefilter.notebook_may_leak)
    notebook_file.read_notebook = counting("read with positions", notebook_file.read_notebook)
    notebook_file.code_cell_leaks = counting(
        "code cells looked at", notebook_file.code_cell_leaks, lambda r: True
    )
    notebook_file.find_code_leaks = counting(
        "cells parsed by libcst", notebook_file.find_code_leaks, lambda r: True
    )
    slices.relevant_statements = counting(
        "cells libcst read only in part", slices.relevant_statements, lambda r: r is not None
    )

    profile = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    findings: Counter[str] = Counter()
    if profile:
        profile.enable()
    for path in files:
        for finding in api.scan_file(str(path)).findings:
            findings[finding.rule] += 1
    if profile:
        profile.disable()
    elapsed = time.perf_counter() - started
    size = sum(path.stat().st_size for path in files) / 1e6
    print(f"{args.folder.name}: {len(files)} notebooks, {size:.0f} MB, scanned serially in {elapsed:.1f} s")
    for name, number in counts.items():
        print(f"  {name}: {number}")
    print("  findings by rule: " + ", ".join(f"{rule} {n}" for rule, n in sorted(findings.items())))
    if profile:
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    if args.cpu:
        _cpu_rounds(files, args.cpu)
    return 0


# The stages of a notebook's scan, as scan/notebook_file.py calls them (each a name it imports or defines).
STAGES = (
    "notebook_escapes",
    "notebook_may_leak",
    "read_notebook",
    "PrefixIndex",
    "_slice_part",
    "_writes_no_token",
    "shows_prefixes",
    "_worth_scanning",
    "_scanned_part",
    "finding",
)


def _cpu_rounds(files: list[Path], rounds: int) -> None:
    from hf_secret_guard import api
    from hf_secret_guard.scan import notebook_file

    spent: Counter[str] = Counter()

    def timed(name: str, function):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            started = time.process_time()
            try:
                return function(*a, **k)
            finally:
                spent[name] += time.process_time() - started

        return wrapper

    for name in STAGES:
        if hasattr(notebook_file, name):
            setattr(notebook_file, name, timed(name, getattr(notebook_file, name)))
    for number in range(1, rounds + 1):
        spent.clear()
        started = time.process_time()
        for path in files:
            api.scan_file(str(path))
        total = time.process_time() - started
        stages = ", ".join(f"{name} {seconds:.3f}" for name, seconds in spent.most_common())
        print(f"  round {number}: {total:.2f} s of CPU; stages: {stages}")


if __name__ == "__main__":
    raise SystemExit(main())
