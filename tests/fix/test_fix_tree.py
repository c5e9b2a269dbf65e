"""``--fix`` on many files: the scan's findings are reused for bytes that did not change (no second
scan), and a large tree is planned in worker processes with the same outcome as one by one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from hf_secret_guard.api import scan_candidates, scan_file
from hf_secret_guard.cli import fix_run
from hf_secret_guard.discover import DEFAULT_DISCOVER, discover_files
from hf_secret_guard.model import digest
from hf_secret_guard.options import DEFAULT_FIX_OPTIONS, DEFAULT_OPTIONS
from tests.conftest import make_token, run_cli
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, notebook_text


def _tree(root: Path, count: int) -> dict[Path, str]:
    tokens = {}
    for index in range(count):
        token = make_token(100 + index)
        path = root / f"nb{index:03d}.ipynb"
        cells = [new_code_cell("import os\nx = 1"), new_code_cell(f'login(token="{token}")')]
        path.write_text(notebook_text(cells))
        tokens[path] = token
    return tokens


@pytest.mark.e2e  # forked workers: never from a process with other threads (a test runner's)
def test_a_large_tree_is_fixed_in_workers_as_one_by_one(tmp_path: Path) -> None:
    """Fixes planned in workers (``--jobs 2``: a tree this small is fixed in one process unless asked)
    are those planned one by one."""
    count = 20
    (tmp_path / "a").mkdir()
    tokens = _tree(tmp_path / "a", count)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    result = run_cli("scan", "--isolated", "--jobs", "2", "--fix", "a", cwd=tmp_path)  # it may fork
    assert f"Found {count} leaks in {count} files" in result.stdout
    assert f"{count} fixed, 0 remaining" in result.stdout
    for path, token in tokens.items():
        text = path.read_text()
        assert token not in text and token not in result.stdout
        source = "".join(json.loads(text)["cells"][1]["source"])
        compile(TransformerManager().transform_cell(source), "cell", "exec")
    # In one process, one file after the other (no --jobs: a tree this small is not forked for), the same.
    run_main("scan", "--isolated", "--fix", "b", cwd=tmp_path)
    for path in sorted((tmp_path / "b").iterdir()):
        assert path.read_bytes() == (tmp_path / "a" / path.name).read_bytes()


def test_bytes_that_changed_since_the_scan_are_scanned_again(tmp_path: Path) -> None:
    """The scan's digest matches only the bytes it read: a file changed in between is scanned again, and
    a finding that is gone is reported as such, not fixed at a stale offset."""
    token = make_token(7)
    path = tmp_path / "a.py"
    path.write_text(f'login(token="{token}")\n')
    scanned = scan_file(str(path))
    assert scanned.digest == digest(path.read_bytes()) and len(scanned.findings) == 1
    found, stale = scanned.findings, {str(path): scanned.digest}
    path.write_text(f'x = 1\nlogin(token="{token}")\n')  # moved down a line after the scan
    run = fix_run.run_fixes(found, DEFAULT_OPTIONS, DEFAULT_FIX_OPTIONS, dry_run=False, digests=stale)
    assert run.written == () and token in path.read_text()
    reasons = [item.reason for r in run.results for item in r.not_fixed]
    assert reasons == ["the file changed since it was scanned"]


def test_a_clean_file_has_no_digest(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    assert scan_file(str(path)).digest == ""


def test_a_scan_that_fixes_nothing_can_skip_the_digests(tmp_path: Path) -> None:
    """``scan_candidates(digests=False)`` (the CLI without --fix or --diff) finds the same, with no digest
    to hash; by default a result with findings carries its bytes' digest, which --fix compares."""
    (tmp_path / "a.py").write_text(f'login(token="{make_token(8)}")\n')
    (tmp_path / "b.py").write_text("x = 1\n")
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    digested = list(scan_candidates(candidates, DEFAULT_OPTIONS))
    plain = list(scan_candidates(candidates, DEFAULT_OPTIONS, digests=False))
    assert [r.digest for r in digested] == [digest((tmp_path / "a.py").read_bytes()), ""]
    assert [r.digest for r in plain] == ["", ""]
    assert [r._replace(digest="") for r in digested] == plain and len(plain[0].findings) == 1


