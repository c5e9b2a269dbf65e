"""Fix a notebook: code cells get new sources, everything else gets its tokens masked in place.

- A code cell's new source is planned on the cell's text (Python through libcst with the IPython lines
  masked, IPython lines by ``plan_ipython``), then written back into the JSON in the file's style.
- Outputs, markdown, metadata and anything the raw sweep found: a token is ASCII letters and digits, so
  it stands verbatim in the JSON text and is replaced there by its masked form.
- The cells run in order in one namespace: ``from google.colab import userdata`` goes into the first
  cell that reads a secret, unless a module-level import above the read (in that cell or an earlier
  one) runs first; after a ``%%capture``-style first line, which must stay first.  The names are chosen
  for the whole notebook (``bindings.py``).
- ``%%writefile app.py`` (and ``%%python``) bodies are programs of their own: they get their own import
  and names, and nothing in them counts for the notebook's namespace.  They read the environment
  (``os.environ["HF_TOKEN"]``) whatever the style: Colab's ``userdata`` answers only in the notebook's
  kernel, and ``!python app.py`` runs in a process of its own, which inherits the kernel's environment.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, cast

import libcst as cst

from hf_secret_guard import regexes
from hf_secret_guard.detect.shell import NOT_EXPANDED, expansion_problem
from hf_secret_guard.fix.apply import apply_edits
from hf_secret_guard.fix.bindings import (
    Binding,
    Facts,
    Kind,
    TopImport,
    ast_facts,
    python_facts,
    shell_facts,
    text_facts,
    text_imports,
)
from hf_secret_guard.fix.check import Checker, checker_for, compiles, notebook_is_valid, parse_ast
from hf_secret_guard.fix.imports import newline_of, plan_imports
from hf_secret_guard.fix.jsonstyle import ensure_ascii_style, source_edits
from hf_secret_guard.fix.model import FixOptions, FixStyle
from hf_secret_guard.fix.names import SecretNames
from hf_secret_guard.fix.plan_ipython import SHELL_SITES, plan_ipython
from hf_secret_guard.fix.plan_python import Plan, plan_python
from hf_secret_guard.model import Edit, Finding, Leak, Part
from hf_secret_guard.read.ipython import EXPANDING_KINDS, MaskedCell, mask_cell
from hf_secret_guard.read.jsonspan import JsonPath
from hf_secret_guard.read.notebook import NotebookRead, raw_offset
from hf_secret_guard.read.python_parse import ParseError, parse_module
from hf_secret_guard.tokens import is_token, mask

# Cell magics that run their body as a program of its own (a file, a subprocess), and ones that run it
# in a function (so its imports do not stay in the namespace).
_SEPARATE_PROGRAM_MAGICS = frozenset({"writefile", "python", "python3"})
_LOCAL_BODY_MAGICS = frozenset({"timeit"})
# A cell that never mentions these names binds none of them: it need not be parsed for bindings.
_BINDING_NAMES_RE = regexes.compile(r"\b(?:userdata|os|\w*UserSecretsClient\w*|colab_userdata\w*|_os\w*)\b")


class NotebookFixError(ValueError):
    """The notebook cannot be fixed safely (it no longer reads, or the result would not validate)."""


class NotebookPlan(NamedTuple):
    text: str
    fixed: frozenset[int]  # indexes into the findings
    reasons: dict[int, str]
    names: frozenset[str]
    program_names: frozenset[str] = frozenset()  # what %%writefile / %%python bodies read from the env
    after: Any = None  # ``text`` as json.loads reads it (None when unchanged)
    # The edits to the notebook's text that make ``text``; when ``text`` is "" (not made: see
    # ``plan_notebook``'s ``whole_text``) the caller applies them.
    edits: tuple[Edit, ...] = ()


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
class _Cell:
    """A code cell's Python, parsed once, and what it binds.  A cell that names none of the modules a fix
    reads through (and has no finding) is not even masked: it binds and imports nothing that matters."""

    text: str
    masked: Optional[MaskedCell]
    check: Optional[Checker]
    module: Optional[cst.Module]
    facts: Facts = field(default_factory=Facts)
    top: list[TopImport] = field(default_factory=list)
    parsed: bool = False  # by libcst (``module``) or, for a cell without findings, by ``ast``

    @property
    def separate(self) -> bool:
        return self.masked is not None and self.masked.cell_magic in _SEPARATE_PROGRAM_MAGICS

    @property
    def keeps_imports(self) -> bool:
        """Its module-level imports stay in the notebook's namespace for later cells."""
        return (
            self.masked is not None
            and self.masked.python_body
            and self.masked.cell_magic not in (_SEPARATE_PROGRAM_MAGICS | _LOCAL_BODY_MAGICS)
        )

    def imports(self) -> set[tuple[Kind, str]]:
        if self.masked is None:
            return set()
        if not self.parsed:
            return {(kind, name) for _, kind, name in text_imports(self.masked.python)}
        return {(item.kind, item.name) for item in self.top}


