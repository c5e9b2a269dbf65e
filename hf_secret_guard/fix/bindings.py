"""Which names the fixed code reads secrets through: ``userdata``, ``UserSecretsClient`` and ``os``, unless
the document binds those names to something else.

A fix writes ``userdata.get("HF_TOKEN")`` (or ``UserSecretsClient().get_secret("HF_TOKEN")``, or
``os.environ["HF_TOKEN"]``).  If the document binds the
name to another object anywhere (``userdata = {...}``, ``os = "linux"``, a parameter ``def f(os=None)``,
``for os in ...``), the call could read that object instead, so the module is bound under a fresh name:
``from google.colab import userdata as colab_userdata``, ``import os as _os``.  Any scope counts: a
binding inside a function shadows the module-level import for every read in that function, and telling
which reads it covers is not worth the risk.

The facts are also what the import planner needs: where the module is imported at the top level already
(``imports.py`` decides whether that runs before the first read).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Optional, cast

import libcst as cst

from hf_secret_guard import regexes

Kind = Literal["userdata", "kaggle", "os"]
KINDS: tuple[Kind, ...] = ("os", "userdata", "kaggle")  # the order the import lines are written in
OTHER = "other"
_PRIMARY: dict[Kind, str] = {"userdata": "userdata", "kaggle": "UserSecretsClient", "os": "os"}
_ALTERNATE: dict[Kind, str] = {"userdata": "colab_userdata", "kaggle": "KaggleUserSecretsClient", "os": "_os"}
KAGGLE_MODULE = "kaggle_secrets"

_IDENTIFIER_RE = regexes.compile(r"[A-Za-z_]\w*")
# Lines that import the modules as the fix does, at column 0 (so at the top level).
_USERDATA_IMPORT_RE = regexes.compile(
    r"^from[ \t]+google\.colab[ \t]+import[ \t]+userdata(?:[ \t]+as[ \t]+(?P<alias>\w+))?[ \t]*(?:#.*)?$"
)
_KAGGLE_IMPORT_RE = regexes.compile(
    r"^from[ \t]+kaggle_secrets[ \t]+import[ \t]+UserSecretsClient"
    r"(?:[ \t]+as[ \t]+(?P<alias>\w+))?[ \t]*(?:#.*)?$"
)
_OS_IMPORT_RE = regexes.compile(r"^import[ \t]+os(?:[ \t]+as[ \t]+(?P<alias>\w+))?[ \t]*(?:#.*)?$")
_CAPTURE_RE = regexes.compile(r"[ \t]*(?P<names>[A-Za-z_][\w, \t]*?)[ \t]*=[ \t]*[!%]")


def import_line(kind: Kind, name: str) -> str:
    """The statement that binds ``name`` to the module the fix reads ``kind`` secrets through."""
    if kind == "userdata":
        return "from google.colab import userdata" + ("" if name == "userdata" else f" as {name}")
    if kind == "kaggle":
        return f"from {KAGGLE_MODULE} import UserSecretsClient" + (
            "" if name == "UserSecretsClient" else f" as {name}"
        )
    return "import os" + ("" if name == "os" else f" as {name}")


class Binding(NamedTuple):
    """The names the fixed code calls: ``<userdata>.get(...)``, ``<kaggle>().get_secret(...)`` and
    ``<os>.environ[...]``."""

    userdata: str = "userdata"
    os: str = "os"
    kaggle: str = "UserSecretsClient"

    def name(self, kind: Kind) -> str:
        return self.userdata if kind == "userdata" else self.kaggle if kind == "kaggle" else self.os


DEFAULT_BINDING = Binding()


class TopImport(NamedTuple):
    """A module-level import of ``kind`` as ``name``, in top-level statement number ``statement``."""

    statement: int
    kind: Kind
    name: str


@dataclass
class Facts:
    """What a document binds, in any scope: each name and the kinds of object bound to it."""

    binders: dict[str, set[str]] = field(default_factory=dict)
    mentioned: set[str] = field(default_factory=set)

    def bind(self, name: str, kind: str) -> None:
        self.binders.setdefault(name, set()).add(kind)

    def update(self, other: Facts) -> None:
        for name, kinds in other.binders.items():
            self.binders.setdefault(name, set()).update(kinds)
        self.mentioned |= other.mentioned

    def usable(self, name: str, kind: Kind) -> bool:
        """Nothing but the ``kind`` module is ever bound to ``name``."""
        return self.binders.get(name, set()) <= {kind}

    def binding(self) -> Binding:
        return Binding(self._choose("userdata"), self._choose("os"), self._choose("kaggle"))

    def _choose(self, kind: Kind) -> str:
        if self.usable(_PRIMARY[kind], kind):
            return _PRIMARY[kind]
        base = name = _ALTERNATE[kind]
        number = 1
        # A fresh name: bound to nothing else, and not read anywhere unless it is this module already.
        while not self.usable(name, kind) or (name in self.mentioned and name not in self.binders):
            number += 1
            name = f"{base}_{number}"
        return name


def dotted_name(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a name or attribute chain, "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted_name(node.value)}.{node.attr.value}"
    return ""


def is_colab_import(node: cst.ImportFrom) -> bool:
    """``from google.colab import ...``."""
    return not node.relative and node.module is not None and dotted_name(node.module) == "google.colab"


def _target_names(node: cst.BaseExpression) -> Iterator[str]:
    """Names an assignment target binds (``a``, ``a, *b``, ``[a, b]``); attributes and items bind none."""
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from _target_names(element.value)
    elif isinstance(node, cst.StarredElement):
        yield from _target_names(node.value)


def _try_imports(node: cst.Try) -> set[str]:
    """Names a ``try:`` body binds by importing ``userdata`` or ``os`` at its top."""
    facts = Facts()
    for statement in node.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    small.visit(_Collector(facts))
    return {name for name, kinds in facts.binders.items() if OTHER not in kinds}


class _Binder:
    """What both collectors (libcst's tree, CPython's) record, and how."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.top: list[TopImport] = []
        self.statement = -1
        self._depth = 0  # inside a function, class or lambda: its imports are not module-level
        self._tries: list[set[str]] = []
        # ``try: from google.colab import userdata`` / ``except ImportError: userdata = None``: outside
        # Colab the read fails either way; in Colab the handler never runs.  Not another binding.
        self._fallbacks: list[set[str]] = []

    def _other(self, name: str) -> None:
        if not (self._fallbacks and name in self._fallbacks[-1]):
            self.facts.bind(name, OTHER)

    def _imported(self, name: str, kind: str) -> None:
        if kind == OTHER:
            self._other(name)
            return
        self.facts.bind(name, kind)
        if self._depth == 0:
            self.top.append(TopImport(self.statement, cast(Kind, kind), name))


