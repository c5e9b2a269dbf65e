"""Start-up and worker processes: what a scan imports, and that workers change nothing but the speed.

No timings here (the machine is shared): the checks are on what is imported, and on results.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from hf_secret_guard import api
from hf_secret_guard.discover import DEFAULT_DISCOVER, discover_files
from hf_secret_guard.model import Candidate, FileResult
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.scan import parallel
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

HEAVY = ("libcst", "nbformat")

# Files that mention every needle but cannot leak: the prefilters must settle them without a parser.
CLEAN_BUT_SUSPICIOUS = {
    "reads_env.py": 'import os\nHOME = os.environ["HOME"]\nos.environ["TOKENIZERS_PARALLELISM"] = "false"\n',
    "hub.py": 'from huggingface_hub import hf_hub_download\nkw = {"hf_token": None}\nhf_hub_download("x")\n',
}


def _clean_notebook() -> str:
    cells = [
        new_markdown_cell("# Training\nUse `hf_hub_download` for the weights."),
        new_code_cell(
            "import os\nos.environ['WANDB_DISABLED'] = 'true'\n%env CUDA_VISIBLE_DEVICES=0",
            outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
        ),
    ]
    return notebook_text(cells)


def _imported_heavy(tmp_path: Path, *names: str) -> tuple[int, list[str]]:
    """Run a real scan in a fresh interpreter; its exit status and which heavy packages it imported."""
    script = (
        "import json, sys\n"
        "from hf_secret_guard.cli.main import main\n"
        f"status = main(['scan', '--format', 'json', *{list(names)!r}])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
        "print(json.dumps([status, heavy]), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    status, heavy = json.loads(result.stderr.strip().splitlines()[-1])
    return status, heavy


@pytest.mark.e2e
def test_clean_scan_imports_neither_libcst_nor_nbformat(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "clean.ipynb").write_text(_clean_notebook())
    for name, text in CLEAN_BUT_SUSPICIOUS.items():
        (tmp_path / name).write_text(text)
    assert _imported_heavy(tmp_path, ".") == (0, [])


SNAPSHOT = Path(__file__).parent / "data" / "golden" / "clean-run-modules.txt"
THIRD_PARTY = ("click", "libcst", "nbformat", "IPython", "jsonschema", "yaml", "tomli")


@pytest.mark.e2e
def test_modules_a_clean_scan_loads(tmp_path: Path, update_golden: bool) -> None:
    """The exact list of our modules (and of heavy third-party packages) the console entry loads for a
    clean pre-commit run of a .py file and a notebook: a new import on that path is a reviewed change
    (``--update-golden``), not a start-up cost found months later."""
    (tmp_path / "clean.py").write_text(CLEAN_BUT_SUSPICIOUS["reads_env.py"])
    (tmp_path / "clean.ipynb").write_text(_clean_notebook())
    script = (
        "import sys\n"
        "from hf_secret_guard.cli.entry import main\n"
        "status = main(['scan', 'clean.py', 'clean.ipynb'])\n"
        f"third = {THIRD_PARTY!r}\n"
        "ours = sorted(m for m in sys.modules if m.split('.')[0] == 'hf_secret_guard')\n"
        "theirs = sorted({m.split('.')[0] for m in sys.modules} & set(third))\n"
        "print('\\n'.join([f'exit {status}', *ours, *theirs]), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    lines = result.stderr.splitlines()
    got = "".join(
        f"{line}\n" for line in lines if line.startswith(("exit ", "hf_secret_guard")) or line in THIRD_PARTY
    )
    if update_golden:
        SNAPSHOT.write_text(got, encoding="utf-8")
    assert got == SNAPSHOT.read_text("utf-8"), "run with --update-golden and review the new imports"
    assert "libcst" not in got and "nbformat" not in got and "click" not in got


@pytest.mark.e2e
def test_a_scan_with_findings_hashes_them_without_openssl(tmp_path: Path) -> None:
    """Each finding's fingerprint is a SHA-256, made by CPython's own module where it has one: no
    ``hashlib`` (which starts OpenSSL) in a process that only scans and reports, and the fingerprint is
    ``hashlib``'s own (a baseline written by an older version still holds)."""
    import hashlib

    from hf_secret_guard.tokens import fingerprint

    (tmp_path / "leak.py").write_text(f'login(token="{TOKEN}")\n')
    script = (
        "import sys\n"
        "from hf_secret_guard.cli.entry import main\n"
        "status = main(['scan', 'leak.py'])\n"
        "print(status, 'hashlib' in sys.modules, '_hashlib' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    has_own = any(_importable(name) for name in ("_sha2", "_sha256"))
    assert done.stderr.splitlines()[-1] == ("1 False False" if has_own else "1 True True")
    secret = hashlib.sha256(f"hf-secret-guard:{TOKEN}".encode()).hexdigest()[:32]
    expected = hashlib.sha256(f"HFG001\0leak.py\0{secret}".encode()).hexdigest()[:32]
    assert fingerprint("HFG001", "leak.py", TOKEN) == expected


def test_the_hash_module_is_looked_for_once_not_per_finding() -> None:
    """A failed import is looked for again on every try (``sys.path`` searched each time): the hash is
    looked for once per process, not once per finding (a scan with thousands of findings paid for each).
    Watched with an import hook in a fresh interpreter, where nothing was looked for yet."""
    script = (
        "import sys\n"
        "asked = []\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        asked.append(name)\n"
        "sys.meta_path.insert(0, Watch())\n"
        "from hf_secret_guard.tokens import fingerprint\n"
        "for n in range(50):\n"
        "    fingerprint('HFG001', f'{n}.py', 'hf_' + 'aB' * 17)\n"
        "print(sum(1 for name in asked if 'sha' in name))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert 1 <= int(done.stdout) <= 3  # _sha2, then _sha256, then hashlib: each once at most


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


@pytest.mark.e2e
def test_a_leak_only_libcst_can_place_brings_it_in(tmp_path: Path) -> None:
    """The check above can fail: the same probe sees libcst once a file needs it (a token in a literal
    joined from pieces or with an escape, or written as a name), and not for a token in a plain string
    literal, a comment or an f-string without fields, which ``ast`` answers (``detect.python_ast``)."""
    (tmp_path / "literal.py").write_text(f'login(token="{TOKEN}")\n')
    (tmp_path / "comment.py").write_text(f'login(token="{TOKEN}")  # {TOKEN2}\n')
    (tmp_path / "fstring.py").write_text(f'headers = {{"Authorization": f"Bearer {TOKEN}"}}\n')
    (tmp_path / "joined.py").write_text(f'login(token="{TOKEN}" "")\n')
    (tmp_path / "escaped.py").write_text(f'login(token="\\t{TOKEN}")\n')
    (tmp_path / "name.py").write_text(f"login({TOKEN})\n")
    plain = ("literal.py", "comment.py", "fstring.py")
    assert _imported_heavy(tmp_path, *plain) == (1, [])  # one process: none of them needs libcst
    assert all(api.scan_file(str(tmp_path / name)).findings for name in plain)  # and each has a leak
    for pieces in ("joined.py", "escaped.py", "name.py"):
        assert _imported_heavy(tmp_path, pieces) == (1, ["libcst"]), pieces


@pytest.mark.e2e
def test_placeholders_in_key_places_need_no_libcst(tmp_path: Path) -> None:
    """A template that only writes placeholders (``token = "YOUR_HF_TOKEN"``) is read with ``ast``:
    reported, and libcst never loaded; the same probe sees libcst for a leak (test above)."""
    code = 'import os\ntoken = "YOUR_HF_TOKEN"\nos.environ["OPENAI_API_KEY"] = "<YOUR_KEY>"\n'
    (tmp_path / "template.py").write_text(code)
    (tmp_path / "template.ipynb").write_text(notebook_text([new_code_cell("!pip install x\n" + code)]))
    assert _imported_heavy(tmp_path, "template.py", "template.ipynb") == (1, [])


@pytest.mark.e2e
def test_a_notebook_fix_needs_no_nbformat(tmp_path: Path) -> None:
    """nbformat (with jsonschema's format grammars: about a second to import) is not needed to check a fix
    that changed only a cell's source and an output's text; the notebook is fixed all the same."""
    cells = [
        new_code_cell(f'login(token="{TOKEN}")', outputs=[new_output("stream", text=f"{TOKEN2}\n")]),
    ]
    (tmp_path / "nb.ipynb").write_text(notebook_text(cells, style="colab-4.0"))
    script = (
        "import json, sys\n"
        "from hf_secret_guard.cli.main import main\n"
        "status = main(['scan', '--fix', '-q', 'nb.ipynb'])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})\n"
        "print(json.dumps([status, heavy]), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == [1, ["libcst"]]
    fixed = (tmp_path / "nb.ipynb").read_text()
    assert TOKEN not in fixed and TOKEN2 not in fixed and "userdata.get(" in fixed


@pytest.mark.e2e
def test_what_fix_wrote_is_settled_without_a_parser(tmp_path: Path) -> None:
    """After ``--fix``, every later commit of the file is a clean scan: ``os.environ["HF_TOKEN"] =
    userdata.get("HF_TOKEN")`` and ``login(token=...)`` with a call are not string writes."""
    from hf_secret_guard.fix.model import FixOptions

    leaky = f'import os\nfrom huggingface_hub import login\nos.environ["HF_TOKEN"] = "{TOKEN}"\n'
    leaky += f'login("{TOKEN}")\n'
    (tmp_path / "userdata.py").write_text(leaky)
    (tmp_path / "env.py").write_text(leaky)
    cells = [
        new_code_cell(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN2}"'),
        new_code_cell("print(token)", outputs=[new_output("stream", text=f"{TOKEN2}\n")]),
    ]
    (tmp_path / "nb.ipynb").write_text(notebook_text(cells, style="colab-4.0"))
    for name, style in (("userdata.py", "userdata"), ("env.py", "env"), ("nb.ipynb", "userdata")):
        result = api.fix_file(str(tmp_path / name), fix_options=FixOptions(style=style))
        assert result.fixed and not result.not_fixed
    assert "userdata.get(" in (tmp_path / "userdata.py").read_text()
    assert _imported_heavy(tmp_path, ".") == (0, [])


# ---------------------------------------------------------------------------- worker processes


def _tree(root: Path, count: int, mixed: int) -> None:
    """``count`` files in several folders: the first ``mixed`` clean, leaky, broken or notebooks."""
    for number in range(count):
        folder = root / f"pkg{number % 7}"
        folder.mkdir(exist_ok=True)
        kind = number % 10 if number < mixed else 0
        if kind == 3:
            text = f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\n'
        elif kind == 5:
            text = f"def f():\n    # old key {ORG_TOKEN}\n    return 1\n" + "x = 1\n" * 80
        elif kind == 7:
            cells = [
                new_code_cell(f"login('{TOKEN2}')", outputs=[new_output("stream", text=f"{TOKEN2}\n")]),
                new_code_cell("plt.show()", outputs=[new_output("display_data", data={"image/png": PNG})]),
            ]
            (folder / f"nb{number}.ipynb").write_text(notebook_text(cells, style="colab-4.0"))
            continue
        elif kind == 8:
            text = f"def broken(:\n    t = '{TOKEN}'\n"  # a parse error: reported, in order, by workers too
        else:
            text = f"VALUE_{number} = {number}\n"
        (folder / f"m{number}.py").write_text(text)


def _scan_in_a_process(root: Path, jobs: int | None = None) -> tuple[int, bool]:
    """A scan of ``root`` in ``jobs`` processes, started from a fresh interpreter (one thread: it may
    fork): its number of findings, and whether that process imported libcst."""
    script = (
        "import sys\n"
        "from hf_secret_guard import api\n"
        f"results = list(api.scan_paths([{str(root)!r}], jobs={jobs!r}))\n"
        "print(sum(len(r.findings) for r in results), 'libcst' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    findings, imported = result.stdout.split()
    return int(findings), imported == "True"


def _scan(candidates: list[Candidate], workers: int) -> list[FileResult]:
    options = ScanOptions()
    if workers < 2:
        return [api.scan_candidate(candidate, options) for candidate in candidates]
    return list(parallel.scan_in_workers(candidates, options, api.scan_candidate, workers))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_workers_give_the_serial_results_in_the_serial_order(tmp_path: Path) -> None:
    _tree(tmp_path, 150, 150)
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    serial = _scan(candidates, 0)
    assert sum(len(r.findings) for r in serial) > 50 and any(r.errors for r in serial)
    for workers in (2, 3):
        assert _scan(candidates, workers) == serial


def test_work_is_handed_out_with_copies_of_one_file_side_by_side(tmp_path: Path) -> None:
    """Copies of a template notebook under other names (``AMD-X``, ``Kaggle-X``, in other folders) are
    handed out next to each other, so that one process's memories serve them all; every file once."""
    names = [f"{prefix}{stem}.ipynb" for prefix in ("", "AMD-", "Kaggle-") for stem in ("Llama", "Qwen")]
    paths = [str(tmp_path / folder / name) for folder in ("nb", "kaggle") for name in names]
    candidates = [Candidate(path) for path in sorted(paths)]
    order = [index for chunk in parallel._chunks(candidates) for index in chunk]
    assert sorted(order) == list(range(len(candidates)))
    stems = ["Qwen" if candidates[index].path.endswith("Qwen.ipynb") else "Llama" for index in order]
    assert stems == sorted(stems, key=stems.index)  # each stem's copies in one run: 6 and 6
    assert stems.count("Qwen") == stems.count("Llama") == 6


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_each_process_scans_files_next_to_each_other(tmp_path: Path) -> None:
    """Two processes each take a stretch of the order from its front, and the one done first takes what
    is left of the other's from its back: each scans its files in at most two runs of that order, three
    runs in all (one chunk after another to whichever asked gave each process every other chunk)."""
    _tree(tmp_path, 160, 160)
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)

    def scan_one(candidate: Candidate, options: ScanOptions) -> tuple[int, FileResult]:
        time.sleep(0.002)  # both processes get to work, however late the child starts
        return os.getpid(), api.scan_candidate(candidate, options)

    scanned = list(parallel.scan_in_workers(candidates, ScanOptions(), scan_one, 2))
    assert [result for _, result in scanned] == _scan(candidates, 0)
    order = [index for chunk in parallel._chunks(candidates) for index in chunk]
    pids = [scanned[index][0] for index in order]
    runs = 1 + sum(1 for before, after in itertools.pairwise(pids) if before != after)
    assert len(set(pids)) == 2 and runs <= 3


def _refuse_memfd(*args: object) -> int:
    raise OSError(38, "Function not implemented")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
@pytest.mark.parametrize("memfd", ["refused", "missing"])
def test_without_a_file_to_share_one_process_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memfd: str
) -> None:
    """Workers share who takes what through a file in memory (``memfd_create``) or else a temporary file;
    where neither can be made (a kernel or sandbox without the first, a temporary directory that is gone),
    the files are scanned in this process, with the same results."""
    _tree(tmp_path, 40, 40)
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    if memfd == "refused":
        monkeypatch.setattr(os, "memfd_create", _refuse_memfd, raising=False)
    else:
        monkeypatch.delattr(os, "memfd_create", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))

    def scan_one(candidate: Candidate, options: ScanOptions) -> tuple[int, FileResult]:
        return os.getpid(), api.scan_candidate(candidate, options)

    scanned = list(parallel.scan_in_workers(candidates, ScanOptions(), scan_one, 2))
    assert [result for _, result in scanned] == _scan(candidates, 0)
    assert {pid for pid, _ in scanned} == {os.getpid()}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_without_a_file_in_memory_workers_share_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system makes no file in memory (macOS, the BSDs), the workers share a temporary file."""
    _tree(tmp_path, 40, 40)
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    monkeypatch.setattr(os, "memfd_create", _refuse_memfd, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def scan_one(candidate: Candidate, options: ScanOptions) -> tuple[int, FileResult]:
        time.sleep(0.002)  # both processes get to work, however late the child starts
        return os.getpid(), api.scan_candidate(candidate, options)

    scanned = list(parallel.scan_in_workers(candidates, ScanOptions(), scan_one, 2))
    assert [result for _, result in scanned] == _scan(candidates, 0)
    assert len({pid for pid, _ in scanned}) == 2  # the file they share: only the temporary one


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_a_dying_worker_costs_time_not_results(tmp_path: Path) -> None:
    """A worker that dies (here: on one file) leaves holes; the parent scans those files itself."""
    _tree(tmp_path, 60, 60)
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    parent = os.getpid()
    victim = candidates[17].path

    def scan_one(candidate: Candidate, options: ScanOptions) -> FileResult:
        if os.getpid() != parent and candidate.path == victim:
            os._exit(3)
        return api.scan_candidate(candidate, options)

    results = list(parallel.scan_in_workers(candidates, ScanOptions(), scan_one, 2))
    assert results == _scan(candidates, 0)


@pytest.mark.e2e
@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_only_the_parser_worker_imports_libcst(tmp_path: Path) -> None:
    """Files that need libcst go to one worker: the parent finishes without ever importing it (``--jobs
    2``: a tree this small is scanned in one process unless asked; in one, it imports libcst itself)."""
    _tree(tmp_path, 60, 40)
    findings, imported = _scan_in_a_process(tmp_path, jobs=2)
    serial = _scan(discover_files([str(tmp_path)], DEFAULT_DISCOVER), 0)
    assert findings == sum(len(r.findings) for r in serial)
    assert not imported
    assert _scan_in_a_process(tmp_path, jobs=1) == (findings, True)


@pytest.mark.e2e
@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_workers_for_a_large_tree_or_as_many_as_asked() -> None:
    """Without ``--jobs``, a tree of ``MIN_FILES`` files or more gets a worker per core (up to
    ``MAX_WORKERS``) and a smaller one none; ``--jobs N`` gets N for two files or more, 1 none.  Asked in
    a fresh interpreter: with another thread running (a test runner's), no process may fork."""
    script = (
        "from hf_secret_guard.model import Candidate\n"
        "from hf_secret_guard.scan import parallel as p\n"
        "def files(n): return [Candidate(f'm{i}.py') for i in range(n)]\n"
        "print(p.workers_for(files(p.MIN_FILES - 1)), p.workers_for(files(p.MIN_FILES)),\n"
        "      p.workers_for(files(2), 3), p.workers_for(files(p.MIN_FILES), 1),\n"
        "      p.workers_for(files(2), 99), p.workers_for(files(1), 4))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    per_core = min(parallel.cores(), parallel.MAX_WORKERS)
    assert done.stdout.split() == [str(n) for n in (0, per_core, 3, 1, parallel.MAX_WORKERS, 0)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_when_most_files_need_libcst_every_worker_parses(tmp_path: Path) -> None:
    """A tree of files that all need libcst (a token after an escape: ``ast`` cannot place it): past
    ``DEFER_LIMIT`` hand-overs the parent imports libcst too, with the serial results."""
    count = 3 * parallel.DEFER_LIMIT + 8  # the parent defers past DEFER_LIMIT: it takes most chunks
    for number in range(count):
        (tmp_path / f"m{number}.py").write_text(f'import os\nos.environ["HF_TOKEN"] = "\\t{TOKEN}"\n')
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    findings, imported = _scan_in_a_process(tmp_path, jobs=2)
    assert findings == count and imported
    assert _scan(candidates, 2) == _scan(candidates, 0)


@pytest.mark.e2e
@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
def test_a_dying_parser_costs_time_not_results(tmp_path: Path) -> None:
    """The parser dies as soon as it has imported libcst, while the parent still hands it files: the
    parent parses them itself (a write to the parser's closed pipe stopped the run with BrokenPipeError).
    In a fresh interpreter, where the parent really defers (libcst not yet imported); the parent takes
    longer over its files than libcst takes to import, so it is still handing them over."""
    count = 40
    for number in range(count):
        (tmp_path / f"m{number}.py").write_text(f'import os\nos.environ["HF_TOKEN"] = "\\t{TOKEN}"\n')
    script = (
        "import os, sys, time\n"
        "from hf_secret_guard import api\n"
        "from hf_secret_guard.discover import discover_files, DEFAULT_DISCOVER\n"
        "from hf_secret_guard.options import ScanOptions\n"
        "from hf_secret_guard.scan import parallel\n"
        f"candidates = discover_files([{str(tmp_path)!r}], DEFAULT_DISCOVER)\n"
        "parent = os.getpid()\n"
        "def scan_one(candidate, options):\n"
        "    if os.getpid() != parent and 'libcst' in sys.modules:\n"
        "        os._exit(3)\n"
        "    if os.getpid() == parent:\n"
        "        time.sleep(0.03)\n"
        "    return api.scan_candidate(candidate, options)\n"
        "results = list(parallel.scan_in_workers(candidates, ScanOptions(), scan_one, 2))\n"
        "print(sum(len(r.findings) for r in results), len(results))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-300:]
    assert done.stdout.split() == [str(count), str(count)]


@pytest.mark.e2e
def test_the_ast_path_loads_no_dataclasses() -> None:
    """A file read with ``ast`` (a placeholder in a key place) loads no ``dataclasses`` (with ``inspect``
    and ``copy``): every worker process that reads a file with a possible finding would pay for it."""
    script = (
        "import sys\n"
        "from hf_secret_guard import api\n"
        "result = api.scan_source('import os\\ntoken = \"YOUR_HF_TOKEN\"\\n', 't.py')\n"
        "print(len(result.findings), 'dataclasses' in sys.modules, 'libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "False", "False"]
