"""A large scan's workers started before click (``cli.process.head_start``, ``parallel.start_early``):
taken by the same scan only, the same results and output, the same room on the stack in every process,
and never a worker left behind, whatever the command line or the user does meanwhile.

No timings (the machine is shared): each waits for what it needs to have happened, with a generous limit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hf_secret_guard import api
from hf_secret_guard.cli import process
from hf_secret_guard.cli.fastpath import discover_plain, plain_scan
from hf_secret_guard.discover import DEFAULT_DISCOVER, discover_files
from hf_secret_guard.model import Candidate, FileResult
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.scan import parallel
from tests.conftest import run_cli
from tests.test_imports import _scan, _tree

FORK = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers need fork")
CHILDREN_LISTED = os.path.exists(f"/proc/self/task/{os.getpid()}/children")
TWO_CORES = pytest.mark.skipif(
    not hasattr(os, "fork") or parallel.cores() < 2, reason="workers need fork and two cores"
)


def _wait_for(condition: Callable[[], bool], what: str, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"no {what} after {limit} s"
        time.sleep(0.005)


def _stamped(record: Path) -> Callable[[Candidate, ScanOptions], tuple[int, float, FileResult]]:
    """A scan that stamps each result with the process and the time it was begun, and leaves each
    process's number in ``record`` (a folder), also for results that are thrown away."""

    def scan_one(candidate: Candidate, options: ScanOptions) -> tuple[int, float, FileResult]:
        begun = time.monotonic()  # before the record: a file seen recorded was begun before it was seen
        (record / str(os.getpid())).touch()
        time.sleep(0.001)  # both processes get to work, however late the child starts
        return os.getpid(), begun, api.scan_candidate(candidate, options)

    return scan_one


def _others(record: Path) -> set[int]:
    """The processes other than this one that scanned a file, as ``_stamped`` recorded them."""
    return {int(name.name) for name in record.iterdir()} - {os.getpid()}


def _gone(pid: int) -> bool:
    """No such process any more, or one that has ended and waits to be reaped (a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@FORK
def test_workers_started_early_are_taken_by_the_same_scan(tmp_path: Path) -> None:
    """``start_early`` forks the workers of a scan before it is asked for (the command line, while it
    imports click); the scan of the same files with the same options takes them: they were at work
    before it was called, and the results are the serial ones."""
    (tmp_path / "tree").mkdir()
    (tmp_path / "record").mkdir()
    _tree(tmp_path / "tree", 80, 80)
    candidates = discover_files([str(tmp_path / "tree")], DEFAULT_DISCOVER)
    scan_one = _stamped(tmp_path / "record")
    parallel.start_early(candidates, ScanOptions(), scan_one, 2)
    _wait_for(lambda: bool(_others(tmp_path / "record")), "file scanned by the early worker")
    called = time.monotonic()
    scanned = list(parallel.scan_in_workers(list(candidates), ScanOptions(), scan_one, 2))
    assert [result for _, _, result in scanned] == _scan(candidates, 0)
    early = [stamp for pid, stamp, _ in scanned if pid != os.getpid() and stamp < called]
    assert early and not parallel._early
    assert _others(tmp_path / "record") == {pid for pid, _, _ in scanned} - {os.getpid()}  # none other


@FORK
def test_a_different_scan_stops_the_workers_started_early(tmp_path: Path) -> None:
    """Workers started early for one scan are stopped (and waited for) when another is asked for: other
    files, other options, another number of processes, another scan function; or none at all
    (``stop_early``).  The scan asked for is the serial one, by processes of its own."""
    (tmp_path / "tree").mkdir()
    _tree(tmp_path / "tree", 80, 80)
    candidates = discover_files([str(tmp_path / "tree")], DEFAULT_DISCOVER)
    other = ScanOptions(ignore=("HFG003",))
    cases = [
        (candidates[1:], ScanOptions(), 2, True),
        (candidates, other, 2, True),
        (candidates, ScanOptions(), 3, True),
        (candidates, ScanOptions(), 2, False),
        None,
    ]
    for number, case in enumerate(cases):
        record = tmp_path / f"record{number}"
        record.mkdir()
        scan_one = _stamped(record)
        parallel.start_early(candidates, ScanOptions(), scan_one, 2)
        _wait_for(lambda: bool(_others(record)), "file scanned by the early worker")  # noqa: B023
        asked: set[int] = set()
        if case is None:
            parallel.stop_early()
        else:
            files, options, workers, same = case
            function = scan_one if same else _stamped(record)
            scanned = list(parallel.scan_in_workers(files, options, function, workers))
            assert [result for _, _, result in scanned] == [api.scan_candidate(c, options) for c in files]
            asked = {pid for pid, _, _ in scanned}
        early = _others(record) - asked
        assert early and not parallel._early, number
        for pid in early:  # stopped and waited for: no such process any more
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)


def _room() -> int:
    """How many calls deeper the stack can go from the caller's: counted here, not by the package."""
    depth = 0

    def down() -> None:
        nonlocal depth
        depth += 1
        down()

    with contextlib.suppress(RecursionError):
        down()
    return depth


