"""Split a notebook into the parts that are scanned: code cells, outputs, markdown, metadata.

The notebook JSON is read with positions (``jsonspan``) so that every part knows where its text sits in
the file; nothing here decodes images or runs nbformat's schema validation (that runs before a fix).
"""

from __future__ import annotations

from itertools import repeat
from typing import Any, NamedTuple, Optional, cast

from hf_secret_guard.model import Part, PartKind
from hf_secret_guard.read.jsonspan import (
    UNICODE_ESCAPE,
    JsonPath,
    Lazy,
    Spans,
    WholeCells,
    has_item_spans,
    item_spans,
    parse_with_spans,
    raw_offset_in_string,
    read_cell,
)

_BINARY_MIME_PREFIXES = ("image/", "audio/", "video/", "font/")
_BINARY_MIMES = frozenset({"application/pdf", "application/octet-stream", "application/zip"})


class NotebookShapeError(ValueError):
    """Valid JSON that is not an nbformat 4 notebook; the file is then scanned as plain text."""


class NotebookRead(NamedTuple):
    raw: str
    value: dict[str, Any]
    spans: Spans
    parts: tuple[Part, ...]
    notes: tuple[str, ...]  # cells that were not as nbformat 4 describes them
    binary: tuple[tuple[int, int], ...] = ()  # file spans of image and other base64 data: never scanned
    # The cells read whole (``WholeCells``), by index: their parts have no positions until ``placed``
    # gives them, and only those that may hold something are kept: a code cell's source, and text that
    # its stretch of the file may not show (``shows_prefixes``).  ``indexes``: then, each kept part's
    # index among the parts of a full read (what a finding's ``part_index`` is).
    whole: frozenset[int] = frozenset()
    indexes: tuple[int, ...] = ()


def is_text_mime(mime: str) -> bool:
    """Images and other binary outputs are base64: never a token, never scanned."""
    return mime == "image/svg+xml" or not (mime.startswith(_BINARY_MIME_PREFIXES) or mime in _BINARY_MIMES)


def read_notebook(raw: str, lazy: Lazy = False) -> NotebookRead:
    """Raises ``JsonSpanError`` for invalid JSON and ``NotebookShapeError`` for JSON of another shape.

    ``lazy``: a part joined from a list of strings gets no ``raw_pieces`` (the positions of the list's
    items are not read); ``placed`` gives them to the parts that need them.  A scan places only the parts
    that hold a token or a finding, a few of a notebook's many lines.  ``WholeCells``: and the cells it
    takes are read whole, their parts made from their values (``whole``)."""
    value, spans = parse_with_spans(raw, lazy)
    if isinstance(lazy, WholeCells) and lazy.arrays > 1:
        # A repeated "cells" key: the cells taken whole and the positions read are of two arrays.
        return read_notebook(raw, lazy=True)
    if not isinstance(value, dict):
        raise NotebookShapeError(f"JSON {type(value).__name__}, not a notebook object")
    if value.get("nbformat") != 4 or not isinstance(value.get("cells"), list):
        if "worksheets" in value or value.get("nbformat") == 3:
            raise NotebookShapeError("nbformat 3 notebook (worksheets)")
        raise NotebookShapeError("not an nbformat 4 notebook (no 'cells' list or 'nbformat': 4)")
    whole = lazy.cells if isinstance(lazy, WholeCells) else set()
    builder = _PartBuilder(raw, spans)
    for index, cell in enumerate(value["cells"]):
        if index in whole:
            try:
                builder.whole_cell(index, cell)
                continue
            except _Unplaceable:  # read it with positions after all
                read_cell(raw, spans, index)
                whole.discard(index)
        builder.cell(index, cell)
    builder.raw_slice(("metadata",), "text", None, None, "notebook metadata", value.get("metadata", _ABSENT))
    parts, notes, binary = tuple(builder.parts), tuple(builder.notes), tuple(builder.binary)
    indexes = tuple(builder.indexes) if builder.count > len(parts) else ()
    return NotebookRead(raw, value, spans, parts, notes, binary, frozenset(whole), indexes)


class _Unplaceable(Exception):
    """A cell read whole holds a raw slice whose part only its positions tell (``raw_slice``)."""


_ABSENT = object()  # a member the JSON object does not have


