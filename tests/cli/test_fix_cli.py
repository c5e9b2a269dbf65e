"""`scan --fix` / `--diff` through the command line: what is written, printed and returned."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from hf_secret_guard.cli.main import cli
from hf_secret_guard.tokens import find_tokens, mask
from tests.conftest import REPO, TOKEN, TOKEN2
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, new_output, notebook_text

LEAKY_PY = (
    f'import os\nos.environ["OPENAI_API_KEY"] = "sk-test-not-a-real-key-0000"\nlogin(token="{TOKEN}")\n'
)
CLEAN_PY = "import os\ntoken = os.environ['HF_TOKEN']\n"


def _tree(root: Path, bash_cell: bool = False) -> dict[str, Path]:
    cells = [
        new_code_cell(
            f"!huggingface-cli login --token {TOKEN2}", outputs=[new_output("stream", text=TOKEN2)]
        ),
    ]
    if bash_cell:
        cells.append(new_code_cell(f"%%bash\nexport HF_TOKEN={TOKEN}"))
    files = {
        "train.py": root / "train.py",
        "clean.py": root / "clean.py",
        "nb.ipynb": root / "nb.ipynb",
    }
    files["train.py"].write_text(LEAKY_PY)
    files["clean.py"].write_text(CLEAN_PY)
    files["nb.ipynb"].write_text(notebook_text(cells, "colab-4.0"))
    return files


def _invoke(*args: str) -> Result:
    """These tests check the rewrite into Colab's Secrets: ``--fix-style userdata`` unless a test names a
    style (the default, auto, gives a .py file ``os.environ``: tests/fix/test_fix_styles.py)."""
    style = ["--fix-style", "userdata"] if "--fix-style" not in args else []
    return CliRunner().invoke(cli, ["scan", *style, *args])


def _no_secret(text: str) -> None:
    assert TOKEN not in text and TOKEN2 not in text and "sk-test-not-a-real-key-0000" not in text


def test_fix_writes_reports_and_exits_1(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    clean_mtime = files["clean.py"].stat().st_mtime_ns
    result = _invoke("--fix", str(tmp_path))
    assert result.exit_code == 1  # the tokens were exposed: the run fails even though all are fixed
    _no_secret(result.output)
    assert "Fixed 4 of 4 leaks in 2 files." in result.output
    assert "https://huggingface.co/settings/tokens" in result.output
    assert "Secrets panel" in result.output
    assert "HF_TOKEN, OPENAI_API_KEY" in result.output
    assert files["train.py"].read_text() == (
        "import os\n\nfrom google.colab import userdata\n"
        'os.environ["OPENAI_API_KEY"] = userdata.get("OPENAI_API_KEY")\n'
        'login(token=userdata.get("HF_TOKEN"))\n'
    )
    assert not list(find_tokens(files["nb.ipynb"].read_text()))
    assert files["clean.py"].stat().st_mtime_ns == clean_mtime  # nothing to fix: never written

    again = _invoke("--fix", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert "No leaks found" in again.output


def test_fix_leaves_unfixable_and_still_fails(tmp_path: Path) -> None:
    files = _tree(tmp_path, bash_cell=True)
    _invoke("--fix", str(tmp_path))
    again = _invoke("--fix", str(files["nb.ipynb"]))
    assert again.exit_code == 1
    assert "[not fixable: " in again.output
    assert "Fixed 0 of 1 leak in 0 files." in again.output
    _no_secret(again.output)


def test_diff_writes_nothing_and_masks(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    before = {name: path.read_bytes() for name, path in files.items()}
    result = _invoke("--diff", str(tmp_path))
    assert result.exit_code == 1
    assert {name: path.read_bytes() for name, path in files.items()} == before
    _no_secret(result.output)
    assert f"--- a/{str(files['train.py']).lstrip('/')}" in result.output  # never a//tmp/...
    assert '+login(token=userdata.get("HF_TOKEN"))' in result.output
    assert '-login(token="hf_****' in result.output
    assert '-os.environ["OPENAI_API_KEY"] = "sk-****0000"' in result.output
    assert "Would fix 4 of 4 leaks in 2 files." in result.output


def test_diff_on_a_clean_tree(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text(CLEAN_PY)
    result = _invoke("--diff", str(tmp_path))
    assert result.exit_code == 0 and "---" not in result.output


def test_fix_style_and_secret_name(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(f'login(token="{TOKEN}")\n')
    assert _invoke("--fix", "--fix-style", "env", "--secret-name", "MY_HF", str(path)).exit_code == 1
    assert path.read_text() == 'import os\n\nlogin(token=os.environ["MY_HF"])\n'


@pytest.mark.parametrize("name", ["1ABC", "MY-TOKEN", "a b", TOKEN])
def test_bad_secret_name_is_a_usage_error(name: str, tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(f'login(token="{TOKEN2}")\n')
    result = _invoke("--fix", "--secret-name", name, str(path))
    assert result.exit_code == 2
    _no_secret(result.output)
    assert TOKEN2 in path.read_text()  # nothing written


def test_fix_with_staged_is_refused(tmp_path: Path) -> None:
    result = _invoke("--fix", "--staged", str(tmp_path))
    assert result.exit_code == 2
    assert "--staged" in result.output


def test_fix_with_json_keeps_stdout_json(tmp_path: Path) -> None:
    files = _tree(tmp_path)
    result = run_main("scan", "--fix", "--format", "json", str(tmp_path))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert len(report["findings"]) == 4
    assert "Fixed 4 of 4" in result.stderr
    _no_secret(result.stdout + result.stderr)
    assert TOKEN not in files["train.py"].read_text()


def test_real_cli_fix(tmp_path: Path) -> None:
    path = tmp_path / "train.py"
    path.write_text(LEAKY_PY)
    result = run_main("scan", "--fix", str(path))
    assert result.returncode == 1
    _no_secret(result.stdout + result.stderr)
    assert 'login(token=os.environ["HF_TOKEN"])' in path.read_text()  # auto: a script reads the environment


def test_fix_hook_is_declared() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    fix_hook = hooks["hf-secret-guard-fix"]
    assert fix_hook["entry"].split()[:3] == ["hf-secret-guard", "scan", "--fix"]
    assert fix_hook["entry"].split()[3:] == hooks["hf-secret-guard"]["entry"].split()[2:]  # same flags
    assert hooks["hf-secret-guard"]["types"] == ["text"]  # every text file is scanned
    assert fix_hook["types"] == ["text"]  # every text file: a .env leak is reported (not rewritten) too


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_fix_hook_in_a_real_commit(tmp_path: Path) -> None:
    """The real pre-commit binary runs the hook's entry: the first commit is stopped with the file fixed;
    committing the fixed file passes."""
    hook = next(
        h
        for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
        if h["id"] == "hf-secret-guard-fix"
    )
    repo = tmp_path / "repo"
    repo.mkdir()
    config = {"repos": [{"repo": "local", "hooks": [{**hook, "language": "system"}]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (repo / "train.py").write_text(f'login(token="{TOKEN}")\n')
    (repo / ".env").write_text(f"HF_TOKEN={TOKEN2}\n")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False)

    run("git", "init", "-q")
    run("git", "add", "-A")
    first = run(
        sys.executable, "-m", "pre_commit", "run", "--files", "train.py", ".env", ".pre-commit-config.yaml"
    )
    assert first.returncode == 1, first.stdout + first.stderr
    _no_secret(first.stdout + first.stderr)
    # the .env leak is seen by the fix hook too (a user with only this hook is told), and left as it was
    assert ".env:1:10: HFG002" in first.stdout and "not fixable" in first.stdout
    assert (repo / ".env").read_text() == f"HF_TOKEN={TOKEN2}\n"
    assert "files were modified by this hook" in first.stdout
    assert (
        (repo / "train.py").read_text() == 'import os\n\nlogin(token=os.environ["HF_TOKEN"])\n'
    )  # auto: a .py file reads the environment
    run("git", "add", "-A")
    second = run(sys.executable, "-m", "pre_commit", "run", "--files", "train.py")
    assert second.returncode == 0, second.stdout + second.stderr


def test_fix_respects_baseline_select_and_inline_allow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only what the scan reports is fixed: accepted (baseline), allowed (inline) and deselected findings
    stay as they are."""
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "old.py"
    old.write_text(f'login(token="{TOKEN}")\n')
    assert CliRunner().invoke(cli, ["baseline", "--output", "baseline.json", "old.py"]).exit_code == 0
    allowed = tmp_path / "allowed.py"
    allowed.write_text(f'EXAMPLE = "{TOKEN2}"  # hf-secret-guard: ignore\nlogin(token="{TOKEN}")\n')
    comment = tmp_path / "comment.py"
    comment.write_text(f'# {TOKEN}\nlogin(token="{TOKEN2}")\n')
    result = _invoke("--fix", "--baseline", "baseline.json", "old.py", "allowed.py")
    assert result.exit_code == 1, result.output
    assert old.read_text() == f'login(token="{TOKEN}")\n'
    assert allowed.read_text() == (
        IMPORT_LINE
        + f'EXAMPLE = "{TOKEN2}"  # hf-secret-guard: ignore\nlogin(token=userdata.get("HF_TOKEN"))\n'
    )
    assert _invoke("--fix", "--select", "HFG001", "--ignore", "HFG001", "comment.py").exit_code == 0
    assert _invoke("--fix", "--select", "HFG001", "comment.py").exit_code == 1
    # the comment on top stays on top; the token only masked there gets no name (the other is HF_TOKEN)
    assert (
        comment.read_text() == f"# {mask(TOKEN)}\n" + IMPORT_LINE + 'login(token=userdata.get("HF_TOKEN"))\n'
    )


