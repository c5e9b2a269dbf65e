"""How long ``scan --history`` takes on a repository with many commits (default 10,000).

Builds the repository in seconds with ``git fast-import`` (no working tree, no ``git commit`` per step):
a few hundred .py files, notebooks and text files, each commit editing one to three of them, and fake
tokens planted now and then (in .py code, in notebook JSON as ``\\"hf_...\\"``, in a .env file), some
removed again later, and a few only in commit messages.  Then it times, whole-process wall clock, median
of ``--runs``:

- ``git log -p`` of the whole history, as a floor: what reading every diff costs git alone;
- ``git log -p -G<token prefixes>``: what git does for us (the pickaxe skips diffs without a token);
- ``git log --grep=<token prefixes>``: the commit messages that name one (the second, cheap call);
- the same with the exact token regex in ``-G``, to show why we give git only the prefixes;
- ``hf-secret-guard scan --history --format json``: the real command, checking that every planted token
  is found once, with the right "still at HEAD" answer;
- the same parse without ``-G`` (Python reading every diff line), to show what the pickaxe buys.

    uv run python benchmarks/history_bench.py                # 10,000 commits
    uv run python benchmarks/history_bench.py --commits 2000 --keep /tmp/hist-repo

Tokens are generated at run time; none is written in this file.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hf_secret_guard.history import _log_command, _message_command, added_lines, collect  # noqa: E402
from hf_secret_guard.tokens import mask  # noqa: E402


def fake_token(rng: random.Random) -> str:
    while True:
        body = "".join(rng.choice(string.ascii_letters) for _ in range(34))
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return "hf_" + body


def python_file(rng: random.Random, index: int) -> list[str]:
    lines = [f'"""Module {index}."""', "", "import os", ""]
    for n in range(rng.randint(20, 60)):
        lines.append(f"def f_{index}_{n}(x):")
        lines.append(f"    return x * {rng.randint(1, 99)} + len(os.sep)  # step {n}")
        lines.append("")
    return lines


def notebook_lines(rng: random.Random, index: int) -> list[str]:
    """A notebook's JSON, one line per list item, as Jupyter writes it (1-space indent keeps it short)."""
    cells = []
    for n in range(rng.randint(5, 15)):
        cells.append(
            '  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], '
            f'"source": ["x_{n} = {rng.randint(1, 999)}\\n", "print(x_{n})"]}}'
        )
    return [
        '{"cells": [',
        *[c + "," for c in cells[:-1]],
        cells[-1],
        '], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
    ]


@dataclass
class Planted:
    token: str
    path: str  # "" for a token only in a commit message
    removed: bool = False


@dataclass
class Plan:
    files: dict[str, list[str]] = field(default_factory=dict)
    planted: list[Planted] = field(default_factory=list)


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def build_repo(target: Path, commits: int, seed: int = 7) -> Plan:
    """Create ``target`` as a bare-ish repository (git init + fast-import) with ``commits`` commits."""
    rng = random.Random(seed)
    said = random.Random(seed + 1)  # message tokens: their own generator, so the files stay as they were
    plan = Plan()
    for i in range(300):
        plan.files[f"src/pkg{i % 12}/mod{i}.py"] = python_file(rng, i)
    for i in range(30):
        plan.files[f"notebooks/nb{i}.ipynb"] = notebook_lines(rng, i)
    for i in range(20):
        plan.files[f"docs/page{i}.md"] = [f"# Page {i}", "", *[f"Line {n} of text." for n in range(30)]]
    plan.files[".env.example"] = ["HF_HOME=/tmp/hf"]
    names = sorted(plan.files)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=target, stdin=subprocess.PIPE)
    assert process.stdin is not None
    out = process.stdin
    clock = 1_600_000_000
    for number in range(1, commits + 1):
        clock += rng.randint(60, 7200)
        changed: set[str] = set()
        if number == 1:
            changed.update(names)
        else:
            for _ in range(rng.randint(1, 3)):
                name = rng.choice(names)
                lines = plan.files[name]
                spot = rng.randrange(len(lines)) + 1
                if name.endswith(".ipynb"):
                    lines[spot - 1] = lines[spot - 1].replace("x_", "y_", 1)
                else:
                    lines.insert(spot, f"# edit {number}: {rng.random():.6f}")
                changed.add(name)
            if number % 400 == 0:  # plant a token: 25 in 10,000 commits
                token = fake_token(rng)
                kind = (number // 400) % 3
                if kind == 0:
                    name = rng.choice([n for n in names if n.endswith(".py")])
                    plan.files[name].insert(3, f'HF_TOKEN = "{token}"')
                elif kind == 1:
                    name = rng.choice([n for n in names if n.endswith(".ipynb")])
                    cell = (
                        '  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], '
                        f'"source": ["from huggingface_hub import login\\n", "login(\\"{token}\\")"]}},'
                    )
                    plan.files[name].insert(1, cell)
                else:
                    name = ".env.example"
                    plan.files[name].append(f"HF_TOKEN={token}")
                plan.planted.append(Planted(token, name))
                changed.add(name)
            if number % 1000 == 500 and plan.planted:  # remove an earlier token again
                victim = next((p for p in plan.planted if not p.removed), None)
                if victim is not None:
                    lines = plan.files[victim.path]
                    plan.files[victim.path] = [ln for ln in lines if victim.token not in ln]
                    victim.removed = True
                    changed.add(victim.path)
        out.write(b"commit refs/heads/main\n")
        out.write(b"committer Bench <bench@example.com> %d +0000\n" % clock)
        message = f"commit {number}"
        if number % 2500 == 1250:  # a token only in a commit message: 4 in 10,000 commits
            token = fake_token(said)
            message += f"\n\nremove token {token}"
            plan.planted.append(Planted(token, "", removed=True))
        out.write(_data(message))
        for name in sorted(changed):
            out.write(b"M 100644 inline " + name.encode() + b"\n")
            out.write(_data("\n".join(plan.files[name]) + "\n"))
        out.write(b"\n")
    out.write(b"done\n")
    out.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return plan


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], cwd: Path, runs: int) -> tuple[float, float, bytes]:
    """Median wall time and median CPU time (user + system, all child processes) of ``runs`` runs.

    CPU time is printed too because the machine may be shared: it moves much less than wall time.
    """
    times: list[float] = []
    cpus: list[float] = []
    output = b""
    for _ in range(runs):
        cpu = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu)
        output = done.stdout
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return statistics.median(times), statistics.median(cpus), output


