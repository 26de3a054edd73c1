"""Files the way RDF tools take them: format names, aliases and media types, ``-``, ``.gz``.

The conventions of rapper, riot and rdfpipe, so perfkg fits in a pipe:

* a format is named by its short name, a usual alias or its media type
  (``ttl``, ``ntriples``, ``application/n-quads`` …, :func:`format_name`);
* without ``--format`` the output file's extension decides the format, and a
  ``--format`` that contradicts the extension is an error
  (:func:`output_format`), so ``-o x.nt`` always holds N-Triples;
* ``-`` stands for standard input or output wherever a file is taken;
* a ``.gz`` file is decompressed on reading and compressed on writing
  (the extension before ``.gz`` gives the format).

Inputs that are not plain files (standard input, ``.gz``) are copied to a
private temporary folder, decompressed, under the name they stand for
(``T.txt.gz`` → ``T.txt``, standard input → ``stdin.txt``, ``stdin.nq`` …),
so every reader downstream takes a path as before and messages name the
table, not a temporary file (:func:`local_inputs`). Standard input's format is
the one given, or else sniffed from its first bytes (:func:`sniff`).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from .serialize import EXTENSIONS, FORMATS, guess_format

#: Standard input or output.
STDIO = "-"

#: Each format's names: its perfkg name first, then the usual aliases and media types.
ALIASES: dict[str, tuple[str, ...]] = {
    "turtle": ("turtle", "ttl", "text/turtle", "application/x-turtle"),
    "nt": ("nt", "ntriples", "n-triples", "application/n-triples"),
    "nq": ("nq", "nquads", "n-quads", "application/n-quads"),
    "trig": ("trig", "application/trig"),
    "json-ld": ("json-ld", "jsonld", "application/ld+json"),
    "xml": ("xml", "rdfxml", "rdf/xml", "rdf-xml", "rdf", "application/rdf+xml"),
}
#: What people call each format.
TITLES = {"turtle": "Turtle", "nt": "N-Triples", "nq": "N-Quads", "trig": "TriG", "json-ld": "JSON-LD", "xml": "RDF/XML"}
_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}

#: The input format that is not RDF: a source table (tab-separated text).
TABLE = "table"

_GZIP_MAGIC = b"\x1f\x8b"


class FormatError(ValueError):
    """A format name nobody knows, or a ``--format`` the output file's name contradicts."""


def format_name(value: str) -> str:
    """perfkg's name of an RDF format given by name, alias or media type (case does not matter)."""
    key = value.strip().lower()
    key = key.split(";", 1)[0].strip()  # "text/turtle; charset=utf-8"
    if key in _BY_ALIAS:
        return _BY_ALIAS[key]
    known = ", ".join(a for aliases in ALIASES.values() for a in aliases)
    raise FormatError(f"unknown RDF format {value!r} (known: {known})")


def input_format_name(value: str) -> str:
    """An input format: an RDF format (:func:`format_name`) or ``table`` for a source table."""
    key = value.strip().lower()
    if key in {TABLE, "txt", "tsv", "text/tab-separated-values"}:
        return TABLE
    try:
        return format_name(value)
    except FormatError as err:
        raise FormatError(f"{err}; or 'table' for a source table") from None


def inner_name(path: str | Path) -> str:
    """A file's name without ``.gz``: the name its content stands for."""
    name = Path(path).name
    return name[: -len(".gz")] if name.lower().endswith(".gz") and len(name) > 3 else name


def format_of_path(path: str | Path) -> str | None:
    """The RDF format a file's extension names (``x.nt.gz`` → ``nt``), or None."""
    if str(path) == STDIO:
        return None
    return guess_format(inner_name(path).lower())


def output_format(given: str | None, output: str | None, default: str = "turtle") -> str:
    """The format to write: ``--format`` (checked against the file name), else the extension, else ``default``.

    A contradiction (``--format turtle -o x.nt``) raises :class:`FormatError`:
    a file whose name says N-Triples must hold N-Triples.
    """
    named = format_of_path(output) if output else None
    if given is None:
        return named or default
    if named is not None and named != given:
        raise FormatError(
            f"{output}: the file name says {TITLES[named]} but --format says {TITLES[given]}; "
            f"drop --format, or name the file with {EXTENSIONS[given]}"
        )
    return given


# -- writing -------------------------------------------------------------------


def is_stdout(output: str | Path | None) -> bool:
    return output is None or str(output) == STDIO


