"""``scan --history``: every token that was ever added in a commit, and whether it is still at HEAD.

Fixing today's files does not take a token out of history: whoever cloned the repository (or reads it on
GitHub) still has it.  So we read what each commit *added*, streamed from one ``git log -p`` process:

- ``-G`` with the token prefixes lets git (in C) skip every commit and file whose diff cannot hold a
  token, so Python only parses the few diffs that matter; ``-U0`` drops context lines.
- ``--cc`` shows merges as combined diffs: lines a merge adds itself (an "evil merge", a conflict
  resolution) are read; lines a merge only brings in from a branch were already read in that branch.
- ``--reverse --date-order``: parents come before children, so the first commit that adds a token is the
  one that introduced it.
- Every file type is read, as text: a notebook diff is a diff of its JSON, so ``\\"hf_...\\"`` is found in
  the escaped form (``tokens.find_tokens`` accepts backslash escapes as a left neighbour).

Commit messages ("remove token hf_...") are read by a second ``git log`` over the same revisions, with
``--grep`` so git hands over only the messages that name a token prefix.  A message belongs to no path, so
it is not read when pathspecs limit the history, and exclude patterns do not apply to it.  A token in both
a message and a diff is reported once, at the earlier commit.  When some message holds a token, the two
streams are interleaved by the commits' order from ``git rev-list --reverse --date-order`` (ancestry, not
clocks), which then also counts the commits in place of ``rev-list --count``.

Whether a token is still present at HEAD is one ``git grep -F -f -`` over HEAD's tree, with the tokens on
stdin (never on a command line, where ``ps`` would show them).

The parsing is pure functions over the lines of ``git log`` output (``added_lines``, ``message_lines``)
and over what they found (``collect``, ``merge``), so it is tested without git; the edges
(``scan_history``) run git.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Optional

from hf_secret_guard import regexes
from hf_secret_guard.discover.git import git_command
from hf_secret_guard.model import Confidence, HistoryLeak, HistoryResult, HistorySource
from hf_secret_guard.tokens import TOKEN_PREFIXES, find_tokens, mask, redact, secret_hash

# What ``git log -G`` looks for; ``find_tokens`` then applies the exact rules.  Just the prefixes: bounded
# repetitions make git's POSIX regex engine much slower (benchmarks/history_bench.py), and the few extra
# diffs the prefixes let through (``hf_hub_download``...) cost Python next to nothing.
GIT_TOKEN_REGEX = "|".join(
    "".join("\\" + c if c in ".[]()*+?{}|^$\\" else c for c in p) for p in TOKEN_PREFIXES
)
_NEEDLES = tuple(prefix.encode() for prefix in TOKEN_PREFIXES)
# Revision options that select history and are safe to pass on; any other option is refused, so a
# revision can never smuggle in ``--output=FILE`` or similar.
REV_OPTIONS = frozenset({"--all", "--branches", "--tags", "--remotes"})
_COMMIT_MARK = b"\x00"
_HUNK_RE = regexes.compile(rb"^(@@+) (.*?) @@+")


class HistoryError(Exception):
    """git is missing, this is not a repository, or a revision is unknown: a one-line reason."""


class AddedLine(NamedTuple):
    """A line that one commit added to one file, as it reads in that commit's version of the file; or a
    line of the commit's message (``source`` "message", ``path`` empty)."""

    commit: str
    timestamp: int
    path: str
    line: int  # 1-based, in the new version of the file (or in the message, the subject being 1)
    text: str
    source: HistorySource = "diff"
    context: bool = False  # a line after one with a token prefix: where a token written in pieces goes on


# A token written in pieces over lines (implicit concatenation, a backslash inside a string) is joined
# across this many following added lines, as the file scan's Python reading would.
_CONTINUATION_LINES = 3
_PIECE_JOINT_RE = regexes.compile(
    r"""(["'])[ \t]*\)?[ \t]*(?:#[^\n]*)?\n[ \t]*\(?[ \t]*(?:[rRbBfFuU]{1,2})?\1|\\\n"""
)


