"""The whole test suite of two checkouts, timed in turns in one sitting (issue 12: "at most half").

Each checkout is a clone with its environment installed (``uv sync --frozen``); each runs its own README
test command, given as ``DIR=COMMAND``.  Rounds alternate between the checkouts so that both see the
same machine.  ``--bytecode`` picks how the environments hold compiled modules:

- ``machine``: the shell's own setting (this machine sets PYTHONDONTWRITEBYTECODE for every shell);
- ``ci``: as ``.ci/run`` installs and runs (bytecode compiled at install, PYTHONDONTWRITEBYTECODE unset);
  the checkouts must then have been synced with ``UV_COMPILE_BYTECODE=1``.

    uv run python benchmarks/suite_time.py "/tmp/old=uv run pytest -q" \\
        "/tmp/new=uv run pytest -q -n auto" [--rounds 2] [--bytecode machine|ci]

Prints, per round and checkout, the wall time, the CPU time of the run and its children, the tests that
passed and the load average before the run; then the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shlex
import statistics
import subprocess
import time
from pathlib import Path


def _run(directory: Path, command: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the children, and pytest's summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(shlex.split(command), cwd=directory, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    return wall, cpu, (lines[-1] if lines else f"exit {done.returncode}: no summary")


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("runs", nargs="+", help="DIR=COMMAND, one per checkout")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--bytecode", choices=("machine", "ci"), default="machine")
    args = parser.parse_args()
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)  # each checkout's `uv run` uses its own environment
    if args.bytecode == "ci":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    checkouts = [(Path(d), c) for d, c in (item.split("=", 1) for item in args.runs)]
    walls: dict[Path, list[float]] = {d: [] for d, _ in checkouts}
    print(f"bytecode: {args.bytecode}; PYTHONDONTWRITEBYTECODE={env.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    print("| round | checkout | command | wall | CPU | load before | result |")
    print("|---|---|---|---:|---:|---:|---|")
    for round_ in range(1, args.rounds + 1):
        for directory, command in checkouts:
            load = os.getloadavg()[0]
            wall, cpu, summary = _run(directory, command, env)
            walls[directory].append(wall)
            times = (f"{wall:.1f} s", f"{cpu:.1f} s", f"{load:.2f}")
            row = (str(round_), str(directory), f"`{command}`", *times)
            print("| " + " | ".join((*row, summary)) + " |")
    medians = [statistics.median(walls[d]) for d, _ in checkouts]
    for (directory, _), median in zip(checkouts, medians, strict=True):
        print(f"median wall {directory}: {median:.1f} s")
    if len(medians) == 2:
        print(f"ratio (second / first): {medians[1] / medians[0]:.2f}")


if __name__ == "__main__":
    main()
