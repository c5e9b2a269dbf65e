"""Fix one document: findings in, a ``FixResult`` out.  Pure; reading and writing files is the caller's.

A ``.py`` text is planned by ``plan_python`` (+ imports) and checked to compile as the original did; a
notebook by ``plan_notebook``.  From bytes, the text is decoded the way the scan decoded it and encoded
back the same way (PEP 263 encoding, BOM), so a latin-1 file stays latin-1 and CRLF stays CRLF.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Collection, Sequence
from typing import Any, Optional

from hf_secret_guard import regexes
from hf_secret_guard.fix.apply import OverlappingEdits, apply_edits
from hf_secret_guard.fix.bindings import DEFAULT_BINDING, TopImport, python_facts
from hf_secret_guard.fix.check import checker_for
from hf_secret_guard.fix.echoes import echoed_names
from hf_secret_guard.fix.imports import plan_imports, unused_import_edits
from hf_secret_guard.fix.model import FixOptions, FixResult, FixStyle, NotFixed
from hf_secret_guard.fix.names import SecretNames
from hf_secret_guard.fix.plan_ipython import SHELL_SITES
from hf_secret_guard.fix.plan_notebook import NotebookFixError, plan_notebook, unfixable_reason
from hf_secret_guard.fix.plan_python import CODE_SITES, plan_python
from hf_secret_guard.fix.write import Splice, fingerprint
from hf_secret_guard.model import Edit, FileResult, Finding, ScanError
from hf_secret_guard.read.ipython import mask_cell
from hf_secret_guard.read.kinds import NOTEBOOK_SUFFIXES, kind_of
from hf_secret_guard.read.notebook import NotebookRead, placed, read_notebook
from hf_secret_guard.read.python_parse import ParseError, parse_module
from hf_secret_guard.read.source import DecodeError, decode_source
from hf_secret_guard.rules import SITES


def not_fixable_reason(finding: Finding) -> str:
    return finding.not_fixable_reason or "not fixable"


def may_fix(finding: Finding) -> bool:
    """The findings ``--fix`` tries: the ones the scan reported as fixable, so the two always agree."""
    return finding.fixable


def _result(
    path: str,
    original: str,
    text: str,
    findings: Sequence[Finding],
    fixed: Collection[int],
    reasons: dict[int, str],
    errors: Sequence[ScanError] = (),
    names: Collection[str] = (),
) -> FixResult:
    not_fixed = [
        NotFixed(finding, reasons.get(index, "no rewrite applies here"))
        for index, finding in enumerate(findings)
        if index not in fixed
    ]
    return FixResult(
        path,
        original,
        text,
        tuple(f for i, f in enumerate(findings) if i in fixed),
        tuple(not_fixed),
        tuple(errors),
        tuple(sorted(names)),
    )


def _split(findings: Sequence[Finding]) -> tuple[list[Finding], list[NotFixed]]:
    fixable = [f for f in findings if may_fix(f)]
    return fixable, [NotFixed(f, not_fixable_reason(f)) for f in findings if not may_fix(f)]


# Why a fix was not planned when the code nests deeper than the fixer's tree walks go (RecursionError).
_NESTED = "nested too deeply"


def fix_source_text(text: str, path: str, findings: Sequence[Finding], options: FixOptions) -> FixResult:
    """A ``.py`` text with its fixable findings fixed."""
    options = options._replace(style=style_for(text, options.style, notebook=False))
    fixable, not_fixable = _split(findings)
    check = checker_for(text) if fixable else None
    module = None
    if check is not None:
        try:
            module = parse_module(text)
        except ParseError:
            check = None
    leaks = [f.as_leak() for f in fixable]
    binding, top = DEFAULT_BINDING, list[TopImport]()
    names = SecretNames(leaks, options.secret_name)
    try:
        if module is not None and any(leak.site in CODE_SITES for leak in leaks):
            facts, top = python_facts(module)
            binding = facts.binding()
        plan = plan_python(text, leaks, names, options, module, check, binding)
        edits = list(plan.edits)
        if plan.kinds:
            edits += plan_imports(
                text, module, kinds=plan.kinds, binding=binding, first_use=plan.first_use, top=top
            )
        if plan.removed and "os" not in plan.kinds:
            for name in sorted({binding.os} | {item.name for item in top if item.kind == "os"}):
                edits += unused_import_edits(text, edits, name)
        new = apply_edits(text, edits)
    except (OverlappingEdits, RecursionError) as exc:  # two edits claim the same text, or code nested
        # deeper than the fixer's tree walks go: write nothing rather than guess
        reason = _NESTED if isinstance(exc, RecursionError) else str(exc)
        error = ScanError(path, "fix", f"the fix could not be planned ({reason}); file left unchanged")
        reasons = {i: "the fix could not be planned" for i in range(len(fixable))}
        result = _result(path, text, text, fixable, (), reasons, [error])
        return result._replace(not_fixed=result.not_fixed + tuple(not_fixable))
    errors: list[ScanError] = []
    if new != text and check is not None and not check(new):
        errors.append(ScanError(path, "fix", "the fixed code would not parse; file left unchanged"))
        plan.reasons.update({i: "the fixed file would not parse" for i in plan.fixed})
        plan.fixed.clear()
        plan.names.clear()
        new = text
    result = _result(path, text, new, fixable, plan.fixed, plan.reasons, errors, plan.names)
    echoed = tuple(echoed_names(new)) if plan.fixed else ()
    return result._replace(
        not_fixed=result.not_fixed + tuple(not_fixable), style=options.style, echoed=echoed
    )


def fix_notebook_text(
    raw: str,
    path: str,
    findings: Sequence[Finding],
    options: FixOptions,
    notebook: Optional[NotebookRead] = None,
) -> FixResult:
    """A notebook's JSON text with its fixable findings fixed, in the file's own format.

    The JSON is parsed once, here or (``notebook``, read from ``raw``) by the scan that found the
    findings; the plan, the reasons, the style and the echo check all read that."""
    return _fix_notebook(raw, path, findings, options, notebook)[0]


def _fix_notebook(
    raw: str,
    path: str,
    findings: Sequence[Finding],
    options: FixOptions,
    notebook: Optional[NotebookRead] = None,
    whole_text: bool = True,
) -> tuple[FixResult, Optional[tuple[Edit, ...]]]:
    """``fix_notebook_text``; with ``whole_text=False`` the new text may be left unmade (``text`` is "")
    and given as the edits to ``raw`` that make it (else None)."""
    unreadable: Optional[ValueError] = None
    if notebook is None or notebook.raw != raw:
        try:
            notebook = read_notebook(raw)
        except ValueError as exc:
            notebook, unreadable = None, exc
    options = options._replace(style=notebook_style(notebook, options.style))
    fixable, not_fixable = _split(findings)
    if notebook is not None:
        notebook = _placed(notebook, findings)
        not_fixable = _notebook_reasons(notebook, not_fixable, options.style)
    if not fixable:
        return FixResult(path, raw, raw, not_fixed=tuple(not_fixable)), None
    edits = None
    try:
        if notebook is None:
            raise NotebookFixError(f"cannot read the notebook ({unreadable})")
        plan = plan_notebook(notebook, fixable, options, whole_text)
    except (NotebookFixError, OverlappingEdits, RecursionError) as exc:
        # RecursionError: a cell nested deeper than the fixer's tree walks go; write nothing, as above
        reason = f"the fix could not be planned ({_NESTED})" if isinstance(exc, RecursionError) else str(exc)
        error = ScanError(path, "fix", f"{reason}; file left unchanged")
        result = _result(path, raw, raw, fixable, (), {i: reason for i in range(len(fixable))}, [error])
    else:
        result = _result(path, raw, plan.text, fixable, plan.fixed, plan.reasons, names=plan.names)
        echoed = _notebook_echoes(notebook, plan.after) if plan.fixed and plan.after is not None else ()
        result = result._replace(program_names=tuple(sorted(plan.program_names)), echoed=echoed)
        edits = plan.edits if not whole_text and not plan.text else None
    return result._replace(not_fixed=result.not_fixed + tuple(not_fixable), style=options.style), edits


def _placed(notebook: NotebookRead, findings: Sequence[Finding]) -> NotebookRead:
    """The positions the fix needs, in a notebook the scan read lazily (``read_notebook(lazy=True)``):
    those of each part with a finding, the only parts it edits (a fully read notebook has them all)."""
    indexes = {f.part_index for f in findings if 0 <= f.part_index < len(notebook.parts)}
    if not indexes:
        return notebook
    parts = tuple(placed(notebook, part) if i in indexes else part for i, part in enumerate(notebook.parts))
    return notebook._replace(parts=parts)


def _notebook_echoes(before: NotebookRead, after: Any) -> tuple[str, ...]:
    """Variables holding a secret that a fixed code cell (in ``after``, the fixed notebook's JSON value:
    the same shape as ``before``) prints or shows as its last line.  Only the cells the fix changed can
    newly hold a secret's variable, so only they are parsed."""
    shown: list[str] = []
    for part in before.parts:
        if part.kind == "code" and part.json_path:
            source = after
            for key in part.json_path:
                source = source[key]
            text = source if isinstance(source, str) else "".join(source)
            if text != part.text:
                shown.extend(echoed_names(mask_cell(text).python, notebook_cell=True))
    return tuple(dict.fromkeys(shown))


