"""What each speed lever bought: the same benchmark on the code before and after each step.

    uv run python benchmarks/levers.py [--runs 3]

Each step is a commit of this repository (``git archive``, so the work tree is not touched), installed
into its own virtual environment under ``benchmarks/.work/levers/`` as a user would install it, and
timed on the benchmark tree and on one small clean file, the steps taking turns run by run.  One step
is a commit with one lever switched off by a one-line patch (slicing, to tell it from the prefilters
that landed with it), and the last is the current code held to one core (``taskset``), which turns
the worker processes off.  Commits also carry other people's work of the same day: the table names them.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_tree  # noqa: E402
import run  # noqa: E402

LEVERS = HERE / ".work" / "levers"

# (label, commit, (file, pattern, replacement) or None, one core only)
STEPS: list[tuple[str, str, Optional[tuple[str, str, str]], bool]] = [
    ("before: needle prefilter, libcst on whole files, one process", "62664f4", None, False),
    (
        "+ finer prefilters (token candidates, secret-like write keys, notebook json)",
        "bef3474",
        ("hf_secret_guard/read/slices.py", r"(?m)^MIN_SIZE = .*$", "MIN_SIZE = 10**12"),
        False,
    ),
    ("+ statement slices for libcst", "bef3474", None, False),
    ("+ worker processes (2 cores), one libcst parser", "176cacf", None, False),
    ("+ lean start-up, cheaper prefilter checks", "65899ac", None, False),
    ("+ click-free path for clean files (pre-commit's call)", "e0c8e7c", None, False),
    ("+ NamedTuple records, reads are not writes (now)", "HEAD", None, False),
    ("now, held to one core (no workers)", "HEAD", None, True),
]


def checkout(commit: str, target: Path, patch: Optional[tuple[str, str, str]]) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", "--format=tar", commit], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target)  # our own repository: trusted paths
    if patch:
        path, pattern, replacement = patch
        source = target / path
        patched, count = re.subn(pattern, replacement, source.read_text())
        assert count == 1, f"patch did not apply to {path}"
        source.write_text(patched)


def install(source: Path, venv: Path) -> str:
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    command = ["uv", "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    subprocess.run(
        [*command, "--compile-bytecode", "--reinstall-package", "hf-secret-guard", str(source)], check=True
    )
    return str(venv / "bin" / "hf-secret-guard")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tree", type=Path, default=build_tree.DEFAULT_OUT)
    args = parser.parse_args()
    if not args.tree.is_dir():
        build_tree.write_manifest(
            args.tree, build_tree.build(args.tree, 1734, 500, int(41.7e6), build_tree.DEFAULT_SEED)
        )
    small = run.small_files(args.tree.parent / "small")["small clean .py"]
    tools = []
    for number, (label, commit, patch, one_core) in enumerate(STEPS):
        source = LEVERS / f"step{number}"
        checkout(commit, source, patch)
        command = [install(source, LEVERS / f"venv{number}"), "scan"]  # as pre-commit runs it
        if one_core:
            command = ["taskset", "-c", "0", *command]
        tools.append(run.Tool(label, command, "summary"))
    tree = run.measure([(tool, str(args.tree)) for tool in tools], args.runs)
    one = run.measure([(tool, str(small)) for tool in tools], args.runs)
    print(f"{run.machine()}; {args.runs} runs each, taking turns; load average at the end {run.load()}")
    print()
    print("| step | commit | tree wall s (median) | spread s | peak RSS MB | findings | small .py wall s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (label, commit, _, _), timing, small_timing in zip(STEPS, tree, one, strict=True):
        resolved = subprocess.run(
            ["git", "-C", str(HERE.parent), "rev-parse", "--short", commit], capture_output=True, text=True
        ).stdout.strip()
        spread = f"{min(timing.walls):.2f}–{max(timing.walls):.2f}"
        print(
            f"| {label} | {resolved} | {timing.wall:.2f} | {spread} | {timing.peak_rss / 1e6:.0f} | "
            f"{timing.findings} | {small_timing.wall:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