def _cell(text: str, leaks: bool, binds: bool) -> _Cell:
    """``leaks``: the cell has findings (libcst reads it, for the fix); ``binds``: it may bind a name the
    fix uses (CPython's parser is enough when it compiles: the same facts, tested on real cells)."""
    if not leaks and not binds:
        return _Cell(text, None, None, None)
    masked, check = _masked(text)
    if not leaks and check is compiles and masked.python_body:
        cell = _Cell(text, masked, check, None, parsed=True)
        cell.facts, cell.top = ast_facts(parse_ast(masked.python))
        cell.facts.update(shell_facts(text[start:end] for start, end in masked.shell_lines))
        return cell
    module = None
    if check is not None:
        try:
            module = parse_module(masked.python)
        except ParseError:
            check = None
    cell = _Cell(text, masked, check, module, parsed=module is not None)
    if not masked.python_body:
        return cell
    if module is not None:
        cell.facts, cell.top = python_facts(module)
        cell.facts.update(shell_facts(text[start:end] for start, end in masked.shell_lines))
    else:
        cell.facts = text_facts(text)
    return cell


def _plan_cell(
    cell: _Cell,
    leaks: Sequence[Leak],
    names: SecretNames,
    options: FixOptions,
    binding: Binding,
    earlier: set[tuple[Kind, str]],
) -> tuple[list[Edit], Plan]:
    text, check, module = cell.text, cell.check, cell.module
    masked = cell.masked
    assert masked is not None  # a cell with findings is always read
    plan = plan_python(masked.python, leaks, names, options, module, check, binding)
    plan.merge(plan_ipython(text, leaks, names, options, binding, masked))
    edits = list(plan.edits)
    if plan.kinds:
        # libcst drops the form feeds that stand for what IPython strips (prompts, indentation) from
        # module-level lines, so its positions are not offsets there: such a cell gets its import on top.
        imports = plan_imports(
            masked.python,
            None if masked.margins else module,
            kinds=plan.kinds,
            binding=binding,
            first_use=plan.first_use,
            top=cell.top,
            earlier=earlier,
            min_offset=_header_end(text, masked),
            newline=newline_of(text),  # the cell's own line ends (\r\n in some notebooks), else \n
        )
        edits += [e._replace(replacement=masked.with_margin(text, e.start, e.replacement)) for e in imports]
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


# What a cell that is not Python cannot do, by the style the fix writes in (the store it would read).
_CANNOT_READ: dict[str, str] = {
    "userdata": "it cannot read Colab secrets",
    "kaggle": "it cannot read Kaggle secrets",
    "env": "--fix rewrites only Python",
}


def unfixable_reason(notebook: NotebookRead, finding: Finding, style: FixStyle = "userdata") -> Optional[str]:
    """Why the scan found an IPython-line leak not fixable, told from its cell; None when not one."""
    part = _code_part(notebook, finding)
    if part is None or finding.site not in SHELL_SITES:
        return None
    masked = mask_cell(part.text)
    if not masked.python_body:
        return (
            f"a %%{masked.cell_magic} cell is not Python: {_CANNOT_READ.get(style, _CANNOT_READ['userdata'])}"
        )
    command = masked.command_at(finding.span.start)
    if command is None or command[2] not in EXPANDING_KINDS:
        return NOT_EXPANDED
    return expansion_problem(part.text[command[0] : command[1]], [finding.secret])


