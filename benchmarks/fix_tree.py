"""How much slower is ``scan --fix`` than ``scan`` on a tree of real notebooks with one leak each?  (issue 14)

Copies a seeded sample of N notebooks from FOLDER (real notebooks: they are only read, never committed)
into a temporary tree, each with one new code cell ``login(token="hf_...")`` holding a generated token.
Then, taking turns on fresh copies of that tree, it times the whole process of
``hf-secret-guard scan --isolated --exit-zero TREE`` and of the same with ``--fix``, and reports the
medians, their ratio, and how many planted tokens ``--fix`` left in the files (each must be 0).  No
token is printed.

    uv run python benchmarks/fix_tree.py FOLDER [--count 600] [--runs 5] [--seed 14] [--keep DIR]

Each run also gives the CPU time of the process and its workers (user + system) and the load average
at its start: the machine is shared, and a busy one stretches the wall times, not the CPU times.

``--keep DIR`` also leaves a copy of the unfixed tree in DIR (which must not exist), to compare the
bytes ``--fix`` writes before and after a change; it holds the planted tokens, so delete it after use.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _token(rng: random.Random) -> str:
    """A generated token in the Hugging Face format (mixed-case letters, as the tests make them)."""
    while True:
        body = "".join(rng.choice(string.ascii_letters) for _ in range(34))
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return "hf_" + body


def _notebooks(folder: Path, count: int, seed: int) -> list[tuple[Path, dict[str, Any]]]:
    """A seeded sample of the notebooks under ``folder`` that are JSON with a list of cells."""
    paths = sorted(folder.rglob("*.ipynb"))
    random.Random(seed).shuffle(paths)
    chosen: list[tuple[Path, dict[str, Any]]] = []
    for path in paths:
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(value, dict) and isinstance(value.get("cells"), list):
            chosen.append((path, value))
        if len(chosen) == count:
            break
    return chosen


def build(folder: Path, out: Path, count: int, seed: int) -> list[str]:
    """The tree at ``out``; returns the planted tokens (kept in memory only)."""
    rng = random.Random(seed)
    tokens: list[str] = []
    for index, (path, value) in enumerate(_notebooks(folder, count, seed)):
        token = _token(rng)
        tokens.append(token)
        cell: dict[str, Any] = {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [f'login(token="{token}")'],
        }
        if value.get("nbformat", 4) >= 4 and value.get("nbformat_minor", 0) >= 5:
            cell["id"] = f"planted-{index}"
        value["cells"].append(cell)
        target = out / f"{index:04d}-{path.name}"
        target.write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return tokens


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and the workers it waited for) of ``command``."""
    cpu = _cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command[:4])}... exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed, _cpu() - cpu


def _left(tokens: list[str], tree: Path) -> int:
    """How many of ``tokens`` are still in the files of ``tree`` (each starts with ``hf_``)."""
    wanted = set(tokens)
    found: set[str] = set()
    for path in tree.iterdir():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer("hf_", text):
            candidate = text[match.start() : match.start() + len(tokens[0])]
            if candidate in wanted:
                found.add(candidate)
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", type=Path, help="also copy the unfixed tree here (must not exist)")
    args = parser.parse_args()
    base = [sys.executable, "-m", "hf_secret_guard", "scan", "--isolated", "--exit-zero", "-q"]
    with tempfile.TemporaryDirectory(prefix="hfsg-fix-tree-") as work:
        pristine = Path(work) / "pristine"
        pristine.mkdir()
        tokens = build(args.folder, pristine, args.count, args.seed)
        size = sum(p.stat().st_size for p in pristine.iterdir())
        print(f"{len(tokens)} notebooks, {size / 1e6:.1f} MB, one planted token each")
        if args.keep is not None:
            shutil.copytree(pristine, args.keep)
        scans: list[tuple[float, float]] = []
        fixes: list[tuple[float, float]] = []
        left = 0
        for run in range(args.runs):
            load = os.getloadavg()[0]
            for mode in ("scan", "fix"):
                tree = Path(work) / f"{mode}-{run}"
                shutil.copytree(pristine, tree)
                if mode == "scan":
                    scans.append(_timed([*base, str(tree)]))
                else:
                    fixes.append(_timed([*base, "--fix", str(tree)]))
                    left = _left(tokens, tree)
                shutil.rmtree(tree)
            print(
                f"run {run + 1} (load {load:.2f}): scan {scans[-1][0]:.2f} s (CPU {scans[-1][1]:.2f} s), "
                f"scan --fix {fixes[-1][0]:.2f} s (CPU {fixes[-1][1]:.2f} s), "
                f"ratio {fixes[-1][0] / scans[-1][0]:.2f}"
            )
        scan, fix = statistics.median(w for w, _ in scans), statistics.median(w for w, _ in fixes)
        scan_cpu, fix_cpu = statistics.median(c for _, c in scans), statistics.median(c for _, c in fixes)
        ratios = sorted(f[0] / s[0] for s, f in zip(scans, fixes, strict=True))
        print(f"median: scan {scan:.2f} s, scan --fix {fix:.2f} s, ratio {fix / scan:.2f}")
        print(f"median CPU: scan {scan_cpu:.2f} s, --fix {fix_cpu:.2f} s, ratio {fix_cpu / scan_cpu:.2f}")
        print(f"ratio of each run's pair: {', '.join(f'{r:.2f}' for r in ratios)}")
        print(f"planted tokens left after --fix: {left} of {len(tokens)}")


if __name__ == "__main__":
    main()
