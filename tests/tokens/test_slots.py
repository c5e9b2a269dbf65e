"""Prefix-less keys in key slots (issue 13): reported where a key goes and only when the value looks
real; placeholders there are HFG005; hashes, ids and names in the same shapes are not keys."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from hf_secret_guard import api
from hf_secret_guard.options import FixOptions
from hf_secret_guard.screen import prefilter
from tests.conftest import TOKEN
from tests.inprocess import run_main
from tests.notebooks import new_code_cell, notebook_text

# These tables test the rewrite into Colab's Secrets; the style a .py file gets by default (auto) is
# tested in tests/fix/test_fix_styles.py.
COLAB = FixOptions(style="userdata")


def fake(length: int, alphabet: str = string.ascii_letters + string.digits, seed: int = 0) -> str:
    rng = random.Random(f"slot-{length}-{alphabet}-{seed}")
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(length))
        if alphabet != string.hexdigits[:16] or any(c.isalpha() for c in value):
            return value


KEY40 = fake(40)
HEX40 = fake(40, string.hexdigits[:16])
HEX32 = fake(32, string.hexdigits[:16])

FOUND = [
    (f'co = cohere.Client("{KEY40}")', "Cohere key", "CO_API_KEY"),
    (f'import wandb\nwandb.login(key="{HEX40}")', "Weights & Biases key", "WANDB_API_KEY"),
    (f'llm = ChatMistralAI(api_key="{KEY40}")', "Mistral key", "MISTRAL_API_KEY"),
    (f'headers = {{"Authorization": "Bearer {KEY40}"}}', "secret", "API_KEY"),
    (f'config = {{"api_key": "{KEY40}"}}', "secret", "API_KEY"),
    (f'SERPAPI_API_KEY = "{fake(64, string.hexdigits[:16])}"', "SerpAPI key", "SERPAPI_API_KEY"),
    (f'client = OpenAI(api_key="sk-{KEY40}")', "OpenAI-compatible key", "OPENAI_API_KEY"),
    # sk- and 32 hex is DeepSeek's shape, whatever client it is passed to
    (
        f'client = OpenAI(api_key="sk-{HEX32}", base_url="https://api.deepseek.com")',
        "DeepSeek API key",
        "DEEPSEEK_API_KEY",
    ),
]
CLEAN = [
    f'cache_key = "{HEX32}"',  # an MD5 cache key
    f'model = AutoModel.from_pretrained("bert-base-uncased", revision="{HEX40}")',  # a git SHA
    'run_id = "3f2a1b7c-9d4e-4f6a-8b2c-1e5d7a9c0b3f"',  # a UUID
    'wandb.init(id="a1b2c3d4")',  # a W&B run id
    'tokenizer = AutoTokenizer.from_pretrained("meta-llama/Llama-2-7b-chat-hf")',
    'pad_token = "<|endoftext|>"',
    'next_token = "eyJwYWdlIjoyfQ"',  # pagination
    'api_key_path = "/content/drive/MyDrive/keys/openai_key.txt"',
    'token_type = "Bearer"',
    "sorted(items, key=lambda item: item.name)",
    'secret_name = "projects/my-project/secrets/hf-token/versions/latest"',
]


@pytest.mark.parametrize(("code", "label", "name"), FOUND)
def test_a_key_in_a_slot_is_found_named_and_fixed(code: str, label: str, name: str) -> None:
    result = api.scan_source(code, "x.py")
    assert [f.rule for f in result.findings] == ["HFG001"], code
    finding = result.findings[0]
    assert finding.message.startswith(f"{label} in a string literal")
    assert finding.secret not in finding.message and prefilter.python_may_leak(code)
    fixed = api.fix_source(code, "x.py", fix_options=COLAB)
    assert finding.secret not in fixed.text and f"userdata.get({name!r})".replace(
        "'", '"'
    ) in fixed.text.replace("'", '"')
    cell = api.scan_notebook(notebook_text([new_code_cell(code)]), "nb.ipynb")
    assert [f.rule for f in cell.findings] == ["HFG001"]


@pytest.mark.parametrize("code", CLEAN)
def test_hashes_ids_and_names_are_not_keys(code: str) -> None:
    assert api.scan_source(code, "x.py").findings == ()
    assert api.scan_notebook(notebook_text([new_code_cell(code)]), "nb.ipynb").findings == ()


@pytest.mark.parametrize(
    "code",
    [
        'client = OpenAI(api_key="YOUR_API_KEY")',
        'login(token="hf_...")',
        'pc = Pinecone(api_key="<your-pinecone-key>")',
        'wandb.login(key="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")',
    ],
)
def test_a_placeholder_in_a_slot_is_hfg005(code: str) -> None:
    findings = api.scan_source(code, "x.py").findings
    assert [f.rule for f in findings] == ["HFG005"]
    assert "placeholder" in findings[0].message


def test_advice_names_each_provider_and_its_revoke_page() -> None:
    from hf_secret_guard.report.text import revoke_advice

    code = "\n".join(code for code, _, _ in FOUND[:3])
    advice = revoke_advice(api.scan_source(code, "x.py").findings)
    assert "https://dashboard.cohere.com/api-keys" in advice and "https://wandb.ai/authorize" in advice
    assert "huggingface.co" not in advice


def test_a_secret_no_provider_claims_gets_no_hugging_face_advice(tmp_path: Path) -> None:
    """A database password in a secret-named variable, a key in a URL parameter: no provider's page to
    point to, and certainly not huggingface.co's."""
    (tmp_path / "x.py").write_text('import os\nos.environ["DB_PASSWORD"] = "s3cr3t-Passw0rd-2024"\n')
    result = run_main("scan", "--isolated", "x.py", cwd=tmp_path)
    assert result.returncode == 1 and "HFG002" in result.stdout
    assert "huggingface.co" not in result.stdout and "where it was issued" in result.stdout
    (tmp_path / "y.py").write_text('from huggingface_hub import login\nlogin(token="' + TOKEN + '")\n')
    both = run_main("scan", "--isolated", "x.py", "y.py", cwd=tmp_path)
    assert "huggingface.co/settings/tokens" in both.stdout and "other secrets: wherever" in both.stdout


