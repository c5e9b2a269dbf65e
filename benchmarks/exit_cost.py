"""What the interpreter's clean-up at exit costs a scan: the usual exit against ``cli.entry.leave``.

    uv run python benchmarks/exit_cost.py FOLDER [--rounds N]

Scans FOLDER (a clone of a public repository, or ``fixtures/``; never committed) with the command
line's ``main`` in a fresh process, then ends that process the usual way (``sys.exit``: module teardown,
a last garbage collection) or with ``leave`` (flush, then ``os._exit``), alternating, N rounds each.
The time is from ``main``'s return to the process's end, as its parent sees it; also the whole run.
Prints times only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CHILD = """\
import sys, time
from hf_secret_guard.cli.entry import leave, main
status = main(["scan", "--quiet", sys.argv[2]])
sys.stdout.flush()
sys.stderr.write("\\n" + repr(time.time()))
sys.stderr.flush()
if sys.argv[1] == "leave":
    leave(status)
sys.exit(status)
"""
WAYS = ("sys.exit", "leave")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    exits: dict[str, list[float]] = {way: [] for way in WAYS}
    totals: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(args.rounds):
        for way in WAYS:
            start = time.time()
            done = subprocess.run(
                [sys.executable, "-c", CHILD, way, str(args.folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
            end = time.time()
            returned = float(done.stderr.strip().splitlines()[-1])
            exits[way].append(end - returned)
            totals[way].append(end - start)
    for way in WAYS:
        print(
            f"{way:9s} exit: median {statistics.median(exits[way]) * 1000:5.1f} ms, "
            f"best {min(exits[way]) * 1000:5.1f} ms; whole run: median {statistics.median(totals[way]):.3f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
