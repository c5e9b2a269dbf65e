"""Helpers for the --fix tests: token placeholders and a fake ``google.colab.userdata``.

Examples are written with placeholders (``<T1>`` ...) so that no token is ever written in a test source;
they are filled with the generated fake tokens at test time.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping

import pytest

from hf_secret_guard.tokens import mask
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2

PLACEHOLDERS = {
    "<T1a>": TOKEN[:12],
    "<T1b>": TOKEN[12:],
    "<T1>": TOKEN,
    "<T2>": TOKEN2,
    "<ORG>": ORG_TOKEN,
    "<M1>": mask(TOKEN),
    "<M2>": mask(TOKEN2),
    "<MORG>": mask(ORG_TOKEN),
}

# What a user would have stored in Colab Secrets after the fix (names the fixer chose -> the old values).
SECRETS = {
    "HF_TOKEN": TOKEN,
    "HF_TOKEN_2": TOKEN2,
    "HUGGINGFACEHUB_API_TOKEN": TOKEN,
    "HUGGING_FACE_HUB_TOKEN": TOKEN,
    "OPENAI_API_KEY": "sk-test-not-a-real-key-0000",
    "WANDB_API_KEY": "not-a-real-wandb-key",
    "DB_PASSWORD": "hunter2-not-real",
    "MY_HF": TOKEN,
}


def sub(text: str) -> str:
    """Fill the placeholders of an example."""
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


class SecretNotFoundError(KeyError):
    """What Colab raises for a secret that is not in the Secrets panel."""


def install_fake_colab(monkeypatch: pytest.MonkeyPatch, secrets: Mapping[str, str] = SECRETS) -> list[str]:
    """A real module object ``google.colab.userdata`` whose ``get`` returns ``secrets``; returns the names
    asked for, in order."""
    asked: list[str] = []

    def get(name: str) -> str:
        asked.append(name)
        if name not in secrets:
            raise SecretNotFoundError(name)
        return secrets[name]

    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    userdata = types.ModuleType("google.colab.userdata")
    userdata.get = get  # type: ignore[attr-defined]
    colab.userdata = userdata  # type: ignore[attr-defined]
    colab.drive = types.ModuleType("google.colab.drive")  # type: ignore[attr-defined]
    google.colab = colab  # type: ignore[attr-defined]
    google.__path__ = []  # a package, so `from google.colab import userdata` resolves
    colab.__path__ = []
    for name, module in (("google", google), ("google.colab", colab), ("google.colab.userdata", userdata)):
        monkeypatch.setitem(sys.modules, name, module)
    return asked
