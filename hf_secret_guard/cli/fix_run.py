"""``scan --fix`` / ``--diff`` on the files a scan found leaks in: the only part of the fixer that reads
and writes files, and prints.

Each file is read again and rescanned, and only the findings the scan reported (after baseline and
inline-allow filtering) are fixed; the write then checks that the file still holds the bytes that were
read.  A file with nothing to fix is never opened for writing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

import click

from hf_secret_guard.fix.diff import unified_diff
from hf_secret_guard.fix.model import FixOptions, FixResult, NotFixed
from hf_secret_guard.fix.names import is_valid_name
from hf_secret_guard.fix.write import Replacer, Splice
from hf_secret_guard.model import Candidate, FileResult, Finding, ScanError, digest
from hf_secret_guard.options import ScanOptions
from hf_secret_guard.providers import DEFAULT as DEFAULT_PROVIDER
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.report.location import location
from hf_secret_guard.report.text import count
from hf_secret_guard.tokens import find_tokens
from hf_secret_guard.tokens.redaction import printable

if TYPE_CHECKING:
    from hf_secret_guard.cli.settings import Settings
    from hf_secret_guard.read.notebook import NotebookRead

SECRETS_PANEL = "Colab's Secrets panel (key icon in the left sidebar; turn on notebook access)"
KAGGLE_PANEL = "Kaggle's secrets (Add-ons > Secrets in the notebook editor; attach each to the notebook)"
# Where each style's secrets are created, for the summary.
_WHERE = {"userdata": "add {them} in " + SECRETS_PANEL, "kaggle": "add {them} in " + KAGGLE_PANEL}
REVOKE_URL = DEFAULT_PROVIDER.revoke_url


class FixRun(NamedTuple):
    """What ``--fix`` (or ``--diff``) did to every file that had findings.

    A result planned in the scan's worker (``Planner``) comes without its texts (``original`` and
    ``text`` are empty, so ``changed`` is False): ``--fix`` needs only what it wrote (``written``), and
    ``--diff``, which shows the texts, never plans there."""

    results: tuple[FixResult, ...]
    written: tuple[str, ...]
    errors: tuple[ScanError, ...]
    dry_run: bool
    style: str = "userdata"

    @property
    def fixed_keys(self) -> frozenset[tuple[str, str, int, int]]:
        """``Finding.key`` of each finding fixed in a file that was written (none for ``--diff``)."""
        written = set(self.written)
        return frozenset(f.key for r in self.results if r.path in written for f in r.fixed)


def _read(path: str) -> bytes:
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(f"{path} is not a regular file")
    with open(path, "rb") as handle:
        return handle.read()


class _Job(NamedTuple):
    """One file to fix: its bytes as read, its findings, and how."""

    path: str
    data: bytes
    found: tuple[Finding, ...]
    options: FixOptions
    scanned: bool  # the bytes are the ones the findings came from: no second scan


def _plan(job: _Job, scan_options: ScanOptions, notebook: Optional[NotebookRead] = None) -> FixResult:
    """Pure: the fix of one file's bytes (in a worker process for a large tree); ``notebook`` is the
    scan's reading of them, if it read a notebook."""
    from hf_secret_guard.api import fix_bytes
    from hf_secret_guard.fix.document import fix_file_bytes

    if job.scanned:
        scanned = FileResult(job.path, job.found)
        return fix_file_bytes(job.data, job.path, scanned, job.options, only=job.found, notebook=notebook)
    return fix_bytes(job.data, job.path, scan_options, job.options, only=job.found)


MIN_PARALLEL_FIXES = 64  # below this, forking workers costs more than it saves


_FORKED_JOBS: Sequence[_Job] = ()  # what forked workers inherit, instead of receiving each file's bytes


class _Sent(NamedTuple):
    """A worker's result without the texts the main process can decode again from the bytes it has
    (a notebook's result held four copies of it: sending them cost more than planning in parallel saved)."""

    result: FixResult
    original_dropped: bool
    text_dropped: bool


