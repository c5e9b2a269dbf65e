"""Exclude globs from a config the repository wrote: a hostile pattern (many stars) is matched by the
wildcard matcher, which agrees with the regex translation everywhere both apply."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hf_secret_guard.discover.excludes import Excluder, _Glob, _name_regex, _path_regex, _risky
from tests.conftest import examples
from tests.inprocess import run_main

SEGMENT_CHARS = st.sampled_from(list("ab.*?[]!-/"))
NAMES = st.text(alphabet="ab.-", max_size=12)


@settings(max_examples=examples(100), deadline=None, derandomize=True)
@given(pattern=st.text(alphabet=SEGMENT_CHARS, min_size=1, max_size=10), name=NAMES)
@example(pattern="**", name="")  # a name pattern's ``**`` is one star
@example(pattern="[[-?]", name="a")  # a range backwards: ``re`` refused it (found by the thorough profile)
def test_the_wildcard_matcher_agrees_with_the_regex_on_names(pattern: str, name: str) -> None:
    pattern = pattern.replace("/", "")
    if not pattern:
        return
    regex = re.compile(_name_regex(pattern))
    assert _Glob(pattern, path=False).fullmatch(name) == bool(regex.fullmatch(name)), (pattern, name)


@settings(max_examples=examples(100), deadline=None, derandomize=True)
@given(
    segments=st.lists(
        st.sampled_from(["a", "b*", "*", "**", "?b", "[ab]", "a*b*", "[!a]*"]), min_size=1, max_size=5
    ),
    path=st.lists(st.sampled_from(["a", "b", "ab", "ba", "bb", "x"]), max_size=6),
)
def test_the_wildcard_matcher_agrees_with_the_regex_on_paths(segments: list[str], path: list[str]) -> None:
    pattern = "/root/" + "/".join(segments)
    text = "/root/" + "/".join(path) if path else "/root"
    regex = re.compile(_path_regex(pattern))
    assert _Glob(pattern, path=True).fullmatch(text) == bool(regex.fullmatch(text)), (pattern, text)


def test_a_range_backwards_holds_nothing_and_stops_nothing(tmp_path: Path) -> None:
    """``[[-?]`` runs from ``[`` down to ``?``: it holds no character, as in git's wildmatch (the regex
    translation used to hand it to ``re``, which refused it: an internal error on ``--exclude '[[-?]'``)."""
    cases = (("[[-?]", "[", False), ("[[-?]", "?", False), ("[a[-?]", "a", True), ("[!?-[]", "b", True))
    for pattern, name, hit in cases:
        glob = _Glob(pattern, path=False).fullmatch(name)
        assert bool(re.fullmatch(_name_regex(pattern), name)) == glob == hit, (pattern, name)
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_main("scan", "--isolated", "--exclude", "[[-?]", ".", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "") and "1 file" in result.stdout


def test_a_glob_with_many_stars_is_never_a_regex() -> None:
    hostile = "*a" * 12 + "b"
    assert (
        _risky(hostile) and _risky("/x/**/a/**/b") and not _risky("*.egg-info") and not _risky("/x/**/*.py")
    )
    excluder = Excluder([hostile, "src/" + hostile + "/*.py"], root="/repo")
    assert not excluder.globs[0][1].fullmatch("a" * 60)  # a regex would backtrack for minutes here
    assert excluder.match("/repo/" + "a" * 60 + "b", "a" * 60 + "b") is not None
    assert excluder.match("/repo/x/" + "a" * 200, "a" * 200) is None
    assert excluder.match("/repo/src/" + "a" * 30 + "b/m.py", "m.py") is not None
