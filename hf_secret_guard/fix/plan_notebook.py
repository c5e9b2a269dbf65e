"""Fix a notebook: code cells get new sources, everything else gets its tokens masked in place.

- A code cell's new source is planned on the cell's text (Python through libcst with the IPython lines
  masked, IPython lines by ``plan_ipython``), then written back into the JSON in the file's style.
- Outputs, markdown, metadata and anything the raw sweep found: a token is ASCII letters and digits, so
  it stands verbatim in the JSON text and is replaced there by its masked form.
- ``from google.colab import userdata`` goes into the first cell that needs it, unless an earlier code
  cell imports it already (after a ``%%capture``-style first line, which must stay first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional, cast

from hf_secret_guard.fix.apply import apply_edits
from hf_secret_guard.fix.check import Checker, checker_for, notebook_is_valid
from hf_secret_guard.fix.imports import imports_os, imports_userdata, plan_imports
from hf_secret_guard.fix.jsonstyle import ensure_ascii_style, source_edits
from hf_secret_guard.fix.literals import PythonSyntaxError, parse
from hf_secret_guard.fix.model import FixOptions
from hf_secret_guard.fix.names import SecretNames
from hf_secret_guard.fix.plan_ipython import plan_ipython
from hf_secret_guard.fix.plan_python import Plan, plan_python
from hf_secret_guard.ftypes import Edit, Finding, Leak, Part
from hf_secret_guard.read.ipython import MaskedCell, mask_cell
from hf_secret_guard.read.jsonspan import JsonPath
from hf_secret_guard.read.notebook import NotebookRead, raw_offset, read_notebook
from hf_secret_guard.tokens import is_token, mask


class NotebookFixError(ValueError):
    """The notebook cannot be fixed safely (it no longer reads, or the result would not validate)."""


@dataclass(frozen=True)
class NotebookPlan:
    text: str
    fixed: frozenset[int]  # indexes into the findings
    reasons: dict[int, str]
    names: frozenset[str]


def _masked(text: str) -> tuple[MaskedCell, Optional[Checker]]:
    """The same masking the scan used: plain first, then with automagic lines when that does not parse."""
    masked = mask_cell(text)
    check = checker_for(masked.python) if masked.python_body else None
    if masked.python_body and check is None:
        automagic = mask_cell(text, automagic=True)
        automagic_check = checker_for(automagic.python)
        if automagic_check is not None:
            return automagic, automagic_check
    return masked, check


def _header_end(text: str, masked: MaskedCell) -> int:
    """After the first line of a ``%%time``-style cell: the magic must stay the cell's first line."""
    if masked.cell_magic is None or not masked.shell_lines:
        return 0
    end = masked.shell_lines[0][1]
    if text.startswith("\r\n", end):
        return end + 2
    return end + 1 if end < len(text) else end


@dataclass
class _Imports:
    userdata: bool = False
    os_module: bool = False


def _plan_cell(
    text: str, leaks: Sequence[Leak], names: SecretNames, options: FixOptions, imported: _Imports
) -> tuple[list[Edit], Plan]:
    masked, check = _masked(text)
    module = None
    if check is not None:
        try:
            module = parse(masked.python)
        except PythonSyntaxError:
            check = None
    plan = plan_python(masked.python, leaks, names, options, module, check)
    plan.merge(plan_ipython(text, leaks, names, options))
    edits = list(plan.edits)
    userdata = plan.userdata and not imported.userdata
    os_module = plan.os_module and not imported.os_module
    if userdata or os_module:
        edits += plan_imports(
            masked.python,
            module,
            userdata=userdata,
            os_module=os_module,
            first_use=plan.first_use,
            min_offset=_header_end(text, masked),
            newline="\n",
        )
    if edits and check is not None:
        new_masked, _ = _masked(apply_edits(text, edits))
        if not check(new_masked.python):
            for index in plan.fixed:
                plan.reasons[index] = "the fixed cell would not parse"
            plan.fixed.clear()
            plan.names.clear()
            return [], plan
    return edits, plan