class _PartBuilder:
    def __init__(self, raw: str, spans: Spans) -> None:
        self.raw = raw
        self.spans = spans
        self.parts: list[Part] = []
        self.notes: list[str] = []
        self.binary: list[tuple[int, int]] = []
        self.whole = False  # building the parts of a cell read whole: from its value, without positions
        self.count = 0  # the parts a full read has made so far
        self.indexes: list[int] = []  # the index of each of ``parts`` among them

    def whole_cell(self, index: int, cell: Any) -> None:
        """``cell`` of a cell read whole: the parts that may hold something, made from its value, without
        positions; the others counted.  Raises ``_Unplaceable``, with nothing added, when a raw slice's
        part needs positions to be told."""
        counts = len(self.parts), len(self.notes), len(self.binary), self.count
        self.whole = True
        try:
            self.cell(index, cell)
        except _Unplaceable:
            del self.parts[counts[0] :], self.notes[counts[1] :], self.binary[counts[2] :]
            del self.indexes[counts[0] :]
            self.count = counts[3]
            raise
        finally:
            self.whole = False

    def _add(self, part: Part) -> None:
        self.parts.append(part)
        self.indexes.append(self.count)
        self.count += 1

    def cell(self, index: int, cell: Any) -> None:
        number = index + 1
        path: JsonPath = ("cells", index)
        if not isinstance(cell, dict):
            self.notes.append(f"cell {number} is not a JSON object")
            return
        cell_type = cell.get("cell_type")
        source_kind: PartKind = "code" if cell_type == "code" else "text"
        label = "code" if cell_type == "code" else str(cell_type or "cell")
        if not self.strings((*path, "source"), cell.get("source"), source_kind, number, None, label):
            self.notes.append(f"cell {number} has no usable 'source'")
        self.raw_slice(
            (*path, "metadata"), "text", number, None, "cell metadata", cell.get("metadata", _ABSENT)
        )
        attachments = cell.get("attachments")
        if isinstance(attachments, dict):
            for name, bundle in attachments.items():
                self.bundle((*path, "attachments", name), bundle, number, None, "attachment")
        outputs = cell.get("outputs")
        if cell_type == "code" and outputs is not None and not isinstance(outputs, list):
            self.notes.append(f"cell {number} 'outputs' is not a list")
        if isinstance(outputs, list):
            for out_index, output in enumerate(outputs):
                self.output((*path, "outputs", out_index), output, number, out_index + 1)

    def output(self, path: JsonPath, output: Any, cell: int, number: int) -> None:
        if not isinstance(output, dict):
            return
        kind = output.get("output_type")
        if kind == "stream":
            self.strings((*path, "text"), output.get("text"), "output", cell, number, "stream")
        elif kind == "error":
            self.strings((*path, "ename"), output.get("ename"), "output", cell, number, "error")
            self.strings((*path, "evalue"), output.get("evalue"), "output", cell, number, "error")
            self.strings((*path, "traceback"), output.get("traceback"), "output", cell, number, "traceback")
        self.bundle((*path, "data"), output.get("data", _ABSENT), cell, number, None)
        self.raw_slice(
            (*path, "metadata"), "output", cell, number, "output metadata", output.get("metadata", _ABSENT)
        )

    def bundle(
        self, path: JsonPath, data: Any, cell: int, output: Optional[int], label: Optional[str]
    ) -> None:
        """A MIME bundle (an output's ``data``, a markdown attachment): text is scanned, base64 is not."""
        # One named "metadata" (an attachment's name) was read whole as metadata is, with no positions
        # inside: it is scanned as it stands in the file.
        if not isinstance(data, dict) or path[-1] == "metadata":
            self.raw_slice(path, "output" if output else "text", cell, output, label or "data", data)
            return
        for mime, content in data.items():
            data_path = (*path, mime)
            if not is_text_mime(mime):
                span = self.spans.get(data_path)
                if span is not None:
                    self.binary.append(span)
                continue
            kind: PartKind = "output" if output else "text"
            if not self.strings(data_path, content, kind, cell, output, label or mime):
                self.raw_slice(data_path, kind, cell, output, label or mime, content)

    def strings(
        self,
        path: JsonPath,
        content: Any,
        kind: PartKind,
        cell: Optional[int],
        output: Optional[int],
        label: str,
    ) -> bool:
        """A part from a string or a list of strings (nbformat's multiline string).  In a cell read whole,
        text that its stretch of the file shows (``shows_prefixes``) is only counted: the cell has no token
        prefix (``WholeCells``)."""
        if isinstance(content, str):
            if self.whole and kind != "code":
                self.count += 1
                return True
            pieces: tuple[tuple[int, int], ...] = () if self.whole else ((0, self.spans[path][0]),)
            text = content
        elif isinstance(content, list):
            # A list a lazy read took whole has no spans for its items.
            whole = self.whole or (bool(content) and not has_item_spans(self.spans, path))
            if not set(map(type, content)) <= {str}:
                return False
            if self.whole and kind != "code" and _shown(path, content):
                self.count += 1
                return True
            pieces = () if whole else _list_pieces(self.spans, path, content)
            text = _separator(path).join(content)
        else:
            return False
        self._add(Part(kind, text, cell, output, path, label, raw_pieces=pieces))
        return True

    def raw_slice(
        self,
        path: JsonPath,
        kind: PartKind,
        cell: Optional[int],
        output: Optional[int],
        label: str,
        value: Any,
    ) -> None:
        """Nested JSON (metadata, widget state) is scanned as it stands in the file: a part for each but an
        empty object or array, and a value of 2 characters or fewer.  In a cell read whole, only counted
        (the cell has no token prefix); a value that is no object nor array is then ``_Unplaceable``: its
        length in the file decides."""
        if value is _ABSENT or (isinstance(value, (dict, list)) and not value):
            return
        if self.whole:
            if not isinstance(value, (dict, list)):
                raise _Unplaceable(path)
            self.count += 1
            return
        span = self.spans.get(path)
        if span is None or span[1] - span[0] <= 2:
            return
        start, end = span
        self._add(Part(kind, self.raw[start:end], cell, output, path, label, raw_start=start))