def write_text(output: str | Path | None, text: str, *, bom: bool = False) -> None:
    """Text (UTF-8) to a file, ``.gz`` compressed, or to standard output for None or ``-``."""
    write_bytes(output, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def write_bytes(output: str | Path | None, data: bytes) -> None:
    """Bytes to a file (written atomically, ``.gz`` compressed) or to standard output for None or ``-``."""
    if is_stdout(output):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from .output import atomic_output

    with atomic_output(Path(output)) as stream:  # compresses for a .gz name
        stream.write(data)


# -- reading -------------------------------------------------------------------

_LINE_STATEMENT = re.compile(rb"^\s*(<[^>\s]*>|_:\S+)\s.*\.\s*$")


def sniff(head: bytes) -> str:
    """The input format of some bytes: an RDF format name, or ``table``.

    RDF/XML and JSON-LD by their first character, N-Quads when the first
    statements are one per line (N-Triples is N-Quads without graph names, so
    the N-Quads parser reads both), TriG when the text opens with a prefix or
    base declaration (Turtle is TriG without graphs); anything else is a
    source table, whose encoding the reader detects.
    """
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        return TABLE
    first = lines[0].lstrip()
    if first.startswith(("<?xml", "<rdf:RDF")):
        return "xml"
    if first.startswith(("{", "[")):
        return "json-ld"
    if re.match(r"(@prefix|@base|prefix\s|base\s)", first, re.I):
        return "trig"
    complete = lines[:-1] if len(lines) > 1 and not text.endswith("\n") else lines
    statements = [line.encode() for line in complete[:20]]
    if statements and all(_LINE_STATEMENT.match(line) for line in statements):
        return "nq"
    if first.startswith(("<", "_:")):
        return "trig"
    return TABLE


def _extension(fmt: str) -> str:
    return ".txt" if fmt == TABLE else EXTENSIONS[fmt]


@contextlib.contextmanager
def local_inputs(paths: Sequence[str], input_format: str | None = None) -> Iterator[list[str]]:
    """The paths with ``-`` and ``.gz`` inputs replaced by decompressed copies in a temporary folder.

    Standard input becomes ``stdin`` + the extension of ``input_format`` or of
    the sniffed format (compressed input is recognised by its gzip header);
    ``NAME.gz`` becomes ``NAME``. Plain files are passed through untouched.
    The folder is removed on exit.
    """
    paths = [str(p) for p in paths]
    if paths.count(STDIO) > 1:
        raise FormatError("'-' (standard input) can be given once")
    if not any(p == STDIO or p.lower().endswith(".gz") for p in paths):
        yield paths
        return
    folder = Path(tempfile.mkdtemp(prefix="perfkg-input-"))
    try:
        local: list[str] = []
        taken: set[Path] = set()
        for path in paths:
            if path == STDIO:
                local.append(str(_spool_stdin(folder, input_format, taken)))
            elif path.lower().endswith(".gz"):
                local.append(str(_unpack(Path(path), folder, taken)))
            else:
                local.append(path)
        yield local
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _place(folder: Path, name: str, taken: set[Path]) -> Path:
    """A path in ``folder`` named ``name`` (in its own subfolder, as two inputs may share a name)."""
    index = 0
    while folder / str(index) / name in taken:
        index += 1
    target = folder / str(index) / name
    taken.add(target)
    target.parent.mkdir(exist_ok=True)
    return target


def _unpack(path: Path, folder: Path, taken: set[Path]) -> Path:
    target = _place(folder, inner_name(path), taken)
    try:
        with gzip.open(path, "rb") as packed, target.open("wb") as out:
            shutil.copyfileobj(packed, out, 1 << 20)
    except (gzip.BadGzipFile, EOFError) as err:
        raise FormatError(f"{path}: not a complete gzip file ({err})") from None
    return target


def _spool_stdin(folder: Path, input_format: str | None, taken: set[Path]) -> Path:
    source = sys.stdin.buffer
    if sys.stdin.isatty():
        raise FormatError("'-' reads standard input, but it is a terminal: pipe a file in (cat T.txt | perfkg …)")
    raw = folder / "stdin.raw"
    with raw.open("wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
    with raw.open("rb") as stream:
        packed = stream.read(2) == _GZIP_MAGIC
    if packed:
        unpacked = folder / "stdin.unpacked"
        try:
            with gzip.open(raw, "rb") as stream, unpacked.open("wb") as out:
                shutil.copyfileobj(stream, out, 1 << 20)
        except (gzip.BadGzipFile, EOFError) as err:
            raise FormatError(f"standard input: not a complete gzip stream ({err})") from None
        raw.unlink()
        raw = unpacked
    if input_format is None:
        with raw.open("rb") as stream:
            input_format = sniff(stream.read(1 << 16))
    target = _place(folder, "stdin" + _extension(input_format), taken)
    raw.rename(target)
    return target


def open_binary_input(path: str | Path) -> BinaryIO:
    """A file (``.gz`` decompressed) or standard input for ``-``, opened for reading bytes."""
    if str(path) == STDIO:
        return sys.stdin.buffer
    if str(path).lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def read_text(path: str | Path) -> str:
    """A UTF-8 text file (a query), ``.gz`` decompressed, or standard input for ``-``."""
    if str(path) == STDIO:
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8").read()
    with open_binary_input(path) as stream:
        return stream.read().decode("utf-8")


__all__ = [
    "ALIASES", "FORMATS", "FormatError", "STDIO", "TABLE", "format_name", "format_of_path",
    "inner_name", "input_format_name", "local_inputs", "output_format", "read_text", "sniff", "write_bytes",
    "write_text",
]  # fmt: skip