def _redaction(raw: str, notebook: NotebookRead, finding: Finding) -> Optional[Edit]:
    if finding.part_index < 0:
        start = finding.span.start
    else:
        part = notebook.parts[finding.part_index]
        start = finding.span.start if part.raw_start >= 0 else raw_offset(raw, part, finding.span.start)
    end = start + len(finding.secret)
    if raw[start:end] != finding.secret or not is_token(finding.secret):
        return None
    return Edit(start, end, mask(finding.secret))


def _path(part: Part) -> JsonPath:
    return cast(JsonPath, part.json_path)


def _code_part(notebook: NotebookRead, finding: Finding) -> Optional[Part]:
    if 0 <= finding.part_index < len(notebook.parts):
        part = notebook.parts[finding.part_index]
        if part.kind == "code" and part.json_path[-1:] == ("source",):
            return part
    return None


def plan_notebook(raw: str, findings: Sequence[Finding], options: FixOptions) -> NotebookPlan:
    """The notebook text with ``findings`` (all fixable) fixed.

    Raises ``NotebookFixError`` when it cannot be fixed safely.
    """
    try:
        notebook = read_notebook(raw)
    except ValueError as exc:
        raise NotebookFixError(f"cannot read the notebook ({exc})") from None
    reasons: dict[int, str] = {}
    fixed: set[int] = set()
    by_cell: dict[tuple[Any, ...], list[int]] = {}
    raw_edits: list[Edit] = []
    code_spans = [
        notebook.spans[_path(part)] for part in notebook.parts if part.kind == "code" and part.json_path
    ]
    for index, finding in enumerate(findings):
        part = _code_part(notebook, finding)
        if part is not None:
            by_cell.setdefault(part.json_path, []).append(index)
            continue
        edit = _redaction(raw, notebook, finding)
        if edit is None or any(start <= edit.start < end for start, end in code_spans):
            reasons[index] = "the token is not written out verbatim in the notebook JSON"
            continue
        raw_edits.append(edit)
        fixed.add(index)

    code_leaks = [findings[i].as_leak() for indexes in by_cell.values() for i in indexes]
    names = SecretNames(code_leaks, options.secret_name)
    ensure_ascii = ensure_ascii_style(raw)
    imported = _Imports()
    used: set[str] = set()
    for part in notebook.parts:
        if part.kind != "code" or not part.json_path or part.json_path[-1] != "source":
            continue
        indexes = by_cell.get(part.json_path, [])
        text = part.text
        if indexes:
            leaks = [findings[i].as_leak() for i in indexes]
            edits, plan = _plan_cell(text, leaks, names, options, imported)
            fixed.update(indexes[i] for i in plan.fixed)
            used |= plan.names
            reasons.update({indexes[i]: reason for i, reason in plan.reasons.items()})
            if edits:
                value = _value_at(notebook.value, part.json_path)
                raw_edits += source_edits(raw, notebook.spans, _path(part), value, edits, ensure_ascii)
                text = apply_edits(text, edits)
        imported.userdata |= imports_userdata(text)
        imported.os_module |= imports_os(text)
    for index in range(len(findings)):
        if index not in fixed and index not in reasons:
            reasons[index] = "no rewrite applies here"
    new = apply_edits(raw, raw_edits)
    _check(notebook, new)
    return NotebookPlan(new, frozenset(fixed), reasons, frozenset(used))


def _value_at(value: Any, path: Sequence[Any]) -> Any:
    for key in path:
        value = value[key]
    return value


def _check(before: NotebookRead, text: str) -> None:
    if text == before.raw:
        return
    try:
        json.loads(text)  # what every other tool will read it with
        after = read_notebook(text)
    except ValueError as exc:
        raise NotebookFixError(f"the fixed notebook would not be valid JSON ({exc})") from None
    if len(after.parts) != len(before.parts) or [p.json_path for p in after.parts] != [
        p.json_path for p in before.parts
    ]:
        raise NotebookFixError("the fixed notebook would not have the same cells and outputs")
    if notebook_is_valid(before.value) and not notebook_is_valid(after.value):
        raise NotebookFixError("the fixed notebook would not pass nbformat validation")
