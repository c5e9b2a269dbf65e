"""PEP 561: the package says it is typed, so mypy users of the API get our annotations."""

from __future__ import annotations

import importlib.resources


def test_py_typed_marker_ships_in_the_package() -> None:
    # hatch puts every file under hf_secret_guard/ into the wheel (checked by hand with `uv build --wheel`).
    marker = importlib.resources.files("hf_secret_guard") / "py.typed"
    assert marker.is_file()