IMPORT_LINE = "from google.colab import userdata\n\n"  # a new import block, then a blank line


def test_diff_with_an_unreadable_path_exits_2(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(LEAKY_PY)
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")  # named, but cannot be read
    result = _invoke("--diff", str(tmp_path / "train.py"), str(tmp_path / "gone.py"))
    assert result.exit_code == 2
    assert "+login(token=userdata.get" in result.output


def test_fix_settings_from_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.hf-secret-guard]\nfix-style = "env"\nsecret-name = "MY_HF"\n'
    )
    (tmp_path / "train.py").write_text(f'login(token="{TOKEN}")\n')
    assert CliRunner().invoke(cli, ["scan", "--fix", "train.py"]).exit_code == 1  # the config's style
    assert (tmp_path / "train.py").read_text() == 'import os\n\nlogin(token=os.environ["MY_HF"])\n'
    (tmp_path / "other.py").write_text(f'login(token="{TOKEN}")\n')
    assert _invoke("--fix", "--fix-style", "userdata", "other.py").exit_code == 1  # the command line wins
    assert 'userdata.get("MY_HF")' in (tmp_path / "other.py").read_text()


def test_fix_tells_why_each_leak_is_not_fixed(tmp_path: Path) -> None:
    """Every leak --fix leaves gets its reason, also in files with nothing it could fix; a token that
    is only a token in its own piece of a concatenation is fixed."""
    notebook = tmp_path / "nb.ipynb"
    cells = [new_code_cell(f"%%bash\nexport HF_TOKEN={TOKEN}"), new_code_cell(f"!echo $HOME {TOKEN}")]
    notebook.write_text(notebook_text(cells, "colab-4.0"))
    (tmp_path / "fstring.py").write_text(f"t = f\"{{'{TOKEN}'}}\"\n")
    concat = tmp_path / "concat.py"
    concat.write_text(f'x = ("a" "{TOKEN2}" "b")\n')
    result = _invoke("--fix", str(tmp_path))
    assert result.exit_code == 1
    _no_secret(result.output)
    assert "Fixed 1 of 4 leaks in 1 file." in result.output
    assert concat.read_text() == IMPORT_LINE + 'x = ("a" f"{userdata.get(\'HF_TOKEN\')}" "b")\n'
    reasons = sorted(line for line in result.output.splitlines() if " not fixed: " in line)
    assert reasons == [
        f"{tmp_path / 'fstring.py'}:1:9: HFG001 not fixed: not in a string literal the fixer can rewrite "
        "(an f-string's {...}, say)",
        f"{notebook}:cell 1:2:17: HFG002 not fixed: a %%bash cell is not Python: it cannot read Colab "
        "secrets",
        f"{notebook}:cell 2:1:13: HFG001 not fixed: the line has other {{...}} or $ expansions, which "
        "IPython expands all or none",
    ]


