"""A parse error names the line and column of the problem, as CPython finds it (libcst says "@ 1:1")."""

from __future__ import annotations

import pytest

from hf_secret_guard.read.python_parse import ParseError, parse_module


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x = 1\ny = 2\nz = (\n", "line 3, column 5: '(' was never closed"),
        ('a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nx = "abc\n', "line 6, column 5: unterminated string literal"),
        ("def f(:\n    pass\n", "line 1, column 7: invalid syntax"),
    ],
)
def test_parse_error_names_the_real_line(source: str, reason: str) -> None:
    with pytest.raises(ParseError) as error:
        parse_module(source)
    assert str(error.value).startswith(reason)


def test_a_name_libcst_refuses_is_a_parse_error_not_a_crash() -> None:
    """U+105C0 passes CPython's tokenizer far enough for libcst to build a Name its validator rejects."""
    with pytest.raises(ParseError):
        parse_module("x = 1\n\U000105c0\n")