def _plan_forked(index: int, scan_options: ScanOptions) -> _Sent:
    job = _FORKED_JOBS[index]
    return _compact(_plan(job, scan_options), job)


def _compact(result: FixResult, job: _Job) -> _Sent:
    """``result`` of ``job`` to send to the main process, which has the bytes."""
    from hf_secret_guard.fix.document import decoded_text

    result = result._replace(data=None)
    original = decoded_text(job.data, job.path)
    if original is None or original != result.original:
        return _Sent(result, False, False)
    text = original if result.new_data is None else decoded_text(result.new_data, job.path)
    if text != result.text:
        return _Sent(result._replace(original=""), True, False)
    return _Sent(result._replace(original="", text=""), True, True)


def _received(sent: _Sent, job: _Job) -> FixResult:
    from hf_secret_guard.fix.document import decoded_text

    result = sent.result._replace(data=job.data)
    if sent.original_dropped:
        result = result._replace(original=decoded_text(job.data, job.path) or "")
    if sent.text_dropped:
        new_data = result.new_data
        text = result.original if new_data is None else decoded_text(new_data, job.path)
        result = result._replace(text=text or "")
    return result


def _plans(
    jobs: Sequence[_Job], scan_options: ScanOptions, processes: Optional[int] = None
) -> list[FixResult]:
    """Each job's fix, in order: on every core (forked workers, as the scan's) for many files, or in
    ``processes`` (``--jobs``: 1 for none) for two or more."""
    import functools

    from hf_secret_guard.scan.parallel import processes_for

    global _FORKED_JOBS
    workers = processes_for(len(jobs), processes, MIN_PARALLEL_FIXES)
    if workers < 2:
        return [_plan(job, scan_options) for job in jobs]
    import multiprocessing

    import hf_secret_guard.fix.document  # noqa: F401  (with libcst: imported once here, for every worker)

    _FORKED_JOBS = jobs
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            plan = functools.partial(_plan_forked, scan_options=scan_options)
            sent = pool.map(plan, range(len(jobs)), chunksize=4)
        return [_received(item, job) for item, job in zip(sent, jobs, strict=True)]
    finally:
        _FORKED_JOBS = ()


class _Styles:
    """The config's ``per-file-fix-style`` (glob, style): the first glob that matches a file chooses its
    style (globs as ``exclude`` reads them, relative to ``root``)."""

    def __init__(self, fix_options: FixOptions, styles: Sequence[tuple[str, str]], root: str) -> None:
        from hf_secret_guard.discover.excludes import Excluder

        self.fix_options = fix_options
        self.tables = [(Excluder([pattern], root), style) for pattern, style in styles]

    def options_for(self, path: str) -> FixOptions:
        from hf_secret_guard.cli.settings import as_style

        absolute = os.path.abspath(path)
        for excluder, style in self.tables:
            if excluder.match_below(absolute, os.sep) is not None:
                return self.fix_options._replace(style=as_style(style))
        return self.fix_options


class Planned(NamedTuple):
    """A file's fix, planned in the scan's worker right after its scan (``Planner``), for the findings
    of ``keys`` in the bytes the scan read; without the texts (see ``FixRun``) or the bytes: ``splice``
    makes the new bytes from the old ones, which the writer reads again (None: nothing to write)."""

    keys: tuple[tuple[str, str, int, int], ...]
    result: FixResult
    splice: Optional[Splice]