def _mixed_tree(root: Path, count: int) -> None:
    """Every way a file's bytes become text: notebooks with and without a BOM and with CRLF sources,
    Python in UTF-8, in Latin-1 with a coding cookie, with CRLF, and a .env that is only reported."""
    root.mkdir()
    for index in range(count):
        token = make_token(300 + index)
        shape = index % 5
        if shape == 0:
            text = notebook_text([new_code_cell(f'login(token="{token}")')])
            (root / f"f{index:03d}.ipynb").write_bytes(b"\xef\xbb\xbf" + text.encode())
        elif shape == 1:
            text = notebook_text([new_code_cell(f'import os\r\nos.environ["HF_TOKEN"] = "{token}"\r\n')])
            (root / f"f{index:03d}.ipynb").write_text(text)
        elif shape == 2:
            source = f'# -*- coding: latin-1 -*-\n# café\nlogin(token="{token}")\n'
            (root / f"f{index:03d}.py").write_bytes(source.encode("latin-1"))
        elif shape == 3:
            (root / f"f{index:03d}.py").write_bytes(f'x = 1\r\nlogin("{token}")\r\n'.encode())
        else:
            (root / f"f{index:03d}.env").write_text(f"HF_TOKEN={token}\n")


@pytest.mark.e2e
def test_workers_send_back_what_one_by_one_gives(tmp_path: Path) -> None:
    """Results come back from the workers without the texts the main process decodes again: the diff
    (which shows both texts) and the fixed bytes are those of the files fixed in one process, one after
    the other.  ``--diff``
    plans every fix after the scan (``fix_run._plans``), ``--fix`` in the scan's workers."""
    count = 15  # each of the five shapes three times
    _mixed_tree(tmp_path / "a", count)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    whole = run_cli("scan", "--isolated", "-j", "2", "--diff", "a", cwd=tmp_path)  # it may fork
    # The same files in one process, one after the other (this test runner's threads keep it from forking).
    one_by_one = run_main(
        "scan", "--isolated", "--diff", *(f"a/{name}" for name in names), cwd=tmp_path
    ).stdout
    one_by_one = one_by_one.replace("\r\n", "\n").replace("\r", "\n")  # the process's text is read so
    fixable = sum(1 for name in names if not name.endswith(".env"))
    assert whole.returncode == 1 and whole.stdout == one_by_one and whole.stdout.count("+++ ") == fixable
    run_cli("scan", "--isolated", "-j", "2", "--fix", "a", cwd=tmp_path)
    run_main("scan", "--isolated", "--fix", *(f"b/{name}" for name in names), cwd=tmp_path)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "f002.py").read_bytes().startswith(b"# -*- coding: latin-1 -*-\n# caf\xe9\n")


