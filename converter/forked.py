"""A step run in a forked child process, so that what it leaves in memory leaves with the child (issue 15).

Validating 100 tables leaves ≈ 65 MB in the process that did it: shacl-rust's
and Oxigraph's allocations, the shapes parsed once and cached, and Python's
small-object arenas that a few live objects keep from being freed. None of it
is needed afterwards, yet all of it was still held when the saved queries
reached ``perfkg build``'s peak. Run in a child, the step's memory is the
child's, returned whole when it exits; the build keeps only what the step
returns (the counts, the tables apart, the report's text).

The child is forked, so it sees the parent's modules and data as they are and
nothing is pickled to it; only its result (or its exception) is pickled back,
through a pipe. Where fork is not safe (not POSIX, or another thread running,
Python's or a native library's, which a child would lose mid-work:
:func:`can_fork`) the function runs in this process instead: the same result,
the memory as before.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The child died without a result (killed, out of memory) or failed with an exception that cannot be pickled."""


def can_fork() -> bool:
    """Fork is safe here: POSIX, and this process runs no other thread, Python's or a native library's.

    A child has only the thread that forked it: a pool another thread ran is gone, and work handed
    to it waits forever. shacl-rust's rayon pool, started by a validation earlier in the same
    process, did exactly that (a test run hung in ``LockLatch::wait_and_reset``), and Python's
    ``threading`` does not see such threads: the kernel's list of the process's tasks does. Without
    that list (no ``/proc``) fork is not risked.
    """
    return hasattr(os, "fork") and threading.active_count() == 1 and _threads() == 1


def _threads() -> int:
    """The process's threads as the kernel counts them (Linux ``/proc/self/task``); 0 when it cannot tell."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def run(step: Callable[[], T], what: str) -> T:
    """``step()``'s result, computed in a forked child when fork is safe; its exception raised here as it was.

    ``what`` names the step in the message of :class:`ChildFailed`.
    """
    if not can_fork():
        return step()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
        os.close(read)
        _child(step, write)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
    except BaseException:  # Ctrl-C reached the child too (one process group); SIGTERM did not
        _stop(pid)
        raise
    _, status = os.waitpid(pid, 0)
    if not data:
        raise ChildFailed(f"{what}: its process ended without a result ({_status(status)}); run again, "
                          "and if it fails the same way, report it with the command")  # fmt: skip
    done, value = pickle.loads(data)
    if done:
        return value
    if isinstance(value, str):
        raise ChildFailed(f"{what} failed:\n{value}")
    raise value


def _child(step: Callable[[], object], write: int) -> None:
    code = 0
    try:
        try:
            payload = pickle.dumps((True, step()))
        except BaseException as err:  # sent back to be raised in the parent, as if the step had run there
            code = 1
            try:
                payload = pickle.dumps((False, err))
                pickle.loads(payload)  # an exception that pickles but does not unpickle is sent as text
            except Exception:
                payload = pickle.dumps((False, traceback.format_exc()))
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(code)


def _stop(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _status(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