class Planner:
    """``scan --fix`` on a large tree: each file's fix is planned in the worker that scanned it, right
    after its scan, from the scan's own reading of the notebook, instead of reading and parsing every
    file again afterwards.  ``kept`` gives the findings the run keeps of a result (after baseline and
    per-file ignores); ``run_fixes`` uses a plan only for those same findings in the same bytes."""

    def __init__(
        self,
        scan_options: ScanOptions,
        fix_options: FixOptions,
        kept: Callable[[FileResult], Sequence[Finding]],
        styles: Sequence[tuple[str, str]] = (),
        root: str = ".",
        jobs: Optional[int] = None,
    ) -> None:
        self.scan_options = scan_options
        self.styles = _Styles(fix_options, styles, root)
        self.kept = kept
        self.jobs = jobs
        self.plans: dict[str, Planned] = {}

    def scan(self, candidates: list[Candidate]) -> Iterator[FileResult]:
        """The scan's results, in order, as ``api.scan_candidates`` gives them; the plans go to ``plans``.
        A tree scanned in one process is planned afterwards, as before (in workers for many fixes)."""
        from hf_secret_guard import api
        from hf_secret_guard.scan import notebook_file, parallel

        workers = parallel.workers_for(candidates, self.jobs)
        if workers < 2:
            yield from api.scan_candidates(candidates, self.scan_options, self.jobs)
            return
        # The fixer (with libcst) once, before the workers fork, rather than in each of them; and no worker
        # hands a file it scanned to the parser only because planning its fix imports libcst.
        import hf_secret_guard.fix.document  # noqa: F401

        notebook_file.KEEPER = notebook_file.ReadKeeper()
        try:
            for result, planned in parallel.scan_in_workers(
                candidates, self.scan_options, self._scan_and_plan, workers
            ):
                if planned is not None:
                    self.plans[result.path] = planned
                yield result
        finally:
            notebook_file.KEEPER = None

    def _scan_and_plan(
        self, candidate: Candidate, options: ScanOptions
    ) -> tuple[FileResult, Optional[Planned]]:
        from hf_secret_guard import api
        from hf_secret_guard.fix.document import fix_file_splice
        from hf_secret_guard.scan import notebook_file

        result, data = api.scan_candidate_bytes(candidate, options)
        # This file's notebook, if the scan read one (the fixer checks it was read from the same text).
        notebook = notebook_file.KEEPER.pop() if notebook_file.KEEPER is not None else None
        found = tuple(self.kept(result)) if result.findings else ()
        if not found or not result.digest or data is None:
            return result, None
        fix_options = self.styles.options_for(result.path)
        scanned = FileResult(result.path, found)
        fixed, splice = fix_file_splice(data, result.path, scanned, fix_options, found, notebook)
        return result, Planned(tuple(f.key for f in found), fixed, splice)