@pytest.mark.e2e  # forked workers: never from a process with other threads (a test runner's)
def test_a_tree_the_scan_forks_for_is_fixed_by_its_workers_as_in_one_process(tmp_path: Path) -> None:
    """A tree the scan runs in workers (``--jobs 2``) gets each file's fix planned by the worker that
    scanned it, from the scan's reading of it (issue 14, item 5): the bytes written and everything printed
    are those of a run in one process, with a baseline, per-file ignores and per-file styles deciding what is
    fixed and how (each applied in the worker too, and checked again after the scan)."""
    count = 33  # with ``--jobs 2``: a tree this small is scanned in one process unless asked
    (tmp_path / "pyproject.toml").write_text(
        '[tool.hf-secret-guard]\nper-file-fix-style = { "f00*" = "env", "f01*" = "kaggle" }\n'
        'per-file-ignores = { "f003.py" = ["HFG001"] }\n'
    )
    _mixed_tree(tmp_path / "a", count)
    for tree in ("b", "c"):
        shutil.copytree(tmp_path / "a", tmp_path / tree)
    for tree in ("a", "b", "c"):  # each tree's baseline accepts the leak of its f002.py
        accepted = run_main("baseline", "--output", f"{tree}.json", f"{tree}/f002.py", cwd=tmp_path)
        assert accepted.returncode == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    forked = run_cli("scan", "-j", "2", "--fix", "--baseline", "a.json", "a", cwd=tmp_path)  # it forks
    assert forked.returncode == 1
    assert f"({count} scanned)" in forked.stdout and " fixed, " in forked.stdout
    # The same bytes as fixing the tree in parts too small for the scan to fork for, in any test runner:
    for part in (names[: count // 2], names[count // 2 :]):
        run_main("scan", "--fix", "--baseline", "b.json", *(f"b/{name}" for name in part), cwd=tmp_path)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    # And the same report and summary as the whole tree in this process (which forks only when alone).
    alone = run_main("scan", "--fix", "--baseline", "c.json", "c", cwd=tmp_path)
    assert (forked.stdout, forked.stderr) == (
        alone.stdout.replace("c/", "a/").replace("c.json", "a.json"),
        alone.stderr.replace("c/", "a/").replace("c.json", "a.json"),
    )
    text = (tmp_path / "a" / "f002.py").read_bytes().decode("latin-1")
    assert "login(token=" in text and "os.environ" not in text  # accepted by the baseline: left
    assert 'os.environ["HF_TOKEN"]' in (tmp_path / "a" / "f008.py").read_text()  # "f00*": env
    assert "kaggle_secrets" in (tmp_path / "a" / "f013.py").read_text()  # "f01*": kaggle
    assert "userdata" in (tmp_path / "a" / "f020.ipynb").read_text()
    assert (tmp_path / "a" / "f003.py").read_bytes() == (tmp_path / "b" / "f003.py").read_bytes()
    assert not [n for n in names if n.endswith(".tmp")]


def test_a_fix_planned_in_a_worker_travels_as_a_splice_not_as_the_file(tmp_path: Path) -> None:
    """A worker used to send each notebook's old and new bytes back (pickled: twice the tree); it sends
    the changed span only, and the writer makes the same bytes as a fix in one process from the file."""
    import pickle

    from hf_secret_guard.fix.write import Replacer
    from hf_secret_guard.model import Candidate
    from hf_secret_guard.options import ScanOptions
    from tests.notebooks import PNG, new_output

    token = make_token(41)
    plot = new_output("display_data", data={"image/png": PNG * 4000, "text/plain": "<Figure>"})
    cells = [new_code_cell("import os\nx = 1", outputs=[plot]), new_code_cell(f'login(token="{token}")')]
    path = tmp_path / "big.ipynb"
    path.write_text(notebook_text(cells))
    old = path.read_bytes()
    planner = fix_run.Planner(ScanOptions(), DEFAULT_FIX_OPTIONS, lambda result: list(result.findings))
    result, planned = planner._scan_and_plan(Candidate(str(path)), ScanOptions())
    assert planned is not None and planned.splice is not None and len(result.findings) == 1
    sent = pickle.dumps(planned, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(sent) < len(old) // 100 and token.encode() not in planned.splice.replacement
    expected = fix_run.run_fixes(result.findings, DEFAULT_OPTIONS, DEFAULT_FIX_OPTIONS, dry_run=True)
    with Replacer() as replacer:
        replacer.replace_splice(str(path), planned.splice)
    assert path.read_bytes() == expected.results[0].new_data != old


def _splice_cases(root: Path) -> list[Path]:
    """Notebooks where the edits sit near the start and near the end of a file with non-ASCII text on
    both sides (each side's bytes are counted differently), with a BOM, with a token in an output and one
    in the metadata (read back whole), and the mixed tree's Python, CRLF and .env files."""
    from tests.notebooks import new_markdown_cell, new_output

    _mixed_tree(root, 10)
    for index, ascii_only in enumerate((False, True)):
        note = "plain words" if ascii_only else "café ☕ 中文"
        for where in ("first", "last"):
            token, other = make_token(500 + index), make_token(520 + index)
            leak = new_code_cell(f'login(token="{token}")', outputs=[new_output("stream", text=f"{other}\n")])
            cells = [new_markdown_cell(note), new_code_cell("x = 1"), new_markdown_cell(note)]
            cells.insert(0 if where == "first" else len(cells), leak)
            text = notebook_text(cells, metadata={"note": note, "key": make_token(540 + index)})
            (root / f"n{index}-{where}.ipynb").write_bytes(b"\xef\xbb\xbf" * index + text.encode())
    return sorted(root.iterdir())


def test_a_planned_splice_makes_the_bytes_of_the_whole_fix(tmp_path: Path) -> None:
    """The scan's worker plans a notebook's fix as edits spliced into the file's bytes, without making
    the whole new text: the bytes and the result are those of ``fix_file_bytes``."""
    from hf_secret_guard.api import scan_bytes
    from hf_secret_guard.fix.document import fix_file_bytes, fix_file_splice

    paths = _splice_cases(tmp_path / "a")
    written = 0
    for path in paths:
        data = path.read_bytes()
        scanned = scan_bytes(data, str(path))
        whole = fix_file_bytes(data, str(path), scanned, DEFAULT_FIX_OPTIONS)
        result, splice = fix_file_splice(data, str(path), scanned, DEFAULT_FIX_OPTIONS)
        assert result == whole._replace(original="", text="", data=None, new_data=None), path.name
        assert (splice.apply(data) if splice is not None else None) == whole.new_data, path.name
        assert splice is None or (splice.holds(data) and not splice.holds(data + b" "))
        written += splice is not None
    assert written == sum(1 for path in paths if not path.name.endswith(".env"))