def _rooms(candidate: Candidate, options: ScanOptions) -> tuple[int, int]:
    return os.getpid(), _room()


def _deeper(levels: int, call: Callable[[], list[tuple[int, int]]]) -> list[tuple[int, int]]:
    return call() if levels == 0 else _deeper(levels - 1, call)


@FORK
@pytest.mark.parametrize("early", [False, True])
def test_every_process_of_a_scan_has_the_same_room_on_the_stack(tmp_path: Path, early: bool) -> None:
    """What nests as deep as the recursion limit lets it (a notebook's JSON) is read or refused alike in
    every process of a scan: each scans with the room the stack had where the scan began, also a worker
    forked early from a shallow stack while the scan is asked for from a deep one (the command line:
    click's calls).  This process gets its own recursion limit back."""
    _tree(tmp_path, 60, 0)
    candidates = discover_files([str(tmp_path)], DEFAULT_DISCOVER)
    limit = sys.getrecursionlimit()
    begun = _room()
    if early:
        parallel.start_early(candidates, ScanOptions(), _rooms, 2)
    scanned = _deeper(40, lambda: list(parallel.scan_in_workers(candidates, ScanOptions(), _rooms, 2)))
    assert len({pid for pid, _ in scanned}) == 2  # both processes scanned
    rooms = {room for _, room in scanned}
    assert len(rooms) == 1 and sys.getrecursionlimit() == limit
    room = rooms.pop()
    # The room where the scan began, less the few calls below it: here, or 40 calls deeper.
    assert begun - 10 < room < begun if early else begun - 55 < room < begun - 40


@pytest.mark.e2e
@pytest.mark.skipif(not CHILDREN_LISTED or parallel.cores() < 2, reason="Linux's /proc, two cores")
def test_a_large_scan_s_workers_start_before_click_and_never_outlive_the_command_line(
    tmp_path: Path,
) -> None:
    """``scan PATH`` of a tree large enough for workers forks them before click is imported
    (``process.head_start``), and stops them when the command line does not take them (here: it never
    asks); a scan with any other option, of standard input or of a small tree starts none.  A fresh
    interpreter: with a test runner's threads running, no process may fork."""
    (tmp_path / "large").mkdir()
    (tmp_path / "small").mkdir()
    _tree(tmp_path / "large", parallel.MIN_FILES + 20, 40)
    _tree(tmp_path / "small", 40, 40)
    script = (
        "import os, sys\n"
        "def children():\n"
        "    found = set()\n"
        "    for task in os.listdir('/proc/self/task'):\n"
        "        with open(f'/proc/self/task/{task}/children') as listing:\n"
        "            found |= {int(pid) for pid in listing.read().split()}\n"
        "    return found\n"
        "from hf_secret_guard.cli import process\n"
        "for args in sys.argv[1:]:\n"
        "    with process.head_start(args.split()):\n"
        "        inside = len(children())\n"
        "    print(inside, 'click' in sys.modules, len(children()))\n"
    )
    large, small = str(tmp_path / "large"), str(tmp_path / "small")
    commands = [f"scan {large}", f"scan --force-exclude {large}", f"scan {small}", f"scan -q {large}"]
    commands += [f"scan --fix {large}", f"scan --jobs 2 {large}", f"baseline {large}", "scan -- -"]
    done = subprocess.run(
        [sys.executable, "-c", script, *commands], capture_output=True, text=True, check=True, cwd=large
    )
    workers = min(parallel.cores(), parallel.MAX_WORKERS) - 1
    started = [f"{workers} False 0", f"{workers} False 0"]
    assert done.stdout.splitlines() == started + ["0 False 0"] * 6


@pytest.mark.e2e
@TWO_CORES
def test_the_command_line_takes_the_workers_it_started_early(tmp_path: Path) -> None:
    """The real command line (``entry.main``) forks a large scan's workers once, before click, and its
    scan takes them: as many forks as workers, with a configuration that excludes, selects and ignores
    too.  Were the plain command line's settings to differ from click's in any way that matters, the
    scan would stop them and fork again.  Counted by ``os.register_at_fork``, in a fresh interpreter."""
    _tree(tmp_path, 2 * parallel.MIN_FILES, 60)  # a seventh excluded below: still large enough
    script = (
        "import os, sys\n"
        "forks = []\n"
        "os.register_at_fork(after_in_parent=lambda: forks.append(1))\n"
        "from hf_secret_guard.cli.entry import main\n"
        "status = main(['scan', '.'])\n"
        "print(status, len(forks), file=sys.stderr)\n"
    )
    workers = min(parallel.cores(), parallel.MAX_WORKERS) - 1
    configs = [
        "",
        '[tool.hf-secret-guard]\nextend-exclude = ["pkg3"]\nextend-select = ["HFG100"]\n'
        'extend-ignore = ["HFG003"]\nmax-file-size = 2\n',
    ]
    for config in configs:
        (tmp_path / "pyproject.toml").write_text(config)
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
        )
        assert done.stderr.splitlines()[-1] == f"1 {workers}", (config, done.stderr[-500:])


