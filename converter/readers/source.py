"""Read any source document into records, choosing the format and the layout by content.

``read_source`` is the one entry the converter, the store and the CLI use:
the bytes decide the container (:mod:`converter.readers.formats.detect`), the
cells decide the layout — the Guangzhou text table, per-project forms, or a
one-row-per-indicator sheet — unless ``layout`` forces one. Adding a layout
means adding a module under ``layouts/`` and a line in :data:`LAYOUTS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path

from ..records import Table
from .grid import Document, FormatError, Grid

#: The layouts perfkg reads, as ``--layout`` names them.
LAYOUTS: dict[str, str] = {
    "guangzhou": "one row per project, seven columns, indicators packed in one cell (the Guangzhou table)",
    "form": "a form per project: label cells, money lines, an indicator grid (most governments)",
    "self-evaluation": "a self-evaluation per project (项目支出绩效自评表): budget executed, indicators' actual values and points",
    "indicator-rows": "one row per indicator: 一级指标 | 二级指标 | 三级指标名称 | 计算符号 | 年度指标值 | 计量单位 (budget systems)",
}
#: File name endings taken as source documents (the content still decides how they are read).
SOURCE_SUFFIXES = (".txt", ".tsv", ".csv", ".html", ".htm", ".xlsx", ".xlsm", ".xls", ".docx", ".pdf", ".doc", ".wps")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a user may tell the readers: a layout to force, names and a year the document lacks."""

    layout: str | None = None
    department: str | None = None
    year: int | None = None
    encoding: str | None = None


class SourceError(ValueError):
    """A document no reader can read: ``file``, ``where`` (a line, ``Sheet1!B7``, ``page 3``), message, code."""

    def __init__(self, file: str, where: str, message: str, code: str = "unreadable") -> None:
        super().__init__(f"{file}:{where}: {message} [{code}]")
        self.file, self.where, self.message, self.code = file, where, message, code
        self.line = int(where) if where.isdigit() else 0


def is_source(path: str | Path) -> bool:
    """Whether a path names a source document (not an RDF file)."""
    return str(path).lower().endswith(SOURCE_SUFFIXES)


def read_source(path: str | Path, options: ReadOptions | None = None, *, name: str | None = None) -> Table:
    """Read one source document into a :class:`~converter.records.Table`."""
    path = Path(path)
    return read_source_bytes(path.read_bytes(), name or path.name, options)


def iter_source(path: str | Path, options: ReadOptions | None = None) -> Iterator[Table]:
    """A source document table by table: text tables are streamed department by department, the rest read whole."""
    from ..reader import iter_table

    options = options or ReadOptions()
    path = Path(path)
    if options.layout in (None, "guangzhou") and _is_text_table(path, options):
        yield from iter_table(path, encoding=options.encoding)
        return
    yield read_source(path, options)


def _is_text_table(path: Path, options: ReadOptions) -> bool:
    if options.layout == "guangzhou":
        return True
    with path.open("rb") as stream:
        head = stream.read(1 << 16)
    from .formats.detect import sniff

    try:
        kind = sniff(head, path.name)
    except FormatError:
        return False
    return kind == "text" and not _indicator_sheet_text(head, options)


def read_source_bytes(data: bytes, file: str, options: ReadOptions | None = None) -> Table:
    options = options or ReadOptions()
    if options.layout is not None and options.layout not in LAYOUTS:
        raise SourceError(file, "1", f"unknown layout {options.layout!r} (one of: {', '.join(LAYOUTS)})", "usage")
    from .formats.detect import sniff, stream_document

    try:
        kind = sniff(data, file)
    except FormatError as err:
        if err.code == "empty-file":  # the text reader says it the way it always has, with the line
            return _guangzhou_text(data, file, options)
        raise SourceError(err.file, err.where, err.message, err.code) from err
    if kind == "text" and options.layout in (None, "guangzhou") and not _indicator_sheet_text(data, options):
        return _guangzhou_text(data, file, options)
    try:
        document, blocks = stream_document(data, file)
        # The layout is told by the first blocks; a form document is then read
        # block by block (a workbook of 1,000 forms is never held whole).
        head = list(islice(blocks, _HEAD_BLOCKS))
        document.blocks = head
        layout = options.layout or _layout_of(document)
        if layout == "form":
            return _forms(document, chain(head, blocks), options)
        document.blocks = head + list(blocks)
    except FormatError as err:
        raise SourceError(err.file, err.where, err.message, err.code) from err
    return read_document_records(document, replace(options, layout=layout))


