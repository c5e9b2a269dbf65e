"""Whole commands taking turns (A, B, C, then C, B, A...), each run in a fresh process: the median wall time
and the mean and median CPU (user + system of the process and its children, so a scan's workers count).
Taking turns spreads a noisy machine's slow moments over every command alike; two installs of the
project (``pip install`` of two commits into two venvs) then compare as fairly as one sitting allows."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time


def measure(commands: list[str], rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    found: dict[str, tuple[list[float], list[float]]] = {command: ([], []) for command in commands}
    for number in range(rounds):
        for command in commands if number % 2 == 0 else commands[::-1]:
            before, start = os.times(), time.perf_counter()
            subprocess.run(
                command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            wall, after = time.perf_counter() - start, os.times()
            cpu = after.children_user - before.children_user + after.children_system - before.children_system
            found[command][0].append(wall)
            found[command][1].append(cpu)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("commands", nargs="+", help="shell commands, each quoted whole")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for command, (walls, cpus) in measure(args.commands, args.rounds).items():
        print(
            f"wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
            f"CPU mean {statistics.mean(cpus):.3f} s, median {statistics.median(cpus):.3f} s: {command}"
        )


if __name__ == "__main__":
    main()
