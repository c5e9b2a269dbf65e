"""The extension in a real Jupyter kernel (ipykernel, started by jupyter_client as a notebook server does):
what reaches a notebook is what the kernel sends on its channels, so every message is read and none may
hold a token, whichever way the cell wrote it (print, stderr, a result, display, a traceback, ``!cmd``,
a subprocess writing straight to the file descriptor)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from hf_secret_guard.tokens import mask
from tests.conftest import ORG_TOKEN, TOKEN

pytestmark = pytest.mark.e2e

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

MASKED = mask(TOKEN)
TIMEOUT = 60


def built(token: str = TOKEN, name: str = "t") -> str:
    return f'{name} = bytes.fromhex("{token.encode().hex()}").decode()\n'


class Kernel:
    def __init__(self, client: Any) -> None:
        self.client = client
        self.guarded = False
        # Every iopub message read, whichever cell it names: what a subprocess or C code writes to a file
        # descriptor is forwarded by a thread and may reach the notebook under a later cell.
        self.log: list[dict[str, Any]] = []

    def guard(self, on: bool = True) -> None:
        """Load (or unload) the extension, so that each test can run alone."""
        if on != self.guarded:
            self.execute("import time\ntime.sleep(0.3)\n")  # what earlier cells wrote to the fds is in
            messages, reply = self.execute(f"%{'load' if on else 'unload'}_ext hf_secret_guard\n")
            assert reply["status"] == "ok" and messages == []
            self.guarded = on

    def execute(self, code: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The iopub messages the cell caused (the code's echo left out) and its reply's content."""
        msg_id = self.client.execute(code)
        messages: list[dict[str, Any]] = []
        while True:
            msg = self.client.get_iopub_msg(timeout=TIMEOUT)
            if msg["msg_type"] not in ("status", "execute_input"):
                self.log.append({"msg_type": msg["msg_type"], "content": msg["content"]})
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                break
            if kind not in ("status", "execute_input"):
                messages.append({"msg_type": kind, "content": msg["content"]})
        while True:
            reply = self.client.get_shell_msg(timeout=TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                return messages, reply["content"]


def text_of(messages: list[dict[str, Any]], kind: str = "") -> str:
    return "".join(json.dumps(m["content"]) for m in messages if not kind or m["msg_type"] == kind)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    workdir = tmp_path_factory.mktemp("kernel")
    connection_file = str(workdir / "kernel.json")  # not in the user's runtime directory
    manager = jupyter_client.KernelManager(kernel_name="python3", connection_file=connection_file)
    # Without pytest's marker, as under a notebook server: ipykernel then captures what is written to the
    # process's file descriptors (subprocesses, C code) and sends it as output.  The kernel's own terminal
    # is thrown away: it is not what a notebook saves.
    env = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
    manager.start_kernel(
        cwd=str(workdir),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        yield Kernel(client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_without_the_extension_the_token_does_go_out(kernel: Kernel) -> None:
    """The control: the paths below do carry the token when nothing masks them."""
    kernel.guard(False)
    messages, _ = kernel.execute(built() + "import os\nprint(t)\n_ = os.system('echo fd ' + t)\n")
    assert TOKEN in text_of(messages, "stream")


def test_nothing_the_kernel_sends_holds_the_token(kernel: Kernel) -> None:
    kernel.guard()
    cells = {
        "print": "print('token', t)\n",
        "stderr": "import sys\nprint(t, file=sys.stderr)\n",
        "result": "t\n",
        "display": "from IPython.display import display, HTML, Markdown, JSON\n"
        "display(HTML(f'<b>{t}</b>'), Markdown(t), JSON({'token': t}))\n",
        "shell": "!echo shell {t}\n",
        "fd": "import os\n_ = os.system('echo fd ' + t)\n",
        "subprocess": "import subprocess\n_ = subprocess.run(['echo', 'sub', t])\n",
        "org": built(ORG_TOKEN, "u") + "print(u)\n",
    }
    seen: dict[str, str] = {}
    since: dict[str, int] = {}  # where in the kernel's log each cell's messages begin
    start = len(kernel.log)  # the control test before this one printed the token unmasked
    for name, cell in cells.items():
        since[name] = len(kernel.log)
        messages, reply = kernel.execute(built() + cell)
        assert reply["status"] == "ok", name
        seen[name] = text_of(messages)
    # A last cell outlasts the forwarding thread's flush interval, so what the file descriptors got is in.
    kernel.execute("import time\ntime.sleep(0.3)\n")
    everything = text_of(kernel.log[start:])
    assert TOKEN not in everything and ORG_TOKEN not in everything
    for name in ("print", "stderr", "result", "display", "shell"):
        assert MASKED in seen[name], name
    for name, written in (("fd", "fd " + MASKED), ("subprocess", "sub " + MASKED)):
        assert written in text_of(kernel.log[since[name] :]), name  # under this cell or a later one
    assert mask(ORG_TOKEN) in seen["org"]
    assert "shell " + MASKED in seen["shell"]


def test_an_exception_and_its_reply_are_masked(kernel: Kernel) -> None:
    kernel.guard()
    messages, reply = kernel.execute(built() + "raise ValueError('bad token ' + t)\n")
    assert reply["status"] == "error"
    error = text_of(messages, "error")
    assert "ValueError" in error and MASKED in error and TOKEN not in error
    assert TOKEN not in json.dumps(reply) and MASKED in reply["evalue"]


def test_cells_are_checked_and_strict_mode_stops_them(kernel: Kernel) -> None:
    kernel.guard()
    messages, reply = kernel.execute(f'leaked = "{TOKEN}"\n')
    assert reply["status"] == "ok"
    warning = text_of(messages, "stream")
    assert MASKED in warning and TOKEN not in warning and 'os.environ[\\"HF_TOKEN\\"]' in warning
    kernel.execute("%hf_secret_guard strict\n")
    messages, reply = kernel.execute(f'ran = "{TOKEN}"\n')
    assert reply["status"] == "error" and reply["ename"] == "SecretInCell"
    assert TOKEN not in text_of(messages) and TOKEN not in json.dumps(reply)
    assert "the cell was not run (strict mode)" in text_of(messages, "error")
    _, reply = kernel.execute("print(ran)\n")
    assert reply["status"] == "error" and reply["ename"] == "NameError"  # it really did not run
    messages, _ = kernel.execute("%hf_secret_guard\n")
    status = text_of(messages)
    assert "mode strict" in status and "kernel messages" in status and "1 stopped" in status
    kernel.execute("%hf_secret_guard warn\n")


def test_clean_cells_come_out_unchanged(kernel: Kernel) -> None:
    kernel.guard()
    messages, _ = kernel.execute("print('hello hf_hub')\n1 + 1\n")
    assert [m["msg_type"] for m in messages] == ["stream", "execute_result"]
    assert messages[0]["content"] == {"name": "stdout", "text": "hello hf_hub\n"}
    assert messages[1]["content"]["data"] == {"text/plain": "2"}