def run_fixes(
    findings: Sequence[Finding],
    scan_options: ScanOptions,
    fix_options: FixOptions,
    *,
    dry_run: bool,
    styles: Sequence[tuple[str, str]] = (),
    root: str = ".",
    digests: Optional[Mapping[str, str]] = None,
    planned: Optional[Mapping[str, Planned]] = None,
    processes: Optional[int] = None,
) -> FixRun:
    """Fix (or, with ``dry_run``, only plan) the files of ``findings`` that have a fixable one.

    ``styles`` is the config's ``per-file-fix-style`` (glob, style): the first glob that matches a file
    chooses its style (globs as ``exclude`` reads them, relative to ``root``).  ``digests`` holds the
    scan's digest of each file: a file read back with the same bytes is not scanned again.  A fix the
    scan's worker planned (``planned``, from a ``Planner``) for the same findings is used as it is; its
    file is written only if it still holds the bytes the plan was made from.  Other files are planned
    here (in workers for many, or in ``processes``: ``--jobs``); then all are written here (on a few
    threads for many)."""
    from hf_secret_guard.fix.document import may_fix

    chooser = _Styles(fix_options, styles, root)
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    written: list[str] = []
    errors: list[ScanError] = []
    jobs: list[_Job] = []
    done: dict[int, Planned] = {}  # the jobs planned by the scan's workers
    for path, found in by_path.items():
        plan = planned.get(path) if planned else None
        if plan is not None and plan.keys == tuple(f.key for f in found):
            # Planned from the bytes the scan read, in the same worker; the write checks that the file
            # still holds them (by their digest: the bytes stayed in the worker).
            done[len(jobs)] = plan
            jobs.append(_Job(path, b"", tuple(found), chooser.options_for(path), True))
            continue
        # A file with nothing to fix is still read, to tell why (a %%bash cell, a $name in the line).
        attempt = any(may_fix(f) for f in found)
        try:
            data = _read(path)
        except OSError as exc:
            if attempt:
                errors.append(ScanError(path, "fix", f"cannot read for --fix: {exc.strerror or exc}"))
            continue
        scanned = bool(digests) and digests is not None and digests.get(path) == digest(data)
        jobs.append(_Job(path, data, tuple(found), chooser.options_for(path), scanned))
    left = [job for index, job in enumerate(jobs) if index not in done]
    planned_here = iter(_plans(left, scan_options, processes))
    results = [done[index].result if index in done else next(planned_here) for index in range(len(jobs))]
    told: list[list[ScanError]] = []  # each file's errors, in order, the write's last
    writes: list[tuple[int, str, _Change]] = []
    for index, (job, result) in enumerate(zip(jobs, results, strict=True)):
        told.append(list(result.errors))
        change: Optional[_Change] = None
        if index in done:
            change = done[index].splice
        elif result.new_data is not None:
            change = (job.data, result.new_data)
        if dry_run or change is None:
            continue
        escape = _escapes_tree(job.path)
        if escape:
            told[index].append(ScanError(job.path, "fix", f"not written: {escape}"))
        else:
            writes.append((index, job.path, change))
    with Replacer() as replacer:  # each directory synced once, after its files (a SIGTERM's exit too)
        outcomes = _replace_all(replacer, [(path, change) for _, path, change in writes])
    for (index, path, _), failure in zip(writes, outcomes, strict=True):
        if failure is None:
            written.append(path)
        else:
            told[index].append(ScanError(path, "fix", f"not written: {failure.strerror or failure}"))
    errors.extend(error for errors_of_file in told for error in errors_of_file)
    return FixRun(tuple(results), tuple(written), tuple(errors), dry_run, fix_options.style)


WRITE_THREADS = 4  # a file's fsync waits for the disk, not for the interpreter: a few writes overlap

_Change = Union[tuple[bytes, bytes], Splice]  # a file's old and new bytes, or the splice from old to new


def _replace_one(replacer: Replacer, path: str, change: _Change) -> Optional[OSError]:
    """Replace one file; None, or the error that left it as it was."""
    try:
        if isinstance(change, Splice):
            replacer.replace_splice(path, change)
        else:
            replacer.replace(path, *change)
    except OSError as exc:
        return exc
    return None


def _replace_all(replacer: Replacer, files: Sequence[tuple[str, _Change]]) -> list[Optional[OSError]]:
    """Replace each (path, change); None for each file replaced, else why not, in order.

    Many files are written on a few threads.  A SIGTERM ends the run (``_terminate_cleanly``) once each
    file begun is replaced or untouched; no file is begun after it."""
    if len(files) < 2 or threading.current_thread() is not threading.main_thread():
        outcomes: list[Optional[OSError]] = []
        for path, change in files:
            with _terminate_cleanly():
                outcomes.append(_replace_one(replacer, path, change))
        return outcomes
    from concurrent.futures import Future, ThreadPoolExecutor

    outcomes = []
    with _terminate_cleanly() as received:
        # Only this thread takes the signal, and only it starts files: after a SIGTERM, no file is begun.
        pool = ThreadPoolExecutor(WRITE_THREADS, initializer=_block_sigterm)
        try:
            started: list[Future[Optional[OSError]]] = []
            for item in files[:WRITE_THREADS]:
                if not received:
                    started.append(pool.submit(_replace_one, replacer, *item))
            for index in range(len(files)):
                if index == len(started):  # terminating: the rest are not begun
                    break
                outcomes.append(started[index].result())
                if not received and len(started) < len(files):
                    started.append(pool.submit(_replace_one, replacer, *files[len(started)]))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


