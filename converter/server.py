"""``perfkg serve``: the store folder behind Oxigraph's own SPARQL server.

The ``oxigraph`` package ships a server binary with a SPARQL 1.1 query
endpoint (``/query``), update endpoint (``/update``), Graph Store Protocol
(``/store``) and a query web page (YASGUI) at ``/``. perfkg runs it on the
store folder with ``--union-default-graph``, so a query without ``GRAPH`` sees
every table, as the embedded store's queries do; it binds to loopback unless
told otherwise, since the server has no authentication.
"""

from __future__ import annotations

import ipaddress
import shutil
import signal
import subprocess
import threading
import sys
from pathlib import Path
from typing import TextIO

from .store import StoreError, _recover, check_store_folder, is_store, mark_served

DEFAULT_BIND = "127.0.0.1:7878"
_READY = "Listening for requests at"


class ServerError(StoreError):
    """The server could not start (binary missing, port taken, store locked)."""


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary: beside this Python first (a virtualenv), then on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise ServerError("the oxigraph server is not installed; install it with: pip install 'perfkg[server]' (or: pip install oxigraph)")
    return found


def parse_bind(bind: str) -> tuple[str, int]:
    """``HOST:PORT`` (IPv6 in brackets) → (host, port), with a clear error."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536 or not host:
        raise ServerError(f"--bind {bind!r}: expected HOST:PORT, for example {DEFAULT_BIND}")
    return host.strip("[]"), int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def command(path: Path, bind: str, read_only: bool) -> list[str]:
    """The oxigraph command line for a store folder."""
    mode = "serve-read-only" if read_only else "serve"
    return [oxigraph_binary(), mode, "--location", str(path), "--bind", bind, "--union-default-graph"]


def start(path: str | Path, bind: str = DEFAULT_BIND, *, read_only: bool = False) -> tuple[subprocess.Popen, str]:
    """Start the server and wait until it listens; return the process and its base URL.

    Raises :class:`ServerError` with Oxigraph's first error line (store locked,
    address in use) when it exits instead.
    """
    path = Path(path)
    host, port = parse_bind(bind)
    if not read_only:
        _recover(path)
    check_store_folder(path)
    if read_only and not is_store(path):
        raise ServerError(f"{path}: no store here to serve read-only (create one with 'perfkg load INPUT --store {path}')")
    process = subprocess.Popen(
        command(path, bind, read_only), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace",
    )
    assert process.stderr is not None
    said: list[str] = []
    try:
        for line in process.stderr:
            if line.startswith(_READY):
                shown = f"[{host}]" if ":" in host else host
                return process, f"http://{shown}:{port}/"
            said.append(line)
    except BaseException:  # Ctrl-C or SIGTERM while the store opens: no orphan server
        stop(process)
        raise
    process.wait()
    raise _start_error(path, bind, "".join(said))


def _start_error(path: Path, bind: str, text: str) -> ServerError:
    first = next((line for line in text.splitlines() if line.strip()), "exited at start")
    first = first.removeprefix("Error: ")
    if "LOCK" in first:
        return ServerError(f"{path}: the store is in use by another process (another 'perfkg serve' or a load); stop it first")
    if "Address already in use" in first or "address in use" in first.lower():
        return ServerError(f"{bind}: the address is in use; choose another port with --bind")
    return ServerError(f"the oxigraph server did not start: {first}")


def serve(path: str | Path, bind: str = DEFAULT_BIND, *, read_only: bool = False, out: TextIO | None = None) -> int:
    """Serve the store until interrupted (Ctrl-C or SIGTERM); return the server's exit code (0 when stopped)."""
    previous = _stop_on_sigterm()
    try:
        return _serve(path, bind, read_only, out or sys.stdout)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _serve(path: str | Path, bind: str, read_only: bool, out: TextIO) -> int:
    host, _ = parse_bind(bind)
    try:
        process, url = start(path, bind, read_only=read_only)
    except KeyboardInterrupt:
        return 0
    marker = mark_served(Path(path), process.pid) if read_only else None
    try:  # from here on, any interruption must stop the Oxigraph process too
        if not is_loopback(host):
            print(f"perfkg: warning: serving on {host} without authentication: anyone who can reach it can "
                  f"{'read' if read_only else 'read and change'} the store", file=sys.stderr)
        mode = "read-only" if read_only else "read-write"
        print(f"Serving {path} ({mode}) at {url}  (query page {url}, SPARQL endpoint {url}query); Ctrl-C stops it",
              file=out, flush=True)
        assert process.stderr is not None
        for line in process.stderr:  # Oxigraph's own log lines, passed on
            sys.stderr.write(line)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(process)
        if marker is not None:
            marker.unlink(missing_ok=True)


def stop(process: subprocess.Popen) -> None:
    """Terminate the server and wait for it (RocksDB closes cleanly on SIGTERM); kill after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _stop_on_sigterm():
    """Let SIGTERM (a service manager, ``kill``) stop the server as Ctrl-C does, not orphan it.

    Returns the handler it replaced (None off the main thread, where none can be set).
    """
    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGTERM, _interrupt)
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
