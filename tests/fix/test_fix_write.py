"""Edits at offsets, and the atomic write that never leaves half a file or overwrites a changed one."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hf_secret_guard import fix_bytes, fix_file, scan_bytes, scan_file
from hf_secret_guard.cli.fix_run import _terminate_cleanly, run_fixes
from hf_secret_guard.discover import TEMPORARY_MARK
from hf_secret_guard.fix.apply import OverlappingEdits, apply_edits
from hf_secret_guard.fix.write import FileChanged, Replacer, Splice, SymbolicLink, replace_file
from hf_secret_guard.model import Edit
from hf_secret_guard.options import DEFAULT_FIX_OPTIONS, DEFAULT_OPTIONS
from tests.conftest import TOKEN
from tests.inprocess import run_main


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([], "abcdef"),
        ([Edit(1, 2, "B"), Edit(4, 5, "E")], "aBcdEf"),
        ([Edit(4, 5, "E"), Edit(1, 2, "B")], "aBcdEf"),  # order of planning does not matter
        ([Edit(0, 0, "<"), Edit(6, 6, ">")], "<abcdef>"),
        ([Edit(2, 4, "")], "abef"),
        ([Edit(2, 2, "1"), Edit(2, 2, "2")], "ab12cdef"),  # insertions at one offset keep their order
        ([Edit(2, 4, "X"), Edit(2, 2, "^")], "ab^Xef"),  # an insertion lands before a replacement there
    ],
)
def test_apply_edits(edits: list[Edit], expected: str) -> None:
    assert apply_edits("abcdef", edits) == expected


@pytest.mark.parametrize("edits", [[Edit(1, 3, "x"), Edit(2, 4, "y")], [Edit(5, 9, "x")], [Edit(3, 2, "")]])
def test_bad_edits_are_refused(edits: list[Edit]) -> None:
    with pytest.raises(OverlappingEdits):
        apply_edits("abcdef", edits)


def test_replace_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_bytes(b"old\n")
    path.chmod(0o751)
    replace_file(str(path), b"old\n", b"new\n")
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]


def test_replace_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "script.py"
    path.write_bytes(b"edited meanwhile\n")
    with pytest.raises(FileChanged):
        replace_file(str(path), b"old\n", b"new\n")
    assert path.read_bytes() == b"edited meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]


def test_replace_never_writes_through_a_symlink(tmp_path: Path) -> None:
    """It used to follow the link (issue 15, item 3): a committed ``train.py -> ~/.bashrc`` was rewritten."""
    target = tmp_path / "real.py"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    with pytest.raises(SymbolicLink, match="symbolic link"):
        replace_file(str(link), b"old\n", b"new\n")
    assert link.is_symlink() and target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


def test_replacing_many_files_removes_each_ones_leftovers(tmp_path: Path) -> None:
    """One listing of a directory serves every file replaced in it: each file's temporary file from a
    killed ``--fix`` is removed when that file is replaced, another file's stays until then."""
    names = ["a.py", "b.py", "c.py"]
    for name in names:
        (tmp_path / name).write_bytes(b"old\n")
        (tmp_path / f".{name}{TEMPORARY_MARK}k9x2.tmp").write_bytes(b"left\n")
    with Replacer() as replacer:
        replacer.replace(str(tmp_path / "a.py"), b"old\n", b"new\n")
        with pytest.raises(FileChanged):
            replacer.replace(str(tmp_path / "b.py"), b"other\n", b"new\n")
        replacer.replace(str(tmp_path / "c.py"), b"old\n", b"new\n")
    assert [(tmp_path / name).read_bytes() for name in names] == [b"new\n", b"old\n", b"new\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*names, f".b.py{TEMPORARY_MARK}k9x2.tmp"])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"abcdef", b"abcdef"),
        (b"abcdef", b"abXdef"),
        (b"abcdef", b"abcdefgh"),
        (b"abcdef", b"zabcdef"),
        (b"aaaa", b"aa"),  # the common start and end overlap: the splice takes the middle once
        (b"aa", b"aaaa"),
        (b"", b"new"),
        (b"old", b""),
        (b"x = 1\nlogin('a')\ny = 2\n", b"import os\nx = 1\nlogin(os.environ['A'])\ny = 2\n"),
    ],
)
def test_a_splice_makes_the_new_bytes_from_the_old(old: bytes, new: bytes) -> None:
    splice = Splice.between(old, new)
    assert splice.holds(old) and splice.apply(old) == new
    assert len(splice.replacement) <= len(new)
    assert not splice.holds(old + b" ")