def _notebook_reasons(notebook: NotebookRead, not_fixable: list[NotFixed], style: FixStyle) -> list[NotFixed]:
    """A leak in an IPython line is not fixable for a reason its cell tells (a %%bash cell, a $name)."""
    if not any(item.finding.part_index >= 0 and item.finding.site in SHELL_SITES for item in not_fixable):
        return not_fixable
    return [
        item._replace(reason=unfixable_reason(notebook, item.finding, style) or item.reason)
        for item in not_fixable
    ]


_COLAB_IMPORT_RE = regexes.compile(
    r"^[ \t]*(?:from[ \t]+google\.colab\b|import[ \t]+google\.colab\b)", re.MULTILINE
)
_KAGGLE_IMPORT_RE = regexes.compile(
    r"^[ \t]*(?:from[ \t]+kaggle_secrets\b|import[ \t]+kaggle_secrets\b)", re.MULTILINE
)


def _imported_host(text: str) -> Optional[FixStyle]:
    """The host whose secrets module the code imports already: its author chose where it runs."""
    if _KAGGLE_IMPORT_RE.search(text):
        return "kaggle"
    if _COLAB_IMPORT_RE.search(text):
        return "userdata"
    return None


def style_for(text: str, style: FixStyle, notebook: bool) -> FixStyle:
    """``auto`` made concrete for a ``.py`` file (or a notebook read as text), by where it runs: the host
    whose secrets module it imports already; else a notebook reads Colab's Secrets and a ``.py`` file the
    environment (``google.colab`` and ``kaggle_secrets`` exist only on their hosts)."""
    if style != "auto":
        return style
    return _imported_host(text) or ("userdata" if notebook else "env")


