"""Golden cases: whole inputs with their expected reports, kept as files so that a change of output is a
reviewable diff (``pytest tests/test_golden.py --update-golden`` rewrites them).

Inputs and expected outputs hold placeholders, never tokens: ``<T1>``, ``<T2>``, ``<ORG>`` (and ``<M1>``…
for their masked forms, see ``fix_support``), ``<KEY:provider>`` for a generated key of that provider's
first format and ``<MKEY:provider>`` for its mask. They are filled when a case is loaded and put back when
expected outputs are written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hf_secret_guard._version import __version__
from hf_secret_guard.providers import PROVIDERS
from hf_secret_guard.tokens import mask
from tests.conftest import make_key
from tests.fix_support import PLACEHOLDERS

GOLDEN = Path(__file__).parent / "data" / "golden"
CASES = sorted(path.name for path in GOLDEN.iterdir() if path.is_dir())

_KEYS = {p.name: make_key(p.formats[0]) for p in PROVIDERS if p.formats}
VALUES: dict[str, str] = {
    **PLACEHOLDERS,
    **{f"<KEY:{name}>": key for name, key in _KEYS.items()},
    **{f"<MKEY:{name}>": mask(key) for name, key in _KEYS.items()},
}
SECRETS = tuple(value for name, value in VALUES.items() if not name.startswith(("<M", "<T1a", "<T1b")))
_PLACEHOLDER = re.compile("|".join(re.escape(name) for name in sorted(VALUES, key=len, reverse=True)))
_VALUE = re.compile("|".join(re.escape(value) for value in sorted(VALUES.values(), key=len, reverse=True)))
_BY_VALUE = {value: name for name, value in VALUES.items() if not name.startswith(("<T1a", "<T1b"))}


def fill(text: str) -> str:
    return _PLACEHOLDER.sub(lambda m: VALUES[m.group()], text)


def unfill(text: str) -> str:
    """Output with every known token and mask written as its placeholder, and the version as ``<VERSION>``."""
    text = _VALUE.sub(lambda m: _BY_VALUE.get(m.group(), m.group()), text)
    return text.replace(f'"version": "{__version__}"', '"version": "<VERSION>"')


def materialize(case: str, target: Path) -> Path:
    """The case's ``files/`` tree under ``target``, placeholders filled; returns the folder."""
    source = GOLDEN / case / "files"
    out = target / "files"
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = out / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()  # binary files keep their bytes; placeholders are filled in them too
            dest.write_bytes(
                fill(data.decode("latin-1")).encode("latin-1")
                if b"\0" in data
                else fill(data.decode()).encode()
            )
    return out


def replace_tree(source: Path, dest: Path) -> None:
    """Write ``source`` (a fixed tree) to ``dest`` with its tokens as placeholders."""
    shutil.rmtree(dest, ignore_errors=True)
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(unfill(path.read_bytes().decode("utf-8")).encode("utf-8"))
