"""Every provider's key in a ``.env`` and a YAML file, and kaggle.json in every shape it is written in, with
clean twins that must stay silent: keys from the registry, generated at run time, scanned by the real CLI."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import pytest

from hf_secret_guard.detect.shell import KAGGLE_BY_SHELL
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.providers.spec import Provider
from hf_secret_guard.tokens import mask
from hf_secret_guard.tokens.slots import is_slot_name
from tests.conftest import make_key
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, notebook_text

ANYWHERE = [
    pytest.param(provider, make_key(fmt, 11), fmt.display, id=f"{provider.name}:{fmt.prefix or fmt.display}")
    for provider in PROVIDERS
    for fmt in provider.formats
    if fmt.anywhere
]


def _prefixless(seed: int) -> str:
    """A key without a shape of its own (Cohere's 40 characters): letters and digits, random."""
    rng = random.Random(f"text-files-{seed}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(alphabet) for _ in range(40))


def _hex(seed: int, length: int) -> str:
    return random.Random(f"text-files-hex-{seed}").randbytes(length // 2).hex()


def scan(root: Path) -> tuple[list[dict[str, object]], str]:
    result = run_main("scan", "--format", "json", ".", cwd=root)
    return json.loads(result.stdout)["findings"], result.stdout + result.stderr


@pytest.mark.parametrize(("provider", "key", "display"), ANYWHERE)
def test_a_self_identifying_key_in_env_and_yaml(
    tmp_path: Path, provider: Provider, key: str, display: str
) -> None:
    """Under its own environment name a key in ``.env`` is an environment write (HFG002); in YAML,
    under any name, a key with its own shape is a key (HFG001)."""
    (tmp_path / ".env").write_text(f"# local settings\n{provider.secret_name}={key}\nDEBUG=1\n")
    (tmp_path / "config.yaml").write_text(f"model:\n  name: bert\n  weights: {key}\n")
    findings, output = scan(tmp_path)
    assert [(f["path"], f["rule"], f["line"], f["secret"], f["fixable"]) for f in findings] == [
        (".env", "HFG002", 2, mask(key), False),
        ("config.yaml", "HFG001", 3, mask(key), False),
    ]
    assert key not in output and all(display in str(f["message"]) for f in findings)


@pytest.mark.parametrize("provider", [pytest.param(p, id=p.name) for p in PROVIDERS])
def test_a_prefixless_key_in_a_slot_of_env_and_yaml(tmp_path: Path, provider: Provider) -> None:
    """Every provider's environment name is a slot: a value without a shape counts there, named."""
    key = _prefixless(len(provider.name))
    name = next(n for n in provider.env_names if is_slot_name(n))  # AWS: the secret, not the key id
    (tmp_path / ".env").write_text(f'export {name}="{key}"\n')
    (tmp_path / "settings.yaml").write_text(f"secrets:\n  {name.lower()}: {key}\n")
    findings, output = scan(tmp_path)
    assert [(f["path"], f["rule"], f["line"]) for f in findings] == [
        (".env", "HFG002", 1),
        ("settings.yaml", "HFG001", 2),
    ]
    assert key not in output and all(f["secret"] == mask(key) for f in findings)
    assert all(provider.display in str(f["message"]) for f in findings)
    assert "not Python or a notebook" in output


def test_clean_twins_in_env_and_yaml_are_not_leaks(tmp_path: Path) -> None:
    """Placeholders are HFG005, never leaks; git SHAs, MD5 cache keys, UUIDs and W&B run ids are no keys,
    even beside a provider's name."""
    placeholders = [f"{p.secret_name}=your_{p.name}_key_here" for p in PROVIDERS]
    (tmp_path / ".env").write_text("\n".join(placeholders) + "\nOPENAI_API_KEY=sk-...\n")
    (tmp_path / "config.yaml").write_text(
        f"model:\n  revision: {_hex(1, 40)}\n  cache_key: {_hex(2, 32)}\n  md5: {_hex(3, 32)}\n"
        f"  run_id: {uuid.UUID(int=random.Random(4).getrandbits(128))}\n"
        f"wandb:\n  project: demo\n  id: 3k2j9x1a\n  resume_from: {_hex(5, 40)}\n"
        f"kaggle:\n  dataset_md5: {_hex(6, 32)}\n"
        "huggingface:\n  token: ${HF_TOKEN}\n  api_key: <your key>\n"  # a placeholder: HFG005
    )
    findings, _ = scan(tmp_path)
    assert {f["rule"] for f in findings} == {"HFG005"}
    assert sorted({(f["path"], f["line"]) for f in findings if f["path"] != ".env"}) == [("config.yaml", 14)]
    assert len(findings) == len(PROVIDERS) + 2


def _kaggle(key: str) -> str:
    return json.dumps({"username": "alice", "key": key})


def test_kaggle_json_in_every_shape_is_reported_and_never_rewritten(tmp_path: Path) -> None:
    key = _hex(7, 32)
    (tmp_path / "kaggle.json").write_text(_kaggle(key) + "\n")
    (tmp_path / "setup.sh").write_text(f"mkdir -p ~/.kaggle\necho '{_kaggle(key)}' > ~/.kaggle/kaggle.json\n")
    cells = [
        f"%%writefile kaggle.json\n{_kaggle(key)}",
        f"!echo '{_kaggle(key)}' > ~/.kaggle/kaggle.json",
        f'!echo "{_kaggle(key).replace(chr(34), chr(92) + chr(34))}" > ~/.kaggle/kaggle.json',
    ]
    original = notebook_text([new_code_cell(cell) for cell in cells], style="colab-4.0")
    (tmp_path / "nb.ipynb").write_text(original)
    findings, output = scan(tmp_path)
    assert [(f["path"], f["cell"], f["rule"], f["fixable"]) for f in findings] == [
        ("kaggle.json", None, "HFG001", False),
        ("nb.ipynb", 1, "HFG001", False),
        ("nb.ipynb", 2, "HFG001", False),
        ("nb.ipynb", 3, "HFG001", False),
        ("setup.sh", None, "HFG001", False),
    ]
    assert all("Kaggle key" in str(f["message"]) and f["secret"] == mask(key) for f in findings)
    assert [f["not_fixable_reason"] for f in findings if f["path"] == "nb.ipynb"] == [KAGGLE_BY_SHELL] * 3
    assert key not in output
    fixed = run_main("scan", "--fix", ".", cwd=tmp_path)
    assert fixed.returncode == 1 and key not in fixed.stdout + fixed.stderr
    assert (tmp_path / "nb.ipynb").read_text() == original  # a shell line cannot read Colab's Secrets


def test_kaggle_json_clean_twins(tmp_path: Path) -> None:
    """The same 32 hex without a ``"username"`` beside it, or a placeholder beside one, is no key."""
    (tmp_path / "cache.json").write_text(json.dumps({"key": _hex(8, 32), "size": 3}) + "\n")
    (tmp_path / "kaggle.json").write_text(json.dumps({"username": "alice", "key": "0" * 32}) + "\n")
    (tmp_path / "index.json").write_text(
        json.dumps([{"username": "alice"}, {"key": _hex(9, 32)}, {"username": "bob", "md5": _hex(10, 32)}])
    )
    assert scan(tmp_path)[0] == []


def test_a_notebook_whose_only_leak_is_a_shell_escaped_kaggle_json(tmp_path: Path) -> None:
    """The cheap screen sees ``\\\\\\"key\\\\\\"`` in the notebook's JSON and lets it through."""
    key = _hex(11, 32)
    escaped = _kaggle(key).replace('"', '\\"')
    cell = new_code_cell(f'!echo "{escaped}" > ~/.kaggle/kaggle.json')
    (tmp_path / "nb.ipynb").write_text(notebook_text([cell]))
    findings, output = scan(tmp_path)
    assert [(f["cell"], f["rule"], f["secret"]) for f in findings] == [(1, "HFG001", mask(key))]
    assert key not in output