def notebook_style(notebook: Optional[NotebookRead], style: FixStyle) -> FixStyle:
    """``auto`` made concrete for a notebook: the host whose secrets module a cell imports already; else
    Kaggle when Kaggle saved it and Colab did not (``metadata.kaggle`` without ``metadata.colab``; both
    are kept when a notebook moves between them, so both tell nothing); else Colab's Secrets."""
    if style != "auto":
        return style
    if notebook is None:
        return "userdata"
    for part in notebook.parts:
        if part.kind == "code":
            host = _imported_host(part.text)
            if host is not None:
                return host
    metadata = notebook.value.get("metadata")
    if isinstance(metadata, dict) and "kaggle" in metadata and "colab" not in metadata:
        return "kaggle"
    return "userdata"


def fix_text(text: str, path: str, findings: Sequence[Finding], options: FixOptions) -> FixResult:
    if path.endswith(NOTEBOOK_SUFFIXES):
        return fix_notebook_text(text, path, findings, options)
    if kind_of(path, text[:200].split("\n", 1)[0].encode()) == "text":
        not_fixed = tuple(
            NotFixed(f, f.not_fixable_reason or SITES["text-file"].cannot_fix) for f in findings
        )
        return FixResult(path, text, text, not_fixed=not_fixed)
    return fix_source_text(text, path, findings, options)


