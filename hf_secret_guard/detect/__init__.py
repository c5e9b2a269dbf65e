"""Finding leaks: pure functions from a part's text to ``Leak`` values at offsets in that text."""

# libcst takes seconds per megabyte: larger code is scanned as text, never parsed (by libcst, or by ``ast``
# in the stages in front of it, which would buy nothing).
MAX_PARSE_CHARS = 2_000_000