def _separator(path: JsonPath) -> str:
    """What joins the strings of a list into one text: an error output's traceback lines hold no line ends
    (``("cells", i, "outputs", j, "traceback")``)."""
    return "\n" if len(path) == 5 and path[2] == "outputs" and path[4] == "traceback" else ""


def _list_pieces(spans: Spans, path: JsonPath, content: list[str]) -> tuple[tuple[int, int], ...]:
    """(offset in the joined text, offset of the opening quote) of each string of the list at ``path``."""
    separator = len(_separator(path))
    offsets: list[tuple[int, int]] = []
    position = 0
    for item_index, item in enumerate(content):
        offsets.append((position, spans[(*path, item_index)][0]))
        position += len(item) + separator
    return tuple(offsets)


def shows_prefixes(notebook: NotebookRead, part: Part, escapes: bool = True) -> bool:
    """Whether any run of letters, digits, ``_``, ``-`` and ``.`` in the text of ``part`` (a string or a
    joined list of strings) is written out as it is within the part's stretch of the file, so that a search
    of the file finds every token prefix of the text there.  Not so when the stretch has a ``\\u`` escape
    (``\\u0068f_``), nor when a list's strings are joined without a separator and one but the last does
    not end a line (``"h", "f_..."``).  Other JSON escapes stand for characters no such run has.
    ``escapes``: False when the caller knows the file has no ``\\u`` at all (the stretch is not searched).
    A part of a cell read whole: such a cell writes every such character out (``WholeCells``)."""
    path = cast(JsonPath, part.json_path)  # what ``_PartBuilder`` put there
    if not in_whole_cell(notebook, part):
        start, end = notebook.spans[path]
        if escapes and UNICODE_ESCAPE.search(notebook.raw, start, end) is not None:
            return False
        if notebook.raw[start] != "[":
            return True
    content = _content(notebook, path)
    return isinstance(content, str) or _shown(path, content)


def _shown(path: JsonPath, content: list[str]) -> bool:
    """``shows_prefixes`` of the list of strings at ``path``, as far as its items tell."""
    return bool(_separator(path)) or all(map(str.endswith, content[:-1], repeat("\n")))


def in_whole_cell(notebook: NotebookRead, part: Part) -> bool:
    """Whether ``part`` is of a cell that ``read_notebook`` read whole (``WholeCells``)."""
    return bool(notebook.whole) and part.json_path[:1] == ("cells",) and part.json_path[1] in notebook.whole


def part_span(notebook: NotebookRead, part: Part) -> tuple[int, int]:
    """Where the JSON value ``part`` was made from sits in the file; for a part of a cell read whole, where
    the cell does (the value is in there)."""
    if in_whole_cell(notebook, part):
        return notebook.spans[cast(JsonPath, part.json_path[:2])]
    return notebook.spans[cast(JsonPath, part.json_path)]


def _content(notebook: NotebookRead, path: JsonPath) -> Any:
    content: Any = notebook.value
    for key in path:
        content = content[key]
    return content


def placed(notebook: NotebookRead, part: Part) -> Part:
    """``part`` with its ``raw_pieces``, which a lazy ``read_notebook`` leaves out of a part joined from a
    list of strings, and of any part of a cell it read whole; any other part as it is."""
    if part.raw_start >= 0 or part.raw_pieces or not part.json_path:
        return part
    path = cast(JsonPath, part.json_path)  # what ``_PartBuilder`` put there
    if path not in notebook.spans:  # of a cell read whole: read it with positions now
        read_cell(notebook.raw, notebook.spans, cast(int, path[1]))
    content = _content(notebook, path)
    if isinstance(content, str):
        return part._replace(raw_pieces=((0, notebook.spans[path][0]),))
    if not isinstance(content, list) or not content:
        return part
    item_spans(notebook.raw, notebook.spans, path)
    return part._replace(raw_pieces=_list_pieces(notebook.spans, path, content))


def raw_offset(raw: str, part: Part, offset: int) -> int:
    """Where character ``offset`` of ``part.text`` sits in the notebook file."""
    if part.raw_start >= 0:
        return part.raw_start + offset
    text_offset, quote = part.raw_pieces[0]
    for piece_offset, piece_quote in part.raw_pieces:
        if piece_offset > offset:
            break
        text_offset, quote = piece_offset, piece_quote
    return raw_offset_in_string(raw, quote, offset - text_offset)
