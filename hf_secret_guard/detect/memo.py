"""Results remembered by the text they were computed from, per process: template notebooks and scripts
repeat the same cells and statements many times.  Bounded in entries and in characters of text, emptied
when full, so a tree of many distinct long texts cannot make a memo large."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

_K = TypeVar("_K", bound=Hashable)
_T = TypeVar("_T")


class Memo(dict[_K, _T]):
    """At most ``most`` entries, computed from at most ``most_chars`` characters of text in all."""

    def __init__(self, most: int, most_chars: int) -> None:
        super().__init__()
        self.most = most
        self.most_chars = most_chars
        self.chars = 0  # of the texts remembered

    def keep(self, key: _K, text: str, value: _T) -> None:
        """Remember ``value``, computed from ``text``, under ``key`` (emptied first when full)."""
        if len(self) >= self.most or self.chars + len(text) > self.most_chars:
            self.clear()
        self[key] = value
        self.chars += len(text)

    def remember(self, key: _K, text: str, compute: Callable[[], _T]) -> _T:
        """The value under ``key``, computed from ``text`` by ``compute`` the first time."""
        found = self.get(key)
        if found is None:
            found = compute()
            self.keep(key, text, found)
        return found

    def clear(self) -> None:
        super().clear()
        self.chars = 0