def test_a_splice_is_written_only_over_the_bytes_it_was_made_from(tmp_path: Path) -> None:
    """A fix planned in a worker reaches the writer as a splice: the file is read again and written only
    if it is still the bytes the fix was planned from (same size and digest), else left as it is."""
    old = f'x = 1\nlogin(token="{TOKEN}")\n'.encode()
    new = b'x = 1\nlogin(token=os.environ["HF_TOKEN"])\n'
    splice = Splice.between(old, new)
    assert TOKEN.encode() not in splice.replacement and len(splice.replacement) < len(new)
    kept, changed = tmp_path / "kept.py", tmp_path / "changed.py"
    kept.write_bytes(old)
    changed.write_bytes(old.replace(b"x = 1", b"x = 2"))  # the same size, other bytes
    with Replacer() as replacer:
        replacer.replace_splice(str(kept), splice)
        with pytest.raises(FileChanged):
            replacer.replace_splice(str(changed), splice)
    assert kept.read_bytes() == new and changed.read_bytes() == old.replace(b"x = 1", b"x = 2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["changed.py", "kept.py"]


def test_failed_write_keeps_the_original(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    path = directory / "script.py"
    path.write_bytes(b"old\n")
    directory.chmod(0o555)  # no temporary file can be created next to it
    try:
        if os.access(directory, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(OSError):
            replace_file(str(path), b"old\n", b"new\n")
        assert path.read_bytes() == b"old\n"
    finally:
        directory.chmod(0o755)


def test_fix_file_writes_once(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(f'login(token="{TOKEN}")\n')
    first = fix_file(str(path))
    assert first.changed and TOKEN not in path.read_text()
    modified = path.stat().st_mtime_ns
    second = fix_file(str(path))
    assert not second.changed and second.new_data is None
    assert path.stat().st_mtime_ns == modified


def test_findings_of_an_older_scan_are_not_applied_to_changed_bytes() -> None:
    old = f'x = 1\nlogin(token="{TOKEN}")\n'.encode()
    findings = scan_bytes(old, "train.py").findings
    new = f'# a line added since the scan\nx = 1\nlogin(token="{TOKEN}")\n'.encode()
    result = fix_bytes(new, "train.py", only=findings)
    assert result.new_data is None
    assert [item.reason for item in result.not_fixed] == ["the file changed since it was scanned"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file away")
def test_root_fixing_a_users_file_keeps_its_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(f'login(token="{TOKEN}")\n')
    os.chown(path, 4321, 4322)
    path.chmod(0o640)
    result = run_main("scan", "--fix", "train.py", cwd=tmp_path)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr and TOKEN not in path.read_text()
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 4322, 0o640)


def test_a_killed_fixs_temporary_file_is_scanned_and_then_removed(tmp_path: Path) -> None:
    """SIGKILL between writing the temporary file and the rename leaves it: hidden, but not from us."""
    path = tmp_path / "train.py"
    path.write_text(f'login(token="{TOKEN}")\n')
    leftover = tmp_path / f".train.py{TEMPORARY_MARK}k9x2.tmp"
    leftover.write_text(f'login(token="{TOKEN}")  # the part a fix could not change\n')
    scan = run_main("scan", "--isolated", ".", cwd=tmp_path)
    assert scan.returncode == 1 and leftover.name in scan.stdout and TOKEN not in scan.stdout
    run_main("scan", "--isolated", "--fix", "train.py", cwd=tmp_path)
    assert not leftover.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["train.py"]


def test_sigterm_during_a_fix_leaves_no_temporary_file(tmp_path: Path) -> None:
    """CI cancelling a job sends SIGTERM: the run ends as an exception would, cleaning up after itself.
    The signal is sent as soon as the writing starts (a temporary file or a changed file is seen)."""
    for index in range(40):
        (tmp_path / f"m{index}.py").write_text("x = 1\n" * 50 + f'login(token="{TOKEN}")\n')
    before = {entry.name: entry.stat().st_mtime_ns for entry in os.scandir(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "hf_secret_guard", "scan", "--isolated", "--fix", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def writing() -> bool:
        for entry in os.scandir(tmp_path):
            if entry.name.endswith(".tmp") or before.get(entry.name) != entry.stat().st_mtime_ns:
                return True
        return False

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not writing():
        time.sleep(0.001)
    assert process.poll() is None, "the fix ended before the signal: nothing was tested"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert b"Traceback" not in stderr and TOKEN.encode() not in stderr
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert any(TOKEN in p.read_text() for p in tmp_path.glob("*.py")), "stopped after the last write"


def test_files_written_together_are_told_in_order(tmp_path: Path) -> None:
    """Many files are replaced on a few threads: what was written and why a file was not are still in
    the order of the files, and one refusal (a symbolic link) stops no other file."""
    outside = tmp_path / "outside.py"
    outside.write_text(f'login(token="{TOKEN}")\n')
    names = [f"m{index}.py" for index in range(6)]
    for name in names:
        path = tmp_path / "tree" / name
        path.parent.mkdir(exist_ok=True)
        if name in ("m1.py", "m4.py"):
            path.symlink_to(outside)
        else:
            path.write_text(f'x = 1\nlogin(token="{TOKEN}")\n')
    paths = [str(tmp_path / "tree" / name) for name in names]
    findings = [f for path in paths for f in scan_file(path).findings]
    run = run_fixes(findings, DEFAULT_OPTIONS, DEFAULT_FIX_OPTIONS, dry_run=False)
    assert run.written == tuple(p for p in paths if not p.endswith(("m1.py", "m4.py")))
    told = [(error.path, "symbolic link" in error.message) for error in run.errors]
    assert told == [(paths[1], True), (paths[4], True)]
    assert TOKEN in outside.read_text()
    assert all(TOKEN not in Path(path).read_text() for path in run.written)
    assert not [p.name for p in (tmp_path / "tree").iterdir() if p.name.endswith(".tmp")]


def test_a_sigterm_is_not_lost_when_a_write_fails_in_the_same_moment() -> None:
    """The run ends on a SIGTERM even when the file being written failed meanwhile (disk full, a removed
    directory): the failure is not reported as the run's outcome and the next file is not begun."""
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as ended, _terminate_cleanly():
        signal.raise_signal(signal.SIGTERM)
        raise OSError(28, "No space left on device")
    assert ended.value.code == 128 + signal.SIGTERM
    assert isinstance(ended.value.__context__, OSError)
    assert signal.getsignal(signal.SIGTERM) == before  # the handler before the writes is back
