"""Regression tests for what a scan of 3,182 public notebooks (15 repositories; benchmarks/README.md,
"Precision on public notebooks") reported wrongly: crossed-out values (``'xxx'``, ``"sk-lf-xxx"``) were
leaks instead of placeholders, and a service-account file name was a secret.  Each cell is written here
in the shape seen there, with a twin that must still be reported."""

from __future__ import annotations

import random
import string

import pytest

from hf_secret_guard import api
from tests.notebooks import new_code_cell, notebook_text


def fake(length: int, alphabet: str = string.ascii_letters + string.digits, seed: int = 0) -> str:
    rng = random.Random(f"real-shapes-{length}-{seed}")
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(length))
        if any(c.isalpha() for c in value) and any(c.isdigit() for c in value):
            return value


def rules(code: str) -> list[str]:
    """The rules a notebook cell gets; the same code as a .py file must get the same."""
    cell = [f.rule for f in api.scan_notebook(notebook_text([new_code_cell(code)]), "nb.ipynb").findings]
    assert [f.rule for f in api.scan_source(code, "x.py").findings] == cell
    return cell


@pytest.mark.parametrize(
    "code",
    [
        "import os\nos.environ['FIREWORKS_API_KEY'] = 'xxx' # get a free key at https://fireworks.ai/api-keys",
        "import os\nos.environ['GROQ_API_KEY'] = 'XXX'",
        'import os\nos.environ["LANGFUSE_SECRET_KEY"] = "sk-lf-xxx"',
        'import os\nos.environ["LANGFUSE_PUBLIC_KEY"] = "pk-lf-xxx"',
        'config = {"api_key": "xxx"}',
        'client = Mistral(api_key="***")',
    ],
)
def test_a_crossed_out_value_is_a_placeholder(code: str) -> None:
    assert rules(code) == ["HFG005"]


def test_the_langfuse_cell_is_three_placeholders_and_a_host() -> None:
    code = (
        "import os\n"
        'os.environ["LANGFUSE_PUBLIC_KEY"] = "pk-lf-xxx"\n'
        'os.environ["LANGFUSE_SECRET_KEY"] = "sk-lf-xxx"\n'
        'os.environ["LANGFUSE_HOST"] = "https://cloud.langfuse.com"\n'
        'os.environ["MISTRAL_API_KEY"] = "xxx"\n'
    )
    assert rules(code) == ["HFG005", "HFG005", "HFG005"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("my_service_account.json", []),
        ("service-account-key.JSON", []),
        ("client.pem", []),
        (fake(40), ["HFG002"]),  # a real-looking value under the same name is still a secret
        (f"sk-lf-{fake(32, seed=1)}", ["HFG002"]),  # and a real Langfuse-shaped one
    ],
)
def test_a_credentials_file_name_is_no_secret(value: str, expected: list[str]) -> None:
    assert rules(f'import os\nos.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "{value}"') == expected


def test_a_wandb_key_in_a_config_dict_is_found_and_a_sha_beside_revision_is_not() -> None:
    key = fake(40, "0123456789abcdef", seed=2)
    leaky = (
        f'wandb_args = {{\n    "project": "mistralai",\n    "run_name": "finetuning",\n'
        f'    "api_key": "{key}",\n}}'
    )
    assert rules(leaky) == ["HFG001"]
    clean = f'model = AutoModel.from_pretrained("mistralai/Mistral-7B-v0.1", revision="{key}")'
    assert rules(clean) == []
