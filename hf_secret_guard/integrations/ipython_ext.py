"""``%load_ext hf_secret_guard``: check each cell before it runs, and mask tokens in what the kernel sends.

Before a cell runs (IPython's ``pre_run_cell`` event), its raw source is scanned; a finding is a warning
with the fixer's rewrite of the lines, or in strict mode the cell is not run at all.  A ``pre_run_cell``
callback cannot stop a cell (IPython catches what it raises), so strict mode marks the cell there and an
AST transformer raises ``InputRejected`` for it: IPython's documented way to refuse an input, which shows
the error and never runs the code.

While cells run, tokens are masked at every place output leaves IPython: ``sys.stdout``/``sys.stderr``,
the display publisher (``display()``), the display hook (a cell's value), tracebacks, and, in a Jupyter
kernel (ipykernel, Colab), the kernel's messages themselves, which also catches output written to the
process's file descriptors (subprocesses, C extensions) that never passes through ``sys.stdout``.

Nothing here may break the user's cell: each hook catches its own errors, warns once, and lets the cell
and its output through.
"""

from __future__ import annotations

import ast
import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Any, Literal, Optional

from IPython.core.error import InputRejected, UsageError

from hf_secret_guard.integrations.cell_check import check_cell, in_colab
from hf_secret_guard.integrations.masking import MaskingStream, mask_message, mask_text, mask_value
from hf_secret_guard.tokens import redact

Mode = Literal["off", "warn", "strict"]
MODES: tuple[Mode, ...] = ("off", "warn", "strict")
MAGIC_NAME = "hf_secret_guard"
_ATTRIBUTE = "_hf_secret_guard"  # where the shell keeps its guard, so loading twice installs nothing twice


class SecretInCell(InputRejected):
    """The cell was not run (strict mode).  IPython shows ``_render_traceback_`` instead of a traceback."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report

    def _render_traceback_(self) -> list[str]:
        return [
            *self.report.rstrip("\n").splitlines(),
            "hf-secret-guard: the cell was not run (strict mode).",
        ]


class _MaskedError(Exception):
    """Stands in for an exception whose message holds a token, where a kernel sends ``str(evalue)``."""


class _Patch:
    """One attribute replaced on one object, put back as it was unless someone replaced it again since."""

    def __init__(self, owner: Any, name: str, new: Any) -> None:
        self.owner = owner
        self.name = name
        self.new = new
        self.had_own = name in getattr(owner, "__dict__", {})
        self.old = getattr(owner, name)
        setattr(owner, name, new)

    def undo(self) -> bool:
        if getattr(self.owner, self.name, None) is not self.new:
            return False
        if self.had_own:
            setattr(self.owner, self.name, self.old)
        else:
            delattr(self.owner, self.name)
        return True


class _Gate(ast.NodeTransformer):
    """Refuses the cell that ``pre_run_cell`` marked; otherwise hands the tree back untouched, unwalked."""

    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self.guard = guard

    def visit(self, node: ast.AST) -> ast.AST:
        blocked = self.guard.take_block()
        if blocked is not None:
            raise blocked
        return node


class Stats:
    """Counts of what the guard did, never what it saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cells_checked = 0
        self.cells_warned = 0
        self.cells_stopped = 0
        self.findings = 0
        self.masked: dict[str, int] = {}

    def add_masked(self, channel: str, count: int) -> None:
        with self.lock:
            self.masked[channel] = self.masked.get(channel, 0) + count