def _commit_header(raw: bytes) -> tuple[str, int]:
    """``\\0<hash> <committer time>`` -> (hash, time)."""
    header = raw[1:].split()
    commit = header[0].decode("ascii", "replace") if header else ""
    timestamp = int(header[1]) if len(header) > 1 and header[1].isdigit() else 0
    return commit, timestamp


def _unquote_path(raw: bytes) -> str:
    """A path as ``git diff`` writes it: ``b/x.py``, or C-quoted ``"b/a\\"b.py"`` for unusual names."""
    if raw.endswith(b"\t"):  # git appends a tab to names that contain a space
        raw = raw[:-1]
    if raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2:
        out = bytearray()
        body, i = raw[1:-1], 0
        escapes = {ord("n"): 10, ord("t"): 9, ord('"'): 34, ord("\\"): 92, ord("a"): 7, ord("b"): 8}
        escapes.update({ord("f"): 12, ord("r"): 13, ord("v"): 11})
        while i < len(body):
            char = body[i]
            if char == 92 and i + 1 < len(body):  # backslash
                following = body[i + 1]
                if 48 <= following <= 55:  # octal byte, three digits
                    out.append(int(body[i + 1 : i + 4], 8))
                    i += 4
                    continue
                out.append(escapes.get(following, following))
                i += 2
                continue
            out.append(char)
            i += 1
        raw = bytes(out)
    text = raw.decode("utf-8", "replace")
    return text[2:] if text.startswith("b/") else text


def _new_start(ranges: bytes) -> int:
    """The first line of the new side from a hunk header's ranges: ``-1,2 +3,4`` or ``-1 -1 +1,2``."""
    for item in ranges.split():
        if item.startswith(b"+"):
            return int(item[1:].split(b",")[0] or b"1")
    return 1


def added_lines(lines: Iterable[bytes]) -> Iterator[AddedLine]:
    """Lines of ``git log -p --format=%x00%H %ct`` output -> every added line that may hold a token.

    Handles plain diffs and combined (merge) diffs: in a merge only lines new against *every* parent
    count, as the others were added in the branch that is merged.
    """
    commit, timestamp = "", 0
    path: Optional[str] = None
    in_hunk = False
    parents = 1
    new_line = 0
    after = 0  # following added lines still to yield as context of a line with a prefix
    for raw in lines:
        if raw.startswith(_COMMIT_MARK):
            commit, timestamp = _commit_header(raw)
            path, in_hunk = None, False
            continue
        if in_hunk:
            marker = raw[:parents]
            if marker and marker[0] in b"+- \\" and all(c in b"+- " for c in marker):
                if b"-" in marker:
                    continue  # removed: not in the new version of the file
                content = raw[parents:]
                if path is not None and b"+" * parents == marker:
                    if any(n in content for n in _NEEDLES):
                        text = content.rstrip(b"\r\n").decode("utf-8", "replace")
                        yield AddedLine(commit, timestamp, path, new_line, text)
                        after = _CONTINUATION_LINES
                    elif after:
                        text = content.rstrip(b"\r\n").decode("utf-8", "replace")
                        yield AddedLine(commit, timestamp, path, new_line, text, context=True)
                        after -= 1
                else:
                    after = 0
                new_line += 1
                continue
            if raw.startswith(b"\\"):  # "\ No newline at end of file"
                continue
            in_hunk = False
        if raw.startswith(b"diff "):
            path = None
        elif raw.startswith(b"+++ "):
            target = raw[4:].rstrip(b"\n")
            path = None if target == b"/dev/null" else _unquote_path(target)
        elif raw.startswith(b"@@"):
            match = _HUNK_RE.match(raw)
            if match is not None:
                parents = len(match.group(1)) - 1
                new_line = _new_start(match.group(2))
                in_hunk = True


def message_lines(lines: Iterable[bytes]) -> Iterator[AddedLine]:
    """Lines of ``git log --format=%x00%H %ct%n%B`` output -> every message line that may hold a token.

    A message cannot hold a NUL byte (git cuts it there), so a line that starts with one is always the
    next commit's header.
    """
    commit, timestamp, number = "", 0, 0
    for raw in lines:
        if raw.startswith(_COMMIT_MARK):
            commit, timestamp = _commit_header(raw)
            number = 0
            continue
        number += 1
        if commit and any(n in raw for n in _NEEDLES):
            text = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            yield AddedLine(commit, timestamp, "", number, text, "message")


