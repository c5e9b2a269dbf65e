"""Every provider in the registry, through every stage, from its own examples: a new provider file is
tested with no new test code.  And the patterns derived from the registry, pinned to the literals they
replaced."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hf_secret_guard import api, history, hub, providers
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.providers.spec import Provider, TokenFormat
from hf_secret_guard.screen import prefilter, slices
from hf_secret_guard.tokens import (
    TOKEN_PATTERN,
    display_name,
    env_names,
    find_tokens,
    mask,
    provider_of,
    redact,
    redaction,
)
from tests.conftest import make_key
from tests.gitrepo import git, init_repo
from tests.notebooks import new_code_cell, new_markdown_cell, new_output, notebook_text

CASES = [
    pytest.param(provider, fmt, id=f"{provider.name}:{fmt.prefix}")
    for provider in PROVIDERS
    for fmt in provider.formats
    if fmt.anywhere
]


def test_derived_patterns_equal_the_literals_they_replaced() -> None:
    """Before the registry these were literals in seven modules; for Hugging Face the derived ones must
    say the same, and every other provider only adds alternatives."""
    hf = next(p for p in PROVIDERS if p.name == "huggingface")
    assert {f"{fmt.pattern}{fmt.tail}" for fmt in hf.formats} == {
        "hf_[A-Za-z0-9]{34}(?![A-Za-z0-9])",
        "api_org_[A-Za-z]{34}(?![A-Za-z0-9])",
    }
    assert {f"({fmt.pattern}{fmt.tail})" for fmt in hf.formats} <= set(TOKEN_PATTERN.split("|"))
    assert {"hf_[A-Za-z0-9]{34}", "api_org_[A-Za-z]{34}"} <= set(redaction.ANYWHERE_PATTERN.split("|"))
    assert {b"hf_", b"api_org_"} <= set(prefilter.TOKEN_NEEDLES)
    assert prefilter._TOKEN_BODY["hf_"] == (r"[A-Za-z0-9]{34}", r"[A-Za-z0-9]{0,33}")
    assert prefilter._TOKEN_BODY["api_org_"] == (r"[A-Za-z]{34}", r"[A-Za-z]{0,33}")
    assert {"hf_", "api_org_", "environ", "putenv"} <= set(slices._BASE_NEEDLES)
    assert {"hf_", "api_org_"} <= set(history.GIT_TOKEN_REGEX.split("|"))
    assert {b"hf_", b"api_org_"} <= set(history._NEEDLES)
    assert (hub.DEFAULT_ENDPOINT, hub.WHOAMI_PATH, hub.REVOKE_PATH, hub.ENDPOINT_ENV) == (
        "https://huggingface.co",
        "/api/whoami-v2",
        "/api/credentials/revoke",
        "HF_ENDPOINT",
    )
    assert providers.DEFAULT.revoke_url == "https://huggingface.co/settings/tokens"
    assert providers.DEFAULT.secret_name == "HF_TOKEN"
    assert {
        "HF_TOKEN",
        "HUGGING_FACE_HUB_TOKEN",
        "HUGGINGFACEHUB_API_TOKEN",
    } <= env_names.KNOWN_TOKEN_VARIABLES


def test_the_any_case_pattern_masks_an_upper_cased_token() -> None:
    """A rule code is upper-cased before it is checked: a token pasted as one still prints masked."""
    key = make_key(PROVIDERS[0].formats[0], 7)
    shown = redaction.redact_any_case(f"unknown rule {key.upper()}")
    assert key.upper() not in shown and key.upper()[-4:] in shown


@pytest.mark.parametrize(("provider", "fmt"), CASES)
def test_a_key_is_found_masked_and_attributed(provider: Provider, fmt: TokenFormat) -> None:
    key = make_key(fmt, 1)
    assert [m.value for m in find_tokens(f'x = "{key}"')] == [key]
    assert provider_of(key) is provider and display_name(key) == fmt.display
    assert mask(key).startswith(fmt.prefix) and mask(key).endswith(f"****{key[-4:]}")
    assert redact(f"see {key} there") == f"see {mask(key)} there"
    assert redaction.redact_output(f"path/{key}.py") == f"path/{mask(key)}.py"
    assert re.search(history.GIT_TOKEN_REGEX, key) and any(n in key.encode() for n in history._NEEDLES)
    assert prefilter.may_contain_leak(key.encode(), notebook=False) and prefilter.token_candidate(key)


@pytest.mark.parametrize(("provider", "fmt"), CASES)
def test_a_key_cut_short_or_glued_is_no_key(provider: Provider, fmt: TokenFormat) -> None:
    key = make_key(fmt, 2)
    if isinstance(fmt.length, int):
        assert list(find_tokens(key[:-1])) == []
        assert list(find_tokens(key + "A")) == []
    assert list(find_tokens("x" + key)) == []


def examples(kind: str) -> list[object]:
    return [
        pytest.param(provider, example, id=f"{provider.name}:{index}")
        for provider in PROVIDERS
        for index, example in enumerate(provider.found if kind == "found" else provider.not_found)
    ]


def fill(provider: Provider, example: str, seed: int = 3) -> tuple[str, str]:
    key = make_key(provider.formats[0], seed)
    return example.replace("{KEY}", key), key


@pytest.mark.parametrize(("provider", "example"), examples("found"))
def test_found_examples_in_every_place(provider: Provider, example: str) -> None:
    text, key = fill(provider, example)
    cell = new_code_cell(text)
    cell.outputs = [new_output("stream", name="stdout", text=f"logged in with {key}\n")]
    notebook = notebook_text([cell, new_markdown_cell(f"My key: {key}")])
    result = api.scan_notebook(notebook, "nb.ipynb")
    rules = sorted({finding.rule for finding in result.findings})
    assert rules[0] in ("HFG001", "HFG002") and "HFG003" in rules and "HFG004" in rules, rules
    for finding in result.findings:
        assert finding.masked == mask(key) and key not in finding.message
    if not text.lstrip().startswith(("!", "%")):
        source = api.scan_source(text, "x.py")
        assert [f.masked for f in source.findings] == [mask(key)]


@pytest.mark.parametrize(("provider", "example"), examples("not_found"))
def test_not_found_examples(provider: Provider, example: str) -> None:
    """No leak: at most a placeholder (HFG005), which is no leak."""
    text, _ = fill(provider, example)
    assert {f.rule for f in api.scan_source(text, "x.py").findings} <= {"HFG005"}
    notebook = notebook_text([new_code_cell(text)])
    assert {f.rule for f in api.scan_notebook(notebook, "nb.ipynb").findings} <= {"HFG005"}


@pytest.mark.parametrize(("provider", "example"), examples("found"))
def test_found_examples_are_fixed_to_the_providers_secret(provider: Provider, example: str) -> None:
    text, key = fill(provider, example)
    notebook = notebook_text([new_code_cell(text)], style="colab-4.0")
    fixed = api.fix_notebook(notebook, "nb.ipynb")
    assert key not in fixed.text and fixed.secret_names
    env_written = [n for n in provider.env_names if f'"{n}"' in text]
    assert fixed.secret_names == ((env_written[0],) if env_written else (provider.secret_name,))
    again = api.fix_notebook(fixed.text, "nb.ipynb")
    assert again.text == fixed.text  # idempotent
    assert api.scan_notebook(fixed.text, "nb.ipynb").findings == ()


def test_a_key_goes_to_the_hub_only_if_it_is_that_providers_key() -> None:
    keys = [make_key(fmt, 4) for provider in PROVIDERS for fmt in provider.formats]
    sent = hub.hub_tokens([*keys, "s3cret-Passw0rd-that-is-long"])
    assert sent == [k for k in keys if provider_of(k) is providers.DEFAULT]


@pytest.mark.e2e
def test_a_provider_file_is_all_it_takes(tmp_path: Path) -> None:
    """A provider defined in a test, dropped into a copy of the package as one file, runs through every
    stage: found and masked in a .py, a notebook cell and an output; its key in a file name is masked;
    ``--history`` finds it; ``--fix`` reads its own secret name."""
    import shutil
    import subprocess
    import sys

    package = Path(providers.__file__).resolve().parent.parent
    copy = tmp_path / "site"
    shutil.copytree(package, copy / "hf_secret_guard", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "hf_secret_guard" / "providers" / "acme.py").write_text(
        "from hf_secret_guard.providers.spec import Provider, TokenFormat\n\n"
        "PROVIDER = Provider(\n"
        '    name="acme",\n'
        '    formats=(TokenFormat("acme_live_", "A-Za-z0-9", 28, "Acme API key"),),\n'
        '    secret_name="ACME_API_KEY",\n'
        '    env_names=("ACME_API_KEY",),\n'
        '    revoke_url="https://acme.example/settings/keys",\n'
        ")\n"
    )
    key = make_key(TokenFormat("acme_live_", "A-Za-z0-9", 28, "Acme API key"), 5)
    masked = f"acme_live_****{key[-4:]}"  # this process's registry has no Acme
    repo = init_repo(tmp_path / "repo")
    (repo / "train.py").write_text(f'client = Acme(api_key="{key}")\n')
    cell = new_code_cell(f'client = Acme(api_key="{key}")')
    cell.outputs = [new_output("stream", name="stdout", text=f"using {key}\n")]
    (repo / "nb.ipynb").write_text(notebook_text([cell], style="colab-4.0"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "add")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(copy), "HOME": str(tmp_path)}
        return subprocess.run(
            [sys.executable, "-m", "hf_secret_guard", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    scan = run("scan", "--isolated", "--format", "json", ".")
    report = json.loads(scan.stdout)
    places = sorted((f["path"], f["rule"]) for f in report["findings"])
    assert places == [("nb.ipynb", "HFG001"), ("nb.ipynb", "HFG003"), ("train.py", "HFG001")], places
    assert all(f["secret"] == masked for f in report["findings"])
    assert "Acme API key in a string literal" in report["findings"][0]["message"]
    assert key not in scan.stdout + scan.stderr
    missing = run("scan", "--isolated", f"{key}.py")
    assert missing.returncode == 2 and key not in missing.stderr and masked in missing.stderr
    logged = run("scan", "--isolated", "--history")
    assert masked in logged.stdout and key not in logged.stdout + logged.stderr
    fixed = run("scan", "--isolated", "--fix", ".")
    assert key not in fixed.stdout + fixed.stderr + (repo / "train.py").read_text()
    cells = json.loads((repo / "nb.ipynb").read_text())["cells"]
    assert 'userdata.get("ACME_API_KEY")' in "".join(cells[0]["source"])
    assert "ACME_API_KEY" in (repo / "train.py").read_text()


def _first_format(value: str) -> tuple[Provider, TokenFormat] | None:
    """``providers.format_of`` by its definition: the first format (longest prefix first) that ``value`` is a
    whole key of, else the first reported anywhere whose prefix it starts with."""
    by_prefix = None
    for provider, fmt in providers.FORMATS:
        if value.startswith(fmt.prefix):
            if re.fullmatch(fmt.pattern, value):
                return provider, fmt
            if fmt.anywhere and by_prefix is None:
                by_prefix = provider, fmt
    return by_prefix


def test_format_of_names_every_value_by_its_definition() -> None:
    """Keys of every format, cut short, glued to more, masked; placeholders; values starting with each
    prefix's first character but not the prefix; the empty value: each named as by the definition, also
    asked again (the formats are looked up by the value's first character, once per character)."""
    values = ["", "Y", "YOUR_HF_TOKEN", "<your key>", "\u00e9t\u00e9"]
    for seed, (_, fmt) in enumerate(providers.FORMATS):
        key = make_key(fmt, seed)
        values += [key, key[:-3], key + "x", mask(key), fmt.prefix, fmt.prefix[:1] + "zz", key.upper()]
    for value in values + values:
        assert providers.format_of(value) == _first_format(value), value
    assert any(providers.format_of(value) is None for value in values)
    assert len({providers.format_of(value) for value in values}) > len(providers.FORMATS) // 2
