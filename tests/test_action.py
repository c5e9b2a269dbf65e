"""``action.yml``, the GitHub Action: valid against GitHub's published metadata schema, and its shell steps,
run here as a runner would run them (``bash --noprofile --norc -eo pipefail``, ``$GITHUB_OUTPUT``, the
``${{ ... }}`` expressions filled in) in a real git repository with a planted token.

What cannot run here is GitHub's own: ``actions/setup-python``, the ``pip install`` of the action's checkout
(the suite's environment has the package already) and ``codeql-action/upload-sarif``; their wiring is
checked instead (the upload runs when the scan found leaks; the last step fails the job).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from hf_secret_guard.tokens import mask
from tests.conftest import REPO, TOKEN, TOKEN2
from tests.gitrepo import git, git_env, init_repo, write
from tests.notebooks import new_code_cell, new_output, notebook_text

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def step(step_id: str) -> dict[str, Any]:
    return next(s for s in STEPS if s.get("id") == step_id or s.get("name") == step_id)


# -- the metadata ----------------------------------------------------------------------------------------


def _schema_errors(action: Any) -> list[str]:
    """GitHub's action metadata schema as check-jsonschema ships it (SchemaStore's; no network), applied
    with jsonschema in this process."""
    pytest.importorskip("check_jsonschema")
    from importlib.resources import files

    schema = json.loads(
        files("check_jsonschema.builtin_schemas.vendor").joinpath("github-actions.json").read_text("utf-8")
    )
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [error.message for error in validator.iter_errors(action)]


def test_action_yml_is_valid_against_githubs_schema() -> None:
    assert _schema_errors(ACTION) == []


def test_the_schema_check_can_fail() -> None:
    broken = dict(ACTION, runs={"using": "composite", "steps": [{"run": "echo no shell"}]})
    assert _schema_errors(broken)


def test_inputs_reach_the_scripts_through_the_environment_only() -> None:
    """An input pasted into a script is a script injection; every run: reads $HFSG_* or $GITHUB_* instead."""
    for item in STEPS:
        if "run" in item:
            assert "${{" not in item["run"], item.get("name")
            assert item["shell"] == "bash"


def test_the_upload_runs_after_a_failed_scan_and_the_result_fails_the_job() -> None:
    upload = step("Upload the report to code scanning")
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"].startswith("always() && ")
    assert upload["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif-file }}"
    assert STEPS.index(upload) > STEPS.index(step("scan"))
    result = STEPS[-1]
    assert result["name"] == "Result" and result["if"] == "always()"
    assert "continue-on-error" not in step("scan")  # it exits 0 by itself (the runs below prove it)
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.scan.outputs.exit-code }}"


def test_the_action_installs_its_own_checkout() -> None:
    assert '"$GITHUB_ACTION_PATH"' in step("install")["run"]
    assert "pip install" in step("install")["run"]


def test_the_documented_workflow_uses_real_inputs() -> None:
    text = (REPO / "docs" / "notebook-and-github.md").read_text(encoding="utf-8")
    block = text.split("## In GitHub", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(block)
    steps = workflow["jobs"]["scan"]["steps"]
    ours = [s for s in steps if s.get("uses", "").startswith("hf-secret-guard/hf-secret-guard@")]
    assert len(ours) == 1 and set(ours[0].get("with", {})) <= set(ACTION["inputs"])
    assert workflow["permissions"]["security-events"] == "write"


# -- running the steps ------------------------------------------------------------------------------------


def evaluate(expression: str, context: dict[str, Any]) -> str:
    """The few expressions the action uses: context paths, 'literals' and ``a || b``."""
    for alternative in expression.split("||"):
        term = alternative.strip()
        if term.startswith("'") and term.endswith("'"):
            value: Any = term[1:-1]
        else:
            root, *names = term.split(".")
            assert root in context, f"the test does not know the context of {term!r}"
            value = context[root]
            for name in names:
                value = value.get(name, "") if isinstance(value, dict) else ""
        if value:
            return str(value)
    return ""


def substitute(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda match: evaluate(match.group(1), context), text)


class Run:
    """The outcome of the action's shell steps: each step's exit status and output, and the outputs."""

    def __init__(self) -> None:
        self.status: dict[str, int] = {}
        self.log: dict[str, str] = {}
        self.outputs: dict[str, str] = {}


def run_action(repo: Path, tmp_path: Path, inputs: dict[str, str], github: dict[str, Any]) -> Run:
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    context: dict[str, Any] = {"inputs": {**defaults, **inputs}, "github": github, "steps": {}}
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    run = Run()
    for number, item in enumerate(STEPS):
        if "run" not in item or item.get("id") == "install":
            continue  # GitHub's actions, and the install: the package is installed here already
        assert item.get("if", "always()") == "always()", "a run step's condition the test cannot evaluate"
        step_id = item.get("id") or f"step{number}"
        output_file = tmp_path / f"{step_id}.output"
        output_file.write_text("")
        env = git_env()
        env.update({name: substitute(str(value), context) for name, value in item.get("env", {}).items()})
        env.update(
            GITHUB_ACTION_PATH=str(REPO),
            GITHUB_OUTPUT=str(output_file),
            GITHUB_WORKSPACE=str(repo),
            RUNNER_TEMP=str(runner_temp),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        script = tmp_path / f"{step_id}.sh"
        script.write_text(item["run"])
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        run.status[item["name"]] = result.returncode
        run.log[item["name"]] = result.stdout + result.stderr
        outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        context["steps"][step_id] = {"outputs": outputs}
        if step_id == "scan":
            run.outputs = outputs
    return run


def leaky_repo(path: Path) -> Path:
    repo = init_repo(path)
    cells = [
        new_code_cell(
            "print(whoami())",
            outputs=[new_output("stream", name="stdout", text=f"token {TOKEN2}\n")],
            execution_count=1,
        )
    ]
    write(
        repo,
        {
            "src/train.py": f'from huggingface_hub import login\nlogin(token="{TOKEN}")\n',
            "notebooks/eval.ipynb": notebook_text(cells),
            "src/clean.py": "print('fine')\n",
        },
    )
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add training")
    return repo


def push(repo: Path) -> dict[str, Any]:
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    return {"event_name": "push", "sha": head, "event": {"before": "0" * 40}}


def sarif_of(path: str) -> dict[str, Any]:
    log = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log)]
    assert errors == []
    return log  # type: ignore[no-any-return]


@pytest.mark.e2e
def test_a_leak_fails_the_job_and_leaves_a_valid_sarif_report(tmp_path: Path) -> None:
    repo = leaky_repo(tmp_path / "repo")
    run = run_action(repo, tmp_path, {}, push(repo))
    assert run.status["Scan"] == 0  # so that the upload step still runs
    assert run.outputs["exit-code"] == "1"
    report = Path(run.outputs["sarif-file"])
    assert report.parent == tmp_path / "runner-temp"
    text = report.read_text(encoding="utf-8")
    log = sarif_of(str(report))
    results = log["runs"][0]["results"]
    files = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert files == {"src/train.py", "notebooks/eval.ipynb"}
    for token in (TOKEN, TOKEN2):
        assert token not in text
        assert token not in "".join(run.log.values())
    assert mask(TOKEN) in text
    assert run.status["Result"] == 1
    assert "::error::hf-secret-guard found leaked secrets" in run.log["Result"]


@pytest.mark.e2e
def test_a_clean_repository_passes(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    write(repo, {"app.py": "import os\ntoken = os.environ['HF_TOKEN']\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "clean")
    run = run_action(repo, tmp_path, {"history": "true"}, push(repo))
    assert run.outputs["exit-code"] == "0"
    assert sarif_of(run.outputs["sarif-file"])["runs"][0]["results"] == []
    assert run.status == {"Scan": 0, "Result": 0}
    assert "no base commit" in run.log["Scan"]  # a new branch: nothing to compare with


@pytest.mark.e2e
def test_paths_args_and_sarif_file_inputs(tmp_path: Path) -> None:
    repo = leaky_repo(tmp_path / "repo")
    inputs = {
        "paths": "src\n  notebooks/eval.ipynb ",  # new lines and spaces both separate
        "args": "--select HFG003",
        "sarif-file": "out/hfsg.sarif",
    }
    run = run_action(repo, tmp_path, inputs, push(repo))
    assert run.outputs["sarif-file"] == "out/hfsg.sarif"
    results = sarif_of(str(repo / "out" / "hfsg.sarif"))["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"HFG003"}  # the output in the notebook only
    assert run.outputs["exit-code"] == "1" and run.status["Result"] == 1


def pull_request(repo: Path, base: str) -> dict[str, Any]:
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    merge = {"base": {"sha": base}, "head": {"sha": head}}
    return {"event_name": "pull_request", "sha": head, "event": {"pull_request": merge}}


def history_repo(path: Path) -> tuple[Path, str]:
    """A pull request that added a token in one commit and removed it in the next."""
    repo = init_repo(path)
    write(repo, {"app.py": "print('base')\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD").stdout.strip()
    write(repo, {"app.py": f"TOKEN = '{TOKEN}'\n"})
    git(repo, "commit", "-qam", "try the model")
    write(repo, {"app.py": "import os\nTOKEN = os.environ['HF_TOKEN']\n"})
    git(repo, "commit", "-qam", "read the token from the environment")
    return repo, base


@pytest.mark.e2e
def test_history_finds_a_token_the_pull_request_added_and_removed(tmp_path: Path) -> None:
    repo, base = history_repo(tmp_path / "repo")
    github = pull_request(repo, base)
    quiet = run_action(repo, tmp_path, {}, github)
    assert quiet.outputs["exit-code"] == "0"  # the files are clean now
    run = run_action(repo, tmp_path, {"history": "true"}, github)
    assert run.outputs["exit-code"] == "1" and run.status["Result"] == 1
    log = run.log["Scan"]
    assert f"commits {base}.." in log
    assert mask(TOKEN) in log and TOKEN not in log


@pytest.mark.e2e
def test_history_without_the_base_commit_says_how_to_check_out(tmp_path: Path) -> None:
    repo, _ = history_repo(tmp_path / "repo")
    run = run_action(repo, tmp_path, {"history": "true"}, pull_request(repo, "f" * 40))
    assert run.outputs["exit-code"] == "2" and run.status["Result"] == 2
    assert "fetch-depth: 0" in run.log["Scan"]
