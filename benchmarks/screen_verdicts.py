"""Every screen's verdict on every file of a folder, one line per file, to compare two builds.

    python benchmarks/screen_verdicts.py FOLDER... > verdicts.txt

Run it with the interpreter of each build (``/tmp/va/bin/python benchmarks/screen_verdicts.py ...`` and
``/tmp/vb/bin/python ...``) and ``cmp`` the outputs: a screen rewritten for speed must answer as before on
real files, not only on generated ones.  For each ``.py`` file and notebook (and, with ``--all``, each
other file read as text): the byte screen, and on its decoded text each text screen (``token_candidate``,
``slot_candidate``, ``url_candidate``, ``write_names``, ``may_write_secret``, ``python_may_leak``,
``notebook_may_leak``).  Prints paths and booleans only: no file content.  The folders are only read:
point them at clones of public repositories, never commit what they hold.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hf_secret_guard.screen import prefilter


def _verdicts(path: Path) -> str:
    data = path.read_bytes()
    notebook = path.suffix == ".ipynb"
    text = data.decode("utf-8-sig", "replace")
    names = prefilter.write_names(text)
    answers = [
        prefilter.may_contain_leak(data, notebook=notebook),
        prefilter.token_candidate(text, json=notebook),
        prefilter.slot_candidate(text),
        prefilter.url_candidate(text),
        names is not None,
        prefilter.may_write_secret(text, names),
        prefilter.notebook_may_leak(text, (), data) if notebook else prefilter.python_may_leak(text),
    ]
    return "".join("1" if answer else "0" for answer in answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--all", action="store_true", help="every file, not only .py and .ipynb")
    args = parser.parse_args()
    for folder in args.folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if args.all or path.suffix in (".py", ".ipynb"):
                print(_verdicts(path), path)


if __name__ == "__main__":
    main()
