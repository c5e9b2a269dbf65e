"""The scan command as users run it: exit codes, formats, errors, discovery."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from hf_secret_guard.cli.main import cli
from tests.conftest import TOKEN, run_cli
from tests.inprocess import run_main


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_exit_codes(tmp_path: Path) -> None:
    clean = write(tmp_path / "clean.py", "x = 1\n")
    leaky = write(tmp_path / "leaky.py", f"login(token='{TOKEN}')\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", str(clean)]).exit_code == 0
    assert runner.invoke(cli, ["scan", str(leaky)]).exit_code == 1
    assert runner.invoke(cli, ["scan", "--exit-zero", str(leaky)]).exit_code == 0
    assert runner.invoke(cli, ["scan", str(tmp_path / "missing.py")]).exit_code == 2
    assert runner.invoke(cli, ["scan", "--format", "xml", str(clean)]).exit_code == 2


@pytest.mark.e2e
def test_subprocess_python_m(tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "a.py", f"# {TOKEN}\n")
    result = run_cli("scan", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'pkg' / 'a.py'}:1:3: HFG001 Hugging Face token in a comment" in result.stdout
    assert "Found 1 leak in 1 file (1 scanned)" in result.stdout
    assert TOKEN not in result.stdout + result.stderr
    missing = run_cli("scan", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_default_path_is_current_directory(workdir: Path) -> None:
    write(workdir / "a.py", f"t = '{TOKEN}'\n")
    result = CliRunner().invoke(cli, ["scan"])
    assert result.exit_code == 1 and "a.py:1:6: HFG001" in result.output


def test_skipped_directories(tmp_path: Path) -> None:
    for skipped in (".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", "x.egg-info"):
        write(tmp_path / skipped / "a.py", f"t = '{TOKEN}'\n")
    write(tmp_path / "src" / "ok.py", "x = 1\n")
    result = CliRunner().invoke(cli, ["scan", "--format", "json", str(tmp_path)])
    assert json.loads(result.output)["findings"] == [] and result.exit_code == 0


def test_every_text_file_is_scanned_and_binary_files_are_not(tmp_path: Path) -> None:
    """A key in notes.txt, .env or a README is as leaked as one in code; images and checkpoints are
    skipped without being read."""
    write(tmp_path / "src" / "notes.txt", f"{TOKEN}\n")
    write(tmp_path / ".env", f"HF_TOKEN={TOKEN}\n")
    (tmp_path / "model.safetensors").write_bytes(b"\0" * 16 + TOKEN.encode())
    (tmp_path / "blob.dat").write_bytes(b"\0\1\2" + TOKEN.encode())
    result = run_main("scan", "--format", "json", "-v", ".", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert sorted((f["path"], f["rule"]) for f in findings) == [
        (".env", "HFG002"),
        ("src/notes.txt", "HFG001"),
    ]
    assert result.returncode == 1 and all(not f["fixable"] for f in findings)
    assert "model.safetensors: note: skipped: binary file" in result.stderr
    assert "blob.dat: note: skipped: binary file" in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_unparsable_file_is_listed_but_scanned(tmp_path: Path) -> None:
    path = write(tmp_path / "py2.py", f"print 'hello'\nTOKEN = '{TOKEN}'\n")
    result = run_cli("scan", "--format", "json", str(path))
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert [f["rule"] for f in report["findings"]] == ["HFG001"]
    assert [e["kind"] for e in report["errors"]] == ["parse"]
    assert "could not parse" in result.stderr and str(path) in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_select_and_ignore(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", f"import os\nos.environ['HF_TOKEN'] = '{TOKEN}'\nx = '{TOKEN}'\n")
    runner = CliRunner()

    def rules(*args: str) -> list[str]:
        output = runner.invoke(cli, ["scan", "--format", "json", *args, str(path)]).output
        return [f["rule"] for f in json.loads(output)["findings"]]

    assert rules() == ["HFG002", "HFG001"]
    assert rules("--select", "HFG002") == ["HFG002"]
    assert rules("--ignore", "hfg002") == ["HFG001"]
    assert rules("--select", "HFG001,HFG002", "--ignore", "HFG001") == ["HFG002"]


def test_json_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", f"\n  # {TOKEN}\n")
    report = json.loads(CliRunner().invoke(cli, ["scan", "--format", "json", str(path)]).output)
    (finding,) = report["findings"]
    assert finding["path"] == str(path)
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (2, 5, 2, 42)
    assert (finding["cell"], finding["output"], finding["confidence"], finding["fixable"]) == (
        None,
        None,
        "high",
        True,
    )
    assert finding["secret"] == "hf_****" + TOKEN[-4:]
    assert len(finding["fingerprint"]) == 32 and TOKEN[3:] not in finding["fingerprint"]
    assert report["errors"] == [] and report["version"]


def test_secret_names_option(tmp_path: Path) -> None:
    path = write(tmp_path / "a.py", "import os\nos.environ['MY_DB_URL'] = 'postgres://u:p@h/db'\n")
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", str(path)]).exit_code == 0
    assert runner.invoke(cli, ["scan", "--secret-names", "MY_DB_URL", str(path)]).exit_code == 1


def test_not_fixable_findings_say_why(tmp_path: Path) -> None:
    from tests.notebooks import new_code_cell, notebook_text

    path = tmp_path / "nb.ipynb"
    path.write_text(
        notebook_text(
            [new_code_cell(f"%%bash\nexport HF_TOKEN={TOKEN}"), new_code_cell(f"!curl $URL?t={TOKEN}")]
        )
    )
    result = CliRunner().invoke(cli, ["scan", "--format", "json", str(path)])
    reasons = [(f["fixable"], f["not_fixable_reason"]) for f in json.loads(result.output)["findings"]]
    assert reasons == [
        (False, "a %%bash-style cell cannot read Colab or Kaggle secrets"),
        (False, reasons[1][1]),
    ]
    assert "$" in reasons[1][1] or "expan" in reasons[1][1]
    text = CliRunner().invoke(cli, ["scan", "--no-color", str(path)]).output
    assert "[not fixable: a %%bash-style cell cannot read Colab or Kaggle secrets]" in text


def test_a_login_command_in_a_script_is_found_and_left_to_the_user(tmp_path: Path) -> None:
    key = random.Random(8).randbytes(20).hex()
    write(tmp_path / "train.sh", f"#!/bin/sh\nwandb login --relogin {key}\npython train.py\n")
    write(tmp_path / "README.md", "Run `wandb login YOUR_KEY` first.\n")  # documentation: no finding
    result = run_main("scan", "--format", "json", ".", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["rule"], f["line"], f["fixable"]) for f in findings] == [
        ("train.sh", "HFG001", 2, False)
    ]
    assert key not in result.stdout + result.stderr


def test_a_key_in_a_url_parameter_of_a_text_file_is_found(tmp_path: Path) -> None:
    key = random.Random(9).randbytes(20).hex()
    write(tmp_path / "notes.md", f'curl "https://serpapi.com/search?q=llm&api_key={key}"\n')
    write(tmp_path / "links.md", "See https://example.com/docs?token=abc and ?key=YOUR_KEY_HERE_PLEASE.\n")
    result = run_main("scan", "--format", "json", ".", cwd=tmp_path)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["rule"], f["column"]) for f in findings] == [("notes.md", "HFG001", 48)]
    assert "api_key" in findings[0]["message"] and key not in result.stdout + result.stderr


def test_a_scan_in_this_process_leaves_the_garbage_collector_as_it_was(tmp_path: Path) -> None:
    """The scan runs with fewer collections (``_few_collections``); a process that calls the CLI (these
    tests, which froze what collection built; an embedding tool) gets its own settings back, its frozen
    objects as they were, also when the scan fails."""
    import gc

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    write(tmp_path / "a.py", f"login(token='{TOKEN}')\n")
    write(tmp_path / "b.ipynb", "{not json")
    for args in (("scan", "."), ("scan", "--fix", "."), ("scan", "missing.py")):
        result = run_main(*args, cwd=tmp_path)
        assert result.returncode in (1, 2) and TOKEN not in result.stdout + result.stderr
        # Its frozen objects stay frozen (an unfreeze would leave none) and nothing new is frozen; some of
        # them may have been freed meanwhile, which lowers the count.
        now = gc.get_freeze_count()
        assert gc.get_threshold() == threshold and (0 < now <= frozen if frozen else now == 0), args
