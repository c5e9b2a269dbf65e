"""Decode a Python file exactly as Python would, and remember how, so a fix can encode it back."""

from __future__ import annotations

import codecs
import io
import tokenize
from typing import NamedTuple


class DecodeError(ValueError):
    """The bytes are not text in the encoding the file declares (or UTF-8)."""


class SourceText(NamedTuple):
    """The text of a source file and what is needed to write it back byte for byte."""

    text: str
    encoding: str
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode_source(data: bytes) -> SourceText:
    """PEP 263 and BOM aware decoding; newlines are kept as they are (CRLF stays CRLF)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DecodeError("UTF-16 text is not a valid Python source encoding")
    if b"\0" in data:
        raise DecodeError("contains NUL bytes (binary file?)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise DecodeError(str(exc)) from None
    bom = encoding == "utf-8-sig"
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    codec = "utf-8" if bom else encoding
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise DecodeError(f"cannot decode as {codec}: {reason}") from None
    return SourceText(text=text, encoding=codec, bom=bom)


def decode_lossy(data: bytes) -> str:
    """Text for a scan of last resort: undecodable bytes become U+FFFD, tokens (ASCII) survive."""
    return data.decode("utf-8", errors="replace")