def fix_file_bytes(
    data: bytes,
    path: str,
    scanned: FileResult,
    options: FixOptions,
    only: Optional[Collection[Finding]] = None,
    notebook: Optional[NotebookRead] = None,
) -> FixResult:
    """``scanned`` is the scan of exactly these bytes; ``only`` limits the fix to some of its findings;
    ``notebook`` is the scan's reading of them, when it was a notebook read with positions."""
    findings, vanished = _wanted(scanned, only)
    result = _fix_decoded(data, path, findings, options, notebook)
    return result._replace(not_fixed=result.not_fixed + vanished) if vanished else result


def _wanted(
    scanned: FileResult, only: Optional[Collection[Finding]]
) -> tuple[list[Finding], tuple[NotFixed, ...]]:
    """The findings of ``scanned`` to fix (those of ``only``), and those of ``only`` it no longer has."""
    if only is None:
        return list(scanned.findings), ()
    wanted = {_key(f) for f in only}
    present = {_key(f) for f in scanned.findings}
    vanished = tuple(
        NotFixed(f, "the file changed since it was scanned") for f in only if _key(f) not in present
    )
    return [f for f in scanned.findings if _key(f) in wanted], vanished


def fix_file_splice(
    data: bytes,
    path: str,
    scanned: FileResult,
    options: FixOptions,
    only: Optional[Collection[Finding]] = None,
    notebook: Optional[NotebookRead] = None,
) -> tuple[FixResult, Optional[Splice]]:
    """``fix_file_bytes`` without the texts and bytes (``original``, ``text``, ``data`` and ``new_data``
    are empty): the new bytes are given as the ``Splice`` that makes them from ``data`` (None: nothing to
    write), which for a notebook comes from the plan's edits, without making the whole new text."""
    if not path.endswith(NOTEBOOK_SUFFIXES) or kind_of(path, data[:200].split(b"\n", 1)[0]) == "text":
        result = fix_file_bytes(data, path, scanned, options, only, notebook)
        splice = None if result.new_data is None else Splice.between(data, result.new_data)
        return result._replace(original="", text="", data=None, new_data=None), splice
    findings, vanished = _wanted(scanned, only)
    try:
        bom, raw = _notebook_text(data)
    except UnicodeDecodeError:
        result = _unreadable(data, path, findings, "not UTF-8")
        return result._replace(not_fixed=result.not_fixed + vanished, data=None), None
    result, edits = _fix_notebook(raw, path, findings, options, notebook, whole_text=False)
    splice = None
    if edits is not None:
        splice = _splice_edits(data, raw, bom, edits)
    elif result.changed:
        encoded = data[:bom] + result.text.encode("utf-8")
        splice = Splice.between(data, encoded) if encoded != data else None
    result = result._replace(original="", text="", not_fixed=result.not_fixed + vanished)
    return result, splice