def test_a_placeholder_is_no_leak_in_the_summary(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text('client = OpenAI(api_key="YOUR_API_KEY")\n')
    result = run_main("scan", "--isolated", "x.py", cwd=tmp_path)
    assert result.returncode == 1
    summary = next(line for line in result.stdout.splitlines() if line.startswith("Found"))
    assert summary.startswith("Found 1 placeholder in 1 file") and "leak" not in summary
    assert "revoke" not in result.stdout.lower()


@pytest.mark.parametrize("template", ["HF_TOKEN = {T}", "login({T})", "x = [1, {T}]"])
def test_an_unquoted_token_is_reported(template: str) -> None:
    """``HF_TOKEN = hf_...`` is a NameError waiting to happen, but the token is in the file."""
    code = template.format(T=TOKEN)
    for findings in (
        api.scan_source(code, "x.py").findings,
        api.scan_notebook(notebook_text([new_code_cell(code)]), "nb.ipynb").findings,
    ):
        assert [(f.rule, f.fixable) for f in findings] == [("HFG001", False)]
        assert "without quotes" in findings[0].message and TOKEN not in findings[0].message


def test_a_single_case_name_with_a_token_prefix_is_no_token() -> None:
    assert api.scan_source("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 = 1\n", "x.py").findings == ()


def test_a_kaggle_json_written_from_code_is_found_and_fixed() -> None:
    """Kaggle's legacy key is 32 hex, like any MD5: it is a key where kaggle.json puts it, beside a
    username; the same dict shape without one is a cache key."""
    key = random.Random(5).randbytes(16).hex()
    code = 'import json\nwith open("kaggle.json", "w") as f:\n'
    code += f'    json.dump({{"username": "me", "key": "{key}"}}, f)\n'
    (finding,) = api.scan_source(code, "x.py").findings
    assert (finding.rule, finding.fixable, finding.masked) == ("HFG001", True, f"****{key[-4:]}")
    assert "Kaggle key" in finding.message and key not in finding.message
    fixed = api.fix_source(code, "x.py", fix_options=COLAB).text
    assert key not in fixed and '"key": userdata.get("KAGGLE_API_TOKEN")' in fixed
    assert api.scan_source(f'cache = {{"key": "{key}", "value": 1}}\n', "x.py").findings == ()


def test_long_names_judged_are_not_kept() -> None:
    """A process remembers the slot names it has judged (code names the same keywords again and again), but
    not long ones: a dict whose keys are sentences (a data file of prompts, each key judged by
    ``is_slot_name``) would otherwise keep every key for the rest of the run, 65,536 of them before
    anything is let go."""
    import gc
    import tracemalloc

    from hf_secret_guard.tokens.slots import is_slot_name

    rng = random.Random(5)

    def names() -> Iterator[str]:  # read from a file, judged, and let go
        for index in range(2000):
            name = f"{rng.getrandbits(4000):x}"  # a thousand characters
            yield name + " token" if index < 10 else name

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        judged = [is_slot_name(name) for name in names()] + [is_slot_name(name, True) for name in names()]
        gc.collect()
        kept = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert judged.count(True) == 20  # the ten that end in "token", twice
    assert kept < 200_000, kept  # the names are 4 MB
