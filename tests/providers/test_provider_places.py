"""Every provider, every place, each with a twin that must not be reported (issue 13, "Done when").

test_providers.py runs each provider's own examples through a .py file, a notebook cell, an output and
markdown.  Here: the twins those leave out.  A self-identifying key in an image's base64 is not reported
while the same key in the output's text is; a prefix-less key (Cohere, Mistral, ngrok...) is reported in
its slot, in a .py file and a cell, and never when the same value is only text (an output, markdown),
where it is indistinguishable from a hash.  Keys are generated (checksums sealed); none is written here.
"""

from __future__ import annotations

import base64
import random
import string

import pytest

from hf_secret_guard import api
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.providers.spec import Provider, TokenFormat
from hf_secret_guard.tokens import mask
from tests.conftest import make_key
from tests.notebooks import PNG, new_code_cell, new_markdown_cell, new_output, notebook_text

ANYWHERE = [
    pytest.param(provider, fmt, id=f"{provider.name}:{fmt.prefix}")
    for provider in PROVIDERS
    for fmt in provider.formats
    if fmt.anywhere
]


@pytest.mark.parametrize(("provider", "fmt"), ANYWHERE)
def test_a_key_in_an_image_is_not_reported_and_beside_it_is(provider: Provider, fmt: TokenFormat) -> None:
    key = make_key(fmt, 21)
    # The key's bytes inside a PNG's base64 (as a plot that happens to hold them), and as text.
    inside = base64.b64encode(base64.b64decode(PNG) + key.encode()).decode()
    cell = new_code_cell("plt.show()")
    cell.outputs = [new_output("display_data", data={"image/png": PNG[:24] + key + PNG[24:]})]
    cell.outputs.append(new_output("display_data", data={"image/png": inside}))
    assert api.scan_notebook(notebook_text([cell]), "nb.ipynb").findings == ()
    cell.outputs.append(new_output("display_data", data={"image/png": PNG, "text/plain": f"key={key}"}))
    findings = api.scan_notebook(notebook_text([cell]), "nb.ipynb").findings
    assert [(f.rule, f.masked) for f in findings] == [("HFG003", mask(key))]


def _value(shape: str, seed: int) -> str:
    rng = random.Random(f"slot-only-{shape}-{seed}")
    alnum = string.ascii_letters + string.digits
    while True:
        if shape == "hex32":
            value = "".join(rng.choice("0123456789abcdef") for _ in range(32))
        elif shape == "hex40":
            value = "".join(rng.choice("0123456789abcdef") for _ in range(40))
        elif shape == "hex64":
            value = "".join(rng.choice("0123456789abcdef") for _ in range(64))
        elif shape == "sk-hex32":
            value = "sk-" + "".join(rng.choice("0123456789abcdef") for _ in range(32))
        elif shape == "ngrok":
            body = "".join(rng.choice(alnum) for _ in range(26))
            value = f"2{body}_{rng.choice('123456789')}" + "".join(rng.choice(alnum) for _ in range(20))
        else:
            value = "".join(rng.choice(alnum) for _ in range(int(shape)))
        if any(c.isdigit() for c in value) and any(c.isalpha() for c in value):
            return value


# Providers whose keys have no prefix of their own: (provider, key shape, a slot written as people do).
SLOT_ONLY = [
    (
        "azure_openai",
        "hex32",
        'client = AzureOpenAI(api_key="{KEY}", azure_endpoint="https://x.openai.azure.com")',
    ),
    ("cohere", "40", 'co = cohere.Client("{KEY}")'),
    ("comet", "25", 'import os\nos.environ["COMET_API_KEY"] = "{KEY}"'),
    ("deepseek", "sk-hex32", 'import os\nos.environ["DEEPSEEK_API_KEY"] = "{KEY}"'),
    ("mistral", "32", 'llm = ChatMistralAI(api_key="{KEY}")'),
    ("ngrok", "ngrok", 'ngrok.set_auth_token("{KEY}")'),
    ("serpapi", "hex64", 'import os\nos.environ["SERPAPI_API_KEY"] = "{KEY}"'),
    ("serper", "hex40", 'search = GoogleSerperAPIWrapper(serper_api_key="{KEY}")'),
]


@pytest.mark.parametrize(("name", "shape", "template"), SLOT_ONLY, ids=[s[0] for s in SLOT_ONLY])
def test_a_prefix_less_key_is_a_key_only_in_its_slot(name: str, shape: str, template: str) -> None:
    provider = next(p for p in PROVIDERS if p.name == name)
    assert not any(fmt.anywhere for fmt in provider.formats)
    key = _value(shape, 1)
    code = template.replace("{KEY}", key)
    for result in (
        api.scan_source(code, "x.py"),
        api.scan_notebook(notebook_text([new_code_cell(code)]), "nb.ipynb"),
    ):
        assert [f.rule for f in result.findings] in (["HFG001"], ["HFG002"]), (name, result.findings)
        assert result.findings[0].masked == mask(key) and key not in result.findings[0].message
    fixed = api.fix_source(code, "x.py")
    assert key not in fixed.text
    if "environ" not in code:  # a read in place of the literal (an environment write is dropped instead)
        assert any(env in fixed.text for env in provider.env_names), fixed.text
    # The twin: the same value where it is only text, as a hash or an id would be.
    cell = new_code_cell("print(run.summary())")
    cell.outputs = [new_output("stream", text=f"run {key} finished\n")]
    notebook = notebook_text([cell, new_markdown_cell(f"Checkpoint `{key}` is the best one.")])
    assert api.scan_notebook(notebook, "nb.ipynb").findings == ()
    assert api.scan_source(f'run_id = "{key}"\n# digest {key}\n', "x.py").findings == ()