def test_a_writefile_body_reads_the_environment_and_the_summary_says_how(tmp_path: Path) -> None:
    """``!python train.py`` runs outside the kernel, where Colab's userdata does not answer: the written
    file reads ``os.environ``, and the summary tells how to set it from the notebook."""
    cells = [
        new_code_cell(f"%%writefile train.py\nfrom huggingface_hub import login\nlogin('{TOKEN}')\n"),
        new_code_cell("!python train.py"),
    ]
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text(cells, "colab-4.0"))
    result = run_main("scan", "--fix", str(path))
    assert result.returncode == 1
    _no_secret(result.stdout + result.stderr)
    source = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assert source == (
        "%%writefile train.py\nimport os\n\n"
        'from huggingface_hub import login\nlogin(os.environ["HF_TOKEN"])\n'
    )
    assert (
        "%%writefile and %%python bodies read HF_TOKEN from the environment (Colab secrets answer only "
        "in the notebook's kernel): set it in a cell before the program runs, "
        'e.g. os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN").'
    ) in " ".join(result.stdout.split())


def _pieces_of(secret: str, size: int = 6) -> list[str]:
    return [secret[i : i + size] for i in range(0, len(secret), size)]


@pytest.mark.parametrize(
    "source",
    [
        't = ("{head}"\n     "{tail}")\nlogin(token=t)\n',  # implicit concatenation over two lines
        "t = '{escaped}'\nlogin(token=t)\n",  # \\x escapes: no piece of the line is the token
        'import os\nos.environ["DB_PASSWORD"] = "s3cr\\x65t-Passw0rd!"\n',  # a secret that is no token
    ],
    ids=["split", "escaped", "password"],
)
def test_diff_masks_a_secret_however_it_is_written(source: str, tmp_path: Path) -> None:
    escaped = "".join(f"\\x{ord(c):02x}" if i % 3 == 0 and i > 3 else c for i, c in enumerate(TOKEN))
    path = tmp_path / "train.py"
    path.write_text(source.format(head=TOKEN[:12], tail=TOKEN[12:], escaped=escaped))
    result = _invoke("--diff", str(path))
    assert result.exit_code == 1 and "--- a/" in result.output, result.output
    for secret in (TOKEN, "s3cret-Passw0rd!"):
        assert secret not in result.output
        assert not [piece for piece in _pieces_of(secret) if len(piece) >= 5 and piece in result.output]
    assert (
        TOKEN[12:] not in result.output and escaped not in result.output and "s3cr\\x65t" not in result.output
    )