#: Blocks looked at to tell the layout: a title, a narrative, the table.
_HEAD_BLOCKS = 4


def _forms(document: Document, blocks, options: ReadOptions) -> Table:
    from .layouts.form import FormError, read_forms

    try:
        return read_forms(document, department=options.department, year=options.year, blocks=blocks)
    except FormError as err:
        raise SourceError(err.file, err.where, err.message, "no-form") from err


def read_document_records(document: Document, options: ReadOptions | None = None) -> Table:
    """Records from a document already read into blocks, by its layout (given or found)."""
    from .layouts.form import FormError, read_forms
    from .layouts.indicator_rows import RowsError, find_header, read_indicator_rows
    from .layouts.self_evaluation import EvaluationError, read_self_evaluations

    options = options or ReadOptions()
    layout = options.layout or _layout_of(document)
    kwargs = dict(department=options.department, year=options.year)
    try:
        if layout == "indicator-rows":
            return read_indicator_rows(document, **kwargs)
        if layout == "guangzhou":
            return _guangzhou_grid(document, options)
        if layout == "self-evaluation":
            return read_self_evaluations(document, **kwargs)
        return read_forms(document, **kwargs)
    except EvaluationError as err:
        raise SourceError(err.file, err.where, err.message, "no-self-evaluation") from err
    except (FormError, RowsError) as err:
        raise SourceError(err.file, err.where, err.message, "no-form" if isinstance(err, FormError) else "no-indicator-rows") from err
    del find_header


def _layout_of(document: Document) -> str:
    from .layouts.indicator_rows import find_header

    from .layouts.self_evaluation import is_self_evaluation

    if _guangzhou_header(document) is not None:
        return "guangzhou"
    if is_self_evaluation(document):
        return "self-evaluation"
    found = find_header(document)
    if found is not None:
        return "indicator-rows"
    return "form"


def _indicator_sheet_text(data: bytes, options: ReadOptions) -> bool:
    """A CSV/TSV text whose header names indicator columns: the one-row-per-indicator layout."""
    if options.layout == "indicator-rows":
        return True
    head = data[:1 << 14]
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(codec, "ignore")
            break
        except LookupError:  # pragma: no cover
            continue
    return "一级指标" in text and ("三级指标" in text or "指标名称" in text) and "项目名称（资金使用单位）" not in text


def _guangzhou_text(data: bytes, file: str, options: ReadOptions) -> Table:
    from ..reader import read_table_bytes

    return read_table_bytes(data, file, encoding=options.encoding)  # its TableError says file:line: what


def _guangzhou_header(document: Document) -> Grid | None:
    from ..reader import COLUMNS

    for block in document.blocks:
        if isinstance(block, Grid):
            for row in block.rows:
                cells = [c.text.strip() for c in row]
                if cells and cells[0].startswith("项目名称") and sum(c in COLUMNS for c in cells) >= 5:
                    return block
    return None


def _guangzhou_grid(document: Document, options: ReadOptions) -> Table:
    """The Guangzhou layout in a workbook or HTML page: its rows as tab-separated lines for the text reader."""
    from ..reader import read_table_bytes

    lines = []
    for block in document.blocks:
        if isinstance(block, Grid):
            lines.extend("\t".join(c.text.replace("\t", " ") if c.is_origin else "" for c in row).rstrip("\t")
                         if any(c.text.strip() for c in row) else "" for row in block.rows)
        else:
            lines.append(block.text)
    data = "\n".join(lines).encode("utf-8")
    table = read_table_bytes(data, document.file)
    table.format = document.format
    table.sha256 = document.sha256 or hashlib.sha256(data).hexdigest()
    return table
