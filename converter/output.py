"""Writing output files without clobbering anything: what ``-o`` may name and what becomes of it.

* a regular file (or a new name) is written to a temporary file beside it and
  renamed over it at the end, so a failed run leaves the old file (or none);
  it gets the mode a new file would, ``0666 & ~umask``;
* a symbolic link is written through: its target is what gets replaced, the
  link stays;
* a device, a FIFO or ``-`` (standard output) is written in place, as a
  stream — renaming a file over ``/dev/null`` would destroy it;
* a regular file whose name ends in ``.gz`` is written gzip-compressed, with
  no time stamp or name in the header (the same content gives the same bytes);
* the temporary file is removed on every failure, on Ctrl-C (SIGINT) and on
  SIGTERM: while one is open, SIGTERM raises :class:`Terminated` (a
  ``SystemExit`` with status 143) so every cleanup on the way out runs.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

#: Temporary files open now (this process), and the SIGTERM handler they replaced.
_open_temporaries: set[str] = set()
_previous_handler: object = None
_owner = os.getpid()


class Terminated(SystemExit):
    """SIGTERM arrived while an output was being written: leave, cleaning up (exit status 128 + 15)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _on_sigterm(signum: int, frame: object) -> None:
    if os.getpid() != _owner:  # a forked worker: die as SIGTERM would have it
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise Terminated


def _watch(tmp: str) -> None:
    global _previous_handler
    if not _open_temporaries and threading.current_thread() is threading.main_thread():
        current = signal.getsignal(signal.SIGTERM)
        if current in (signal.SIG_DFL, None):  # someone else's handler (perfkg serve) is left in place
            _previous_handler = signal.signal(signal.SIGTERM, _on_sigterm)
    _open_temporaries.add(tmp)


def _unwatch(tmp: str) -> None:
    global _previous_handler
    _open_temporaries.discard(tmp)
    if not _open_temporaries and _previous_handler is not None and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _previous_handler)  # type: ignore[arg-type]
        _previous_handler = None


def umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _Unclosed:
    """Standard output handed to a writer that will close what it is given."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        return self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class atomic_output:
    """Open what ``-o PATH`` names for writing, by the rules in the module docstring.

    On leaving without an exception the file is in place; on any exception
    (Ctrl-C and SIGTERM included) a regular file's temporary is removed and
    the target is left as it was. A stream target (device, FIFO, ``-``) keeps
    what was written, since it cannot be taken back.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.target = self.path
        self._stream: BinaryIO | None = None
        self._packed: BinaryIO | None = None
        self._tmp = ""
        self._watched = ""
        self.streaming = False

    def __enter__(self) -> BinaryIO:
        if str(self.path) == "-":
            self.streaming = True
            self._stream = _Unclosed(sys.stdout.buffer)  # type: ignore[assignment]
            return self._stream  # type: ignore[return-value]
        self.target = Path(os.path.realpath(self.path)) if self.path.is_symlink() else self.path
        try:
            mode = os.stat(self.target).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            self.streaming = True  # a device, FIFO or socket: written in place
            self._stream = open(self.target, "wb")  # noqa: SIM115 - closed in __exit__
            return self._stream
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(self.path))
        self.target.parent.mkdir(parents=True, exist_ok=True)
        # SIGTERM waits while the temporary is made and its handler put in place: between the two, the
        # default action killed perfkg and left the .part behind (seen on a loaded machine). A SIGTERM that
        # came meanwhile is handled when the mask is put back, the temporary known, so it is removed.
        main = threading.current_thread() is threading.main_thread()
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}) if main else None
        try:
            try:
                fd, self._tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
                self._watched = self._tmp
                _watch(self._tmp)
                try:
                    os.fchmod(fd, 0o666 & ~umask())
                    self._stream = os.fdopen(fd, "wb")
                except BaseException:
                    os.close(fd)
                    raise
            finally:
                if mask is not None:
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            if self.target.name.lower().endswith(".gz"):
                import gzip

                self._packed = gzip.GzipFile(filename="", mode="wb", fileobj=self._stream, mtime=0, compresslevel=6)  # type: ignore[assignment]
                return self._packed  # type: ignore[return-value]
            return self._stream
        except BaseException:
            if self._stream is not None:
                self._stream.close()
            self._discard()
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._stream is not None
        if self.streaming:
            self._stream.close()
            return
        try:
            if self._packed is not None:
                self._packed.close()  # writes the gzip trailer; leaves the file open
            self._stream.close()
            if exc_type is None:
                os.replace(self._tmp, self.target)
                self._tmp = ""
        finally:
            self._discard()

    def _discard(self) -> None:
        if self._tmp:
            try:
                os.unlink(self._tmp)
            except FileNotFoundError:
                pass
        self._tmp = ""
        if self._watched:
            _unwatch(self._watched)
            self._watched = ""


def write_text(path: str | Path, text: str, *, newline: str | None = None) -> None:
    """Write a text output (UTF-8) by the same rules; ``newline=""`` keeps the text's own line ends."""
    data = text if newline == "" else text.replace("\n", newline or os.linesep)
    with atomic_output(path) as stream:
        stream.write(data.encode("utf-8"))
