"""Plan the edits that fix the leaks in one Python text (a ``.py`` file or a notebook cell's Python).

- A token (or a secret environment value) in a string literal: the literal reads the secret at run
  time (``rewrite.py``); an environment write keeps its key as the secret's name.
- A token in a comment or docstring: masked in place (``hf_****abcd``), never a valid token.

Each rewrite is checked on its own: if the file does not parse with it (a literal in a ``match``
pattern, say), that rewrite is dropped and its finding reported as not fixed, while the others stay.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

import libcst as cst

from hf_secret_guard.detect.python import MATCH_PATTERN
from hf_secret_guard.fix.apply import apply_edits
from hf_secret_guard.fix.bindings import DEFAULT_BINDING, Binding, Kind
from hf_secret_guard.fix.check import Checker
from hf_secret_guard.fix.literals import StringExpr, containing, string_expressions
from hf_secret_guard.fix.model import FixOptions
from hf_secret_guard.fix.names import SecretNames
from hf_secret_guard.fix.rewrite import CallText, Target, rewrite_string
from hf_secret_guard.model import Edit, Leak
from hf_secret_guard.read.python_parse import ParseError
from hf_secret_guard.rules import SITES, sites_fixed_as
from hf_secret_guard.tokens import find_tokens, is_token, mask

CODE_SITES = sites_fixed_as("code")
NOT_IN_A_LITERAL = SITES["string"].cannot_fix
REDACT_SITES = sites_fixed_as("mask")


@dataclass
class Plan:
    """Edits for one text, which leaks (by index) they fix, why the others stay, and what must be imported."""

    edits: list[Edit] = field(default_factory=list)
    fixed: set[int] = field(default_factory=set)
    reasons: dict[int, str] = field(default_factory=dict)
    userdata: bool = False
    kaggle: bool = False
    os_module: bool = False
    first_use: int = -1
    names: set[str] = field(default_factory=set)  # the secrets the fixed code reads
    removed: bool = False  # an environment write was taken out (``env`` style)

    @property
    def kinds(self) -> frozenset[Kind]:
        """The modules the fixed code reads secrets through."""
        kinds: set[Kind] = set()
        if self.userdata:
            kinds.add("userdata")
        if self.kaggle:
            kinds.add("kaggle")
        if self.os_module:
            kinds.add("os")
        return frozenset(kinds)

    def use(self, offset: int, name: str, options: FixOptions) -> None:
        if options.style == "env":
            self.os_module = True
        elif options.style == "kaggle":
            self.kaggle = True
        else:
            self.userdata = True
        self.names.add(name)
        self.first_use = offset if self.first_use < 0 else min(self.first_use, offset)

    def merge(self, other: Plan) -> None:
        self.edits.extend(other.edits)
        self.fixed |= other.fixed
        self.reasons.update(other.reasons)
        self.userdata |= other.userdata
        self.kaggle |= other.kaggle
        self.os_module |= other.os_module
        self.names |= other.names
        if other.first_use >= 0:
            self.first_use = other.first_use if self.first_use < 0 else min(self.first_use, other.first_use)


def call_text(options: FixOptions, binding: Binding = DEFAULT_BINDING) -> CallText:
    """The expression that reads secret ``name`` at run time, quoted with ``quote``."""
    if options.style == "env":
        return lambda name, quote: f"{binding.os}.environ[{quote}{name}{quote}]"
    if options.style == "kaggle":
        return lambda name, quote: f"{binding.kaggle}().get_secret({quote}{name}{quote})"
    return lambda name, quote: f"{binding.userdata}.get({quote}{name}{quote})"


class _Group(NamedTuple):
    edits: tuple[Edit, ...]
    leaks: tuple[int, ...]
    names: tuple[str, ...]  # the secrets it reads; none for a redaction, which needs no import
    removes: bool = False  # an environment write taken out: the secret comes from outside, read nowhere here


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole lines ``text[start:end]`` touches, their line break included."""
    first = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    stop = text.find("\n", end)
    return first, len(text) if stop < 0 else stop + 1


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "environ") or (
        isinstance(node, ast.Attribute) and node.attr == "environ"
    )


def _removal(text: str, index: int, leak: Leak, names: SecretNames) -> Optional[_Group]:
    """``os.environ["HF_TOKEN"] = "hf_..."`` under the env style: reading the variable into itself would
    be a no-op at best, so the line goes (``pass`` when it was its block's only statement).  Only a
    one-line, one-target write of the literal itself; anything else is rewritten as usual."""
    start, end = _line_bounds(text, leak.start, leak.end)
    line = text[start:end]
    try:
        tree = ast.parse(line.strip())
    except (SyntaxError, ValueError):
        return None
    statement = tree.body[0] if len(tree.body) == 1 else None
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return None
    target, value = statement.targets[0], statement.value
    if not (
        isinstance(value, ast.Constant) and value.value == leak.secret and isinstance(target, ast.Subscript)
    ):
        return None
    key = target.slice
    if not (_is_environ(target.value) and isinstance(key, ast.Constant) and key.value == leak.env_name):
        return None
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    newline = line[len(line.rstrip("\r\n")) :]
    replacement = f"{indent}pass{newline}" if alone_in_block(text, start, end, indent) else ""
    return _Group((Edit(start, end, replacement),), (index,), (names.name(leak),), removes=True)


