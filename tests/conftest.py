"""Shared test helpers: fake tokens are generated here, never written in the test sources."""

from __future__ import annotations

import gc
import os
import random
import re
import shutil
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# jsonschema, under nbformat, builds dozens of lark grammars at import when rfc3987-syntax is installed
# (jupyter-server brings it into the dev environment): the longest import of every test worker, for an
# "iri" format check that no schema and no test here uses. Without the module, jsonschema skips that check.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

REPO = Path(__file__).resolve().parent.parent


def _bytecode_cache_for_this_run() -> Path | None:
    """With PYTHONDONTWRITEBYTECODE set (some machines set it for every shell), each process the suite
    starts would compile libcst, click and this package from source again, and each test worker too.
    The run keeps bytecode in a folder of its own virtual environment instead (PYTHONPYCACHEPREFIX), for
    this process and, through the environment, every Python process it starts, the test workers first:
    nothing is written into the source tree, and the next run starts warm. Returns the folder."""
    if not sys.dont_write_bytecode or sys.prefix == sys.base_prefix:
        return None  # bytecode is cached as usual (or a parent run set the folder), or no venv to hold it
    folder = Path(sys.prefix) / "hf-secret-guard-tests-pycache"
    try:
        folder.mkdir(exist_ok=True)
    except OSError:  # a read-only environment: the run compiles as the shell asked
        return None
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)
    sys.pycache_prefix = str(folder)
    sys.dont_write_bytecode = False
    return folder


def _prune_bytecode(folder: Path, mirror: Path, kept: tuple[Path, ...]) -> None:
    """Drop the bytecode of sources outside the kept trees: the throwaway environments and files the tests
    made, which would otherwise pile up run after run (the folder mirrors each source's absolute path)."""
    for entry in folder.iterdir():
        source = mirror / entry.name
        if any(source == tree or tree in source.parents for tree in kept):
            continue
        if entry.is_dir() and any(source in tree.parents for tree in kept):
            _prune_bytecode(entry, source, kept)
        elif entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


_BYTECODE_CACHE = _bytecode_cache_for_this_run()

# Imported once the bytecode folder is set (compiled from source, Hypothesis alone takes half a second).
from click.testing import CliRunner  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from hf_secret_guard.providers.spec import TokenFormat  # noqa: E402
from tests.fake_keys import generate  # noqa: E402


def pytest_unconfigure(config: pytest.Config) -> None:
    if _BYTECODE_CACHE:  # the run that set the folder up (not a test worker)
        kept = tuple(Path(p).resolve() for p in {str(REPO), sys.prefix, sys.base_prefix})
        _prune_bytecode(_BYTECODE_CACHE, Path("/"), kept)


# The property tests' example counts are for the everyday run; ``--hypothesis-profile=thorough`` gives each
# twenty times as many, a deeper search (a minute, not seconds), which ``.ci/run`` runs after the suite.
hypothesis_settings.register_profile("thorough", max_examples=2000)


def examples(count: int) -> int:
    """``count`` examples, scaled by the Hypothesis profile's ``max_examples`` against its default 100
    (``thorough``: twenty times as many)."""
    return max(1, count * hypothesis_settings.default.max_examples // 100)


def make_token(seed: int = 0, prefix: str = "hf_", digits: bool = False) -> str:
    """A fake token: mixed-case letters (and digits when asked), random but repeatable."""
    rng = random.Random(f"hf-secret-guard-test-{prefix}-{seed}-{digits}")
    alphabet = string.ascii_letters + (string.digits if digits else "")
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(34))
        mixed_case = any(c.islower() for c in body) and any(c.isupper() for c in body)
        if mixed_case and (not digits or any(c.isdigit() for c in body)):
            return prefix + body


TOKEN = make_token(1)
TOKEN2 = make_token(2)
ORG_TOKEN = make_token(3, prefix="api_org_")
DIGIT_TOKEN = make_token(4, digits=True)


def fill(example: str, token: str = TOKEN) -> str:
    """Put generated tokens into a rule example."""
    return example.format(TOKEN=token, TOKEN_HEAD=token[:12], TOKEN_TAIL=token[12:], ORG_TOKEN=ORG_TOKEN)


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real console entry point, as a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "hf_secret_guard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def cli_runner() -> CliRunner:
    """click's CliRunner with stderr kept apart from stdout on every supported click: 8.1
    mixes them unless told not to; 8.2+ always keeps them apart and has no ``mix_stderr``."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


@pytest.fixture
def token() -> str:
    return TOKEN


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def make_key(fmt: TokenFormat, seed: int = 0) -> str:
    """A fake key in any provider's format (its checksum sealed where it has one): random, mixed case
    where the format mixes cases, repeatable, and never committed."""
    rng = random.Random(f"hf-secret-guard-test-{fmt.prefix}-{fmt.display}-{seed}")
    for _ in range(1000):
        key = fmt.prefix + generate(fmt.body, rng)
        if fmt.seal is not None:
            key = fmt.seal(key)
        body = key[len(fmt.prefix) :]
        mixed = any(c.islower() for c in body) and any(c.isupper() for c in body)
        if (
            (mixed or not fmt.mixed_case)
            and re.fullmatch(fmt.pattern, key)
            and (fmt.check is None or fmt.check(key))
        ):
            return key
    raise AssertionError(f"no fake key for {fmt.display}: its pattern is outside what _generate reads")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that start processes first: the long ones are then spread over the workers while short
    tests fill the end, and no worker finishes alone with a slow test (each module's order stays)."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (modules, libcst, IPython, Hypothesis) lives until the end: moved out of
    the collector's sight, so each collection (IPython's ``reset`` calls one per test) walks only what
    the tests made since."""
    gc.freeze()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/data/golden/ expected outputs and the README's report from this run, for review",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