def plan_notebook(
    notebook: NotebookRead, findings: Sequence[Finding], options: FixOptions, whole_text: bool = True
) -> NotebookPlan:
    """The notebook (read by the caller, once) with ``findings`` (all fixable) fixed.

    ``whole_text=False``: when the check needs only the edited values (``_edited_values``), the new text
    is not made (``text`` is ""): the caller splices ``edits`` into the file's bytes instead of copying
    and encoding the whole notebook (mostly outputs no edit touched).
    Raises ``NotebookFixError`` when it cannot be fixed safely.
    """
    raw = notebook.raw
    reasons: dict[int, str] = {}
    fixed: set[int] = set()
    by_cell: dict[tuple[Any, ...], list[int]] = {}
    raw_edits: list[Edit] = []
    code_spans = [
        notebook.spans[_path(part)] for part in notebook.parts if part.kind == "code" and part.json_path
    ]
    at: dict[Optional[tuple[Any, ...]], list[Edit]] = {}  # the edits by the value they change (None: unknown)
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
        in_part = notebook.parts[finding.part_index].json_path if finding.part_index >= 0 else None
        at.setdefault(in_part or None, []).append(edit)
        fixed.add(index)

    code_leaks = [findings[i].as_leak() for indexes in by_cell.values() for i in indexes]
    names = SecretNames(code_leaks, options.secret_name)
    ensure_ascii = ensure_ascii_style(raw)
    code_parts = [p for p in notebook.parts if p.kind == "code" and p.json_path[-1:] == ("source",)]
    cells = [
        _cell(p.text, p.json_path in by_cell, _BINDING_NAMES_RE.search(p.text) is not None)
        for p in code_parts
    ]
    shared = Facts()
    for cell in cells:
        if not cell.separate:
            shared.update(cell.facts)
    binding = shared.binding()
    earlier: set[tuple[Kind, str]] = set()
    used: set[str] = set()
    program_names: set[str] = set()
    program_options = options._replace(style="env")
    for part, cell in zip(code_parts, cells, strict=False):
        indexes = by_cell.get(part.json_path, [])
        if indexes:
            leaks = [findings[i].as_leak() for i in indexes]
            if cell.separate:
                edits, plan = _plan_cell(cell, leaks, names, program_options, cell.facts.binding(), set())
                program_names |= plan.names
            else:
                edits, plan = _plan_cell(cell, leaks, names, options, binding, earlier)
            fixed.update(indexes[i] for i in plan.fixed)
            used |= plan.names
            reasons.update({indexes[i]: reason for i, reason in plan.reasons.items()})
            if edits:
                value = _value_at(notebook.value, part.json_path)
                cell_edits = source_edits(raw, notebook.spans, _path(part), value, edits, ensure_ascii)
                raw_edits += cell_edits
                at.setdefault(part.json_path, []).extend(cell_edits)
                if cell.keeps_imports:
                    earlier |= {(kind, binding.name(kind)) for kind in plan.kinds}
        if cell.keeps_imports:
            earlier |= cell.imports()
    for index in range(len(findings)):
        if index not in fixed and index not in reasons:
            reasons[index] = "no rewrite applies here"
    after = None
    if whole_text or all(raw[edit.start : edit.end] == edit.replacement for edit in raw_edits):
        new = apply_edits(raw, raw_edits)
        after = _check(notebook, new, at)
    else:
        after = _edited_values(notebook, at)
        new = ""
        if after is None:
            new = apply_edits(raw, raw_edits)
            after = _check(notebook, new)
    names_used, programs = frozenset(used), frozenset(program_names)
    return NotebookPlan(new, frozenset(fixed), reasons, names_used, programs, after, tuple(raw_edits))


def _value_at(value: Any, path: Sequence[Any]) -> Any:
    for key in path:
        value = value[key]
    return value


def _check(before: NotebookRead, text: str, at: Optional[dict[Any, list[Edit]]] = None) -> Any:
    """The fixed text as json.loads reads it, if it is the same notebook: valid JSON (as every other tool
    reads it), the same shape (every object with the same keys, every list as long: the same cells and
    outputs; only strings changed), and valid nbformat if the original was.  ``at``: the edits that made
    ``text``, by the value each lies in (``_edited_values``: then only those values are read)."""
    if text == before.raw:
        return None
    if at is not None:
        after = _edited_values(before, at)
        if after is not None:
            return after
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise NotebookFixError(f"the fixed notebook would not be valid JSON ({exc})") from None
    # nbformat's schema puts no rule on the text of a source or an output: a fix that changed only those
    # (which implies the same shape) keeps the notebook as valid as it was.  Anything else is validated,
    # the original only when the fix is not valid (a notebook valid after the fix passes).
    if free_text_only(before.value, value):
        return value
    if not same_shape(before.value, value):
        raise NotebookFixError("the fixed notebook would not have the same cells and outputs")
    if not notebook_is_valid(json.loads(text), copy=False) and notebook_is_valid(before.value):
        raise NotebookFixError("the fixed notebook would not pass nbformat validation")
    return value


