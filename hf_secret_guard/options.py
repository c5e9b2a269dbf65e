"""What a run is asked to do: which rules, which files, how to fix.  Built from the command line and
``[tool.hf-secret-guard]`` by ``cli/settings.py``; read by every stage, changed by none."""

from __future__ import annotations

from typing import Literal, NamedTuple, Optional

from hf_secret_guard.providers import DEFAULT

# Rules that run only when selected by code or prefix (``extend-select = ["HFG100"]``), as ruff's RUF100:
# they judge the allow comments, not the code.  ``rules.DEFAULT_RULES`` leaves them out too.
OPT_IN_RULES = frozenset({"HFG100"})


class ScanOptions(NamedTuple):
    """What to look for.  Built from the command line and ``[tool.hf-secret-guard]``."""

    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    secret_names: tuple[str, ...] = ()  # extra environment names that hold secrets
    # Files larger than this are skipped, not read (0: no limit).  Reading is the cost, not finding.
    max_file_size: int = 100 * 1024 * 1024

    def wants(self, rule: str) -> bool:
        if not self.select and rule in OPT_IN_RULES:
            return False
        if self.select and not any(rule.startswith(code) for code in self.select):
            return False
        return not any(rule.startswith(code) for code in self.ignore)


DEFAULT_OPTIONS = ScanOptions()


class DiscoverOptions(NamedTuple):
    """Which files a scan looks at.  Built from the command line and ``[tool.hf-secret-guard]``.

    Patterns are read by ``excludes.Excluder``: a name (``.venv``) matches at any depth, a path
    (``fixtures/**``) is relative to ``root`` unless it was already made absolute (config patterns are made
    absolute against the config file's directory).
    """

    exclude: Optional[tuple[str, ...]] = None  # None: excludes.DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    root: str = "."  # where relative patterns and explicitly named files are measured from
    gitignore: bool = True  # in a git work tree, list files with git (honours .gitignore)
    force_exclude: bool = False  # apply the excludes to files named explicitly too (pre-commit)


FixStyle = Literal["auto", "userdata", "kaggle", "env"]
FIX_STYLES: tuple[FixStyle, ...] = ("auto", "userdata", "kaggle", "env")
DEFAULT_SECRET_NAME = DEFAULT.secret_name


class FixOptions(NamedTuple):
    """``style`` says where the secret comes from at run time: Colab's ``userdata``, Kaggle's
    ``UserSecretsClient`` or ``os.environ``; ``auto`` (the default) chooses per file by where it runs: a
    notebook reads Colab's Secrets unless Kaggle saved it, a ``.py`` file the environment unless it already
    imports ``google.colab`` or ``kaggle_secrets`` (``fix.document.style_for``).

    ``secret_name`` names a token that has no environment key of its own (a literal passed to
    ``login(token=...)``); an environment write always uses its key.
    """

    style: FixStyle = "auto"
    secret_name: Optional[str] = None  # None: each key's provider's own name (HF_TOKEN for Hugging Face)


DEFAULT_FIX_OPTIONS = FixOptions()
