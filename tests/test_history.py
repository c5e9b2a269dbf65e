"""``scan --history``: real temporary git repositories, built commit by commit with the git binary."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from hf_secret_guard.cli.main import cli
from hf_secret_guard.history import (
    HistoryError,
    added_lines,
    collect,
    merge,
    message_lines,
    scan_history,
    to_order,
)
from hf_secret_guard.model import HistoryLeak, HistoryResult
from hf_secret_guard.report.history import format_history_leak, history_origin, render_history_json
from hf_secret_guard.tokens import mask
from tests.conftest import ORG_TOKEN, REPO, TOKEN, TOKEN2, make_token
from tests.hub_server import FakeHub, hub
from tests.inprocess import run_main

__all__ = ["hub"]  # the fixture

T3 = make_token(41)
DIGITS = make_token(42, digits=True)


class Repo:
    """A git repository in a temporary directory; every commit gets the next timestamp."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_700_000_000
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        self.clock += 60
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_AUTHOR_DATE": f"{self.clock} +0000",
            "GIT_COMMITTER_DATE": f"{self.clock} +0000",
        }
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, message: str, **files: str) -> str:
        for name, text in files.items():
            self.write(name.replace("__", "/").replace("_DOT_", "."), text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        """HEAD's commit, read from the files ``git commit`` just wrote (one process fewer per commit)."""
        head = (self.root / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = self.root / ".git" / head[5:]
            return ref.read_text().strip() if ref.is_file() else self.git("rev-parse", "HEAD")
        return head


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def by_mask(result: HistoryResult) -> dict[str, HistoryLeak]:
    return {leak.masked: leak for leak in result.leaks}


def test_token_added_then_removed(repo: Repo) -> None:
    repo.commit("start", a_DOT_py="x = 1\n")
    added = repo.commit("add", a_DOT_py=f'x = 1\n\nlogin(token="{TOKEN}")\n')
    repo.commit("remove", a_DOT_py="x = 1\n\nlogin()\n")
    result = scan_history(str(repo.root))
    assert result.commits == 3
    [leak] = result.leaks
    assert (leak.commit, leak.path, leak.line, leak.column) == (added, "a.py", 3, 14)
    assert leak.masked == mask(TOKEN) and leak.secret == TOKEN
    assert not leak.at_head and leak.commits == 1
    assert TOKEN not in repr(leak)


def test_still_at_head_lists_where(repo: Repo) -> None:
    added = repo.commit("add", cfg__settings_DOT_py=f'TOKEN = "{TOKEN}"\n', b_DOT_py=f"# {TOKEN}\n")
    [leak] = scan_history(str(repo.root)).leaks
    assert leak.commit == added and leak.at_head
    assert sorted(leak.head) == [("b.py", 1), ("cfg/settings.py", 1)]
    assert leak.path in ("b.py", "cfg/settings.py")


def test_notebook_token_inside_json(repo: Repo) -> None:
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(f'from huggingface_hub import login\nlogin("{TOKEN}")')
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"token is {TOKEN2}\n")]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Demo"), cell]
    text = nbformat.writes(notebook)
    assert f'\\"{TOKEN}\\"' in text  # saved as \"hf_...\" inside the JSON string
    added = repo.commit("notebook", demo_DOT_ipynb=text)
    found = by_mask(scan_history(str(repo.root)))
    assert set(found) == {mask(TOKEN), mask(TOKEN2)}
    first = found[mask(TOKEN)]
    assert (first.commit, first.path) == (added, "demo.ipynb")
    assert first.line == line_of(text, TOKEN)
    assert found[mask(TOKEN2)].line == line_of(text, TOKEN2)
    assert first.head == (("demo.ipynb", line_of(text, TOKEN)),)