@dataclass
class _Seen:
    first: AddedLine
    column: int
    confidence: Confidence
    commits: set[str]


def collect(added: Iterable[AddedLine]) -> dict[str, _Seen]:
    """Distinct tokens -> where each first appeared (the input is oldest first) and which commits added it."""
    seen: dict[str, _Seen] = {}

    def record(line: AddedLine, value: str, start: int, confidence: Confidence) -> None:
        entry = seen.get(value)
        if entry is None:
            seen[value] = _Seen(line, start + 1, confidence, {line.commit})
        else:
            entry.commits.add(line.commit)

    run: list[AddedLine] = []
    for line in itertools.chain(added, [None]):
        if line is not None and run and _follows(run[-1], line):
            run.append(line)
            continue
        for index, head in enumerate(run):
            if not head.context:
                for value, start, confidence in _tokens_from(
                    head, run[index + 1 : index + 1 + _CONTINUATION_LINES]
                ):
                    record(head, value, start, confidence)
        run = [line] if line is not None else []
    return seen


def _follows(previous: AddedLine, line: AddedLine) -> bool:
    return (line.commit, line.path, line.source, line.line) == (
        previous.commit,
        previous.path,
        previous.source,
        previous.line + 1,
    )


def _tokens_from(head: AddedLine, following: Sequence[AddedLine]) -> Iterator[tuple[str, int, Confidence]]:
    """The tokens on ``head``, and one that starts there and goes on over the following lines in pieces."""
    whole = {match.value for match in find_tokens(head.text)}
    for match in find_tokens(head.text):
        yield match.value, match.start, match.confidence
    if not following or head.source != "diff":
        return
    joined = _PIECE_JOINT_RE.sub("", "\n".join([head.text, *(line.text for line in following)]))
    for match in find_tokens(joined):
        cut = head.text[match.start : match.end] != match.value  # it goes on past the head's piece
        if match.start < len(head.text) and cut and match.value not in whole:
            yield match.value, match.start, match.confidence


def to_order(diffs: Mapping[str, _Seen], messages: Mapping[str, _Seen]) -> set[str]:
    """The commits ``merge`` needs ranked: where each token was first seen, in a diff or a message."""
    return {entry.first.commit for entry in (*diffs.values(), *messages.values())}


def merge(
    diffs: Mapping[str, _Seen], messages: Mapping[str, _Seen], order: Mapping[str, int]
) -> dict[str, _Seen]:
    """What diffs and messages added -> one entry per token, at its earliest commit, oldest first.

    Each stream is already oldest first, but the two can only be interleaved with ``order``: commit ->
    rank in ``git rev-list --reverse --date-order`` of the same revisions (the order ``git log`` reads
    them in), for at least the commits ``to_order`` names.  A token in the diff and the message of one
    commit is placed in its file, where it can be found and fixed.  The commits of both are counted.
    """
    merged = dict(diffs)
    for secret, said in messages.items():
        entry = merged.get(secret)
        if entry is None:
            merged[secret] = said
            continue
        earlier = (
            said
            if order.get(said.first.commit, len(order)) < order.get(entry.first.commit, len(order))
            else entry
        )
        merged[secret] = _Seen(
            earlier.first, earlier.column, earlier.confidence, entry.commits | said.commits
        )
    ranked = sorted(merged.items(), key=lambda item: order.get(item[1].first.commit, len(order)))
    return dict(ranked)


def parse_head_grep(output: bytes, commit: str) -> dict[str, list[tuple[str, int]]]:
    """``git grep -z -n -o -F`` output -> token -> [(path, line)], for the tree of ``commit``."""
    found: dict[str, list[tuple[str, int]]] = {}
    prefix = commit.encode("ascii") + b":"
    for match in regexes.compile(rb"(.*?)\0(\d+)\0([^\n\0]*)\n", re.DOTALL).finditer(output):
        name, line, value = match.groups()
        if name.startswith(prefix):
            name = name[len(prefix) :]
        where = (name.decode("utf-8", "replace"), int(line))
        places = found.setdefault(value.decode("ascii", "replace"), [])
        if where not in places:
            places.append(where)
    return found