def python_parse_without_pickaxe(cwd: Path) -> tuple[float, int, int]:
    """Our parser over every diff line (no -G): the cost the pickaxe saves."""
    command = _log_command([], ["HEAD"], [])
    at = command.index("-G")
    del command[at : at + 2]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE)
    assert process.stdout is not None
    count = 0

    def lines():  # type: ignore[no-untyped-def]
        nonlocal count
        for line in process.stdout:  # type: ignore[union-attr]
            count += 1
            yield line

    found = collect(added_lines(lines()))
    process.wait()
    return time.perf_counter() - started, count, len(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        target = args.keep or Path(scratch) / "repo"
        started = time.perf_counter()
        plan = build_repo(target, args.commits)
        build = time.perf_counter() - started
        size = subprocess.run(
            ["git", "count-objects", "-vH"], cwd=target, capture_output=True, text=True, check=True
        ).stdout
        pack = next(
            (ln.split(":", 1)[1].strip() for ln in size.splitlines() if ln.startswith("size-pack")), "?"
        )
        print(
            f"built {args.commits} commits, {len(plan.files)} files, {len(plan.planted)} planted tokens "
            f"({sum(p.removed and bool(p.path) for p in plan.planted)} removed later, "
            f"{sum(not p.path for p in plan.planted)} only in a commit message) in {build:.1f} s; pack {pack}"
        )

        log = _log_command([], ["HEAD"], [])
        exact = list(log)
        exact[exact.index("-G") + 1] = "hf_[A-Za-z0-9]{34}|api_org_[A-Za-z]{34}"
        rows = [
            ("git log -p, whole history (floor: git alone)", ["git", "log", "-p", "--format=%H", "HEAD"]),
            ("git log -p -U0 --cc -G'hf_|api_org_' (what we stream)", log),
            ("git log --grep=hf_ --grep=api_org_ (commit messages)", _message_command([], ["HEAD"])),
            ("same with the exact token regex in -G (not used)", exact),
        ]
        timings = [(name, *timed(command, target, args.runs)) for name, command in rows]
        full_log = timings[0][3]
        cli = [sys.executable, "-m", "hf_secret_guard", "scan", "--history", "--format", "json"]
        ours, ours_cpu, report_bytes = timed(cli, target, args.runs)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        no_pickaxe, lines_read, found_without = python_parse_without_pickaxe(target)

        report = json.loads(report_bytes)
        got = {t["secret"]: t for t in report["tokens"]}
        expected = {mask(p.token): p for p in plan.planted}
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        wrong_head = sorted(m for m, p in expected.items() if m in got and got[m]["at_head"] == p.removed)
        print(f"{'what (median of ' + str(args.runs) + ' runs)':58} {'wall s':>8} {'cpu s':>8}")
        for name, wall, cpu, _ in timings:
            print(f"{name:58} {wall:8.2f} {cpu:8.2f}")
        print(f"{'hf-secret-guard scan --history --format json':58} {ours:8.2f} {ours_cpu:8.2f}")
        print(f"{'our parser in Python without -G (every diff line)':58} {no_pickaxe:8.2f} {'':>8}")
        print(f"full git log -p output: {len(full_log) / 1e6:.1f} MB, {lines_read} lines parsed without -G")
        print(
            f"findings: {len(got)} distinct tokens (planted {len(expected)}); missing {len(missing)}, "
            f"unexpected {len(extra)}, wrong at-HEAD answer {len(wrong_head)}; without -G: {found_without}"
        )
        print(
            f"peak RSS of the largest child process: {rss_mb:.0f} MB; "
            f"commits read: {report['history']['commits']}"
        )
        if args.keep:
            print(f"repository kept at {target}")
        return 1 if missing or extra or wrong_head else 0


if __name__ == "__main__":
    raise SystemExit(main())
