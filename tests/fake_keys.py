"""Fake keys in a provider's format, generated from its body regex: for the tests and for the benchmark
tree (``benchmarks/build_tree.py``), so that no key is ever committed as a literal."""

from __future__ import annotations

import random
import re


def _expand(alphabet: str) -> str:
    """The characters of a regex class body such as ``A-Za-z0-9_-``."""
    chars, index = [], 0
    while index < len(alphabet):
        if index + 2 < len(alphabet) and alphabet[index + 1] == "-":
            chars.extend(chr(c) for c in range(ord(alphabet[index]), ord(alphabet[index + 2]) + 1))
            index += 3
        else:
            chars.append(alphabet[index].replace("\\", ""))
            index += 1
    return "".join(c for c in chars if c)


_PIECE = re.compile(
    r"\[(?P<cls>[^\]]+)\](?:\{(?P<a>\d+)(?:,(?P<b>\d+))?\})?|\(\?:(?P<alts>[^()]*)\)(?P<opt>\?)?|\\(?P<esc>.)|(?P<lit>.)"
)


def generate(pattern: str, rng: random.Random) -> str:
    """A string that fully matches ``pattern``, for the small regex subset provider formats use:
    classes with counts, literals, and ``(?:a|b)`` groups (optional with ``?``)."""
    out = []
    for piece in _PIECE.finditer(pattern):
        if piece["cls"]:
            low = int(piece["a"] or 1)
            high = int(piece["b"] or low)
            alphabet = _expand(piece["cls"])
            out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(low, high))))
        elif piece["alts"] is not None:
            if not piece["opt"] or rng.random() < 0.5:
                out.append(generate(rng.choice(piece["alts"].split("|")), rng))
        else:
            out.append(piece["esc"] or piece["lit"])
    return "".join(out)