def test_renamed_file_keeps_the_introducing_commit(repo: Repo) -> None:
    added = repo.commit("add", old_DOT_py=f'print("hi")\nTOKEN = "{TOKEN}"\n')
    repo.git("mv", "old.py", "new.py")
    repo.commit("rename")
    repo.commit("edit", new_DOT_py=f'print("hello")\nprint(1)\nTOKEN = "{TOKEN}"\n')
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.commit, leak.path, leak.line) == (added, "old.py", 2)
    assert leak.head == (("new.py", 3),) and leak.commits == 1


def test_merge_branch_and_evil_merge(repo: Repo) -> None:
    repo.commit("start", a_DOT_py="a = 1\n", b_DOT_py="b = 1\n")
    repo.git("checkout", "-q", "-b", "feature")
    on_branch = repo.commit("feature token", a_DOT_py=f'a = "{TOKEN}"\n')
    repo.git("checkout", "-q", "main")
    repo.commit("main work", c_DOT_py="c = 1\n")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "feature")
    repo.write("b.py", f'b = "{TOKEN2}"\n')  # added by the merge commit itself
    repo.git("add", "b.py")
    repo.git("commit", "-q", "-m", "merge feature")
    merge = repo.git("rev-parse", "HEAD")
    found = by_mask(scan_history(str(repo.root)))
    assert set(found) == {mask(TOKEN), mask(TOKEN2)}
    assert found[mask(TOKEN)].commit == on_branch  # not the merge that brought it in
    assert found[mask(TOKEN)].commits == 1
    assert (found[mask(TOKEN2)].commit, found[mask(TOKEN2)].path) == (merge, "b.py")


def test_earliest_commit_wins_and_commits_are_counted(repo: Repo) -> None:
    first = repo.commit("one", a_DOT_py=f'T = "{TOKEN}"\n')
    repo.commit("gone", a_DOT_py="T = None\n")
    repo.commit("back", a_DOT_py=f'T = "{TOKEN}"\n', z_DOT_py=f'Z = "{TOKEN}"\n')
    [leak] = scan_history(str(repo.root)).leaks
    assert leak.commit == first and leak.commits == 2


def test_other_text_files_and_token_kinds(repo: Repo) -> None:
    repo.commit(
        "config",
        _DOT_env=f"HF_TOKEN={TOKEN}\n",
        README_DOT_md=f"Use `{ORG_TOKEN}` here\n",
        deploy__run_DOT_sh=f"curl -H 'Authorization: Bearer {DIGITS}' https://huggingface.co\n",
    )
    found = by_mask(scan_history(str(repo.root)))
    assert {leak.path for leak in found.values()} == {".env", "README.md", "deploy/run.sh"}
    assert found[mask(DIGITS)].confidence == "medium"


def test_placeholders_are_not_reported(repo: Repo) -> None:
    repo.commit("doc", a_DOT_py='login(token="hf_your_token_here")\nT = "hf_' + "x" * 34 + '"\n')
    assert scan_history(str(repo.root)).leaks == ()


def test_revisions_and_pathspecs_limit_the_history(repo: Repo) -> None:
    old = repo.commit("old", a_DOT_py=f'T = "{TOKEN}"\n')
    repo.commit("new", sub__b_DOT_py=f'T = "{TOKEN2}"\n', c_DOT_py=f'T = "{T3}"\n')
    assert {leak.masked for leak in scan_history(str(repo.root), [f"{old}..HEAD"]).leaks} == {
        mask(TOKEN2),
        mask(T3),
    }
    assert [leak.masked for leak in scan_history(str(repo.root), [], ["sub"]).leaks] == [mask(TOKEN2)]
    assert [leak.masked for leak in scan_history(str(repo.root / "sub"), [], ["."]).leaks] == [mask(TOKEN2)]
    assert len(scan_history(str(repo.root), ["--all"]).leaks) == 3


def test_other_branches_only_with_all(repo: Repo) -> None:
    repo.commit("start", a_DOT_py="a = 1\n")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("side", s_DOT_py=f'T = "{TOKEN}"\n')
    repo.git("checkout", "-q", "main")
    assert scan_history(str(repo.root)).leaks == ()
    [leak] = scan_history(str(repo.root), ["--all"]).leaks
    assert leak.path == "s.py" and not leak.at_head


