"""hf-secret-guard: keep Hugging Face tokens out of Python files and Jupyter/Colab notebooks.

The API is importable from here; heavy modules (libcst, nbformat) load only when a file needs them.
"""

from __future__ import annotations

from typing import Any

from hf_secret_guard._version import __version__

_API = {
    "scan_paths",
    "scan_staged",
    "scan_file",
    "scan_bytes",
    "scan_source",
    "scan_notebook",
    "scan_text",
    "fix_source",
    "fix_notebook",
    "fix_bytes",
    "fix_file",
}
__all__ = ["__version__", *sorted(_API)]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext hf_secret_guard``: check cells before they run and mask tokens in their output."""
    from hf_secret_guard.integrations import ipython_ext  # IPython's extension: only inside IPython

    ipython_ext.load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext hf_secret_guard``: put back everything the extension wrapped."""
    from hf_secret_guard.integrations import ipython_ext  # IPython's extension: only inside IPython

    ipython_ext.unload(ipython)


def __getattr__(name: str) -> Any:
    if name in _API:
        from hf_secret_guard import api  # start-up: `import hf_secret_guard` stays light

        return getattr(api, name)
    raise AttributeError(name)
