"""Real Virtuoso and Jena servers for the tests, each on free loopback ports with its own database folder.

* **Virtuoso**: Debian's ``virtuoso-opensource`` (``virtuoso-t``). The package's
  ``/etc/virtuoso-opensource-7/virtuoso.ini`` is copied with the database paths
  moved into the folder, both ``ServerPort`` lines bound to ``127.0.0.1:PORT``, the
  folder added to ``DirsAllowed`` (for the bulk loader) and, when asked,
  ``ResultSetMaxRows`` lowered so that paging is exercised on the bundled table. A
  new database's ``dba`` password is ``dba``; its ``/sparql-auth`` and
  ``/sparql-graph-crud-auth`` answer with HTTP Digest, ``/sparql`` reads without
  credentials.
* **Jena**: Debian's ``libapache-jena-java`` 4.5 has Jena's libraries but no Fuseki,
  so ``tests/jena/JenaServer.java`` (compiled once per session with ``javac``) serves
  a TDB2 database at Fuseki's URLs (``/ds/query``, ``/ds/update``, ``/ds/data``) with
  the union default graph. Debian's Jena 4.5 stops at start
  (``ExceptionInInitializerError`` in its relocated xerces) because the xerces
  message ``.properties`` files are packed under ``org/apache/jena/ext/xerces`` while
  the classes look for them under ``xerces``: they are copied to the right place on
  the class path.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

VIRTUOSO = shutil.which("virtuoso-t")
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
JAVA_LIBS = Path("/usr/share/java")
JENA_SOURCE = Path(__file__).resolve().parent / "jena" / "JenaServer.java"
#: Jena's jars and the Debian jars they need (libapache-jena-java's dependencies); slf4j-nop keeps the log quiet.
JENA_JARS = [
    "jena-arq", "jena-base", "jena-core", "jena-dboe-base", "jena-dboe-index", "jena-dboe-storage",
    "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri", "jena-tdb2", "commons-cli", "commons-codec",
    "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava",
    "httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
    "protobuf", "slf4j-api", "slf4j-nop", "thrift", "titanium-json-ld", "jakarta.json-api",
]  # fmt: skip

#: Credentials of a new Virtuoso database (its documented default).
VIRTUOSO_USER = VIRTUOSO_PASSWORD = "dba"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str, timeout: float = 120) -> None:
    """Until ``url`` answers 200 (the process must stay alive meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- Virtuoso ------------------------------------------------------------------------


def virtuoso_ini(folder: Path, http_port: int, sql_port: int, max_rows: int | None = None) -> Path:
    """The package's virtuoso.ini with a private database in ``folder`` and loopback ports."""
    text = VIRTUOSO_INI.read_text(encoding="utf-8")
    text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{folder}/")
    text = re.sub(r"(?m)^(ServerPort\s*=\s*)1111\b", rf"\g<1>127.0.0.1:{sql_port}", text)
    text = re.sub(r"(?m)^(ServerPort\s*=\s*)8890\b", rf"\g<1>127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^(DirsAllowed\s*=\s*)(.*)$", lambda m: f"{m[1]}{m[2]}, {folder}", text)
    if max_rows is not None:
        text = re.sub(r"(?m)^(ResultSetMaxRows\s*=\s*)\d+", rf"\g<1>{max_rows}", text)
    assert f"127.0.0.1:{http_port}" in text and f"127.0.0.1:{sql_port}" in text
    path = folder / "virtuoso.ini"
    path.write_text(text, encoding="utf-8")
    return path


def start_virtuoso(folder: Path, max_rows: int | None = None) -> tuple[subprocess.Popen, str, int]:
    """A new Virtuoso database in ``folder``; the process, its HTTP base URL and its SQL (isql) port."""
    if VIRTUOSO is None:
        raise RuntimeError("virtuoso-t is missing: apt-get install virtuoso-opensource (.ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = virtuoso_ini(folder, http_port, sql_port, max_rows)
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen([VIRTUOSO, "+configfile", str(ini), "+foreground"], cwd=folder, stdout=log,
                               stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{http_port}"
    wait_for(f"{url}/sparql?query=ASK%7B%7D", process, "virtuoso-t")
    return process, url, sql_port


# -- Jena ----------------------------------------------------------------------------


def jena_classpath(build: Path) -> str:
    """Compile JenaServer.java into ``build`` (once) with the xerces messages where Jena 4.5 looks; the class path."""
    jars = [str(JAVA_LIBS / f"{name}.jar") for name in JENA_JARS]
    missing = [j for j in jars if not Path(j).exists()]
    if missing:
        raise RuntimeError(f"Jena's jars are missing ({missing[0]} …): apt-get install libapache-jena-java (.ci/run does)")
    classes = build / "classes"
    if not (classes / "JenaServer.class").exists():
        classes.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(JAVA_LIBS / "jena-core.jar") as jar:
            prefix = "org/apache/jena/ext/"
            for name in jar.namelist():
                if name.startswith(prefix + "xerces/") and name.endswith(".properties"):
                    target = classes / name[len(prefix) :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
        subprocess.run(["javac", "-cp", ":".join(jars), "-d", str(classes), str(JENA_SOURCE)], check=True,
                       capture_output=True)  # fmt: skip
    return ":".join([*jars, str(classes)])


def start_jena(folder: Path, classpath: str) -> tuple[subprocess.Popen, str]:
    """The Jena server over a new TDB2 database in ``folder``; the process and its query URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(["java", "-Xmx1g", "-cp", classpath, "JenaServer", str(folder / "tdb2"), str(port)],
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/ds/query"
    wait_for(f"{url}?query=ASK%7B%7D", process, "the Jena server")
    return process, url