def test_unusual_path_names(repo: Repo) -> None:
    names = ["with space.py", 'quo"te.py', "ünï.py", "tab\there.py"]
    for name in names:
        repo.write(name, f'T = "{TOKEN}"\n')
        repo.git("add", "--", name)
        repo.git("commit", "-q", "-m", name)
        repo.git("rm", "-q", "--", name)
        repo.git("commit", "-q", "-m", "rm")
    repo.write("with space.py", f'T = "{TOKEN2}"\n')
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "again")
    found = by_mask(scan_history(str(repo.root)))
    assert found[mask(TOKEN)].path == names[0]
    assert found[mask(TOKEN)].commits == len(names)
    assert found[mask(TOKEN2)].head == (("with space.py", 1),)


def test_unborn_repository(repo: Repo) -> None:
    result = scan_history(str(repo.root))
    assert (
        result.leaks == () and result.commits == 0 and result.notes == ("the repository has no commits yet",)
    )


def test_a_shallow_clone_says_what_was_not_scanned(repo: Repo, tmp_path: Path) -> None:
    """A clone of one commit: that commit adds every file (the token is found, in it), and a note says
    that older commits were not scanned.  The clone's folder has a line break in its name, which git
    prints as it is among its other answers."""
    repo.commit("one", a_DOT_py=f'token = "{TOKEN}"\n')
    repo.commit("two", b_DOT_py="b = 2\n")
    full = scan_history(str(repo.root))
    assert full.notes == () and full.commits == 2 and len(full.leaks) == 1
    clone = tmp_path / "shallow\nclone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    result = scan_history(str(clone))
    assert result.commits == 1 and result.notes[0].startswith("shallow clone: only the fetched commits")
    assert [leak.head for leak in result.leaks] == [(("a.py", 1),)]  # its one commit adds every file


def test_errors_are_one_line(repo: Repo, tmp_path: Path) -> None:
    repo.commit("start", a_DOT_py="a = 1\n")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(HistoryError, match="not a git repository"):
        scan_history(str(plain))
    with pytest.raises(HistoryError) as bad:
        scan_history(str(repo.root), ["no-such-branch"])
    assert "\n" not in str(bad.value) and "no-such-branch" in str(bad.value)
    with pytest.raises(HistoryError, match="unsupported revision option"):
        scan_history(str(repo.root), ["--output=/tmp/x"])


def test_added_lines_parses_combined_diffs() -> None:
    log = [
        b"\x00" + b"a" * 40 + b" 1700000000\n",
        b"\n",
        b"diff --cc m.py\n",
        b"index 1,2..3\n",
        b"--- a/m.py\n",
        b"+++ b/m.py\n",
        b"@@@ -1,1 -1,1 +1,3 @@@\n",
        b"- old = 1\n",
        b" +from_branch = 'hf_x'\n",
        b"++evil = 'hf_y'\n",
        b"  kept = 'hf_z'\n",
        b"\\ No newline at end of file\n",
    ]
    [line] = added_lines(log)
    assert (line.path, line.line, line.text) == ("m.py", 2, "evil = 'hf_y'")


def test_history_json_has_no_full_token(repo: Repo) -> None:
    repo.commit("add", a_DOT_py=f'T = "{TOKEN}"\n')
    result = scan_history(str(repo.root))
    dumped = json.dumps([repr(leak) for leak in result.leaks])
    assert TOKEN not in dumped and mask(TOKEN) in dumped


# --- commit messages ----------------------------------------------------------------------------------


