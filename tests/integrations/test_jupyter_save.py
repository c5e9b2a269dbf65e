"""``hf_secret_guard.jupyter``: Jupyter's real ``FileContentsManager`` saves a notebook whose outputs and
metadata held tokens; the bytes on disk hold only the masked forms, and code is saved as the user wrote it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from traitlets.config import Config

from hf_secret_guard import jupyter
from hf_secret_guard.tokens import mask
from tests.conftest import ORG_TOKEN, TOKEN, TOKEN2
from tests.notebooks import PNG

MASKED = mask(TOKEN)


def leaky_notebook(source: str = "from huggingface_hub import whoami\nwhoami(token=t)\n") -> Any:
    outputs = [
        new_output("stream", name="stdout", text=f"Token is valid.\nlogged in with {TOKEN}\n"),
        new_output(
            "display_data",
            data={
                "text/plain": [f"<token {TOKEN[:9]}", f"{TOKEN[9:]}>"],  # split between lines of the list
                "text/html": f"<pre>{TOKEN}</pre>",
                "text/markdown": f"`{ORG_TOKEN}`",
                "application/json": {"auth": {"token": TOKEN2}},
                "image/png": PNG,
            },
            metadata={"note": TOKEN},
        ),
        new_output("execute_result", data={"text/plain": repr(TOKEN)}, execution_count=1),
        new_output(
            "error",
            ename="HTTPError",
            evalue=f"401 for token {TOKEN}",
            traceback=["\x1b[0;31mHTTPError\x1b[0m", f"\x1b[0;31m401 for token {TOKEN}\x1b[0m"],
        ),
    ]
    cells = [
        new_markdown_cell("# Check the token\nUse `hf_hub_download`."),
        new_code_cell(source, outputs=outputs, execution_count=1, metadata={"colab": {"secret": TOKEN}}),
    ]
    return new_notebook(cells=cells, metadata={"widgets": {"state": {"value": TOKEN2}}})


@pytest.fixture
def manager(tmp_path: Path) -> FileContentsManager:
    """The real contents manager of a Jupyter server, configured as a user would (jupyter_server_config.py:
    ``c.FileContentsManager.pre_save_hook = "hf_secret_guard.jupyter.pre_save"``)."""
    config = Config()
    config.FileContentsManager.pre_save_hook = "hf_secret_guard.jupyter.pre_save"
    return FileContentsManager(root_dir=str(tmp_path), config=config)


def test_a_saved_notebook_holds_only_masked_tokens(
    manager: FileContentsManager, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    nb = leaky_notebook()
    source = nb.cells[1].source
    with caplog.at_level(logging.WARNING):
        manager.save({"type": "notebook", "content": nb}, "leaky.ipynb")
    # The model itself was masked in place and is still a NotebookNode, for code that reads it after us.
    assert nb.cells[1].outputs[0].text == f"Token is valid.\nlogged in with {MASKED}\n"
    assert nb.cells[1].metadata.colab.secret == MASKED
    data = (tmp_path / "leaky.ipynb").read_bytes()
    text = data.decode("utf-8")
    for token in (TOKEN, TOKEN2, ORG_TOKEN):
        assert token not in text
        assert mask(token) in text
    saved = nbformat.reads(text, as_version=4)
    nbformat.validate(saved)
    cell = saved.cells[1]
    assert cell.source == source  # code as written
    assert saved.cells[0].source == "# Check the token\nUse `hf_hub_download`."
    assert cell.outputs[0].text == f"Token is valid.\nlogged in with {MASKED}\n"
    data_out = cell.outputs[1].data
    assert data_out["text/plain"] == f"<token {MASKED}>"
    assert data_out["text/html"] == f"<pre>{MASKED}</pre>"
    assert data_out["image/png"] == PNG
    assert data_out["application/json"] == {"auth": {"token": mask(TOKEN2)}}
    assert cell.outputs[1].metadata == {"note": MASKED}
    assert cell.outputs[3].evalue == f"401 for token {MASKED}"
    assert cell.outputs[3].traceback[1] == f"\x1b[0;31m401 for token {MASKED}\x1b[0m"
    assert cell.metadata["colab"] == {"secret": MASKED}
    assert saved.metadata["widgets"] == {"state": {"value": mask(TOKEN2)}}
    # The log says where and what, masked.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "masked 11 Hugging Face token(s) in leaky.ipynb" in logged
    assert f"cell 2 output 1 (stream): {MASKED}" in logged and "notebook metadata" in logged
    for token in (TOKEN, TOKEN2, ORG_TOKEN):
        assert token not in logged


def test_a_token_in_code_is_saved_as_written_and_reported(
    manager: FileContentsManager, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = f'from huggingface_hub import login\nlogin("{TOKEN}")\n'
    with caplog.at_level(logging.WARNING):
        manager.save({"type": "notebook", "content": leaky_notebook(source)}, "code.ipynb")
    saved = nbformat.read(tmp_path / "code.ipynb", as_version=4)
    assert saved.cells[1].source == source
    assert TOKEN not in json.dumps(saved.cells[1].outputs)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f"cell 2 (code): {MASKED}" in logged and "hf-secret-guard scan --fix code.ipynb" in logged
    assert TOKEN not in logged


def test_clean_notebooks_and_other_files_are_saved_byte_for_byte(tmp_path: Path) -> None:
    clean = new_notebook(
        cells=[
            new_code_cell(
                "print('hf_hub')",
                outputs=[new_output("stream", name="stdout", text="hf_hub\n")],
                execution_count=1,
            )
        ]
    )
    plain = FileContentsManager(root_dir=str(tmp_path))
    hooked = FileContentsManager(root_dir=str(tmp_path), pre_save_hook="hf_secret_guard.jupyter.pre_save")
    plain.save({"type": "notebook", "content": nbformat.from_dict(clean)}, "plain.ipynb")
    hooked.save({"type": "notebook", "content": nbformat.from_dict(clean)}, "hooked.ipynb")
    assert (tmp_path / "plain.ipynb").read_bytes() == (tmp_path / "hooked.ipynb").read_bytes()
    # A .py or text file is not the hook's business (the pre-commit hook and the CLI scan those).
    hooked.save({"type": "file", "format": "text", "content": f"x = '{TOKEN2}'\n"}, "script.py")
    assert (tmp_path / "script.py").read_text() == f"x = '{TOKEN2}'\n"


def test_a_malformed_model_is_logged_never_raised(
    manager: FileContentsManager, caplog: pytest.LogCaptureFixture
) -> None:
    for model in (None, {"type": "notebook"}, {"type": "notebook", "content": {"cells": "nope"}}):
        jupyter.pre_save(model=model, path="odd.ipynb", contents_manager=manager)
    weird = {"type": "notebook", "content": {"cells": [1, {"outputs": [None, "x"]}], "metadata": [TOKEN]}}
    with caplog.at_level(logging.WARNING):
        jupyter.pre_save(model=weird, path="odd.ipynb", contents_manager=manager)
    assert weird["content"]["metadata"] == [MASKED]
    assert TOKEN not in caplog.text


def test_as_a_server_extension_the_server_masks_on_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real ServerApp with ``jpserver_extensions`` (what ``jupyter server extension enable`` writes)."""
    from jupyter_server.serverapp import ServerApp

    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    root = tmp_path / "root"
    root.mkdir()
    app = ServerApp()
    app.initialize(
        argv=[
            f"--ServerApp.root_dir={root}",
            "--ServerApp.jpserver_extensions=hf_secret_guard.jupyter=True",
            "--ServerApp.open_browser=False",
        ],
        find_extensions=False,
        new_httpserver=False,
    )
    assert jupyter.pre_save in app.contents_manager._pre_save_hooks
    result = app.contents_manager.save({"type": "notebook", "content": leaky_notebook()}, "served.ipynb")
    if asyncio.iscoroutine(result):
        asyncio.run(result)
    text = (root / "served.ipynb").read_text()
    assert TOKEN not in text and MASKED in text