class Guard:
    """Everything the extension installed on one shell, and how to take it off again."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.mode: Mode = "warn"
        self.stats = Stats()
        self.channels: list[str] = []
        self._patches: list[_Patch] = []
        self._streams: list[tuple[str, MaskingStream]] = []
        self._events: list[tuple[str, Callable[..., None]]] = []
        self._gate = _Gate(self)
        self._blocked: Optional[SecretInCell] = None
        self._reported: set[str] = set()

    # -- installing -----------------------------------------------------------------------------------

    def install(self) -> None:
        shell = self.shell
        for name in ("stdout", "stderr"):
            self._wrap_stream(name)
        publisher = getattr(shell, "display_pub", None)
        if publisher is not None and callable(getattr(publisher, "publish", None)):
            self._patch(publisher, "publish", self._masking_publish(publisher.publish), "display")
        displayhook = getattr(shell, "displayhook", None)
        if displayhook is not None and callable(getattr(displayhook, "write_format_data", None)):
            masked = self._masking_format_data(displayhook.write_format_data)
            self._patch(displayhook, "write_format_data", masked, "results")
            if callable(getattr(displayhook, "start_displayhook", None)):
                start = self._flushing_first(displayhook.start_displayhook)
                self._patch(displayhook, "start_displayhook", start, "results")
        self._patch(shell, "_showtraceback", self._masking_showtraceback(shell._showtraceback), "tracebacks")
        for session in self._kernel_sessions():
            self._patch(session, "send", self._masking_send(session.send), "kernel messages")
        for event, callback in (
            ("pre_execute", self._pre_execute),
            ("pre_run_cell", self._pre_run_cell),
            ("post_execute", self._post_execute),
        ):
            shell.events.register(event, callback)
            self._events.append((event, callback))
        shell.register_magic_function(self.magic, magic_kind="line", magic_name=MAGIC_NAME)

    def _patch(self, owner: Any, name: str, new: Any, channel: str) -> None:
        self._patches.append(_Patch(owner, name, new))
        if channel not in self.channels:
            self.channels.append(channel)

    def _wrap_stream(self, name: str) -> None:
        current = getattr(sys, name)
        if isinstance(current, MaskingStream):
            return

        def on_masked(count: int) -> None:
            self.stats.add_masked(name, count)

        def on_error(exc: BaseException) -> None:
            self.internal_error(f"masking {name}", exc)

        stream = MaskingStream(current, on_masked, self.masking, on_error)
        setattr(sys, name, stream)
        self._streams.append((name, stream))
        self.channels.append(name)

    def _kernel_sessions(self) -> list[Any]:
        """The Jupyter sessions that send this kernel's messages (one, shared, in ipykernel)."""
        owners = [
            getattr(self.shell, "kernel", None),
            getattr(self.shell, "display_pub", None),
            getattr(self.shell, "displayhook", None),
        ]
        sessions: list[Any] = []
        for owner in owners:
            session = getattr(owner, "session", None)
            if callable(getattr(session, "send", None)) and all(s is not session for s in sessions):
                sessions.append(session)
        return sessions

    # -- taking it off --------------------------------------------------------------------------------

    def uninstall(self) -> list[str]:
        """Undo everything; the names of what someone else had wrapped again since (left in place)."""
        left: list[str] = []
        for name, stream in self._streams:
            stream.flush_pending()
            if getattr(sys, name) is stream:
                setattr(sys, name, stream.hfsg_target)
            else:
                left.append(f"sys.{name}")
        for patch in reversed(self._patches):
            if not patch.undo():
                left.append(patch.name)
        self._remove_gate()
        for event, callback in self._events:
            with contextlib.suppress(ValueError):
                self.shell.events.unregister(event, callback)
        self.shell.magics_manager.magics["line"].pop(MAGIC_NAME, None)
        return left

    # -- the cell check -------------------------------------------------------------------------------

    def _pre_execute(self) -> None:
        self._blocked = None  # runs for silent executions too, which have no pre_run_cell
        self._remove_gate()

    def _remove_gate(self) -> None:
        """The gate is in ``ast_transformers`` only while a refused cell is on its way: with any transformer
        there, IPython walks every cell's tree once more (``fix_missing_locations``; benchmarks/README.md)."""
        transformers = self.shell.ast_transformers
        while self._gate in transformers:
            transformers.remove(self._gate)

    def _pre_run_cell(self, info: Any = None) -> None:
        self._blocked = None
        if self.mode == "off":
            return
        try:
            source = getattr(info, "raw_cell", None)
            if not isinstance(source, str) or not source.strip():
                return
            report = check_cell(source, in_colab())
            with self.stats.lock:
                self.stats.cells_checked += 1
                if report.findings:
                    self.stats.findings += report.findings
                    if self.mode == "strict":
                        self.stats.cells_stopped += 1
                    else:
                        self.stats.cells_warned += 1
            if not report.findings:
                return
            if self.mode == "strict":
                self._blocked = SecretInCell(report.text)
                self.shell.ast_transformers.insert(0, self._gate)  # first: no other sees the cell
            else:
                sys.stderr.write(report.text)
                sys.stderr.flush()
        except Exception as exc:
            self.internal_error("the cell check", exc)

    def take_block(self) -> Optional[SecretInCell]:
        blocked, self._blocked = self._blocked, None
        return blocked

    def _post_execute(self) -> None:
        self._remove_gate()
        self.flush_streams()

    def flush_streams(self) -> None:
        """Pass on what the streams held back.  Called where one output ends and the next begins (a cell's
        end, a display, a result, a traceback): ``print(t, end="")`` then ``Out[1]: ...`` would otherwise
        glue the token to ``Out`` into a word that is no longer token-shaped, and let it through."""
        for _, stream in self._streams:
            try:
                stream.flush_pending()
            except Exception as exc:
                self.internal_error("flushing the streams", exc)

    def _flushing_first(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def flushing_first(*args: Any, **kwargs: Any) -> Any:
            if self.masking():
                self.flush_streams()
            return method(*args, **kwargs)

        return flushing_first

    # -- output masking -------------------------------------------------------------------------------

    def masking(self) -> bool:
        return self.mode != "off"

    def _count(self, channel: str, count: int) -> None:
        if count:
            self.stats.add_masked(channel, count)

    def _masking_publish(self, publish: Callable[..., Any]) -> Callable[..., Any]:
        def masked_publish(data: Any, metadata: Any = None, *args: Any, **kwargs: Any) -> Any:
            if self.masking():
                self.flush_streams()
                try:
                    data, count = mask_value(data)
                    metadata, metadata_count = mask_value(metadata)
                    self._count("display", count + metadata_count)
                except Exception as exc:
                    self.internal_error("masking display data", exc)
            return publish(data, metadata, *args, **kwargs)

        return masked_publish

    def _masking_format_data(self, write: Callable[..., Any]) -> Callable[..., Any]:
        def masked_write_format_data(format_dict: Any, md_dict: Any = None) -> Any:
            if self.masking():
                try:
                    format_dict, count = mask_value(format_dict)
                    md_dict, metadata_count = mask_value(md_dict)
                    self._count("results", count + metadata_count)
                except Exception as exc:
                    self.internal_error("masking a result", exc)
            return write(format_dict, md_dict)

        return masked_write_format_data

    def _masking_showtraceback(self, show: Callable[..., Any]) -> Callable[..., Any]:
        def masked_showtraceback(etype: Any, evalue: Any, stb: Any) -> Any:
            if self.masking():
                self.flush_streams()
                try:
                    stb, count = mask_value(stb)
                    message, message_count = mask_text(_safe_str(evalue))
                    if message_count:
                        # A kernel sends str(evalue) beside the traceback: hand it a stand-in.
                        evalue = _MaskedError(message)
                    self._count("tracebacks", count + message_count)
                except Exception as exc:
                    self.internal_error("masking a traceback", exc)
            return show(etype, evalue, stb)

        return masked_showtraceback

    def _masking_send(self, send: Callable[..., Any]) -> Callable[..., Any]:
        def masked_send(stream: Any, msg_or_type: Any, content: Any = None, *args: Any, **kwargs: Any) -> Any:
            if self.masking():
                try:
                    if isinstance(msg_or_type, dict):
                        header = msg_or_type.get("header")
                        msg_type = msg_or_type.get("msg_type") or (
                            header.get("msg_type") if isinstance(header, dict) else None
                        )
                        new_content, count = mask_message(str(msg_type), msg_or_type.get("content"))
                        if count:
                            msg_or_type = {**msg_or_type, "content": new_content}
                    else:
                        content, count = mask_message(str(msg_or_type), content)
                    self._count("kernel messages", count)
                except Exception as exc:
                    self.internal_error("masking a kernel message", exc)
            return send(stream, msg_or_type, content, *args, **kwargs)

        return masked_send

    # -- the magic ------------------------------------------------------------------------------------

    def magic(self, line: str = "") -> None:
        """%hf_secret_guard [off|warn|strict]: switch the mode, or show what is on."""
        word = line.strip().lower()
        if word in ("", "status"):
            print(self.status())
            return
        if word not in MODES:
            raise UsageError(
                f"%{MAGIC_NAME}: unknown argument {redact(line.strip())!r}; "
                "use off, warn or strict (or nothing, to see what is on)"
            )
        self.flush_streams()
        self.mode = word
        print(f"hf-secret-guard: {self._describe_mode()}")

    def _describe_mode(self) -> str:
        if self.mode == "off":
            return "off (cells are not checked and output is not masked)"
        action = "stops a cell" if self.mode == "strict" else "warns about a cell"
        return f"{self.mode}: {action} that holds a secret; tokens in output are masked"

    def status(self) -> str:
        stats = self.stats
        with stats.lock:
            masked = dict(stats.masked)
            checked, warned, stopped, findings = (
                stats.cells_checked,
                stats.cells_warned,
                stats.cells_stopped,
                stats.findings,
            )
        on = self.mode != "off"
        lines = [
            f"hf-secret-guard: mode {self._describe_mode()}",
            "  cell check: "
            + (
                "on: Hugging Face tokens and secret environment writes, IPython syntax included"
                + (" (Colab: fixes read userdata.get)" if in_colab() else " (fixes read os.environ)")
                if on
                else "off"
            ),
            "  output masking: " + ((", ".join(self.channels) or "nothing to wrap") if on else "off"),
            f"  so far: {checked} cells checked, {warned} warned, {stopped} stopped ({findings} findings); "
            + "masked in output: "
            + (", ".join(f"{channel} {count}" for channel, count in sorted(masked.items())) or "none"),
            f"  switch with %{MAGIC_NAME} off|warn|strict; %unload_ext hf_secret_guard removes it all",
        ]
        if self._reported:
            lines.append(f"  internal errors (the cells ran on): {', '.join(sorted(self._reported))}")
        return "\n".join(lines)

    # -- errors ---------------------------------------------------------------------------------------

    def internal_error(self, where: str, exc: BaseException) -> None:
        """Warn once per place; the message is masked, like everything the guard prints."""
        if where in self._reported:
            return
        self._reported.add(where)
        detail = redact(f"{type(exc).__name__}: {_safe_str(exc)}")
        # Past our own stream wrapper, which may be what failed: the text is masked already.
        stream = getattr(sys.stderr, "hfsg_target", sys.stderr)
        with contextlib.suppress(Exception):
            stream.write(f"hf-secret-guard: internal error in {where} ({detail}); the cell goes on.\n")


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__}>"


def load(shell: Any) -> Optional[Guard]:
    """Install the guard on ``shell`` (once); None when it was already there."""
    if shell is None:
        raise UsageError(
            "hf_secret_guard: this is an IPython extension; load it with %load_ext hf_secret_guard"
        )
    if isinstance(getattr(shell, _ATTRIBUTE, None), Guard):
        return None
    guard = Guard(shell)
    guard.install()
    setattr(shell, _ATTRIBUTE, guard)
    return guard


def unload(shell: Any) -> None:
    guard = getattr(shell, _ATTRIBUTE, None)
    if not isinstance(guard, Guard):
        return
    left = guard.uninstall()
    delattr(shell, _ATTRIBUTE)
    if left:
        print(
            "hf-secret-guard: unloaded, but these were wrapped again by something else and were left in "
            f"place: {', '.join(left)}",
            file=sys.stderr,
        )


def guard_of(shell: Any) -> Optional[Guard]:
    guard = getattr(shell, _ATTRIBUTE, None)
    return guard if isinstance(guard, Guard) else None