def test_token_only_in_a_multi_line_message(repo: Repo) -> None:
    repo.commit("start", a_DOT_py="x = 1\n")
    said = repo.commit(f"Switch to the env var\n\nThe old token {TOKEN} is revoked.", a_DOT_py="x = 2\n")
    [leak] = scan_history(str(repo.root)).leaks
    column = len("The old token ") + 1
    assert (leak.source, leak.commit, leak.path, leak.line, leak.column) == ("message", said, "", 3, column)
    assert leak.commits == 1 and not leak.at_head and leak.masked == mask(TOKEN)
    assert TOKEN not in repr(leak)


def test_subject_line_is_line_one_and_kinds_of_token(repo: Repo) -> None:
    repo.commit(f"remove token {TOKEN}\n\nand {ORG_TOKEN}, not hf_your_token_here")
    found = by_mask(scan_history(str(repo.root)))
    assert set(found) == {mask(TOKEN), mask(ORG_TOKEN)}  # the placeholder is not a token here either
    assert (found[mask(TOKEN)].line, found[mask(TOKEN)].column) == (1, len("remove token ") + 1)
    assert (found[mask(ORG_TOKEN)].line, found[mask(ORG_TOKEN)].column) == (3, len("and ") + 1)


def test_message_then_diff_the_message_wins(repo: Repo) -> None:
    said = repo.commit(f"use {TOKEN} for now")
    repo.commit("config", a_DOT_py=f'T = "{TOKEN}"\n')
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.source, leak.commit, leak.commits) == ("message", said, 2)
    assert leak.head == (("a.py", 1),)  # a message token is at HEAD when git grep finds it in the tree


def test_diff_then_message_the_diff_wins(repo: Repo) -> None:
    added = repo.commit("config", a_DOT_py=f'T = "{TOKEN}"\n')
    repo.commit(f"remove token {TOKEN}", a_DOT_py="T = None\n")
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.source, leak.commit, leak.path, leak.commits) == ("diff", added, "a.py", 2)
    assert not leak.at_head


def test_diff_and_message_of_one_commit_points_at_the_file(repo: Repo) -> None:
    both = repo.commit(f"add {TOKEN}", a_DOT_py=f'T = "{TOKEN}"\n')
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.source, leak.commit, leak.path, leak.commits) == ("diff", both, "a.py", 1)


def test_earliest_is_by_ancestry_not_by_clock(repo: Repo) -> None:
    said = repo.commit(f"token {TOKEN}")
    repo.clock -= 10_000  # the child's clock is behind its parent's (a skewed machine, a rebase)
    repo.commit("config", a_DOT_py=f'T = "{TOKEN}"\n', b_DOT_py=f'U = "{TOKEN2}"\n')
    repo.commit(f"and {T3}")
    found = by_mask(scan_history(str(repo.root)))
    assert (found[mask(TOKEN)].source, found[mask(TOKEN)].commit) == ("message", said)
    assert list(found) == [mask(TOKEN), mask(TOKEN2), mask(T3)]  # oldest first, both kinds together


def test_merge_commit_message(repo: Repo) -> None:
    repo.commit("start", a_DOT_py="a = 1\n")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature", b_DOT_py="b = 1\n")
    repo.git("checkout", "-q", "main")
    repo.commit("main work", c_DOT_py="c = 1\n")
    repo.git("merge", "-q", "--no-ff", "-m", f"Merge feature\n\nCI ran with {TOKEN2}", "feature")
    merge_commit = repo.git("rev-parse", "HEAD")
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.source, leak.commit, leak.line) == ("message", merge_commit, 3)


def test_messages_follow_revisions_but_not_paths_or_excludes(repo: Repo) -> None:
    old = repo.commit(f"old {TOKEN}")
    repo.commit(f"new {TOKEN2}", sub__a_DOT_py=f'T = "{T3}"\n')
    # One commit, both kinds: its file's tokens first, then its message's.
    assert [leak.masked for leak in scan_history(str(repo.root), [f"{old}..HEAD"]).leaks] == [
        mask(T3),
        mask(TOKEN2),
    ]
    # PATHS: a message belongs to no path, so none is read.
    assert [leak.masked for leak in scan_history(str(repo.root), [], ["sub"]).leaks] == [mask(T3)]
    assert [leak.masked for leak in scan_history(str(repo.root), [], ["."]).leaks] == [mask(T3)]
    # Exclude patterns drop files; a message is not a file.
    everything_excluded = scan_history(str(repo.root), exclude=lambda path, top: True)
    assert [(leak.masked, leak.source) for leak in everything_excluded.leaks] == [
        (mask(TOKEN), "message"),
        (mask(TOKEN2), "message"),
    ]
    assert everything_excluded.commits == 2


