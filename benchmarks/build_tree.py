"""Build the benchmark tree of issue 6: real .py files plus generated notebooks, with planted tokens.

    uv run python benchmarks/build_tree.py [--out DIR] [--notebooks 500] [--target-mb 41.7]

The tree is ~41.7 MB: 1,734 ``.py`` files copied from the installed environment's site-packages (a
seeded sample, so the same environment gives the same tree) and 500 notebooks shaped like the ones people
share: Colab (nbformat 4.0, 2-space indent) and Jupyter (4.4/4.5, 1-space), markdown, code with IPython
lines, stream logs, DataFrame tables, tracebacks with ANSI colours, tqdm widget state, and base64 PNG
plots that make up most of the bytes, as in real notebooks.  About 3% of code cells mention ``hf_``
or ``os.environ`` harmlessly (``hf_hub_download``, ``TOKENIZERS_PARALLELISM``), so the prefilter lets
them through to the parser, as real notebooks do.

20 GENERATED Hugging Face tokens are planted (12 in notebooks, 8 in .py files), in the places issues 2
and 3 list, and 16 other providers' keys (issue 13: OpenAI, Gemini, W&B, GitHub with its checksum...)
in the shapes people leak them (``OpenAI(api_key=...)``, ``!wandb login``, a saved output, markdown), 8 in
.py files and 8 in notebooks.  They are made here at run time from a seeded generator over the
registry's formats: no key is written in this source.  The tree
goes outside any git repository by default (a tool that honours ``.gitignore`` would otherwise skip it),
and a manifest (counts, bytes, masked planted keys and a one-way digest of each, never a full key) is
written beside it, from which ``run.py`` counts how many planted keys each tool finds.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import shutil
import string
import struct
import sys
import sysconfig
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the key generator lives with the tests
from tests.fake_keys import generate

DEFAULT_OUT = Path(tempfile.gettempdir()) / "hf-secret-guard-bench" / "tree"
DEFAULT_SEED = 6
# Directory names that scanners commonly skip: a file below one would be scanned by some tools and
# not others, so the sample leaves them out and every tool sees the same files.
_SKIPPED_PARTS = frozenset(
    {"build", "dist", "site-packages", "__pycache__", "node_modules", "venv", ".venv", "tests", "test"}
)


@dataclass
class Planted:
    path: str
    place: str
    masked: str
    provider: str = "huggingface"
    digest: str = ""  # ``digest(key)``: how run.py tells a planted key in a peer's report, without the key


def digest(key: str) -> str:
    import hashlib

    return hashlib.sha256(("hf-secret-guard-bench:" + key).encode()).hexdigest()[:32]


# Other providers' keys, each in a shape from the issue: (provider, format prefix, where, template).
# "py" lines are appended to a .py file; the others become a cell of a notebook.
PROVIDER_PLANTS = [
    ("openai", "sk-", "py", '\nfrom openai import OpenAI\nclient = OpenAI(api_key="{KEY}")\n'),
    ("anthropic", "sk-ant-api03-", "py", '\nimport os\nos.environ["ANTHROPIC_API_KEY"] = "{KEY}"\n'),
    ("google", "AIza", "py", '\nimport google.generativeai as genai\ngenai.configure(api_key="{KEY}")\n'),
    ("github", "ghp_", "py", '\nREPO = "https://{KEY}@github.com/me/private.git"\n'),
    ("groq", "gsk_", "py", '\nfrom groq import Groq\nclient = Groq(api_key="{KEY}")\n'),
    ("langsmith", "lsv2_", "py", '\nimport os\nos.environ["LANGCHAIN_API_KEY"] = "{KEY}"\n'),
    ("replicate", "r8_", "py", "\n# token for the demo: {KEY}\n"),
    ("xai", "xai-", "py", '\nHEADERS = {{"Authorization": "Bearer {KEY}"}}\n'),
    ("google", "AQ.Ab8RN6", "code", 'from google import genai\nclient = genai.Client(api_key="{KEY}")'),
    ("wandb", "wandb_v1_", "code", "!wandb login {KEY}"),
    ("tavily", "tvly-", "code", 'import os\nos.environ["TAVILY_API_KEY"] = "{KEY}"'),
    ("kaggle", "KGAT_", "code", 'import os\nos.environ["KAGGLE_API_TOKEN"] = "{KEY}"'),
    ("openrouter", "sk-or-v1-", "output", "Using key {KEY}\n"),
    ("perplexity", "pplx-", "output", "Traceback: AuthenticationError for key {KEY}\n"),
    ("nvidia", "nvapi-", "markdown", "Set your key: `{KEY}`"),
    ("pinecone", "pcsk_", "markdown", "My Pinecone key is {KEY}"),
]


def provider_key(provider: str, prefix: str, rng: random.Random) -> tuple[str, str]:
    """A fake key of ``provider``'s format with ``prefix`` (its checksum sealed), and its masked form."""
    from hf_secret_guard.providers import PROVIDERS
    from hf_secret_guard.tokens import is_token
    from hf_secret_guard.tokens import mask as mask_key

    fmt = next(f for p in PROVIDERS if p.name == provider for f in p.formats if f.prefix == prefix)
    while True:
        key = prefix + generate(fmt.body, rng)
        if fmt.seal is not None:
            key = fmt.seal(key)
        if re.fullmatch(fmt.pattern, key) and (fmt.check is None or fmt.check(key)) and is_token(key):
            return key, mask_key(key)


