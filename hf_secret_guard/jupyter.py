"""Mask tokens in a notebook's outputs and metadata as Jupyter saves it, before anything reaches the disk.

Either as the contents manager's pre-save hook (one hook only; it replaces any other)::

    # jupyter_server_config.py
    c.FileContentsManager.pre_save_hook = "hf_secret_guard.jupyter.pre_save"

or as a server extension, which adds the hook beside any others (``register_pre_save_hook``)::

    jupyter server extension enable hf_secret_guard.jupyter

Outputs (stream text, tracebacks, every text-like MIME type, output metadata) and cell and notebook
metadata are masked: they are what the kernel printed, not what the user wrote.  Code and markdown sources
are the user's: they are left alone and only reported, with ``hf-secret-guard scan --fix`` as the way to
rewrite them.  The log names places and masked values (``hf_****abcd``), never a token.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping, MutableSequence
from typing import Any, Optional

from hf_secret_guard.integrations.masking import mask_value
from hf_secret_guard.tokens import find_tokens, mask

__all__ = ["mask_notebook", "pre_save"]

_LOG = logging.getLogger("hf_secret_guard.jupyter")


class Masked:
    """What one save changed: ``places`` are (where, masked values) pairs; ``sources`` the cells whose
    source holds a token, left as they are."""

    def __init__(self) -> None:
        self.count = 0
        self.places: list[tuple[str, list[str]]] = []
        self.sources: list[tuple[str, list[str]]] = []


def _masked_forms(before: Any) -> list[str]:
    """The masked forms of the tokens in ``before`` (for the log), in order, each once."""
    found: list[str] = []
    for text in _strings(before):
        for match in find_tokens(text):
            shown = mask(match.value)
            if shown not in found:
                found.append(shown)
    return found


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, MutableMapping):
        return [s for key, item in value.items() for s in _strings(key) + _strings(item)]
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, str) for item in value):
            return ["".join(value)]
        return [s for item in value for s in _strings(item)]
    return []


def _masked(before: Any, where: str, masked: Masked) -> tuple[Any, bool]:
    after, count = mask_value(before)
    if not count:
        return before, False
    masked.places.append((where, _masked_forms(before)))
    masked.count += count
    if isinstance(before, dict) and type(before) is not dict:
        # A NotebookNode stays one (attribute access), for any hook or code that reads the model after us.
        import nbformat  # nbformat (with jsonschema): about a second to import, only to validate

        to_node: Callable[[Any], Any] = nbformat.from_dict
        after = to_node(after)
    return after, True


def _mask_field(container: MutableMapping[str, Any], key: str, where: str, masked: Masked) -> None:
    if key in container:
        after, changed = _masked(container[key], where, masked)
        if changed:
            container[key] = after


def _mask_item(items: MutableSequence[Any], index: int, where: str, masked: Masked) -> None:
    after, changed = _masked(items[index], where, masked)
    if changed:
        items[index] = after


def mask_notebook(notebook: MutableMapping[str, Any]) -> Masked:
    """Mask, in place, the outputs and metadata of a notebook (nbformat 4, as a dict or NotebookNode)."""
    masked = Masked()
    cells = notebook.get("cells")
    if isinstance(cells, list):
        for index, cell in enumerate(cells):
            if not isinstance(cell, MutableMapping):
                continue
            name = f"cell {index + 1}"
            source = cell.get("source")
            if cell.get("cell_type") in ("code", "markdown", "raw") and source is not None:
                forms = _masked_forms(source)
                if forms:
                    masked.sources.append((f"{name} ({cell.get('cell_type')})", forms))
            _mask_field(cell, "metadata", f"{name} metadata", masked)
            outputs = cell.get("outputs")
            if isinstance(outputs, list):
                for number in range(len(outputs)):
                    kind = outputs[number].get("output_type") if isinstance(outputs[number], dict) else None
                    where = f"{name} output {number + 1}" + (f" ({kind})" if kind else "")
                    _mask_item(outputs, number, where, masked)  # image/* data is left alone
    _mask_field(notebook, "metadata", "notebook metadata", masked)
    return masked


def pre_save(model: Any, path: str = "", contents_manager: Any = None, **kwargs: Any) -> None:
    """jupyter_server's pre-save hook: called as ``hook(model=..., path=..., contents_manager=...)``.

    Changes ``model["content"]`` in place when it is a notebook.  Never raises: jupyter_server would log
    the error and save the notebook unmasked anyway, so a failure is logged here, plainly.
    """
    log = _logger(contents_manager)
    try:
        if not isinstance(model, MutableMapping) or model.get("type") != "notebook":
            return
        content = model.get("content")
        if not isinstance(content, MutableMapping):
            return
        masked = mask_notebook(content)
    except Exception as exc:
        log.error(
            "hf-secret-guard: could not check %s before saving (%s); it was saved as it was",
            path,
            type(exc).__name__,
        )
        return
    if masked.count:
        places = "; ".join(f"{where}: {', '.join(forms)}" for where, forms in masked.places)
        log.warning(
            "hf-secret-guard: masked %d Hugging Face token(s) in %s before saving (%s). "
            "A token that was shown in a notebook should be revoked: huggingface.co/settings/tokens",
            masked.count,
            path,
            places,
        )
    if masked.sources:
        places = "; ".join(f"{where}: {', '.join(forms)}" for where, forms in masked.sources)
        log.warning(
            "hf-secret-guard: %s holds a token in its code or text (%s), saved as written: "
            "run `hf-secret-guard scan --fix %s` to read it from the environment instead",
            path,
            places,
            path,
        )


def _logger(contents_manager: Any) -> Any:
    log = getattr(contents_manager, "log", None)
    return log if callable(getattr(log, "warning", None)) else _LOG


# -- as a Jupyter server extension ------------------------------------------------------------------------


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "hf_secret_guard.jupyter"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Add the hook to the server's contents manager, beside any hook already there."""
    manager: Optional[Any] = getattr(serverapp, "contents_manager", None)
    register = getattr(manager, "register_pre_save_hook", None)
    log = getattr(serverapp, "log", _LOG)
    if not callable(register):
        log.error(
            "hf-secret-guard: this contents manager has no register_pre_save_hook (jupyter_server 2 has); "
            'set c.FileContentsManager.pre_save_hook = "hf_secret_guard.jupyter.pre_save" instead'
        )
        return
    register(pre_save)
    log.info("hf-secret-guard: tokens in notebook outputs and metadata are masked when notebooks are saved")