class _Collector(_Binder, cst.CSTVisitor):
    def _targets(self, node: cst.BaseExpression) -> None:
        for name in _target_names(node):
            self._other(name)

    def visit_Name(self, node: cst.Name) -> None:
        self.facts.mentioned.add(node.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._targets(node.asname.name)

    def visit_Try(self, node: cst.Try) -> None:
        self._tries.append(_try_imports(node))

    def leave_Try(self, original_node: cst.Try) -> None:
        self._tries.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._targets(node.name.name)
        self._fallbacks.append(self._tries[-1] if self._tries else set())

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        self._fallbacks.pop()

    def visit_ExceptStarHandler(self, node: Any) -> None:
        if node.name is not None:
            self._targets(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._targets(node.target)

    def visit_Param(self, node: cst.Param) -> None:
        self.facts.bind(node.name.value, OTHER)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._other(node.name.value)
        self._fallbacks.append(set())  # a handler's function body is a scope of its own
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._fallbacks.pop()
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._other(node.name.value)  # `class userdata:` with a `get` for local runs, say
        self._fallbacks.append(set())
        self._depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._fallbacks.pop()
        self._depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._depth += 1

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._depth -= 1

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.facts.bind(node.name.value, OTHER)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.facts.bind(node.name.value, OTHER)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self.facts.bind(node.rest.value, OTHER)

    def _type_name(self, node: Any) -> None:  # TypeVar, ParamSpec, TypeVarTuple, TypeAlias (3.12)
        if isinstance(getattr(node, "name", None), cst.Name):
            self.facts.bind(node.name.value, OTHER)

    visit_TypeVar = visit_ParamSpec = visit_TypeVarTuple = visit_TypeAlias = _type_name

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if alias.asname is not None:
                for bound in _target_names(alias.asname.name):
                    self._imported(bound, "os" if name == "os" else OTHER)
            else:
                first = name.split(".")[0]
                self._imported(first, "os" if first == "os" else OTHER)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        colab = is_colab_import(node)
        kaggle = not node.relative and node.module is not None and dotted_name(node.module) == KAGGLE_MODULE
        for alias in node.names:
            name = dotted_name(alias.name)
            kind = (
                "userdata"
                if colab and name == "userdata"
                else "kaggle"
                if kaggle and name == "UserSecretsClient"
                else OTHER
            )
            if alias.asname is not None:
                for bound in _target_names(alias.asname.name):
                    self._imported(bound, kind)
            else:
                self._imported(name, kind)


def python_facts(module: cst.Module) -> tuple[Facts, list[TopImport]]:
    """What ``module`` binds, and its module-level imports of the modules a fix reads secrets through."""
    collector = _Collector(Facts())
    for index, statement in enumerate(module.body):
        collector.statement = index
        statement.visit(collector)
    return collector.facts, collector.top


class _AstCollector(_Binder, ast.NodeVisitor):
    """``_Collector`` on CPython's tree: the same facts for code that compiles, at a tenth of the cost
    of a libcst parse, for the cells a fix only needs the bindings of."""

    def _mention(self, dotted: Optional[str]) -> None:
        if dotted:
            self.facts.mentioned.update(part for part in dotted.split(".") if part)

    def _targets(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            self._other(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self._targets(element)
        elif isinstance(node, ast.Starred):
            self._targets(node.value)

    def _parameter(self, name: str) -> None:
        """A name libcst writes as a ``Name`` node that binds in any case (a parameter, a capture
        pattern): mentioned, and bound to something else whatever the enclosing handler imported."""
        self.facts.mentioned.add(name)
        self.facts.bind(name, OTHER)

    def _bound_name(self, name: str) -> None:
        """A name written as a name node in libcst (a handler's, a function's): mentioned and bound."""
        self.facts.mentioned.add(name)
        self._other(name)

    def visit_Name(self, node: ast.Name) -> None:
        self.facts.mentioned.add(node.id)

    def visit_Constant(self, node: ast.Constant) -> None:
        if node.value is None or node.value is True or node.value is False:  # names in libcst's tree
            self.facts.mentioned.add(str(node.value))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.facts.mentioned.add(node.attr)
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None:
            self.facts.mentioned.add(node.arg)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.facts.mentioned.update(node.names)

    visit_Nonlocal = visit_Global  # type: ignore[assignment]

    def _assigned(self, node: Any) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            self._targets(target)
        self.generic_visit(node)

    visit_Assign = visit_AnnAssign = visit_AugAssign = visit_For = visit_AsyncFor = _assigned
    visit_comprehension = visit_NamedExpr = _assigned

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._targets(target)
        self.generic_visit(node)

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self._targets(node.optional_vars)
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        facts = Facts()
        collector = _AstCollector(facts)
        for statement in node.body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                collector.visit(statement)
        self._tries.append({name for name, kinds in facts.binders.items() if OTHER not in kinds})
        self.generic_visit(node)
        self._tries.pop()

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self._bound_name(node.name)
        self._fallbacks.append(self._tries[-1] if self._tries else set())
        self.generic_visit(node)
        self._fallbacks.pop()

    def visit_TryStar(self, node: Any) -> None:  # 3.11: libcst's ExceptStarHandler binds, no fallback
        for statement in node.body:
            self.visit(statement)
        for handler in node.handlers:
            if handler.name is not None:
                self._bound_name(handler.name)
            if handler.type is not None:
                self.visit(handler.type)
            for statement in handler.body:
                self.visit(statement)
        for statement in (*node.orelse, *node.finalbody):
            self.visit(statement)

    def _parameters(self, arguments: ast.arguments) -> None:
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for argument in every:
            self._parameter(argument.arg)

    def visit_FunctionDef(self, node: Any) -> None:
        self._bound_name(node.name)
        self._fallbacks.append(set())  # a handler's function body is a scope of its own
        if not isinstance(node, ast.ClassDef):
            self._parameters(node.args)
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1
        self._fallbacks.pop()

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._parameters(node.args)
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name is not None:
            self._parameter(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name is not None:
            self._parameter(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest is not None:
            self._parameter(node.rest)
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        self.facts.mentioned.update(node.kwd_attrs)
        self.generic_visit(node)

    def _type_name(self, node: Any) -> None:  # 3.12: TypeVar, ParamSpec, TypeVarTuple, TypeAlias
        name = node.name.id if isinstance(node.name, ast.Name) else node.name
        self._parameter(name)
        self.generic_visit(node)

    visit_TypeVar = visit_ParamSpec = visit_TypeVarTuple = visit_TypeAlias = _type_name

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._mention(alias.name)
            if alias.asname is not None:
                self.facts.mentioned.add(alias.asname)
                self._imported(alias.asname, "os" if alias.name == "os" else OTHER)
            else:
                first = alias.name.split(".")[0]
                self._imported(first, "os" if first == "os" else OTHER)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._mention(node.module)
        if any(alias.name == "*" for alias in node.names):
            return
        colab = not node.level and node.module == "google.colab"
        kaggle = not node.level and node.module == KAGGLE_MODULE
        for alias in node.names:
            self._mention(alias.name)
            kind = (
                "userdata"
                if colab and alias.name == "userdata"
                else "kaggle"
                if kaggle and alias.name == "UserSecretsClient"
                else OTHER
            )
            if alias.asname is not None:
                self.facts.mentioned.add(alias.asname)
                self._imported(alias.asname, kind)
            else:
                self._imported(alias.name, kind)


def ast_facts(tree: ast.Module) -> tuple[Facts, list[TopImport]]:
    """``python_facts`` for code CPython parsed (the statement numbers are ``ast``'s, not libcst's)."""
    collector = _AstCollector(Facts())
    for index, statement in enumerate(tree.body):
        collector.statement = index
        collector.visit(statement)
    return collector.facts, collector.top


def _canonical(line: str) -> Optional[tuple[Kind, str]]:
    patterns: tuple[tuple[Kind, re.Pattern[str]], ...] = (
        ("userdata", _USERDATA_IMPORT_RE),
        ("kaggle", _KAGGLE_IMPORT_RE),
        ("os", _OS_IMPORT_RE),
    )
    for kind, pattern in patterns:
        match = pattern.match(line)
        if match:
            return kind, match.group("alias") or _PRIMARY[kind]
    return None


def text_facts(text: str) -> Facts:
    """A guess, on the safe side, for code that could not be parsed: every name that appears other than
    as ``name.attribute`` or in an import line as the fix writes it may be bound to something else."""
    facts = Facts()
    for line in text.splitlines():
        canonical = _canonical(line)
        if canonical is not None:
            facts.bind(canonical[1], canonical[0])
            continue
        for match in _IDENTIFIER_RE.finditer(line):
            facts.mentioned.add(match.group())
            if not line.startswith(".", match.end()):
                facts.bind(match.group(), OTHER)
    return facts


def text_imports(text: str) -> Iterator[tuple[int, Kind, str]]:
    """Column-0 import lines of code that could not be parsed: (end offset, kind, name)."""
    position = 0
    for line in text.splitlines(keepends=True):
        canonical = _canonical(line.rstrip("\r\n"))
        position += len(line)
        if canonical is not None:
            yield position, canonical[0], canonical[1]


def shell_facts(lines: Iterable[str]) -> Facts:
    """IPython lines hidden from the parser still bind names: ``files = !ls`` binds ``files``."""
    facts = Facts()
    for line in lines:
        facts.mentioned.update(_IDENTIFIER_RE.findall(line))
        capture = _CAPTURE_RE.match(line)
        if capture:
            for name in capture.group("names").split(","):
                if name.strip():
                    facts.bind(name.strip(), OTHER)
    return facts