@dataclass
class Manifest:
    py_files: int = 0
    py_bytes: int = 0
    notebooks: int = 0
    notebook_bytes: int = 0
    image_bytes: int = 0
    planted: list[Planted] = field(default_factory=list)


def make_token(rng: random.Random, prefix: str = "hf_") -> str:
    """A fake token: mixed-case letters, as the letters-only form every public sample has."""
    while True:
        body = "".join(rng.choice(string.ascii_letters) for _ in range(34))
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return prefix + body


def mask(token: str) -> str:
    prefix = "api_org_" if token.startswith("api_org_") else "hf_"
    return f"{prefix}****{token[-4:]}"


# --------------------------------------------------------------------------- .py files


def python_sources(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part in _SKIPPED_PARTS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        if any(part.endswith((".egg-info", ".dist-info")) for part in relative.parts):
            continue
        if path.is_file() and not path.is_symlink():
            files.append(path)
    return files


def py_plant_lines(token: str, kind: int) -> str:
    """A realistic line that leaks ``token``, appended to a copied file."""
    return [
        f'\nHF_TOKEN = "{token}"\n',
        f'\nimport os\nos.environ["HF_TOKEN"] = "{token}"\n',
        f"\n# temporary: login with {token} until the secret store works\n",
        f'\nREPO_URL = "https://user:{token}@huggingface.co/org/model"\n',
        f'\n\ndef _headers():\n    return {{"Authorization": f"Bearer {token}"}}\n',
        f"\nfrom huggingface_hub import login\n\nlogin(token='{token}')\n",
        f'\n\ndef _client():\n    """Uses the service token {token} (rotate monthly)."""\n',
        f'\nimport os\nos.environ.setdefault("HUGGING_FACE_HUB_TOKEN", "{token}")\n',
    ][kind % 8]


# --------------------------------------------------------------------------- notebooks


def png_bytes(rng: random.Random, size: int) -> bytes:
    """A valid PNG of about ``size`` bytes: noise rows, so zlib cannot shrink them much."""
    width = 200
    height = max(1, size // (3 * width + 1))
    rows = b"".join(b"\x00" + rng.randbytes(3 * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def lines(text: str) -> list[str]:
    """nbformat's multiline string: a list of lines, each but the last ending in a newline."""
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


MARKDOWN = [
    "# Fine-tuning {model} on {dataset}\n\nThis notebook fine-tunes a pretrained model and evaluates it.",
    "## Load the data\n\nWe use the `datasets` library; the split sizes are printed below.",
    "## Training\n\nThe learning rate follows a linear schedule with warm-up ($\\eta_t = \\eta_0 t / T$).",
    "### Results\n\n| metric | value |\n|---|---|\n| accuracy | 0.{n} |\n| f1 | 0.{n} |",
    "Note: run this on a GPU runtime (*Runtime → Change runtime type*).",
    "## Evaluation\n\n- precision\n- recall\n- [docs](https://huggingface.co/docs/transformers)",
]

CODE = [
    "import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\n%matplotlib inline",
    "!pip install -q transformers datasets accelerate evaluate",
    "df = pd.read_csv('data/train_{n}.csv')\ndf.head()",
    "from transformers import AutoTokenizer, AutoModelForSequenceClassification\n\n"
    "tokenizer = AutoTokenizer.from_pretrained('{model}')\n"
    "model = AutoModelForSequenceClassification.from_pretrained('{model}', num_labels=2)",
    "def tokenize(batch):\n    return tokenizer(batch['text'], truncation=True, padding='max_length')\n\n"
    "encoded = dataset.map(tokenize, batched=True)",
    "for epoch in range(3):\n    loss = train_one_epoch(model, loader, optimizer)\n"
    "    print(f'epoch {{epoch}}: loss={{loss:.4f}}')",
    "plt.figure(figsize=(8, 4))\nplt.plot(history['loss'], label='train')\n"
    "plt.plot(history['val_loss'], label='val')\nplt.legend()\nplt.show()",
    "%%time\npreds = trainer.predict(encoded['test'])\nmetrics = compute_metrics(preds)",
    "x = np.linspace(0, 10, {n})\ny = np.sin(x) * np.exp(-x / 5)\nplt.scatter(x, y)",
    "model",
    "results = {{k: round(v, 4) for k, v in metrics.items()}}\nresults",
    "import torch\ndevice = 'cuda' if torch.cuda.is_available() else 'cpu'\nmodel.to(device)",
]

# Code cells that reach the parser without leaking anything (the prefilter cannot tell them apart).
CANDIDATE_CODE = [
    "from huggingface_hub import hf_hub_download\n\n"
    "path = hf_hub_download(repo_id='{model}', filename='config.json')",
    "import os\nos.environ['TOKENIZERS_PARALLELISM'] = 'false'\nos.environ['WANDB_DISABLED'] = 'true'",
    "from huggingface_hub import notebook_login\n\nnotebook_login()",
    "hf_dataset = load_dataset('{dataset}', split='train')\nhf_dataset",
    "os.environ['HF_HOME'] = '/content/cache'\n%env CUDA_VISIBLE_DEVICES=0",
]

PLANTED_CODE = [
    'from huggingface_hub import login\nlogin(token="{token}")',
    'import os\nos.environ["HF_TOKEN"] = "{token}"',
    "!huggingface-cli login --token {token}",
    "%env HF_TOKEN={token}",
    "from huggingface_hub import HfApi\napi = HfApi(token='{token}')\napi.whoami()",
    'headers = {{"Authorization": f"Bearer {token}"}}\nrequests.get(url, headers=headers)',
    'ORG_TOKEN = "{token}"',
]

MODELS = ["bert-base-uncased", "distilbert-base-uncased", "roberta-base", "gpt2", "t5-small"]
DATASETS = ["imdb", "glue", "squad", "ag_news", "emotion"]
ANSI_TRACE = [
    "\u001b[0;31m---------------------------------------------------------------------------\u001b[0m",
    "\u001b[0;31mValueError\u001b[0m                                Traceback (most recent call last)",
    "\u001b[0;32m<ipython-input-{n}-3f2a>\u001b[0m in \u001b[0;36m<cell line: 1>\u001b[0;34m()\u001b[0m",
    "\u001b[0;31mValueError\u001b[0m: shapes (32,{n}) and (768,) not aligned",
]


class NotebookWriter:
    """One notebook as a dict, then serialised in Colab or Jupyter style."""

    def __init__(self, rng: random.Random, colab: bool) -> None:
        self.rng = rng
        self.colab = colab
        self.minor = 0 if colab else rng.choice([4, 5])  # cell ids exist from nbformat 4.5 on
        self.pixels = random.Random(rng.random())  # image sizes must not change what comes after
        self.cells: list[dict[str, Any]] = []
        self.image_bytes = 0
        self.counter = 0

    def fill(self, template: str, **extra: str) -> str:
        return template.format(
            model=self.rng.choice(MODELS),
            dataset=self.rng.choice(DATASETS),
            n=self.rng.randint(10, 999),
            **extra,
        )

    def _id(self) -> str:
        return "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(12))

    def markdown(self, text: str) -> None:
        cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {}, "source": lines(text)}
        self._ids(cell)
        self.cells.append(cell)

    def code(self, text: str, outputs: list[dict[str, Any]]) -> None:
        self.counter += 1
        cell: dict[str, Any] = {
            "cell_type": "code",
            "execution_count": self.counter,
            "metadata": {},
            "outputs": outputs,
            "source": lines(text),
        }
        if self.colab:
            cell["metadata"] = {"colab": {"base_uri": "https://localhost:8080/"}, "outputId": self._id()}
        self._ids(cell)
        self.cells.append(cell)

    def _ids(self, cell: dict[str, Any]) -> None:
        if self.colab:
            cell["metadata"]["id"] = self._id()
        elif self.minor >= 5:
            cell["id"] = self._id()

    # ---- outputs
    def stream(self, text: str) -> dict[str, Any]:
        return {"name": "stdout", "output_type": "stream", "text": lines(text)}

    def table(self) -> dict[str, Any]:
        rows = self.rng.randint(5, 12)
        plain = "   text  label\n" + "".join(
            f"{i}  sample review number {i} ...  {i % 2}\n" for i in range(rows)
        )
        html = "<table border='1' class='dataframe'>\n"
        html += "<thead><tr><th></th><th>text</th><th>label</th></tr></thead>\n"
        html += "".join(
            f"<tr><th>{i}</th><td>sample review {i}</td><td>{i % 2}</td></tr>\n" for i in range(rows)
        )
        return {
            "data": {"text/html": lines(html + "</table>"), "text/plain": lines(plain)},
            "execution_count": self.counter,
            "metadata": {},
            "output_type": "execute_result",
        }

    def image(self, size: int) -> dict[str, Any]:
        encoded = base64.b64encode(png_bytes(self.pixels, size)).decode("ascii")
        self.image_bytes += len(encoded)
        return {
            "data": {"image/png": encoded + "\n", "text/plain": ["<Figure size 800x400 with 1 Axes>"]},
            "metadata": {"needs_background": "light"},
            "output_type": "display_data",
        }

    def error(self, extra: str = "") -> dict[str, Any]:
        trace = [self.fill(line) for line in ANSI_TRACE]
        if extra:
            trace.insert(3, extra)
        return {
            "ename": "ValueError",
            "evalue": "shapes not aligned",
            "output_type": "error",
            "traceback": trace,
        }

    def progress_widget(self) -> tuple[dict[str, Any], str]:
        model_id = "".join(self.rng.choice("0123456789abcdef") for _ in range(32))
        output = {
            "data": {
                "application/vnd.jupyter.widget-view+json": {
                    "model_id": model_id,
                    "version_major": 2,
                    "version_minor": 0,
                },
                "text/plain": ["Downloading: 100%|##########| 420M/420M [00:05<00:00, 80.1MB/s]"],
            },
            "metadata": {},
            "output_type": "display_data",
        }
        return output, model_id

    def dump(self, metadata: dict[str, Any]) -> str:
        notebook = {
            "cells": self.cells,
            "metadata": metadata,
            "nbformat": 4,
            "nbformat_minor": self.minor,
        }
        if self.colab:
            return json.dumps(notebook, indent=2, ensure_ascii=False)
        return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def typical_outputs(
    writer: NotebookWriter, text: str, image_sizes: list[int], widgets: dict[str, Any]
) -> list[dict[str, Any]]:
    rng = writer.rng
    if "plt." in text and image_sizes:
        return [writer.image(image_sizes.pop())]
    if "head()" in text or text.endswith("results"):
        return [writer.table()]
    if "pip install" in text:
        return [writer.stream("Successfully installed accelerate-0.27.2 datasets-2.18.0 evaluate-0.4.1\n")]
    if "print(" in text:
        return [writer.stream("".join(f"epoch {e}: loss={rng.random():.4f}\n" for e in range(3)))]
    if "from_pretrained" in text:
        output, model_id = writer.progress_widget()
        widgets[model_id] = {"model_name": "HBoxModel", "state": {"layout": "IPY_MODEL_" + model_id[:8]}}
        return [output]
    return []


def plant(
    writer: NotebookWriter, place: str, token: str, text: str, outputs: list[dict[str, Any]]
) -> tuple[str, list[dict[str, Any]]]:
    """The cell that leaks ``token`` at ``place``: its source and outputs."""
    if place.startswith("code"):
        return writer.fill(PLANTED_CODE[int(place[4:])], token=token), outputs
    if place == "stream":
        return "print(api_token)", [writer.stream(f"{token}\n")]
    if place == "traceback":
        line = (
            f"\u001b[0;32m      2\u001b[0m \u001b[0mlogin\u001b[0m\u001b[0;34m(\u001b[0m\u001b[0;34m'{token}'"
        )
        return "login(read_token())", [writer.error(line)]
    if place == "result":
        result = {
            "data": {"text/plain": [f"'{token}'"]},
            "execution_count": writer.counter + 1,
            "metadata": {},
            "output_type": "execute_result",
        }
        return "token", [result]
    if place == "markdown":
        writer.markdown(f"Use the token `{token}` for the demo account (read only).")
        return text, outputs
    raise ValueError(place)


def notebook_text(
    rng: random.Random, image_budget: int, planted: str, token: str, image_scale: float = 1.0
) -> tuple[str, int]:
    """One notebook; ``planted`` names where ``token`` goes ("" for none).  Returns (json, image bytes)."""
    colab = rng.random() < 0.5
    writer = NotebookWriter(rng, colab)
    widgets: dict[str, Any] = {}
    writer.markdown(writer.fill(MARKDOWN[0]))
    images = max(1, image_budget // 45_000)
    image_sizes = [int(image_budget * 3 // 4 // images * image_scale)] * images  # base64: 4 chars per 3 bytes
    plant_cell = rng.randint(2, 12)
    for index in range(rng.randint(14, 24)):
        if rng.random() < 0.3:
            writer.markdown(writer.fill(rng.choice(MARKDOWN)))
            continue
        text = writer.fill(rng.choice(CODE))
        if rng.random() < 0.03:
            text = writer.fill(rng.choice(CANDIDATE_CODE))
        outputs = typical_outputs(writer, text, image_sizes, widgets)
        if planted and planted != "widget" and index >= plant_cell:
            text, outputs = plant(writer, planted, token, text, outputs)
            planted = ""
        if rng.random() < 0.02:
            outputs.append(writer.error())
        writer.code(text, outputs)
    if planted and planted != "widget":  # every cell after plant_cell was markdown
        writer.code(*plant(writer, planted, token, "token", []))
    while image_sizes:  # the plots the random cells did not draw
        writer.code("plt.show()", [writer.image(image_sizes.pop())])
    metadata: dict[str, Any] = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.10.12"},
    }
    if colab:
        metadata["colab"] = {"provenance": [], "gpuType": "T4"}
        metadata["accelerator"] = "GPU"
    if planted == "widget":
        widgets["password"] = {
            "model_name": "PasswordModel",
            "state": {"value": token, "description": "Token:"},
        }
    if widgets:
        metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": widgets}
    return writer.dump(metadata), writer.image_bytes


NOTEBOOK_PLANTS = [f"code{i}" for i in range(len(PLANTED_CODE))] + [
    "stream",
    "traceback",
    "result",
    "markdown",
    "widget",
]


# --------------------------------------------------------------------------- the tree


def build(
    out: Path, py_count: int, notebook_count: int, target_bytes: int, seed: int, image_scale: float = 1.0
) -> Manifest:
    """The tree at ``out``.  ``image_scale`` makes every image that much larger and changes nothing else:
    the same files, cells, outputs and tokens (it is how the benchmark shows that images cost nothing)."""
    rng = random.Random(seed)
    token_rng = random.Random(f"hf-secret-guard-bench-{seed}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    manifest = Manifest()

    source_root = Path(sysconfig.get_paths()["purelib"])
    sources = python_sources(source_root)
    chosen = sorted(rng.sample(sources, min(py_count, len(sources))))
    py_plant = set(rng.sample(range(len(chosen)), 8))
    # The other providers' keys: their own generator, so the tree is otherwise the one it always was.
    key_rng = random.Random(f"hf-secret-guard-bench-providers-{seed}")
    py_keys = [plant for plant in PROVIDER_PLANTS if plant[2] == "py"]
    free = [index for index in range(len(chosen)) if index not in py_plant]
    py_key_plant = dict(zip(key_rng.sample(free, len(py_keys)), py_keys, strict=True))
    for index, source in enumerate(chosen):
        target = out / "py" / source.relative_to(source_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        if index in py_plant:
            token = make_token(token_rng)
            kind = len(manifest.planted)
            data += py_plant_lines(token, kind).encode()
            manifest.planted.append(
                Planted(str(target.relative_to(out)), f"py:{kind}", mask(token), digest=digest(token))
            )
        if index in py_key_plant:
            provider, prefix, place, template = py_key_plant[index]
            key, masked = provider_key(provider, prefix, key_rng)
            data += template.replace("{KEY}", key).encode()
            manifest.planted.append(
                Planted(str(target.relative_to(out)), f"py:{provider}", masked, provider, digest(key))
            )
        target.write_bytes(data)
        manifest.py_files += 1
        manifest.py_bytes += len(data)

    # Notebooks fill the rest of the byte budget; images take most of it, as in real notebooks.  Each
    # notebook aims at its share of what is left, so the total lands on the target whatever the text weighs.
    plants = dict(zip(rng.sample(range(notebook_count), len(NOTEBOOK_PLANTS)), NOTEBOOK_PLANTS, strict=True))
    nb_keys = [plant for plant in PROVIDER_PLANTS if plant[2] != "py"]
    unplanted = [index for index in range(notebook_count) if index not in plants]
    notebook_key_plant = dict(zip(key_rng.sample(unplanted, len(nb_keys)), nb_keys, strict=True))
    text_bytes = 9_000  # running estimate of a notebook's bytes apart from its images
    spent = 0.0  # notebook bytes so far, as they would be with image_scale 1
    for index in range(notebook_count):
        place = plants.get(index, "")
        token = ""
        if place:
            token = make_token(token_rng, "api_org_" if place == "code6" else "hf_")
        left = target_bytes - manifest.py_bytes - spent
        share = left / (notebook_count - index) * rng.uniform(0.3, 1.7)
        budget = max(0, int(share) - text_bytes)
        text, image_bytes = notebook_text(rng, budget, place, token, image_scale)
        target = out / "notebooks" / f"topic_{index % 25:02d}" / f"experiment_{index:04d}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if index in notebook_key_plant:
            text = _with_key_cell(text, notebook_key_plant[index], key_rng, manifest, target, out)
        data = text.encode("utf-8")
        target.write_bytes(data)
        if place:
            manifest.planted.append(
                Planted(str(target.relative_to(out)), f"ipynb:{place}", mask(token), digest=digest(token))
            )
        manifest.notebooks += 1
        manifest.notebook_bytes += len(data)
        manifest.image_bytes += image_bytes
        spent += len(data) - image_bytes + image_bytes / image_scale
        text_bytes = int(spent - manifest.image_bytes / image_scale) // manifest.notebooks
    return manifest


def _with_key_cell(
    text: str,
    plant: tuple[str, str, str, str],
    rng: random.Random,
    manifest: Manifest,
    target: Path,
    out: Path,
) -> str:
    """The notebook ``text`` with one more cell leaking a provider key (in code, an output or markdown)."""
    provider, prefix, place, template = plant
    key, masked = provider_key(provider, prefix, rng)
    filled = template.replace("{KEY}", key)
    notebook = json.loads(text)
    if place == "markdown":
        cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {}, "source": filled}
    else:
        outputs = []
        if place == "output":
            outputs = [{"name": "stdout", "output_type": "stream", "text": [filled]}]
        source = "client.check()" if place == "output" else filled
        cell = {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": outputs,
            "source": source,
        }
    notebook["cells"].append(cell)
    manifest.planted.append(
        Planted(str(target.relative_to(out)), f"ipynb:{provider}", masked, provider, digest(key))
    )
    indent = 2 if text.startswith('{\n  "') else 1
    return json.dumps(notebook, indent=indent, ensure_ascii=False) + ("\n" if indent == 1 else "")


def iter_report(manifest: Manifest) -> Iterator[str]:
    total = manifest.py_bytes + manifest.notebook_bytes
    yield f"{manifest.py_files} .py files, {manifest.py_bytes / 1e6:.1f} MB"
    images = f"{manifest.image_bytes / 1e6:.1f} MB of it base64 images"
    yield f"{manifest.notebooks} notebooks, {manifest.notebook_bytes / 1e6:.1f} MB ({images})"
    providers = len({p.provider for p in manifest.planted})
    yield f"total {total / 1e6:.1f} MB, {len(manifest.planted)} planted keys of {providers} providers"


def write_manifest(out: Path, manifest: Manifest) -> None:
    """Beside the tree, never in it (the peers would find the masked tokens... and so would we)."""
    summary = {
        "tree": str(out),
        "py_files": manifest.py_files,
        "py_bytes": manifest.py_bytes,
        "notebooks": manifest.notebooks,
        "notebook_bytes": manifest.notebook_bytes,
        "image_bytes": manifest.image_bytes,
        "planted": [vars(p) for p in manifest.planted],
    }
    Path(str(out) + ".manifest.json").write_text(json.dumps(summary, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to build (default {DEFAULT_OUT})"
    )
    parser.add_argument("--py-files", type=int, default=1734)
    parser.add_argument("--notebooks", type=int, default=500)
    parser.add_argument("--target-mb", type=float, default=41.7, help="total size of the tree")
    parser.add_argument("--image-scale", type=float, default=1.0, help="every image this much larger")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    manifest = build(
        args.out, args.py_files, args.notebooks, int(args.target_mb * 1e6), args.seed, args.image_scale
    )
    write_manifest(args.out, manifest)
    for line in iter_report(manifest):
        print(line)


if __name__ == "__main__":
    main()
