"""Every secret type the tool knows: one module per provider in this folder, each defining ``PROVIDER``.

A new provider is one new file here; nothing else changes.  The registry is plain data, cheap to import
(every run reads its prefixes for the byte screen), and is the only home of what a key looks like.
"""

from __future__ import annotations

import importlib
import os

from hf_secret_guard import regexes
from hf_secret_guard.providers.spec import Provider, TokenFormat


def _load() -> tuple[Provider, ...]:
    found: list[Provider] = []
    # A listing of this folder, not ``pkgutil.iter_modules``, which loads ``inspect`` on every run.
    names = sorted(entry[:-3] for entry in os.listdir(os.path.dirname(__file__)) if entry.endswith(".py"))
    for name in names:
        if name == "spec" or name.startswith("_"):
            continue
        provider = importlib.import_module(f"{__name__}.{name}").PROVIDER
        if not isinstance(provider, Provider):
            raise TypeError(f"{__name__}.{name}.PROVIDER is not a Provider")
        found.append(provider)
    return tuple(found)


PROVIDERS: tuple[Provider, ...] = _load()
# Longest prefix first, so that a prefix that starts another (``sk-`` and ``sk-proj-``) never shadows it.
FORMATS: tuple[tuple[Provider, TokenFormat], ...] = tuple(
    sorted(
        ((provider, fmt) for provider in PROVIDERS for fmt in provider.formats),
        key=lambda pair: (-len(pair[1].prefix), pair[1].prefix),
    )
)
# The prefixes of the formats reported anywhere, each once: the needles of every screen.  A slot-only
# format is never searched for in free text.
PREFIXES: tuple[str, ...] = tuple(
    dict.fromkeys(fmt.prefix for provider in PROVIDERS for fmt in provider.formats if fmt.anywhere)
)
DEFAULT: Provider = next(p for p in PROVIDERS if p.name == "huggingface")


# ``FORMATS`` whose prefix can start a value that starts with a given character (the first of their
# prefix, or none), in their order: a report names the same few values again and again, and most (the
# placeholders) start with no prefix's first character.
_BY_FIRST: dict[str, tuple[tuple[Provider, TokenFormat], ...]] = {}


def format_of(value: str) -> tuple[Provider, TokenFormat] | None:
    """The provider and format ``value`` is a whole key of; else the one whose prefix it starts with (the
    longest such prefix), which is how a cut or masked key is still named."""
    first = value[:1]
    formats = _BY_FIRST.get(first)
    if formats is None:
        if len(_BY_FIRST) >= 4096:
            _BY_FIRST.clear()
        formats = _BY_FIRST[first] = tuple(pair for pair in FORMATS if pair[1].prefix[:1] in ("", first))
    by_prefix = None
    for provider, fmt in formats:
        if value.startswith(fmt.prefix):
            if regexes.compile(fmt.pattern).fullmatch(value):  # compiled when a key is named
                return provider, fmt
            if fmt.anywhere:
                by_prefix = by_prefix or (provider, fmt)
    return by_prefix


__all__ = ["DEFAULT", "FORMATS", "PREFIXES", "PROVIDERS", "Provider", "TokenFormat", "format_of"]
