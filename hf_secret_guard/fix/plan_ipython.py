"""Fix leaks in IPython lines of a notebook cell so that they still run in IPython and Colab.

- ``%env NAME=value`` / ``%set_env NAME value`` become ``os.environ["NAME"] = userdata.get("NAME")``
  (or ``UserSecretsClient().get_secret("NAME")``); under the env style the line goes, since the variable
  comes from outside (``pass`` when it was its block's only statement; a cell left empty stays a cell).
  (``%env`` would expand ``{...}`` too, but it prints ``env: NAME=<value>``, which Colab saves in the
  output: the fix would leak the token again.)
- ``!cmd --token hf_...`` (and ``x = !cmd``, ``%pip ...``): the token becomes
  ``{userdata.get('HF_TOKEN')}``, which IPython expands before running the command.  IPython expands a
  line all or nothing, so a line that has other ``{...}`` or ``$name`` is left alone (reported).
- ``%time``/``%timeit``/``%prun``/``%debug`` run their argument as Python: a quoted token becomes the call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from hf_secret_guard import regexes
from hf_secret_guard.detect.shell import ENV_LINE_RE as _ENV_LINE_RE
from hf_secret_guard.detect.shell import NOT_EXPANDED, NOT_ONE_ENV_LINE, expansion_problem
from hf_secret_guard.fix.bindings import DEFAULT_BINDING, Binding
from hf_secret_guard.fix.model import FixOptions
from hf_secret_guard.fix.names import SecretNames
from hf_secret_guard.fix.plan_python import Plan, alone_in_block, call_text
from hf_secret_guard.fix.rewrite import CallText
from hf_secret_guard.model import Edit, Leak
from hf_secret_guard.read.ipython import EXPANDING_KINDS, MaskedCell, mask_cell
from hf_secret_guard.rules import sites_fixed_as

SHELL_SITES = sites_fixed_as("shell")

_ENV_MAGIC_RE = regexes.compile(r"[ \t]*%(?:env|set_env)\b")
_PYTHON_ARGUMENT_MAGICS = regexes.compile(r"[ \t]*%(?:time|timeit|prun|debug)\b")


def line_at(text: str, offset: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    ends = [i for i in (text.find("\n", offset), text.find("\r", offset)) if i >= 0]
    return start, min(ends) if ends else len(text)


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
        return value[1:-1]
    return value


def _line_end(text: str, end: int) -> int:
    """After the line break that ends the line ending at ``end`` (if any)."""
    if text.startswith("\r\n", end):
        return end + 2
    return end + 1 if end < len(text) else end


def _continued(text: str, start: int, end: int) -> bool:
    """Part of a backslash-continued IPython line: the lines must stay shell text."""
    before = text[:start].rstrip("\r\n")
    return text[start:end].rstrip().endswith("\\") or (start > 0 and before.endswith("\\"))


def plan_ipython(
    text: str,
    leaks: Sequence[Leak],
    names: SecretNames,
    options: FixOptions,
    binding: Binding = DEFAULT_BINDING,
    masked: Optional[MaskedCell] = None,
) -> Plan:
    """Edits for the leaks of ``text`` (a cell) that sit in IPython commands, read through ``binding``.

    ``masked`` is the cell as the scan read it: a leak is rewritten into ``{...}`` only inside a command
    IPython expands (``!cmd``, ``%magic``, with all their continued lines), never on a Python line.
    """
    plan = Plan()
    call = call_text(options, binding)
    masked = masked or mask_cell(text)
    by_line: dict[tuple[int, int], list[tuple[int, Leak]]] = {}
    kinds: dict[tuple[int, int], str] = {}
    for index, leak in enumerate(leaks):
        if leak.site not in SHELL_SITES:
            continue
        if text[leak.start : leak.end] != leak.secret:
            plan.reasons[index] = "the secret is not written out verbatim here"
            continue
        command = masked.command_at(leak.start)
        if command is None:
            plan.reasons[index] = NOT_EXPANDED
            continue
        kinds[command[:2]] = command[2]
        by_line.setdefault(command[:2], []).append((index, leak))
    for (start, end), members in by_line.items():
        line = text[start:end]
        indexes = [index for index, _ in members]
        if kinds[start, end] not in EXPANDING_KINDS:
            for index in indexes:
                plan.reasons[index] = NOT_EXPANDED
            continue
        env = _ENV_LINE_RE.match(line)
        writes = [leak for _, leak in members if leak.rule in ("HFG002", "HFG005")]
        if env and not _continued(text, start, end) and writes:
            if len({leak.secret for leak in writes}) > 1 or _unquoted(env.group("value")) != writes[0].secret:
                for index in indexes:
                    plan.reasons[index] = "the %env value is more than the secret"
                continue
            name = names.name(writes[0])
            if options.style == "env":
                line_end = _line_end(text, end)
                indent = env.group("indent")
                alone = alone_in_block(text, start, line_end, indent)
                keep = f"{indent}pass{text[end:line_end]}" if alone else ""
                plan.edits.append(Edit(start, line_end, keep))
                plan.fixed.update(indexes)
                plan.names.add(name)
                continue
            statement = f'{binding.os}.environ["{env.group("name")}"] = {call(name, chr(34))}'
            plan.edits.append(Edit(start + len(env.group("indent")), end, statement))
            plan.fixed.update(indexes)
            plan.os_module = True
            plan.use(start, name, options)
            continue
        if _ENV_MAGIC_RE.match(line):
            for index in indexes:
                plan.reasons[index] = NOT_ONE_ENV_LINE
            continue
        if _PYTHON_ARGUMENT_MAGICS.match(line):
            _quoted_tokens(text, members, names, options, call, plan)
            continue
        problem = expansion_problem(line, [leak.secret for _, leak in members])
        if problem is not None:
            for index in indexes:
                plan.reasons[index] = problem
            continue
        for index, leak in members:
            name = names.name(leak)
            plan.edits.append(Edit(leak.start, leak.end, "{" + call(name, "'") + "}"))
            plan.fixed.add(index)
            plan.use(start, name, options)
    return plan


def _quoted_tokens(
    text: str,
    members: Sequence[tuple[int, Leak]],
    names: SecretNames,
    options: FixOptions,
    call: CallText,
    plan: Plan,
) -> None:
    for index, leak in members:
        before, after = text[leak.start - 1 : leak.start], text[leak.end : leak.end + 1]
        if before in ("'", '"') and after == before:
            name = names.name(leak)
            plan.edits.append(Edit(leak.start - 1, leak.end + 1, call(name, '"')))
            plan.fixed.add(index)
            plan.use(leak.start, name, options)
        else:
            plan.reasons[index] = "not a whole string literal in a %time/%timeit line"
