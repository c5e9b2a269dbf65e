"""What a file is, from its name (and, for a file without a suffix, its first line): the one place that
decides between Python, a notebook and any other text, and which names are binary without a look.

Every text file is scanned: a key in ``.env``, ``config.yaml``, ``run.sh`` or ``README.md`` is as leaked as
one in a notebook.  Only Python and notebooks are parsed (and fixed); the rest is read as text.
"""

from __future__ import annotations

import os
from typing import Literal

Kind = Literal["python", "notebook", "text"]

PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")
NOTEBOOK_SUFFIXES = (".ipynb",)
SOURCE_SUFFIXES = PYTHON_SUFFIXES + NOTEBOOK_SUFFIXES
# Never text: skipped without reading (a model checkpoint can be gigabytes).  Anything else is read and
# sniffed (``discover.looks_binary``).
_BINARY_WORDS = """
    png jpg jpeg gif bmp ico webp tif tiff psd mp3 wav flac ogg mp4 mov avi mkv webm pdf zip gz tgz bz2 xz
    zst 7z rar tar whl egg jar so dll dylib exe o a pyc pyo pyd class pt pth bin ckpt safetensors onnx h5
    hdf5 pb tflite npy npz pkl pickle joblib parquet feather arrow db sqlite sqlite3 woff woff2 ttf otf eot
    gguf ggml msgpack model pdparams lance tfrecord idx pack
"""
BINARY_SUFFIXES = frozenset("." + word for word in _BINARY_WORDS.split())
_TEMPORARY_MARK = ".hf-secret-guard."  # ``.train.py.hf-secret-guard.x1y2.tmp``, a killed --fix's copy


def kind_of(path: str, first_line: bytes = b"") -> Kind:
    """Python, notebook or text; a leftover temporary file of ``--fix`` is what it copied."""
    if path == "-" or path.startswith("<"):  # stdin or a string without a file name: code, as editors send
        return "python"
    name = os.path.basename(path)
    if name.startswith(".") and _TEMPORARY_MARK in name and name.endswith(".tmp"):
        name = name[1:].split(_TEMPORARY_MARK, 1)[0]
    if name.endswith(NOTEBOOK_SUFFIXES):
        return "notebook"
    if name.endswith(PYTHON_SUFFIXES):
        return "python"
    if "." not in name and first_line.startswith(b"#!") and b"python" in first_line:
        return "python"
    return "text"


def binary_by_name(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in BINARY_SUFFIXES