def _splice_edits(data: bytes, raw: str, bom: int, edits: Sequence[Edit]) -> Splice:
    """The splice of ``data`` (``raw`` encoded as UTF-8 after ``bom`` bytes) that ``edits`` to ``raw``
    make: from the first edit to the last, the only part encoded."""
    start, end = min(edit.start for edit in edits), max(edit.end for edit in edits)
    middle = apply_edits(
        raw[start:end], [e._replace(start=e.start - start, end=e.end - start) for e in edits]
    )
    if start <= len(raw) - start:  # the bytes before ``start``: encode the shorter side of it
        byte_start = bom + len(raw[:start].encode("utf-8"))
    else:
        byte_start = len(data) - len(raw[start:].encode("utf-8"))
    byte_end = byte_start + len(raw[start:end].encode("utf-8"))
    return Splice(len(data), fingerprint(data), byte_start, byte_end, middle.encode("utf-8"))


def _notebook_text(data: bytes) -> tuple[int, str]:
    """A notebook's bytes as text (UTF-8, after a byte order mark if there is one) and the length of that
    mark, which the fixed file keeps.  Raises UnicodeDecodeError."""
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return bom, data[bom:].decode("utf-8")


def _fix_decoded(
    data: bytes,
    path: str,
    findings: list[Finding],
    options: FixOptions,
    notebook: Optional[NotebookRead] = None,
) -> FixResult:
    if (
        kind_of(path, data[:200].split(b"\n", 1)[0]) == "text"
    ):  # .env, YAML, shell...: reported, not rewritten
        not_fixed = tuple(
            NotFixed(f, f.not_fixable_reason or SITES["text-file"].cannot_fix) for f in findings
        )
        return FixResult(path, "", "", not_fixed=not_fixed, data=data)
    if path.endswith(NOTEBOOK_SUFFIXES):
        try:
            bom, text = _notebook_text(data)
        except UnicodeDecodeError:
            return _unreadable(data, path, findings, "not UTF-8")
        result = fix_notebook_text(text, path, findings, options, notebook)
        encoded = data[:bom] + result.text.encode("utf-8")
    else:
        try:
            source = decode_source(data)
        except DecodeError as exc:
            return _unreadable(data, path, findings, str(exc))
        result = fix_source_text(source.text, path, findings, options)
        try:
            encoded = source.encode(result.text)
        except UnicodeEncodeError:
            reason = f"the fix cannot be encoded as {source.encoding}"
            return result._replace(
                text=result.original,
                fixed=(),
                not_fixed=tuple(NotFixed(f, reason) for f in result.fixed) + result.not_fixed,
                errors=(*result.errors, ScanError(path, "fix", f"{reason}; file left unchanged")),
                secret_names=(),
                data=data,
            )
    new_data = encoded if result.changed and encoded != data else None
    return result._replace(data=data, new_data=new_data)


def decoded_text(data: bytes, path: str) -> Optional[str]:
    """The text ``fix_file_bytes`` reads from ``data`` at ``path`` (None for a file it does not decode), so
    that a result can travel between processes without its texts and be made whole again."""
    if kind_of(path, data[:200].split(b"\n", 1)[0]) == "text":
        return None
    if path.endswith(NOTEBOOK_SUFFIXES):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    try:
        return decode_source(data).text
    except DecodeError:
        return None


def _key(finding: Finding) -> tuple[str, str, int, int]:
    return finding.key


def _not_rewritten(findings: Sequence[Finding]) -> tuple[NotFixed, ...]:
    """A text file that is neither Python nor a notebook (.env, YAML, shell...): reported, never rewritten."""
    return tuple(NotFixed(f, f.not_fixable_reason or SITES["text-file"].cannot_fix) for f in findings)


def _unreadable(data: bytes, path: str, findings: Sequence[Finding], reason: str) -> FixResult:
    not_fixed = tuple(NotFixed(f, f"the file cannot be decoded ({reason})") for f in findings)
    return FixResult(path, "", "", not_fixed=not_fixed, data=data)
