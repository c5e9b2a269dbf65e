"""Is this file a notebook at all?  Asked of files with no candidate text, which are never parsed."""

from __future__ import annotations

from typing import Union

from hf_secret_guard.model import ScanError


def notebook_shape_error(raw: Union[str, bytes], path: str) -> tuple[ScanError, ...]:
    """A check at memory speed: a JSON object that names ``cells`` (or nbformat 3's ``worksheets``)."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"{" and (b'"cells"' in data or b'"worksheets"' in data):
        if not data.rstrip(b" \t\r\n").endswith(b"}"):  # cut off (a failed download, a bad merge)
            return (ScanError(path, "notebook", "invalid JSON (the file ends before the notebook does)"),)
        return ()
    reason = "empty file" if not data.strip() else "no 'cells'"
    return (ScanError(path, "notebook", f"not a Jupyter notebook ({reason}); scanned as text"),)