def test_diff_masks_a_notebook_token_split_over_json_list_elements(tmp_path: Path) -> None:
    cell = new_code_cell(f'login(token="{TOKEN[:10]}\\\n{TOKEN[10:]}")')  # a backslash-continued string
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text([cell], "colab-4.0"))
    assert '"source": [' in path.read_text() and TOKEN not in path.read_text()  # two list elements
    result = _invoke("--diff", str(path))
    assert result.exit_code == 1 and "--- a/" in result.output, result.output
    assert TOKEN[10:] not in result.output and TOKEN[:10] not in result.output


@pytest.mark.parametrize("hidden_by", ["baseline", "ignore", "per-file-ignores"])
def test_diff_masks_a_split_secret_the_report_leaves_out(hidden_by: str, tmp_path: Path) -> None:
    """A token the report does not list (accepted in a baseline, of an ignored rule) still sits in the
    diff's context lines: its whole span is masked there too, not only what fits on one line."""
    path = tmp_path / "train.py"
    path.write_text(f't = ("{TOKEN2[:12]}"\n     "{TOKEN2[12:]}")\nlogin(token=t)\n')
    args = ["--ignore", "HFG001"]
    if hidden_by == "baseline":
        assert run_main("baseline", "train.py", cwd=tmp_path).returncode == 0
        args = ["--baseline", ".hf-secret-guard-baseline.json"]
    elif hidden_by == "per-file-ignores":
        args = ["--per-file-ignores", "train.py:HFG001"]
    path.write_text(f'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"\n' + path.read_text())
    result = run_main("scan", "--diff", *args, "train.py", cwd=tmp_path)
    assert result.returncode == 1 and "--- a/train.py" in result.stdout, result.stdout + result.stderr
    assert result.stdout.count("****") >= 3  # the fixed line and both lines of the split token
    assert not [p for p in _pieces_of(TOKEN2) if len(p) >= 5 and p in result.stdout + result.stderr]