def _block_sigterm() -> None:
    """In a writing thread: SIGTERM goes to the main thread, which stops starting files."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})


def _escapes_tree(path: str, tree: Optional[str] = None) -> str:
    """Why ``path`` must not be written, or "": it lies in the working tree (``tree``, the current
    directory) as written but resolves outside it through a symbolic link to a directory (a repository
    can commit ``notebooks -> ~/other-project``).  A path named outside the tree is the user's choice."""
    tree = os.getcwd() if tree is None else tree
    absolute = os.path.abspath(path)
    if not absolute.startswith(tree.rstrip(os.sep) + os.sep):
        return ""
    directory, name = os.path.split(absolute)  # a link itself is refused by replace_file, with that reason
    real, real_tree = os.path.join(os.path.realpath(directory), name), os.path.realpath(tree)
    if real.startswith(real_tree.rstrip(os.sep) + os.sep):
        return ""
    return f"{path} resolves outside the working tree, to {real}; name that path to fix it there"


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[list[int]]:
    """A SIGTERM (CI cancelling a job, ``kill``) while files are replaced ends the run once each file
    begun is either replaced or untouched, as an exit would, so no temporary file is left (a signal
    raised as an exception could land between creating the temporary file and the code that removes
    it).  SIGKILL cannot be caught: its leftover is scanned later.  Yields the signals received so far."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def stop(signum: int, frame: object) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)
        if received:  # here, not after: a write that failed in the same moment must not drop the signal
            raise SystemExit(128 + received[0])


def diff_text(run: FixRun, options: ScanOptions) -> str:
    """The diffs of a ``--diff`` run.  Their context lines may show secrets the report leaves out (a
    baseline's, an ignored rule's, a per-file-ignore's): each file is scanned again with every rule, and
    those spans are masked too."""
    from hf_secret_guard.api import scan_bytes

    every_rule = ScanOptions(secret_names=options.secret_names, max_file_size=0)
    return "".join(
        unified_diff(result, scan_bytes(result.data, result.path, every_rule).findings if result.data else ())
        for result in run.results
    )


def summary_lines(run: FixRun, findings: Sequence[Finding]) -> list[str]:
    """What was fixed, what was not and why, which secrets to create, and that revoking is still due.

    Nothing when there was nothing to fix: a clean run says so once, in the report.
    """
    if not findings:
        return []
    # A file written was changed (a result planned in a worker has no texts to compare: see FixRun).
    fixed = sum(len(r.fixed) for r in run.results if (r.changed if run.dry_run else r.path in run.written))
    files = len(run.written) if not run.dry_run else sum(1 for r in run.results if r.new_data is not None)
    verb = "Would fix" if run.dry_run else "Fixed"
    placeholders = sum(1 for f in findings if f.rule == "HFG005")  # no leak: counted apart, as the scan does
    what = " and ".join(
        part
        for part in (
            count(len(findings) - placeholders, "leak") if len(findings) > placeholders else "",
            count(placeholders, "placeholder") if placeholders else "",
        )
        if part
    )
    of = f"{count(len(findings), 'finding')} ({what})" if placeholders else what
    lines = [f"{verb} {fixed} of {of} in {count(files, 'file')}."]
    if run.dry_run and any(r.changed for r in run.results):
        lines.append(
            "(The diff masks secrets on both sides, so a line where --fix only masks a token shows as "
            "removed and added unchanged.)"
        )
    from hf_secret_guard.fix.document import not_fixable_reason

    told = {result.path for result in run.results}
    not_fixed = [item for result in run.results for item in result.not_fixed] + [
        NotFixed(finding, not_fixable_reason(finding)) for finding in findings if finding.path not in told
    ]
    for item in not_fixed:
        lines.append(f"{location(item.finding)}: {item.finding.rule} not fixed: {item.reason}")
    for style in ("userdata", "kaggle", "env"):  # each file reads where it runs (auto)
        names = sorted({n for r in run.results if _style(r, run) == style for n in r.secret_names})
        if names and fixed:
            them = "it" if len(names) == 1 else "them"
            where = _WHERE.get(style, "set {them} in the environment").format(them=them)
            lines.append(f"The fixed code reads {', '.join(names)}: {where}.")
    for result in run.results:
        if result.echoed and fixed:
            shown = ", ".join(result.echoed)
            lines.append(
                f"warning: {printable(result.path)} still prints or shows {shown}, which holds the secret: "
                "the next run saves it in the output again; remove that line."
            )
    programs = sorted({name for r in run.results for name in r.program_names})
    if programs and fixed:
        them, example = ("it" if len(programs) == 1 else "them"), programs[0]
        lines.append(
            f"%%writefile and %%python bodies read {', '.join(programs)} from the environment (Colab "
            f"secrets answer only in the notebook's kernel): set {them} in a cell before the program runs, "
            f'e.g. os.environ["{example}"] = userdata.get("{example}").'
        )
    leaked = [f for f in findings if f.rule != "HFG005"]
    if leaked:
        pages = {p.name: p.revoke_url for p in PROVIDERS}
        urls = list(dict.fromkeys(pages.get(f.provider or DEFAULT_PROVIDER.name, REVOKE_URL) for f in leaked))
        where = (
            f"revoke it at {urls[0]}."
            if len(urls) == 1
            else f"revoke each where it was issued ({', '.join(urls)})."
        )
        lines.append(
            f"Fixing the code does not unleak a token: it was exposed (and stays in git history), so {where}"
        )
    return lines


def secret_name_option(
    context: click.Context, parameter: click.Parameter, value: Optional[str]
) -> Optional[str]:
    """``--secret-name`` is written into code: a plain name, and never a token by mistake."""
    if value is None:
        return None
    if next(find_tokens(value), None) is not None:
        raise click.BadParameter("that is a token: give the NAME of the secret, never the secret")
    if not is_valid_name(value):
        raise click.BadParameter(
            f"{value!r} is not a name (letters, digits and _, not starting with a digit)"
        )
    return value


def usage_problem(settings: Settings) -> Optional[str]:
    if (settings.fix or settings.diff) and (settings.staged or settings.history or settings.history_revs):
        return "--fix and --diff change the working files; they cannot be used with --staged or --history"
    return None


def fix_for_settings(
    settings: Settings,
    findings: Sequence[Finding],
    digests: Optional[Mapping[str, str]] = None,
    planned: Optional[Mapping[str, Planned]] = None,
) -> FixRun:
    """Run ``--fix`` or ``--diff``; with ``--diff`` print the diff and the summary now (nothing else)."""
    from hf_secret_guard.report.text import format_error

    run = run_fixes(
        findings,
        settings.scan_options,
        settings.fix_options,
        dry_run=settings.diff,
        styles=settings.fix_styles,
        root=settings.root,
        digests=digests,
        planned=planned,
        processes=settings.jobs,
    )
    for error in run.errors:
        click.echo(format_error(error), err=True)
    if settings.diff:
        click.echo(diff_text(run, settings.scan_options), nl=False)
        if not settings.quiet:
            for line in summary_lines(run, findings):
                click.echo(line, err=True)
    return run


def _style(result: FixResult, run: FixRun) -> str:
    return result.style or run.style


def echo_summary(run: FixRun, findings: Sequence[Finding], settings: Settings) -> None:
    """After the report: on stdout for the text format, on stderr when stdout holds JSON or SARIF."""
    if settings.quiet or run.dry_run:
        return
    to_stderr = settings.output_format != "text" and not settings.output
    for line in summary_lines(run, findings):
        click.echo(line, err=to_stderr)
