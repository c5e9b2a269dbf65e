"""The package's regexes, compiled once per install (``hf_secret_guard.regexes``): the real command line
writes the cache where bytecode goes, reads it back, never keeps what a user wrote, and survives a cache
that is damaged or another interpreter's."""

from __future__ import annotations

import marshal
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hf_secret_guard import regexes
from tests.conftest import REPO, make_token

FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="module")
def bytecode_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bytecode folder (``PYTHONPYCACHEPREFIX``) for the module's runs: the package and click are
    compiled into it once; each test starts with no regex cache in it."""
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture
def prefix(bytecode_folder: Path) -> Iterator[Path]:
    for cache in bytecode_folder.rglob("*.regexes"):
        cache.unlink()
    yield bytecode_folder


def scan(
    prefix: Path, *args: str, write: bool = True, cwd: Path = REPO, python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The real command line (``python: interpreter options``), its bytecode and regexes under ``prefix``."""
    return subprocess.run(
        [sys.executable, *python, "-m", "hf_secret_guard", "scan", "--format", "json", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment(prefix, write),
        check=False,
    )


def environment(prefix: Path, write: bool = True) -> dict[str, str]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def the_cache(prefix: Path) -> Path:
    (cache,) = prefix.rglob("regexes.*.regexes")
    return cache


def test_a_run_writes_the_cache_and_the_next_reads_it_back(prefix: Path) -> None:
    first = scan(prefix, str(FIXTURES))
    assert first.returncode == 1, first.stderr
    cache = the_cache(prefix)
    written = cache.read_bytes()
    stamp = cache.stat().st_mtime_ns

    second = scan(prefix, str(FIXTURES))
    assert (second.returncode, second.stdout, second.stderr) == (1, first.stdout, first.stderr)
    # Nothing compiled that the cache did not hold, so nothing written.
    assert cache.read_bytes() == written and cache.stat().st_mtime_ns == stamp


def test_every_kept_pattern_is_what_re_compiles(prefix: Path) -> None:
    assert scan(prefix, str(FIXTURES)).returncode == 1
    tag, stored = marshal.loads(the_cache(prefix).read_bytes())
    assert tag == regexes._TAG
    assert len(stored) > 100
    build = __import__("_sre").compile
    for (_, pattern, flags), arguments in stored.items():
        assert build(pattern, *arguments) == re.compile(pattern, flags), pattern


def test_a_damaged_or_foreign_cache_costs_only_the_compiling(prefix: Path) -> None:
    expected = scan(prefix, str(FIXTURES))
    cache = the_cache(prefix)
    tag, stored = marshal.loads(cache.read_bytes())
    wrong = {next(iter(stored)): (0, [999, 1, 2], 0, {}, ())}  # code ``_sre`` refuses
    for content in (
        b"not marshal at all",
        marshal.dumps(("another interpreter", stored)),
        marshal.dumps((tag, wrong)),
        b"",
    ):
        cache.write_bytes(content)
        again = scan(prefix, str(FIXTURES))
        assert (again.returncode, again.stdout, again.stderr) == (1, expected.stdout, expected.stderr)
        assert marshal.loads(cache.read_bytes())[0] == tag  # written again, whole


def test_nothing_is_written_where_bytecode_may_not_be(prefix: Path) -> None:
    assert scan(prefix, str(FIXTURES), write=False).returncode == 1
    assert not list(prefix.rglob("*.regexes"))


def test_the_cache_holds_no_key_and_nothing_a_user_wrote(prefix: Path, tmp_path: Path) -> None:
    """Patterns built from a file's text (the name ``os.environ`` is imported as) or from the
    configuration (exclude globs of paths and of names, the latter joined with the default excludes,
    which alone are kept) are compiled as usual, never kept."""
    key, marker = make_token(7), "zqmarker"
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        f'[tool.hf-secret-guard]\nextend-exclude = ["{marker}_dir/*", "{marker}_name"]\n'
        f'secret-names = ["{marker.upper()}_KEY"]\n',
        encoding="utf-8",
    )
    (project / "leak.py").write_text(
        f'from os import environ as {marker}_env\n{marker}_env["HF_TOKEN"] = "{key}"\n'
        f'login(token={marker}_env["HF_TOKEN"])\n',  # the alias read in a call: a pattern of its own
        encoding="utf-8",
    )
    shutil.copy(FIXTURES / "leaky_colab.ipynb", project)
    result = scan(prefix, ".", cwd=project)
    assert result.returncode == 1 and key[-4:] in result.stdout
    held = the_cache(prefix).read_bytes()
    for secret in (key, key[3:15], marker):
        assert secret.encode() not in held
    # A list of default names of the configuration's own (repeated here) is the configuration's too: one
    # more cache entry at every run that reads it, were its join kept.
    (project / "pyproject.toml").write_text('[tool.hf-secret-guard]\nexclude = ["dist", "build", "build"]\n')
    assert scan(prefix, ".", cwd=project).returncode == 1
    assert b"(?:dist)|(?:build)|(?:build)" not in the_cache(prefix).read_bytes()


def test_a_pattern_is_compiled_once_per_process_and_as_re_compiles_it() -> None:
    for pattern, flags in ((r"hf_[A-Za-z]{34}", 0), (rb"\x00(?<=a)", 0), (r"(?P<name>x)|y", re.IGNORECASE)):
        compiled = regexes.compile(pattern, flags)
        assert compiled is regexes.compile(pattern, flags)
        assert compiled == re.compile(pattern, flags)


def test_str_and_bytes_patterns_of_the_same_text_are_told_apart_under_python_bb(prefix: Path) -> None:
    """The package compiles some patterns as text and as bytes; their keys hash alike, and comparing a str
    with bytes is an error under ``python -bb``: the keys hold the type first."""
    expected = scan(prefix, str(FIXTURES))
    for _ in range(2):  # writing the cache, then reading it
        strict = scan(prefix, str(FIXTURES), python=("-bb",))
        assert (strict.returncode, strict.stdout, strict.stderr) == (1, expected.stdout, expected.stderr)


@pytest.mark.skipif(os.name != "posix", reason="file modes and symbolic links as POSIX has them")
def test_the_cache_is_written_as_bytecode_is_never_through_a_planted_link(
    prefix: Path, tmp_path: Path
) -> None:
    """With the source's mode (not the umask's: never writable by others when the source is not), and
    through a new file of its own: a link planted at its temporary name is not followed."""
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    script = (
        "import os\n"
        "from hf_secret_guard import regexes\n"
        "path = regexes.cache_path()\n"
        "os.makedirs(os.path.dirname(path), exist_ok=True)\n"
        f"os.symlink({str(victim)!r}, f'{{path}}.{{os.getpid()}}.tmp')\n"
        "regexes.compile('a pattern of this test')\n"
        "regexes.save()\n"
        "regexes.compile('another pattern of this test')\n"
        "regexes.save()\n"
        "print(path)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment(prefix),
        preexec_fn=lambda: os.umask(0),  # the child's umask only
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert victim.read_text(encoding="utf-8") == "untouched"
    cache = Path(done.stdout.strip())
    assert not cache.is_symlink()
    _, stored = marshal.loads(cache.read_bytes())
    assert (False, "another pattern of this test", 0) in stored
    source = (REPO / "hf_secret_guard" / "regexes.py").stat().st_mode
    assert cache.stat().st_mode & 0o777 == (source | 0o200) & 0o666
