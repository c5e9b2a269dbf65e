"""The rules: stable codes, what each means, and examples that the test suite runs and the README shows.

In examples ``{TOKEN}`` stands for a generated fake token, so that no token is ever written in our source.
A rule about Python code has ``.py`` sources as examples; a rule about a notebook's outputs or text has
notebook fragments: a cell (it has a ``cell_type``) or the notebook's own ``metadata``, placeholders filled in
every string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Union

# A .py source, or a notebook fragment (a cell, or ``{"metadata": ...}`` for the notebook's own metadata).
Example = Union[str, Mapping[str, object]]


class Rule(NamedTuple):
    code: str
    name: str
    summary: str
    help: str
    flagged: tuple[Example, ...]  # examples that must produce this rule, and only it
    not_flagged: tuple[Example, ...]  # examples that must produce no finding at all


def _cell(source: str, *outputs: Mapping[str, object]) -> Mapping[str, object]:
    """A code cell that saved ``outputs``."""
    return {
        "cell_type": "code",
        "source": source,
        "metadata": {},
        "execution_count": 1,
        "outputs": list(outputs),
    }


def _result(mime: str, data: str, kind: str = "execute_result") -> Mapping[str, object]:
    """A rich output holding ``data`` as ``mime``."""
    extra: dict[str, object] = {"execution_count": 1} if kind == "execute_result" else {}
    return {"output_type": kind, "data": {mime: data}, "metadata": {}, **extra}


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "HFG001",
            "hardcoded-token",
            "Secret in code",
            "A key (a Hugging Face token, an OpenAI, Google, Anthropic or GitHub key... any provider in "
            "`providers/`) is written in a string literal, f-string, docstring, comment or shell command, "
            "unquoted as a name, or in a key slot such as `api_key=`. Anyone who can read the file can use "
            'it. Read it from Colab Secrets or the environment instead: `userdata.get("HF_TOKEN")`.',
            flagged=(
                "HF_TOKEN = {TOKEN}",
                'login(token="{TOKEN}")',
                "t = '{TOKEN}'",
                'headers = {{"Authorization": "Bearer {TOKEN}"}}',
                'url = "https://user:{TOKEN}@huggingface.co/repo"',
                't = b"{TOKEN}"',
                't = r"{TOKEN}"',
                't = f"{TOKEN}{{suffix}}"',
                '"%s {TOKEN}" % name',
                '"{{}} {TOKEN}".format(name)',
                "# token: {TOKEN}",
                'def f():\n    """Use {TOKEN}."""',
                't = ("{TOKEN_HEAD}"\n     "{TOKEN_TAIL}")',
                'call(api_key="{ORG_TOKEN}")',
                'x = ["a", "{TOKEN}"]',
                "print('\\n{TOKEN}')",
            ),
            not_flagged=(
                'path = "models/hf_multilingualsentimentclassifiermodel/config.json"',
                'name = "hf_ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH"',
                'x = "{TOKEN}x"',
                'x = "my{TOKEN}"',
                "login()",
            ),
        ),
        Rule(
            "HFG002",
            "secret-in-environ",
            "Secret literal written into the process environment",
            "A string literal is written to `os.environ`, `os.putenv`, `%env` or `export` under a "
            "secret-like name (…TOKEN, …KEY, …SECRET, …PASSWORD, …CREDENTIALS, HF_TOKEN…), or the value "
            "is a token. The secret is in the file. Use `userdata.get(NAME)` as the value instead.",
            flagged=(
                'import os\nos.environ["HF_TOKEN"] = "{TOKEN}"',
                'import os\nos.environ["OPENAI_API_KEY"] = "sk-test-not-a-real-key-0000"',
                'import os\nos.environ.setdefault("HF_TOKEN", "{TOKEN}")',
                'import os\nos.environ.update({{"HUGGINGFACEHUB_API_TOKEN": "{TOKEN}"}})',
                'import os\nos.environ.update(WANDB_API_KEY="not-a-real-wandb-key")',
                'import os\nos.putenv("HF_TOKEN", "{TOKEN}")',
                'import os as o\no.environ["HF_TOKEN"] = "{TOKEN}"',
                'from os import environ\nenviron["HF_TOKEN"] = "{TOKEN}"',
                'from os import environ as env\nenv["DB_PASSWORD"] = "hunter2-not-real"',
                'import os\nos.environ["MY_SETTING"] = "{TOKEN}"',
                'import os\nos.environb[b"DB_PASSWORD"] = b"hunter2-not-real"',
                'import os\nos.environ["HF_TOKEN"], x = "{TOKEN}", 1',
                'import os\nos.environ.__setitem__("OPENAI_API_KEY", "sk-test-not-a-real-key-0000")',
                'import os\nos.environ["A"] = os.environ["HF_TOKEN"] = "{TOKEN}"',
            ),
            not_flagged=(
                'import os\nos.environ["TOKENIZERS_PARALLELISM"] = "false"',
                'import os\nos.environ["HF_HOME"] = "/content"',
                'import os\nos.environ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1"',
                'import os\nos.environ["HF_TOKEN"] = token',
                'import os\nos.environ["HF_TOKEN"] = ""',
                'import os\nos.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
                'import os\ntoken = os.environ["HF_TOKEN"]',
                'import os\nos.environ["CUDA_VISIBLE_DEVICES"] = "0"',
                'config = {{}}\nconfig["api_key"] = "value"',
                'import os\nos.environ["HF_TOKEN_PATH"] = "/root/.cache/huggingface/token"',
                'import os\nos.environ["GOOGLE_APPLICATION_CREDENTIALS"] = "/content/key.json"',
                'import os\nos.environ["SECRET_NAME"] = "my-secret"',
                'import os\nos.environ["API_KEY_FILE"] = "keys/api.txt"',
            ),
        ),
        Rule(
            "HFG003",
            "token-in-output",
            "Secret saved in a notebook cell output",
            "A cell printed a token and the notebook saved the output (stream, result, HTML, error "
            "traceback). Sharing the notebook shares the token. `--fix` redacts it; revoke it anyway.",
            flagged=(
                _cell("print(token)", {"output_type": "stream", "name": "stdout", "text": "{TOKEN}\n"}),
                _cell("token", _result("text/plain", "'{TOKEN}'")),
                _cell(
                    "show(token)", _result("text/html", "<pre>token: <b>{TOKEN}</b></pre>", "display_data")
                ),
                _cell(
                    "login(token)",
                    {
                        "output_type": "error",
                        "ename": "HTTPError",
                        "evalue": "401 Client Error",
                        "traceback": ["\u001b[0;31mHTTPError\u001b[0m: bad token \u001b[1m{TOKEN}\u001b[0m"],
                    },
                ),
                _cell(
                    "!env",
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": ["PATH=/usr/bin\n", "HF_TOKEN={TOKEN}\n"],
                    },
                ),
            ),
            not_flagged=(
                _cell("show(image)", _result("image/png", "{TOKEN}", "display_data")),
                _cell("print(masked)", {"output_type": "stream", "name": "stdout", "text": "hf_****abcd\n"}),
                _cell("print(placeholder)", {"output_type": "stream", "name": "stdout", "text": "hf_...\n"}),
                _cell(
                    "!git rev-parse HEAD",
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": "0123456789abcdef0123456789abcdef01234567\n",
                    },
                ),
            ),
        ),
        Rule(
            "HFG004",
            "token-in-notebook-text",
            "Secret in notebook markdown, metadata or other JSON",
            "A token sits in a markdown or raw cell, an attachment, cell or notebook metadata (for "
            "example widget state saved by `notebook_login()`), or anywhere else in the notebook file. "
            "`--fix` redacts it; revoke it anyway.",
            flagged=(
                {"cell_type": "markdown", "source": "Log in with `{TOKEN}` first.", "metadata": {}},
                {"cell_type": "raw", "source": "HF_TOKEN={TOKEN}", "metadata": {}},
                {"cell_type": "markdown", "source": "Setup", "metadata": {"notes": "my token is {TOKEN}"}},
                {"metadata": {"widgets": {"state": {"model-1": {"state": {"value": "{TOKEN}"}}}}}},
            ),
            not_flagged=(
                {
                    "cell_type": "markdown",
                    "source": "Paste your token (`hf_...`) into Colab Secrets.",
                    "metadata": {},
                },
                {
                    "cell_type": "markdown",
                    "source": 'Read it with `userdata.get("HF_TOKEN")`.',
                    "metadata": {},
                },
                {"cell_type": "raw", "source": "HF_TOKEN=<your token>", "metadata": {}},
                {
                    "metadata": {
                        "colab": {"provenance": []},
                        "kernelspec": {"name": "python3", "display_name": "Python 3"},
                    }
                },
            ),
        ),
        Rule(
            "HFG005",
            "secret-placeholder",
            "Placeholder written where a secret goes",
            "A stand-in such as `hf_...`, `YOUR_API_KEY` or `<your key>` is written where a key goes: a "
            "secret-like environment variable, an `api_key=`/`token=` argument, a login call. It is no leak, "
            "but the code asks whoever runs it to paste a real key "
            'into the file. Read the key from Colab Secrets or the environment: `userdata.get("HF_TOKEN")`. '
            "A tutorial repository can `extend-ignore` this rule without losing HFG002.",
            flagged=(
                'import os\nos.environ["HF_TOKEN"] = "hf_your_token_here"',
                'import os\nos.environ["HF_TOKEN"] = "hf_..."',
                'import os\nos.environ["OPENAI_API_KEY"] = "YOUR_API_KEY"',
                'import os\nos.environ["LANGCHAIN_API_KEY"] = "<your key>"',
                'import os\nos.environ["PINECONE_API_KEY"] = "pk-xxxxxxxxxxxxxxxx"',
                'login(token="hf_...")',
                'login(token="hf_your_token_here")',
                'client = OpenAI(api_key="sk-...")',
                'token = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
            ),
            not_flagged=(
                'import os\nos.environ["HF_TOKEN"] = ""',
                'import os\nos.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
                'import os\nos.environ["OPENAI_API_KEY"] = "${{OPENAI_API_KEY}}"',
                'self.image_token = "<|image_pad|>"',  # a tokenizer's special token, not a stand-in
                'pad_token = "<pad>"',
                'token = "<*>"',
                'TOKEN_CLS = "TOKEN_CLS"',  # an enum member named after itself
            ),
        ),
        Rule(
            "HFG100",
            "unused-allow-comment",
            "Allow comment with nothing to allow",
            "An allow comment of ours (`# hf-secret-guard: ignore`, `# hf-secret-guard: ignore[HFG002]`, "
            "`# noqa: HFG001`) sits on a line where no finding of the rules it names is left to allow: the "
            "secret was removed, or the comment names the wrong rule. An unused comment would silently "
            "allow the next secret written there: remove it. Opt-in, like ruff's RUF100: "
            '`extend-select = ["HFG100"]`. Comments of other tools (`# pragma: allowlist secret`, '
            "`gitleaks:allow`, `# noqa: E501`) are left to them. Not fixable.",
            flagged=(
                "x = 1  # hf-secret-guard: ignore",
                "x = 1  # noqa: HFG001",
                "t = '{TOKEN}'  # hf-secret-guard: ignore[HFG002]",
            ),
            not_flagged=(
                "t = '{TOKEN}'  # hf-secret-guard: ignore",
                "t = '{TOKEN}'  # noqa: HFG001",
                "x = 1  # noqa: E501",
                "x = 1  # pragma: allowlist secret",
                "login()",
            ),
        ),
    )
}


class Site(NamedTuple):
    """A kind of place where a secret is found (``Leak.site``): the words a message uses for it, how
    ``--fix`` treats it, and why a leak there may not be fixable."""

    words: str  # ends an HFG001 message: "... in a string literal"
    fix: str  # "code": becomes a read of the secret store; "mask": masked in place in Python code;
    # "shell": an IPython line, the read goes in {...}; "redact": notebook text, outputs, JSON; "": never
    cannot_fix: str  # why a leak here is not fixable, when its detector gave no reason of its own


_BASH_CELL = "a %%bash-style cell cannot read Colab or Kaggle secrets"
UNKNOWN_SITE = Site("in code", "", "not fixable")
SITES: dict[str, Site] = {
    "string": Site(
        "in a string literal",
        "code",
        "not in a string literal the fixer can rewrite (an f-string's {...}, say)",
    ),
    "environ": Site("in code", "code", "not fixable"),
    "comment": Site("in a comment", "mask", "not fixable"),
    "docstring": Site("in a docstring", "mask", "not fixable"),
    "name": Site("written without quotes, as a name", "", "not fixable"),
    "shell": Site("in a shell command", "shell", _BASH_CELL),
    "shell-env": Site("in code", "shell", _BASH_CELL),
    "ipython-env": Site("in code", "shell", _BASH_CELL),
    "cell-text": Site(
        "in a non-Python cell (a cell magic such as %%html or %%sql)",
        "",
        "the cell is not Python: remove the secret by hand",
    ),
    "text": Site(
        "in code that could not be parsed",
        "redact",
        "the code could not be parsed, so it was only scanned as text",
    ),
    "output": Site("in code", "redact", "not fixable"),
    "json": Site("in code", "redact", "the notebook could not be read as a notebook"),
    "text-file": Site(
        "in a text file",
        "",
        "not Python or a notebook: move the key out by hand",
    ),
}


def sites_fixed_as(fix: str) -> frozenset[str]:
    """The sites ``--fix`` treats the one way ``fix``."""
    return frozenset(name for name, site in SITES.items() if site.fix == fix)


# Rules on when nothing is selected (ruff's default rule set): all but HFG100, which judges the allow
# comments rather than the code and is opt-in as ruff's RUF100 is (``options.OPT_IN_RULES``).
DEFAULT_RULES: frozenset[str] = frozenset(code for code in RULES if code != "HFG100")
