"""The floor for any Python scanner: walk the tree, read every .py/.ipynb file, run one compiled regex.

    python benchmarks/regex_floor.py DIR_OR_FILE

It prints how many token-shaped strings it saw (no boundaries, no placeholders, no notebook structure,
no environment writes): a lower bound on time, not a scanner.  Stdlib only, so it starts as fast as
Python can.
"""

from __future__ import annotations

import os
import re
import sys

TOKEN_RE = re.compile(rb"hf_[A-Za-z0-9]{34}|api_org_[A-Za-z]{34}")
SUFFIXES = (".py", ".ipynb")


def files(top: str) -> list[str]:
    if not os.path.isdir(top):
        return [top]
    found = []
    for root, directories, names in os.walk(top):
        directories.sort()
        found += [os.path.join(root, name) for name in sorted(names) if name.endswith(SUFFIXES)]
    return found


def main() -> int:
    count = 0
    for path in files(sys.argv[1]):
        with open(path, "rb") as handle:
            count += len(TOKEN_RE.findall(handle.read()))
    print(f"{count} token-shaped strings")
    return 1 if count else 0


if __name__ == "__main__":
    raise SystemExit(main())