def alone_in_block(text: str, start: int, end: int, indent: str) -> bool:
    """Is the statement on ``text[start:end]`` the only one of an indented block?"""
    if not indent:
        return False
    before = [
        line for line in text[:start].splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    after = [line for line in text[end:].splitlines() if line.strip() and not line.lstrip().startswith("#")]

    def depth(line: str) -> int:
        return len(line) - len(line.lstrip(" \t"))

    opened = bool(before) and before[-1].rstrip().endswith(":") and depth(before[-1]) < len(indent)
    return opened and (not after or depth(after[0]) < len(indent))


def _redaction(text: str, index: int, leak: Leak) -> Optional[_Group]:
    if text[leak.start : leak.end] != leak.secret or not is_token(leak.secret):
        return None
    return _Group((Edit(leak.start, leak.end, mask(leak.secret)),), (index,), ())


def _token_targets(
    expression: StringExpr, members: Sequence[tuple[int, Leak]], names: SecretNames, reasons: dict[int, str]
) -> list[Target]:
    """Each token of the expression that a leak reports: found in the joined value (also one split over
    pieces), or in its own piece when joining hides it (``"hf_..." "b"``, ``"a" "hf_..."``)."""
    value = expression.value
    wanted = {leak.secret: names.name(leak) for _, leak in members}
    targets = [Target(m.start, m.end, wanted[m.value]) for m in find_tokens(value) if m.value in wanted]
    for index, leak in members:
        position = expression.value_offset(leak.start, leak.secret)
        if position is None:
            if not any(value[t.start : t.end] == leak.secret for t in targets):
                reasons[index] = NOT_IN_A_LITERAL
        elif not any(t.start < position + len(leak.secret) and position < t.end for t in targets):
            targets.append(Target(position, position + len(leak.secret), names.name(leak)))
    return sorted(targets, key=lambda target: target.start)


def _string_groups(
    text: str,
    module: cst.Module,
    leaks: Sequence[tuple[int, Leak]],
    names: SecretNames,
    call: CallText,
    reasons: dict[int, str],
) -> list[_Group]:
    expressions = string_expressions(module, text, [leak.start for _, leak in leaks])
    by_expression: dict[int, list[tuple[int, Leak]]] = {}
    for index, leak in leaks:
        found = containing(expressions, leak.start)
        if found < 0:
            reasons[index] = NOT_IN_A_LITERAL
        else:
            by_expression.setdefault(found, []).append((index, leak))
    groups: list[_Group] = []
    for found, members in by_expression.items():
        expression = expressions[found]
        if expression.in_pattern:
            for index, _ in members:
                reasons[index] = MATCH_PATTERN
            continue
        value = expression.value
        whole = [
            leak for _, leak in members if leak.rule in ("HFG002", "HFG005") and not is_token(leak.secret)
        ]
        if whole and any(leak.secret != value for leak in whole):
            for index, _ in members:
                reasons[index] = "the literal is not the value that was reported"
            continue
        if whole:
            targets = [Target(0, len(value), names.name(whole[0]))]
        else:
            targets = _token_targets(expression, members, names, reasons)
            members = [(index, leak) for index, leak in members if index not in reasons]
        edits = rewrite_string(text, expression, targets, call) if targets else None
        indexes = tuple(index for index, _ in members)
        if not indexes:
            continue
        if edits is None:
            for index in indexes:
                reasons[index] = "the string literal could not be rewritten safely"
            continue
        groups.append(_Group(tuple(edits), indexes, tuple(t.name for t in targets)))
    return groups


def _keep_valid(text: str, groups: list[_Group], check: Checker, reasons: dict[int, str]) -> list[_Group]:
    """All groups when the result parses; else only those that parse on their own (then together)."""
    if not groups or check(apply_edits(text, [e for g in groups for e in g.edits])):
        return groups
    kept = []
    for group in groups:
        if check(apply_edits(text, group.edits)):
            kept.append(group)
        else:
            for index in group.leaks:
                reasons[index] = "the rewrite would not parse here"
    if kept and not check(apply_edits(text, [e for g in kept for e in g.edits])):
        for group in kept:
            for index in group.leaks:
                reasons[index] = "the rewrites would not parse together"
        return []
    return kept


def plan_python(
    text: str,
    leaks: Sequence[Leak],
    names: SecretNames,
    options: FixOptions,
    module: Optional[cst.Module],
    check: Optional[Checker],
    binding: Binding = DEFAULT_BINDING,
) -> Plan:
    """Edits for the leaks of ``text`` whose site is Python (``module`` is ``text`` parsed, or None);
    the fixed code reads secrets through ``binding``'s names."""
    plan = Plan()
    groups: list[_Group] = []
    in_code: list[tuple[int, Leak]] = []
    for index, leak in enumerate(leaks):
        if leak.site in REDACT_SITES:
            group = _redaction(text, index, leak)
            if group is None:
                plan.reasons[index] = "the token is not written out verbatim here"
            else:
                groups.append(group)
        elif leak.site in CODE_SITES:
            removal = (
                _removal(text, index, leak, names)
                if leak.site == "environ" and options.style == "env"
                else None
            )
            if removal is not None:
                groups.append(removal)
            else:
                in_code.append((index, leak))
    if in_code:
        if module is None or check is None:
            for index, _ in in_code:
                plan.reasons[index] = "the code could not be parsed"
        else:
            try:
                groups.extend(
                    _string_groups(text, module, in_code, names, call_text(options, binding), plan.reasons)
                )
            except ParseError as exc:
                for index, _ in in_code:
                    plan.reasons[index] = f"the code could not be parsed ({exc})"
    if check is not None:
        groups = _keep_valid(text, groups, check, plan.reasons)
    for group in groups:
        plan.edits.extend(group.edits)
        plan.fixed.update(group.leaks)
        if group.removes:  # read from outside: a name to provide, no import to add
            plan.names.update(group.names)
            plan.removed = True
            continue
        for name in group.names:
            plan.use(min(edit.start for edit in group.edits), name, options)
    return plan