# --- the edges: running git ---------------------------------------------------------------------------

_GIT_CONFIG = (
    "-c",
    "core.quotePath=false",
    "-c",
    "log.showSignature=false",
    "-c",
    "diff.noprefix=false",
)


def _git(args: Sequence[str], cwd: str, stdin: Optional[bytes] = None) -> bytes:
    done = subprocess.run(
        git_command(*_GIT_CONFIG, *args), cwd=cwd, input=stdin, capture_output=True, check=False
    )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(redact(reason[-1] if reason else f"git {args[0]} failed"))
    return done.stdout


def split_revs(revs: Sequence[str]) -> tuple[list[str], list[str]]:
    """User revisions -> (allowed rev-list options, revisions).  Raises on any other option."""
    options: list[str] = []
    names: list[str] = []
    for rev in revs:
        if rev.startswith("-"):
            if rev not in REV_OPTIONS:
                allowed = ", ".join(sorted(REV_OPTIONS))
                raise HistoryError(f"unsupported revision option {rev!r} (allowed: {allowed})")
            options.append(rev)
        elif rev:
            names.append(rev)
    return options, names


def _log_command(options: Sequence[str], names: Sequence[str], pathspecs: Sequence[str]) -> list[str]:
    return [
        *git_command(*_GIT_CONFIG),
        "log",
        "-p",
        "-U0",
        "--cc",
        "-M",
        "--root",
        "--reverse",
        "--date-order",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--text",  # a committed `* -diff` (or core.bigFileThreshold) must not make every blob "binary"
        "--no-relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "--format=%x00%H %ct",
        "-G",
        GIT_TOKEN_REGEX,
        *options,
        "--end-of-options",
        *names,
        "--",
        *pathspecs,
    ]


def _message_command(options: Sequence[str], names: Sequence[str]) -> list[str]:
    """The messages that name a token prefix (``-F``: the prefixes are plain text, whatever the config)."""
    greps = [f"--grep={prefix}" for prefix in TOKEN_PREFIXES]
    return [
        *git_command(*_GIT_CONFIG),
        "log",
        "--reverse",
        "--date-order",
        "--no-color",
        "--no-notes",
        "--encoding=UTF-8",
        "--format=%x00%H %ct%n%B",
        "--fixed-strings",
        *greps,
        *options,
        "--end-of-options",
        *names,
        "--",
    ]


