"""Time and memory on inputs an attacker can write into a repository: each one ran for minutes (or until
memory ran out) before its bound existed.  Every case runs the real CLI as a process on a generated file and
prints seconds and peak memory; no token is printed.

    uv run python benchmarks/hostile_inputs.py [--scale 1]
"""

from __future__ import annotations

import argparse
import os
import random
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _token(rng: random.Random) -> str:
    while True:
        body = "".join(rng.choice(string.ascii_letters) for _ in range(34))
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return "hf_" + body


def _run(args: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, exit status and the peak resident memory (MB) of this one child."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "hf_secret_guard", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, process.returncode, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1, help="multiply the input sizes")
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        cases: list[tuple[str, list[str]]] = []
        for tokens in (4000 * args.scale, 8000 * args.scale):
            name = f"comment_{tokens}.py"
            line = "# " + " ".join(_token(rng) for _ in range(tokens))
            (work / name).write_text(f"x = 1\n{line}\n")
            cases.append((f"one comment line of {len(line) // 1000} KB holding {tokens} tokens", [name]))
        (work / "globs" / ("a" * 60)).mkdir(parents=True)
        (work / "globs" / ("a" * 60) / "m.py").write_text("x = 1\n")
        stars = "*a" * 12 + "b"
        label = "exclude glob with 12 stars against a 60-letter name"
        cases.append((label, ["--extend-exclude", stars, "globs"]))
        print(f"{'case':64} {'seconds':>8} {'exit':>5} {'peak MB':>8}")
        for label, cli_args in cases:
            seconds, status, peak = _run(["scan", "--isolated", "-q", *cli_args], work)
            print(f"{label:64} {seconds:8.2f} {status:5d} {peak:8d}")


if __name__ == "__main__":
    main()
