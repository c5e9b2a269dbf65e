"""Mask tokens in data on its way out: text, nested JSON, MIME bundles, kernel messages, and a text stream
that is written in pieces.

Each function gives back the very object it was given when there was nothing to mask, so clean output
goes out unchanged (and uncopied).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TextIO

from hf_secret_guard.providers import FORMATS, PREFIXES
from hf_secret_guard.tokens import find_tokens, mask, redact_counting

# The longest key any provider's format allows: a stream holds back at most that much of a line.
MAX_TOKEN_LENGTH = max(len(fmt.prefix) + fmt.longest for _, fmt in FORMATS if fmt.anywhere)
# How far back the detector looks for an escape (``\x1b[0;31m``) glued to a token's left side.
_LEFT_CONTEXT = 16
# What a key may be made of (base64url, base64, the dots of Gemini's prefix): a piece of one is held back.
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.")

_BINARY_MIME_PREFIXES = ("image/", "audio/", "video/", "font/")
_BINARY_MIMES = frozenset({"application/pdf", "application/octet-stream", "application/zip"})

# Kernel messages whose content is output; the rest (code echoes, widget state, status) pass untouched.
OUTPUT_MESSAGES = frozenset(
    {"stream", "display_data", "update_display_data", "execute_result", "error", "inspect_reply"}
)
_REPLY_ERROR_FIELDS = ("ename", "evalue", "traceback")


def may_hold_token(text: str) -> bool:
    """The cheap test in front of the regular expression."""
    return any(prefix in text for prefix in PREFIXES)


def mask_text(text: str) -> tuple[str, int]:
    """``text`` with every token masked (``hf_****abcd``), and how many there were."""
    if not may_hold_token(text):
        return text, 0
    return redact_counting(text)


def is_binary_mime(key: object) -> bool:
    """``image/png`` and the like hold base64: never a token, and often megabytes; SVG is text."""
    if not isinstance(key, str) or key == "image/svg+xml":
        return False
    return key.startswith(_BINARY_MIME_PREFIXES) or key in _BINARY_MIMES


def _mask_strings(items: list[Any]) -> tuple[list[Any], int]:
    """A list of strings, such as nbformat's multiline text, where a token may be split across items."""
    masked = [mask_text(item) for item in items]
    count = sum(n for _, n in masked)
    joined = "".join(items)
    if may_hold_token(joined):
        whole, whole_count = mask_text(joined)
        if whole_count > count:  # a token was split between two items: mask the joined text
            return whole.splitlines(keepends=True), whole_count
    if not count:
        return items, 0
    return [text for text, _ in masked], count


def mask_value(value: Any) -> tuple[Any, int]:
    """Every string in JSON-like data masked, dictionary keys included; values under a binary MIME key are
    left alone.  Containers are copied only where something changed (a dict subclass becomes a dict)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        count = 0
        changed = False
        items: list[tuple[Any, Any]] = []
        for key, item in value.items():
            new_key, key_count = mask_value(key) if isinstance(key, str) else (key, 0)
            new_item, item_count = (item, 0) if is_binary_mime(key) else mask_value(item)
            count += key_count + item_count
            changed = changed or new_key is not key or new_item is not item
            items.append((new_key, new_item))
        return (dict(items), count) if changed else (value, 0)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, str) for item in value):
            strings, count = _mask_strings(list(value))
            if not count:
                return value, 0
            return (tuple(strings) if isinstance(value, tuple) else strings), count
        results = [mask_value(item) for item in value]
        count = sum(n for _, n in results)
        if not count:
            return value, 0
        new = [item for item, _ in results]
        return (tuple(new) if isinstance(value, tuple) else new), count
    return value, 0


def mask_message(msg_type: str, content: Any) -> tuple[Any, int]:
    """The content of one kernel message as it should leave the kernel."""
    if msg_type in OUTPUT_MESSAGES:
        return mask_value(content)
    if msg_type == "execute_reply" and isinstance(content, dict) and content.get("status") == "error":
        # The reply repeats the error; its payload (%load's next cell, the pager) is left as it is.
        fields = {name: content[name] for name in _REPLY_ERROR_FIELDS if name in content}
        masked, count = mask_value(fields)
        return ({**content, **masked}, count) if count else (content, 0)
    return content, 0


class MaskingStream:
    """A text stream that masks tokens before they reach ``target`` (``sys.stdout``, a kernel stream).

    A token can arrive in pieces: ``print`` writes the value, then the line end, and programs write in
    chunks.  So a tail of up to one token's length that could still grow into a token is held back until
    the next write shows how it ends, a line end or other separator arrives, or ``flush`` is called.
    Anything else is the target's: attributes are looked up there.
    """

    def __init__(
        self,
        target: TextIO,
        on_masked: Callable[[int], None],
        active: Callable[[], bool],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.hfsg_target = target
        self._on_masked = on_masked
        self._active = active
        self._on_error = on_error
        self._pending = ""  # written, not yet passed on: could be the start of a token
        self._context = ""  # the last characters passed on: what a token's left boundary depends on
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hfsg_target, name)

    def __repr__(self) -> str:
        return f"<hf-secret-guard masking {self.hfsg_target!r}>"

    def write(self, text: str) -> int:
        if not isinstance(text, str) or not self._active():
            self.flush_pending()
            return int(self.hfsg_target.write(text) or 0)
        with self._lock:
            try:
                out, count = self._take(text)
            except Exception as exc:  # never lose the user's output to a bug here
                self._on_error(exc)
                out, count = self._pending + text, 0
                self._pending, self._context = "", ""
            if out:
                self.hfsg_target.write(out)
        if count:
            self._on_masked(count)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.flush_pending()
        self.hfsg_target.flush()

    def flush_pending(self) -> None:
        """Pass on what was held back, masked: the cell ended, or the program asked to flush."""
        with self._lock:
            if not self._pending:
                return
            full = self._context + self._pending
            try:
                out, count = self._emit(full, len(self._context), len(full))
            except Exception as exc:
                self._on_error(exc)
                out, count = self._pending, 0
            # What follows a flush starts afresh: a token written next is masked even if the text before
            # it ended in a letter (the detector would take the two for one longer word).
            self._pending, self._context = "", ""
            self.hfsg_target.write(out)
        if count:
            self._on_masked(count)

    def _take(self, text: str) -> tuple[str, int]:
        full = self._context + self._pending + text
        base = len(self._context)
        # Hold back a trailing run of word characters: it may be a token still being written.
        cut = len(full)
        floor = max(base, len(full) - MAX_TOKEN_LENGTH)
        while cut > floor and full[cut - 1] in _WORD:
            cut -= 1
        return self._emit(full, base, cut)

    def _emit(self, full: str, base: int, cut: int) -> tuple[str, int]:
        """Mask ``full[base:cut]`` (moving ``cut`` back to the start of a token it would split)."""
        matches = [m for m in find_tokens(full) if m.start >= base] if may_hold_token(full) else []
        for match in matches:
            if match.start < cut < match.end:
                cut = match.start
        pieces: list[str] = []
        last = base
        count = 0
        for match in matches:
            if match.end > cut:
                break
            pieces.append(full[last : match.start])
            pieces.append(mask(match.value))
            last = match.end
            count += 1
        pieces.append(full[last:cut])
        self._pending = full[cut:]
        self._context = full[max(0, cut - _LEFT_CONTEXT) : cut]
        return "".join(pieces), count
