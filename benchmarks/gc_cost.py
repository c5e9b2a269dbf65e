"""What the garbage collector costs a scan, and whether the scan leaves it any reference cycles to find.

    uv run python benchmarks/gc_cost.py FOLDER [--glob PATTERN] [--rounds N]

For the files of FOLDER matching PATTERN (default ``*.ipynb``; FOLDER a clone of a public repository,
never committed), scanned in one process as ``scan`` without ``--fix`` scans them
(``api.scan_candidates(jobs=1, digests=False)``), once per fresh process as the command line does (the
modules a scan imports on the way are the collector's work too): the CPU time and the collector's own
time per generation, with Python's default settings and inside the CLI's ``_few_collections``,
alternating, best of N rounds each.  Then, with the collector off, how many unreachable objects one
collection finds after a whole scan (the cycles the scan made, which only a collection frees).  Prints
counts and times only.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SETTINGS = ("default", "_few_collections")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--glob", default="*.ipynb")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one", choices=(*SETTINGS, "off"), help=argparse.SUPPRESS)  # a child's run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.folder, args.glob, args.one)))
        return 0
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for name in SETTINGS:
            command = [sys.executable, __file__, str(args.folder), "--glob", args.glob, "--one", name]
            run = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            if name not in best or run["cpu"] < best[name]["cpu"]:
                best[name] = run
    print(f"{args.folder} ({args.glob}), best of {args.rounds}, a fresh process each")
    for name, run in best.items():
        per_generation = ", ".join(
            f"{s:.3f} s in {n}" for s, n in zip(run["seconds"], run["passes"], strict=True)
        )
        print(f"{name:17} CPU {run['cpu']:.2f} s; collector per generation: {per_generation}")
    command = [sys.executable, __file__, str(args.folder), "--glob", args.glob, "--one", "off"]
    off = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    print(f"unreachable objects after a scan with the collector off: {off['unreachable']}")
    return 0


def _one(folder: Path, pattern: str, setting: str) -> dict[str, Any]:
    from hf_secret_guard import api
    from hf_secret_guard.cli.main import _few_collections
    from hf_secret_guard.model import Candidate

    files = [Candidate(str(p)) for p in sorted(folder.rglob(pattern)) if p.is_file()]
    spent, passes, started = [0.0, 0.0, 0.0], [0, 0, 0], [0.0]

    def timing(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[info["generation"]] += time.perf_counter() - started[0]
            passes[info["generation"]] += 1

    if setting == "off":
        gc.disable()
    gc.callbacks.append(timing)
    clock = time.process_time()
    with _few_collections() if setting == "_few_collections" else contextlib.nullcontext():
        for _ in api.scan_candidates(files, jobs=1, digests=False):
            pass
    cpu = time.process_time() - clock
    gc.callbacks.remove(timing)
    unreachable = gc.collect() if setting == "off" else 0
    return {"cpu": cpu, "seconds": spent, "passes": passes, "unreachable": unreachable}


if __name__ == "__main__":
    raise SystemExit(main())