@pytest.mark.e2e
@TWO_CORES
def test_a_scan_with_workers_started_early_reports_what_one_process_reports(tmp_path: Path) -> None:
    """The real command line on a tree large enough for workers (started before click) prints, to the
    byte, what ``--jobs 1`` prints, with the same exit status; and when it exits no process of its own is
    left (each would still have the tree as its working directory)."""
    _tree(tmp_path, parallel.MIN_FILES + 20, parallel.MIN_FILES + 20)
    early, serial = run_cli("scan", ".", cwd=tmp_path), run_cli("scan", "--jobs", "1", ".", cwd=tmp_path)
    assert early.returncode == serial.returncode == 1
    assert (early.stdout, early.stderr) == (serial.stdout, serial.stderr)
    assert early.stdout.count("HFG") > 50
    left = []
    for entry in Path("/proc").iterdir() if Path("/proc/self/cwd").exists() else ():
        try:
            if (
                entry.name.isdigit()
                and os.readlink(entry / "cwd") == str(tmp_path)
                and not _gone(int(entry.name))
            ):
                left.append(entry.name)
        except OSError:  # gone meanwhile, or not ours to look at
            continue
    assert not left


def test_what_goes_wrong_in_the_head_start_is_left_to_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error while the head start walks the tree (here: listing a folder fails in a way the walk does
    not expect) starts nothing and raises nothing: the command line meets it again and reports it as it
    always has."""
    _tree(tmp_path, 20, 0)

    def broken(path: object) -> object:
        raise RuntimeError("listing failed")

    monkeypatch.setattr(os, "scandir", broken)
    with process.head_start(["scan", str(tmp_path)]):
        assert process.discovered([str(tmp_path)], DEFAULT_DISCOVER) is None
        assert not parallel._early


def test_the_head_start_s_walk_serves_the_command_line_inside_it_only(tmp_path: Path) -> None:
    """The files the head start found are the command line's for the same paths and options, inside the
    block only: a later command in the same process walks again."""
    _tree(tmp_path, 20, 0)
    args = ["scan", str(tmp_path)]
    plain = plain_scan(args)
    assert plain is not None
    found = discover_plain(plain)
    assert found is not None
    settings, candidates = found
    paths, options = list(settings.paths), settings.discover_options
    with process.head_start(args):
        assert process.discovered(paths, options) == candidates and candidates
        assert process.discovered([str(tmp_path / "pkg1")], options) is None
        assert process.discovered(paths, options._replace(force_exclude=True)) is None
    assert process.discovered(paths, options) is None


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_head_start_walks_says_aborted(tmp_path: Path) -> None:
    """Ctrl-C while the head start still lists the files (git is slow on a large repository): "Aborted."
    and exit 2, as when click has taken over, not a traceback."""
    from tests.gitrepo import init_repo

    _tree(tmp_path, 30, 0)
    init_repo(tmp_path)  # git is asked only in a repository
    slow = tmp_path / "bin"
    slow.mkdir()
    (slow / "git").write_text(f"#!/bin/sh\ntouch {tmp_path / 'git-started'}\nexec sleep 30\n")
    (slow / "git").chmod(0o755)
    env = {**os.environ, "PATH": f"{slow}{os.pathsep}{os.environ['PATH']}"}
    cli = subprocess.Popen(
        [sys.executable, "-m", "hf_secret_guard", "scan", "."],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for((tmp_path / "git-started").exists, "git started")
        cli.send_signal(signal.SIGINT)
        out, err = cli.communicate(timeout=60)
    finally:
        cli.kill()
    assert (cli.returncode, out, err) == (2, "", "Aborted.\n")


@pytest.mark.e2e
@pytest.mark.skipif(not CHILDREN_LISTED or parallel.cores() < 2, reason="Linux's /proc, two cores")
def test_workers_whose_command_line_was_killed_stop(tmp_path: Path) -> None:
    """``kill -9`` of the command line (a CI step's timeout kills the process, not its children) while
    its workers scan: they stop at their next chunk, or fail to send results nobody reads, and end; a
    worker must never wait forever on a pipe that only it holds open."""
    _tree(tmp_path, 4 * parallel.MIN_FILES, 4 * parallel.MIN_FILES)
    cli = subprocess.Popen(
        [sys.executable, "-m", "hf_secret_guard", "scan", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()

    def started() -> bool:
        for task in Path(f"/proc/{cli.pid}/task").iterdir():
            children.update(int(pid) for pid in (task / "children").read_text().split())
        return bool(children)

    try:
        _wait_for(started, "worker")
    finally:
        cli.kill()
        cli.wait()
    _wait_for(lambda: all(_gone(pid) for pid in children), "end of the workers")