def test_json_says_which_findings_the_fix_wrote(tmp_path: Path) -> None:
    """Each finding of ``--fix --format json`` has ``fixed``: true for what was rewritten, false for
    what is left (a %%bash cell); a plain scan says false everywhere."""
    files = _tree(tmp_path, bash_cell=True)
    scan = json.loads(run_main("scan", "--format", "json", str(tmp_path)).stdout)
    assert scan["findings"] and not any(f["fixed"] for f in scan["findings"])
    result = run_main("scan", "--fix", "--format", "json", str(tmp_path))
    report = json.loads(result.stdout)
    fixed = {(os.path.basename(f["path"]), f["rule"], f["fixed"]) for f in report["findings"]}
    assert ("nb.ipynb", "HFG002", False) in fixed  # the %%bash export stays
    assert ("train.py", "HFG001", True) in fixed and TOKEN not in files["train.py"].read_text()
    _no_secret(result.stdout + result.stderr)


def test_after_fix_the_report_lists_only_what_is_left(tmp_path: Path) -> None:
    """Like ruff: the findings --fix rewrote are not listed again; the summary counts both."""
    _tree(tmp_path, bash_cell=True)
    result = run_main("scan", "--fix", ".", cwd=tmp_path)
    listed = [line for line in result.stdout.splitlines() if ": HFG" in line and " not fixed: " not in line]
    assert listed and all("[not fixable:" in line for line in listed)  # only the %%bash export is left
    assert "fixed, 1 remaining." in result.stdout
    _no_secret(result.stdout + result.stderr)


def test_qa_shapes_from_real_notebooks(tmp_path: Path) -> None:
    """Found by running --fix on real notebooks: a placeholder for a Hugging Face token is named HF_TOKEN
    and never takes the name from a real token; placeholders are counted apart from leaks; a cut-off
    notebook is a warning, not a silent pass."""
    (tmp_path / "a.py").write_text(
        'model.push_to_hub("x", token="YOUR_HF_TOKEN")\n'
        f'login(token="{TOKEN}")\n'
        'self.turn_token = "<turn|>"\n'  # a chat template's marker: no placeholder
    )
    result = run_main("scan", "--fix", "--fix-style", "userdata", "a.py", cwd=tmp_path)
    fixed = (tmp_path / "a.py").read_text()
    assert 'login(token=userdata.get("HF_TOKEN"))' in fixed  # the real token gets the primary name
    assert 'token=userdata.get("HF_TOKEN_2")' in fixed and '"<turn|>"' in fixed
    assert "Fixed 2 of 2 findings (1 leak and 1 placeholder) in 1 file." in result.stdout
    (tmp_path / "b.py").write_text('m = AutoModel.from_pretrained("x", use_auth_token="<TOKEN>")\n')
    run_main("scan", "--fix", "--fix-style", "userdata", "b.py", cwd=tmp_path)
    assert (
        'use_auth_token=userdata.get("HF_TOKEN")' in (tmp_path / "b.py").read_text()
    )  # transformers' own slot
    (tmp_path / "cut.ipynb").write_text('{"cells": [')
    cut = run_main("scan", "cut.ipynb", cwd=tmp_path)
    assert "cut.ipynb: warning: invalid JSON" in cut.stderr
