"""Per-cell cost of ``%load_ext hf_secret_guard``: the check each cell gets before it runs (goal: < 5 ms
for a 200-line cell), and a whole ``run_cell`` with and without the extension in a real IPython shell.

    uv run python benchmarks/notebook_ext.py [--repeat N]

The cells are realistic training code that names ``hf_``, ``os.environ`` and ``token`` without leaking, so
the prefilters cannot wave them through unread.  A cell with a leak (the slow path: parse, fix, advice)
is timed too, for information: it happens once per leaking cell, not on every run.  No token is printed.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import string
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

BLOCK = '''\
import os
from huggingface_hub import hf_hub_download, login
token = os.environ.get("HF_TOKEN")
cache_dir_{n} = os.environ.get("HF_HOME", "/tmp/hf")
def load_{n}(repo_id: str, filename: str = "config.json") -> str:
    """Fetch one file of a model (hf_hub_download caches it)."""
    path = hf_hub_download(repo_id, filename, token=token, cache_dir=cache_dir_{n})
    return path
config_{n} = dict(lr=3e-4, epochs=3, batch_size=32, hf_repo="org/model-{n}")
for epoch in range(config_{n}["epochs"]):
    loss = 1.0 / (epoch + 1)
'''


def clean_cell(lines: int = 200) -> str:
    blocks = []
    n = 0
    while sum(block.count("\n") for block in blocks) < lines:
        blocks.append(BLOCK.format(n=n))
        n += 1
    text = "".join("".join(blocks).splitlines(keepends=True)[:lines])
    compile(text, "<cell>", "exec")  # whole statements only
    return text


def fake_token() -> str:
    rng = random.Random("benchmark")
    return "hf_" + "".join(rng.choice(string.ascii_letters) for _ in range(34))


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and best time of one call, in milliseconds."""
    function()  # warm-up: imports, regex compilation
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def report(label: str, median: float, best: float, note: str) -> None:
    print(f"  {label:32} median {median:6.2f} ms   best {best:6.2f} ms   ({note})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    from IPython.core.interactiveshell import InteractiveShell

    from hf_secret_guard.integrations.cell_check import check_cell

    cell = clean_cell()
    leaky = cell + f'login("{fake_token()}")\n'
    assert check_cell(cell, colab=False).findings == 0
    assert check_cell(leaky, colab=False).findings == 1

    print(f"Python {sys.version.split()[0]}, a {cell.count(chr(10))}-line cell of {len(cell)} characters")
    median, best = timed(lambda: check_cell(cell, colab=False), args.repeat)
    report("cell check, clean cell:", median, best, "goal < 5 ms")
    writes = cell + 'os.environ["WANDB_PROJECT"] = "demo"\nos.environ["HF_TOKEN"] = token or ""\n'
    assert check_cell(writes, colab=False).findings == 0
    median, best = timed(lambda: check_cell(writes, colab=False), max(10, args.repeat // 10))
    report("cell check, environment writes:", median, best, "parsed, clean")
    median, best = timed(lambda: check_cell(leaky, colab=True), max(10, args.repeat // 10))
    report("cell check, cell with a leak:", median, best, "scan, fix, advice")

    shell = InteractiveShell.instance()
    body = "def _f():\n" + "".join("    " + line for line in cell.splitlines(keepends=True)) + "\n"
    sink = io.StringIO()

    def run() -> None:
        with redirect_stdout(sink), redirect_stderr(sink):
            shell.run_cell(body, store_history=False)

    without, _ = timed(run, args.repeat)
    shell.run_cell("%load_ext hf_secret_guard")
    with_ext, _ = timed(run, args.repeat)
    shell.run_cell("%unload_ext hf_secret_guard")
    print(
        f"  {'run_cell (defines a function):':32} {without:6.2f} ms without, "
        f"{with_ext:6.2f} ms with the extension (+{with_ext - without:.2f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
