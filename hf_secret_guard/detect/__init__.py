"""Finding leaks: pure functions from a part's text to ``Leak`` values at offsets in that text."""