def _edited_values(before: NotebookRead, at: dict[Any, list[Edit]]) -> Any:
    """What ``_check`` returns, read from the edited values alone, when every edit lies in the span of a
    value at a free-text path (``_FREE_TEXT``) and each edited span, read as JSON on its own, is the
    value the notebook holds there, and reads after its edits as a value ``free_text_only`` accepts.
    Then the fixed text is the original with those values replaced by other JSON values, so it is valid
    JSON of the same shape; json.loads of the whole file (most of it images and outputs that no edit
    touched) would only find that again.  None when any of this does not hold: ``_check`` reads it all."""
    value, raw = before.value, before.raw
    if not isinstance(value, dict) or value.get("nbformat") != 4:
        return None
    replaced: dict[tuple[Any, ...], Any] = {}
    taken: list[tuple[int, int]] = []
    for path, edits in at.items():
        span = before.spans.get(path) if path is not None and _is_free_text(path) else None
        if span is None:
            return None
        start, end = span
        if not all(start <= edit.start <= edit.end <= end for edit in edits) or not _starts_value(raw, start):
            return None
        old = _value_at(value, path)
        try:
            if json.loads(raw[start:end]) != old:
                return None
            shifted = [edit._replace(start=edit.start - start, end=edit.end - start) for edit in edits]
            new = json.loads(apply_edits(raw[start:end], shifted))
        except ValueError:
            return None
        if type(new) is not type(old) or not isinstance(new, (str, list)):
            return None
        if isinstance(new, list) and not all(isinstance(item, str) for item in (*old, *new)):
            return None
        replaced[path] = new
        taken.append(span)
    taken.sort()
    if any(earlier[1] > later[0] for earlier, later in itertools.pairwise(taken)):
        return None
    return _with_values(value, replaced)


def _starts_value(raw: str, start: int) -> bool:
    """Whether a string or list starts at ``start`` as the value of an object's key (after its colon):
    not inside a string that merely holds the same characters."""
    if raw[start : start + 1] not in ('"', "["):
        return False
    before = start - 1
    while before >= 0 and raw[before] in " \t\n\r":
        before -= 1
    return before >= 0 and raw[before] == ":"


def _with_values(value: Any, replaced: dict[tuple[Any, ...], Any]) -> Any:
    """``value`` with the values at the paths of ``replaced`` replaced, copying only the containers on
    those paths (the rest is shared, as nothing changes it)."""
    copies: dict[int, Any] = {id(value): copy.copy(value)}
    for path, new in replaced.items():
        original, target = value, copies[id(value)]
        for key in path[:-1]:
            original = original[key]
            if id(original) not in copies:
                copies[id(original)] = copy.copy(original)
                target[key] = copies[id(original)]
            target = copies[id(original)]
        target[path[-1]] = new
    return copies[id(value)]


# Where nbformat 4's schema holds free text (``multiline_string``: a string or a list of strings, no pattern,
# no enum): a cell's source, and an output's stream text, value of a text-like MIME type, traceback lines
# and error value.  ``*`` is any list index or object key.
_FREE_TEXT = (
    ("cells", "*", "source"),
    ("cells", "*", "outputs", "*", "text"),
    ("cells", "*", "outputs", "*", "evalue"),
    ("cells", "*", "outputs", "*", "traceback"),
    ("cells", "*", "outputs", "*", "data", "*"),
)


def _is_free_text(path: tuple[Any, ...]) -> bool:
    for pattern in _FREE_TEXT:
        if len(path) >= len(pattern) and all(
            want == "*" or want == got for want, got in zip(pattern, path, strict=False)
        ):
            # application/json, application/vnd.x+json: an object, not text
            return not (pattern[-1] == "*" and str(path[len(pattern) - 1]).endswith("json"))
    return False


def free_text_only(before: Any, after: Any) -> bool:
    """Whether ``after`` is a version 4 notebook of the same shape as ``before`` whose only changed
    strings are free text (see ``_FREE_TEXT``), so nbformat would judge both alike."""
    if not isinstance(before, dict) or before.get("nbformat") != 4 or after.get("nbformat") != 4:
        return False
    stack: list[tuple[Any, Any, tuple[Any, ...]]] = [(before, after, ())]
    while stack:
        a, b, path = stack.pop()
        if a == b:
            continue
        if type(a) is not type(b):
            return False
        if isinstance(a, (str, list)) and _is_free_text(path):
            if isinstance(a, list) and not all(isinstance(x, str) for x in (*a, *b)):
                return False
            continue
        if isinstance(a, dict):
            if a.keys() != b.keys():
                return False
            stack.extend((a[key], b[key], (*path, key)) for key in a)
        elif isinstance(a, list) and len(a) == len(b):
            stack.extend((x, y, (*path, index)) for index, (x, y) in enumerate(zip(a, b, strict=True)))
        else:
            return False
    return True


def same_shape(before: Any, after: Any) -> bool:
    """The same JSON tree but for the text of its strings (a list of strings, such as a multi-line source,
    may have more or fewer lines)."""
    stack = [(before, after)]
    while stack:
        a, b = stack.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, dict):
            if a.keys() != b.keys():
                return False
            stack.extend((a[key], b[key]) for key in a)
        elif isinstance(a, list):
            if all(isinstance(x, str) for x in a) and all(isinstance(x, str) for x in b):
                continue
            if len(a) != len(b):
                return False
            stack.extend(zip(a, b, strict=True))
        elif not isinstance(a, str) and a != b:
            return False
    return True