def test_message_lines_parses_raw_log_bytes() -> None:
    first, second = b"a" * 40, b"b" * 64  # SHA-1 and SHA-256 object names
    raw = (
        b"\x00" + first + b" 1700000000\n"
        b"subject hf_one\n"
        b"\n"
        b"body without a prefix\n"
        b"crlf line api_org_two\r\n"
        b"\xff not utf-8 hf_three\n"
        b"\n"
        b"\x00" + second + b" 1700000060\n"
        b"hf_four\n"
        b"\n"
    )
    got = list(message_lines(io.BytesIO(raw)))
    assert [(m.commit[:1], m.timestamp, m.line, m.text, m.path, m.source) for m in got] == [
        ("a", 1700000000, 1, "subject hf_one", "", "message"),
        ("a", 1700000000, 4, "crlf line api_org_two", "", "message"),
        ("a", 1700000000, 5, "\ufffd not utf-8 hf_three", "", "message"),
        ("b", 1700000060, 1, "hf_four", "", "message"),
    ]
    assert len(got[-1].commit) == 64
    assert list(message_lines([b"hf_ before any header\n"])) == []


def test_merge_orders_the_two_streams_by_rank() -> None:
    diff_line = f'T = "{TOKEN}"\n'
    log = [
        b"\x00" + b"d" * 40 + b" 100\n",
        b"+++ b/a.py\n",
        b"@@ -0,0 +1,2 @@\n",
        b"+" + diff_line.encode(),
        b"+" + f"U = '{TOKEN2}'\n".encode(),
    ]
    diffs = collect(added_lines(log))
    messages = collect(message_lines([b"\x00" + b"m" * 40 + b" 200\n", f"x {TOKEN} {T3}\n".encode()]))
    assert to_order(diffs, messages) == {"d" * 40, "m" * 40}
    message_first = merge(diffs, messages, {"m" * 40: 1, "d" * 40: 2})
    assert [(s[:6], e.first.source) for s, e in message_first.items()] == [
        (TOKEN[:6], "message"),
        (T3[:6], "message"),
        (TOKEN2[:6], "diff"),
    ]
    assert message_first[TOKEN].commits == {"d" * 40, "m" * 40} and message_first[TOKEN].column == 3
    diff_first = merge(diffs, messages, {"d" * 40: 1, "m" * 40: 2})
    assert [(s[:6], e.first.source) for s, e in diff_first.items()] == [
        (TOKEN[:6], "diff"),
        (TOKEN2[:6], "diff"),
        (T3[:6], "message"),
    ]
    assert diffs[TOKEN].commits == {"d" * 40}  # the inputs are left as they were


def test_message_leak_reports_show_the_commit_and_mask(repo: Repo) -> None:
    said = repo.commit(f"Drop the token\n\nit was {TOKEN}")
    result = scan_history(str(repo.root))
    [leak] = result.leaks
    text = format_history_leak(leak)
    assert text == (
        f"commit {said[:10]} (message), line 3, column 8: token in git history ({mask(TOKEN)}), "
        "in the commit message on 2023-11-14; no longer at HEAD (still in history)"
    )
    assert history_origin(leak) == f"in the message of {said[:10]}, line 3"
    [record] = json.loads(render_history_json(result, result.leaks))["tokens"]
    assert (record["source"], record["path"], record["line"], record["commit"]) == ("message", "", 3, said)
    no_full_token(text, render_history_json(result, result.leaks))


