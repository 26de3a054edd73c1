"""Shared fixtures: the bundled table, read once, and its graph in memory."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from converter import read_table
from converter.convert import Conversion, quads

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "data" / "guangzhou-hrss-2024-project-performance-goals.txt"


@pytest.fixture(scope="session")
def source_path() -> Path:
    return SOURCE


@pytest.fixture(scope="session")
def source_lines() -> list[str]:
    """The source file's lines, 1-based by index (element 0 is unused)."""
    return [""] + SOURCE.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="session")
def table():
    return read_table(SOURCE)


@pytest.fixture(scope="session")
def store(table) -> ox.Store:
    """An in-memory Oxigraph store with the bundled table's quads (read-only use)."""
    s = ox.Store()
    s.bulk_extend(quads(Conversion([table])))
    return s


# -- a real Oxigraph SPARQL server ---------------------------------------------

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph serve exited with {process.returncode}: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"oxigraph serve did not answer at {url} within {timeout} s")


@pytest.fixture(scope="session")
def oxigraph_server_factory() -> Iterator[Callable[[Path], str]]:
    """Start real ``oxigraph serve`` processes on free loopback ports; all stop at the end.

    ``start(location)`` serves the store folder ``location`` (it may already hold
    data, e.g. loaded with ``oxigraph load``) with ``--union-default-graph``, so a
    query without GRAPH sees every named graph, and returns the server's base URL:
    SPARQL query at ``{url}/query``, update at ``{url}/update``, Graph Store
    Protocol at ``{url}/store``.
    """
    if OXIGRAPH is None:
        raise RuntimeError("the oxigraph server binary is missing: pip install -e '.[test]'")
    processes: list[subprocess.Popen] = []

    def start(location: Path) -> str:
        port = _free_port()
        process = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        _wait_for(url, process)
        return url

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def oxigraph_server(oxigraph_server_factory, tmp_path_factory) -> str:
    """The base URL of a real Oxigraph server over an empty store folder (see the factory)."""
    return oxigraph_server_factory(tmp_path_factory.mktemp("oxigraph-server"))


# -- real Virtuoso and Jena servers (tests/backends.py) ---------------------------


@pytest.fixture(scope="session")
def virtuoso_factory(tmp_path_factory) -> Iterator[Callable[..., tuple[str, int, Path]]]:
    """Start Virtuoso databases on free loopback ports; all stop at the end of the session.

    ``start(max_rows=None)`` returns the HTTP base URL (``/sparql`` reads without
    credentials, ``/sparql-auth`` and ``/sparql-graph-crud-auth`` want Digest as
    ``dba``/``dba``), the isql port and the database folder.
    """
    from backends import start_virtuoso, stop

    processes = []

    def start(max_rows: int | None = None) -> tuple[str, int, Path]:
        folder = tmp_path_factory.mktemp("virtuoso")
        process, url, sql_port = start_virtuoso(folder, max_rows)
        processes.append(process)
        return url, sql_port, folder

    yield start
    for process in processes:
        stop(process)


@pytest.fixture(scope="session")
def jena_factory(tmp_path_factory) -> Iterator[Callable[[], str]]:
    """Start Jena TDB2 servers (Fuseki's URLs, union default graph); ``start()`` returns the query URL."""
    from backends import jena_classpath, start_jena, stop

    classpath = jena_classpath(tmp_path_factory.mktemp("jena-build"))
    processes = []

    def start() -> str:
        process, url = start_jena(tmp_path_factory.mktemp("jena"), classpath)
        processes.append(process)
        return url

    yield start
    for process in processes:
        stop(process)


# -- the multi-year fixture: the bundled table and a 2025 copy -------------------


def write_year(source: Path, target: Path, year: int) -> Path:
    """The bundled table as another year's table: only the title's year changes."""
    lines = source.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if "\t" not in line and "2024年项目支出绩效目标表" in line:
            lines[index] = line.replace("2024年", f"{year}年")
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def multi_year_nquads(tmp_path_factory) -> Path:
    """N-Quads of the 2024 table and a 2025 copy, converted apart and concatenated (two named graphs)."""
    from converter.cli import main

    folder = tmp_path_factory.mktemp("multi-year")
    sources = [SOURCE, write_year(SOURCE, folder / "gz-2025.txt", 2025)]
    parts = []
    for index, source in enumerate(sources):
        path = folder / f"{index}.nq"
        assert main(["convert", str(source), "--format", "nq", "-o", str(path)]) == 0
        parts.append(path.read_bytes())
    out = folder / "multi-year.nq"
    out.write_bytes(b"".join(parts))
    return out


# -- the self-evaluation fixtures, as perfkg convert writes them ----------------

#: A goals form and its self-evaluation (composed), Putuo from its published PDF (pages: pk:sourcePage),
#: Tangxi from its Word attachment: two departments' self-evaluation reports and one goals table.
SELF_EVALUATIONS = ("composed-putuo-2022-goals.html", "composed-putuo-2022-self-evaluation.html",
                    "shanghai-putuo-tiyu-2022.pdf", "chizhou-guichi-tangxi-2022.docx")


@pytest.fixture(scope="session")
def self_evaluation_nquads(tmp_path_factory) -> Path:
    """N-Quads of :data:`SELF_EVALUATIONS`, converted in one run by the CLI."""
    from converter.cli import main

    folder = Path(__file__).resolve().parent / "data" / "self-evaluations"
    out = tmp_path_factory.mktemp("self-evaluations") / "self-evaluations.nq"
    assert main(["convert", *(str(folder / name) for name in SELF_EVALUATIONS), "--format", "nq", "-o", str(out)]) == 0
    return out