def _stream_log(command: list[str], cwd: str) -> Iterator[bytes]:
    """Lines of ``git log`` as git writes them; stderr goes to a file so a chatty git never blocks."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL
        )
        assert process.stdout is not None
        with process:
            yield from process.stdout
        if process.returncode != 0:
            errors.seek(0)
            reason = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise HistoryError(redact(reason[-1] if reason else "git log failed"))


def _repository(cwd: str) -> tuple[str, Optional[str], bool]:
    """The work tree's top folder, its HEAD commit (None on a branch with no commits yet) and whether it
    is a shallow clone, from one ``git rev-parse``: it prints each answer in turn, and with ``--verify
    --quiet`` an unborn HEAD only makes it exit 1 after the others."""
    if shutil.which("git") is None:
        raise HistoryError("git is not installed (needed for --history)")
    asked = [
        "rev-parse",
        "--show-toplevel",
        "--is-shallow-repository",
        "--verify",
        "--quiet",
        "HEAD^{commit}",
    ]
    done = subprocess.run(git_command(*_GIT_CONFIG, *asked), cwd=cwd, capture_output=True, check=False)
    lines = done.stdout.decode("utf-8", "surrogateescape").split("\n")
    if lines and not lines[-1]:
        lines.pop()
    answers = 3 if done.returncode == 0 else 2  # the top folder's name may hold a line break itself
    if done.returncode not in (0, 1) or len(lines) < answers:
        raise HistoryError(f"{os.path.abspath(cwd)}: not a git repository")
    head = lines[-1].strip() if answers == 3 else None
    shallow = lines[-answers + 1].strip() == "true"
    return "\n".join(lines[: -answers + 1]).strip(), head or None, shallow


def _head_places(top: str, head: str, secrets: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
    if not secrets:
        return {}
    patterns = "".join(f"{s}\n" for s in secrets).encode("ascii")
    command = ["grep", "-I", "-z", "-n", "-o", "-F", "-f", "-", head, "--"]
    try:
        output = _git(command, top, stdin=patterns)
    except HistoryError:
        return {}  # git grep exits 1 when nothing matches
    return parse_head_grep(output, head)


def _count_commits(cwd: str, options: Sequence[str], names: Sequence[str], pathspecs: Sequence[str]) -> int:
    out = _git(["rev-list", "--count", *options, "--end-of-options", *names, "--", *pathspecs], cwd)
    return int(out.strip() or 0)


def _commit_order(
    cwd: str, options: Sequence[str], names: Sequence[str], wanted: Collection[str]
) -> tuple[int, dict[str, int]]:
    """How many commits the revisions select, and the rank of each ``wanted`` one (oldest first).

    Streamed, so a repository of a million commits costs a pass over their hashes, not a dict of them.
    """
    command = [
        *git_command(*_GIT_CONFIG),
        "rev-list",
        "--reverse",
        "--date-order",
        *options,
        "--end-of-options",
    ]
    order: dict[str, int] = {}
    count = 0
    for count, raw in enumerate(_stream_log([*command, *names, "--"], cwd), start=1):
        commit = raw.strip().decode("ascii", "replace")
        if commit in wanted:
            order[commit] = count
    return count, order


# Is this file excluded (the configuration's exclude patterns)?  Called with (absolute path, repository top).
Exclude = Callable[[str, str], bool]


def scan_history(
    cwd: str = ".",
    revs: Sequence[str] = (),
    pathspecs: Sequence[str] = (),
    exclude: Optional[Exclude] = None,
) -> HistoryResult:
    """Every distinct token added in the commits ``revs`` select (default: HEAD and its ancestors).

    ``pathspecs`` limit the history to some paths, relative to ``cwd``, as ``git log -- PATHS`` does;
    ``exclude`` drops files the way the configuration's exclude patterns drop them from a normal scan.
    Raises ``HistoryError`` with a one-line reason when git cannot answer.
    """
    top, head, shallow = _repository(cwd)
    shown, names = split_revs(revs)
    # --all leaves out the stash (work in progress, never committed); `refs/stash` named still reads it.
    options = [
        item for rev in shown for item in (("--exclude=refs/stash", rev) if rev == "--all" else (rev,))
    ]
    if not options and not names:
        if head is None:
            return HistoryResult((), 0, ("HEAD",), ("the repository has no commits yet",))
        names = ["HEAD"]
    notes: list[str] = []
    if shallow:
        notes.append(
            "shallow clone: only the fetched commits were scanned (in CI, fetch the whole history, "
            "e.g. actions/checkout with fetch-depth: 0)"
        )
    messages: dict[str, _Seen] = {}
    if not pathspecs:  # a message belongs to no path
        messages = collect(message_lines(_stream_log(_message_command(options, names), cwd)))
    added = added_lines(_stream_log(_log_command(options, names, pathspecs), cwd))
    if exclude is not None:
        added = (line for line in added if not exclude(os.path.join(top, line.path), top))
    seen = collect(added)
    if messages:
        commits, order = _commit_order(cwd, options, names, to_order(seen, messages))
        seen = merge(seen, messages, order)
    else:
        commits = _count_commits(cwd, options, names, pathspecs)
    places = _head_places(top, head, list(seen)) if head is not None else {}
    if exclude is not None:
        places = {
            secret: [(path, line) for path, line in where if not exclude(os.path.join(top, path), top)]
            for secret, where in places.items()
        }
    leaks = tuple(
        HistoryLeak(
            masked=mask(secret),
            secret_hash=secret_hash(secret),
            confidence=entry.confidence,
            commit=entry.first.commit,
            timestamp=entry.first.timestamp,
            path=entry.first.path,
            line=entry.first.line,
            column=entry.column,
            commits=len(entry.commits),
            head=tuple(places.get(secret, ())),
            source=entry.first.source,
            secret=secret,
        )
        for secret, entry in seen.items()
    )
    return HistoryResult(leaks, commits, tuple([*shown, *names]), tuple(notes))