# --- through the command line -------------------------------------------------------------------------


@pytest.fixture
def leaked(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """TOKEN added then removed; TOKEN2 added later and still there.  The CLI runs inside the repo."""
    repo.commit("start", a_DOT_py="x = 1\n")
    repo.commit("add", a_DOT_py=f'x = 1\nT = "{TOKEN}"\n')
    repo.commit("remove", a_DOT_py="x = 1\n")
    repo.commit("again", b_DOT_py=f"# {TOKEN2}\n")
    monkeypatch.chdir(repo.root)
    return repo


def no_full_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text and TOKEN2 not in text and T3 not in text


def test_cli_history_text(leaked: Repo, hub: FakeHub) -> None:
    added = leaked.git("rev-parse", "HEAD~2")
    result = CliRunner().invoke(cli, ["scan", "--history"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"a.py:2:6: token in git history ({mask(TOKEN)}), added in {added[:10]} on 2023-11-14; "
        "no longer at HEAD (still in history)"
    )
    assert lines[1].startswith("b.py:1:3: ") and lines[1].endswith("still at HEAD: b.py:1")
    assert "Found 2 distinct tokens in the history of HEAD (4 commits read); 1 still at HEAD." in lines
    assert hub.requests == 0  # no --verify: no network
    no_full_token(result.output)


def test_cli_history_json_verify_live_write_first(leaked: Repo, hub: FakeHub) -> None:
    hub.behaviour.update({TOKEN: "read", TOKEN2: "write"})
    result = CliRunner().invoke(cli, ["scan", "--history", "--verify", "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["history"] == {"revs": ["HEAD"], "commits": 4, "notes": []}
    first, second = report["tokens"]
    assert (first["secret"], first["verified"]["status"], first["verified"]["role"]) == (
        mask(TOKEN2),
        "live",
        "write",
    )
    assert first["at_head"] is True and first["head"] == [{"path": "b.py", "line": 1}]
    assert (second["secret"], second["at_head"], second["path"], second["line"]) == (
        mask(TOKEN),
        False,
        "a.py",
        2,
    )
    assert hub.whoami == {TOKEN: 1, TOKEN2: 1}
    no_full_token(result.output)


def test_cli_history_revs_and_revoke(leaked: Repo, hub: FakeHub) -> None:
    result = CliRunner().invoke(cli, ["scan", "--history-revs", "HEAD~1..HEAD", "--revoke"], input="y\n")
    assert result.exit_code == 1, result.output
    assert mask(TOKEN) not in result.stdout and mask(TOKEN2) in result.stdout  # only the last commit
    [(_, body)] = hub.revokes
    assert json.loads(body) == {"credentials": [TOKEN2]}
    assert "Answer: HTTP 202" in result.stderr
    no_full_token(result.output)


def test_cli_history_subprocess_and_errors(leaked: Repo, tmp_path: Path) -> None:
    done = run_main("scan", "--history", "--format", "json", cwd=leaked.root)
    assert done.returncode == 1 and len(json.loads(done.stdout)["tokens"]) == 2
    no_full_token(done.stdout, done.stderr)
    outside = tmp_path / "outside"
    outside.mkdir()
    done = run_main("scan", "--history", cwd=outside)
    assert done.returncode == 2 and "not a git repository" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    done = run_main("scan", "--history-revs", "nope..HEAD", cwd=leaked.root)
    assert done.returncode == 2 and done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    done = run_main("scan", "--history", "--format", "sarif", cwd=leaked.root)
    assert done.returncode == 2 and "text or json" in done.stderr


def test_cli_history_exit_zero_and_clean(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("clean", a_DOT_py="x = 1\n")
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(cli, ["scan", "--history"])
    assert (
        result.exit_code == 0 and "No tokens found in the history of HEAD (1 commit read)." in result.output
    )


def _pre_commit(repo: Repo, tmp_path: Path, entry: str, hook_id: str) -> subprocess.CompletedProcess[str]:
    """The real pre-commit binary, running a local hook with the fields of our manifest's history hook."""
    from pre_commit.clientlib import load_manifest

    [hook] = [h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml")) if h["id"] == hook_id]
    assert hook["stages"] == ["manual"] and hook["pass_filenames"] is False and hook["always_run"] is True
    assert "--revoke" not in hook["entry"] and "--verify" not in hook["entry"]
    config = {
        "repos": [
            {
                "repo": "local",
                "hooks": [
                    {
                        "id": hook_id,
                        "name": hook["name"],
                        # language: system runs our interpreter; the rest is the manifest's own settings
                        "entry": entry
                        or f"{sys.executable} -m hf_secret_guard {hook['entry'].split(' ', 1)[1]}",
                        "language": "system",
                        "pass_filenames": hook["pass_filenames"],
                        "always_run": hook["always_run"],
                        "stages": hook["stages"],
                    }
                ],
            }
        ]
    }
    (repo.root / ".pre-commit-config.yaml").write_text(json.dumps(config))  # JSON is YAML
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--hook-stage", "manual", hook_id, "--verbose"],
        cwd=repo.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.e2e
def test_pre_commit_manual_stage(leaked: Repo, tmp_path: Path, hub: FakeHub) -> None:
    done = _pre_commit(leaked, tmp_path, "", "hf-secret-guard-history")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"token in git history ({mask(TOKEN)})" in done.stdout
    assert "Found 2 distinct tokens in the history of HEAD" in done.stdout
    no_full_token(done.stdout, done.stderr)
    # Even if someone adds --revoke to the hook's entry, it refuses to run inside pre-commit.
    entry = f"{sys.executable} -m hf_secret_guard scan --history --revoke --yes"
    done = _pre_commit(leaked, tmp_path, entry, "hf-secret-guard-history")
    assert done.returncode == 1 and "never runs inside a pre-commit hook" in done.stdout
    assert hub.requests == 0


def test_cli_history_message_tokens(repo: Repo, hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("start", a_DOT_py="x = 1\n")
    said = repo.commit(f"Rotate the CI token\n\nold one: {TOKEN}")
    added = repo.commit("config", b_DOT_py=f'T = "{TOKEN2}"\n')
    monkeypatch.chdir(repo.root)
    result = CliRunner().invoke(cli, ["scan", "--history"])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[:2] == [
        f"commit {said[:10]} (message), line 3, column 10: token in git history ({mask(TOKEN)}), "
        "in the commit message on 2023-11-14; no longer at HEAD (still in history)",
        f"b.py:1:6: token in git history ({mask(TOKEN2)}), added in {added[:10]} on 2023-11-14; "
        "still at HEAD: b.py:1",
    ]
    report = json.loads(CliRunner().invoke(cli, ["scan", "--history", "--format", "json"]).stdout)
    assert [(t["source"], t["path"], t["line"], t["column"]) for t in report["tokens"]] == [
        ("message", "", 3, 10),
        ("diff", "b.py", 1, 6),
    ]
    revoked = CliRunner().invoke(cli, ["scan", "--history", "--revoke"], input="y\n")
    assert f"in the message of {said[:10]}, line 3" in revoked.stderr, revoked.output
    assert json.loads(hub.revokes[0][1]) == {"credentials": [TOKEN, TOKEN2]}
    paths = CliRunner().invoke(cli, ["scan", "--history", "--format", "json", "."])
    assert [t["source"] for t in json.loads(paths.stdout)["tokens"]] == ["diff"]  # PATHS: no messages
    no_full_token(result.output, revoked.output, paths.output)


@pytest.mark.parametrize("option", ["--fix", "--diff", "--staged", "--baseline=x.json"])
def test_cli_history_refuses_working_tree_options(leaked: Repo, option: str) -> None:
    result = CliRunner().invoke(cli, ["scan", "--history", option])
    assert result.exit_code == 2 and "--history" in result.stderr, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert (leaked.root / "a.py").read_text() == "x = 1\n"  # nothing rewritten


def test_cli_history_honours_exclude_patterns(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit(
        "fixtures",
        pyproject_DOT_toml='[tool.hf-secret-guard]\nextend-exclude = ["fixtures/**"]\n',
        fixtures__fake_DOT_py=f'T = "{TOKEN}"\n',
        build__gen_DOT_py=f'T = "{T3}"\n',  # committed: the default "build" exclude is for walks only
        src__app_DOT_py=f'T = "{TOKEN2}"\n# {TOKEN}\n',
    )
    monkeypatch.chdir(repo.root)
    report = json.loads(CliRunner().invoke(cli, ["scan", "--history", "--format", "json"]).stdout)
    assert [(t["secret"], t["path"]) for t in report["tokens"]] == [
        (mask(T3), "build/gen.py"),
        (mask(TOKEN2), "src/app.py"),
        (mask(TOKEN), "src/app.py"),
    ]
    assert report["tokens"][2]["head"] == [{"path": "src/app.py", "line": 2}]  # not the excluded fixture
    isolated = json.loads(
        CliRunner().invoke(cli, ["scan", "--history", "--isolated", "--format", "json"]).stdout
    )
    # No config: fixtures/ counts again; build/ counted all along (it is committed).
    heads = {t["secret"]: {h["path"] for h in t["head"]} for t in isolated["tokens"]}
    assert heads == {
        mask(TOKEN): {"fixtures/fake.py", "src/app.py"},
        mask(TOKEN2): {"src/app.py"},
        mask(T3): {"build/gen.py"},
    }


@pytest.mark.parametrize(
    "hide",
    [
        {"_DOT_gitattributes": "* -diff\n"},  # a committed attribute: every file "binary" to git's diff
        {"_DOT_gitattributes": "*.py binary\n"},
    ],
)
def test_an_attribute_cannot_hide_the_history(repo: Repo, hide: dict[str, str]) -> None:
    repo.commit("attributes", **hide)
    repo.commit("add", a_DOT_py=f'login(token="{TOKEN}")\n')
    repo.commit("remove", a_DOT_py="login()\n")
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.path, leak.masked, leak.at_head) == ("a.py", mask(TOKEN), False)


def test_a_big_file_threshold_cannot_hide_the_history(repo: Repo) -> None:
    repo.git("config", "core.bigFileThreshold", "10")  # "files larger than 10 bytes are binary"
    repo.commit("add", a_DOT_py="x = 1\n" * 20 + f'login(token="{TOKEN}")\n')
    [leak] = scan_history(str(repo.root)).leaks
    assert leak.masked == mask(TOKEN) and leak.at_head


@pytest.mark.parametrize(
    "source",
    [
        't = ("{head}"\n     "{tail}")\n',
        "t = ('{head}'  # split to fit the line\n     '{tail}')\n",
        'login(token="{head}"\n            f"{tail}")\n',
        't = "{head}\\\n{tail}"\n',
    ],
    ids=["parenthesized", "comment-between", "f-string-piece", "backslash"],
)
def test_a_token_written_in_pieces_is_found_in_the_history(repo: Repo, source: str) -> None:
    """What the file scan finds (Python joins the pieces), --history finds too."""
    repo.commit("add", a_DOT_py="x = 1\n" + source.format(head=TOKEN[:14], tail=TOKEN[14:]))
    repo.commit("remove", a_DOT_py="x = 1\n")
    [leak] = scan_history(str(repo.root)).leaks
    assert (leak.path, leak.line, leak.masked, leak.at_head) == ("a.py", 2, mask(TOKEN), False)


def test_pieces_that_are_no_token_stay_apart(repo: Repo) -> None:
    repo.commit("add", a_DOT_py=f'a = "{TOKEN[:14]}"\nb = "{TOKEN[14:]}"\n')
    assert scan_history(str(repo.root)).leaks == ()
