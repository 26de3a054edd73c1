"""converter.forked: a step in a forked child gives its result or its exception, and keeps its memory to itself."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from converter import forked


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def test_the_result_comes_back_from_another_process():
    pid, counts = forked.run(lambda: (os.getpid(), {"Violation": 0}), "a step")
    assert pid != os.getpid() and counts == {"Violation": 0}


def test_what_the_step_allocated_stays_in_the_child():
    before = _rss_mb()
    size = forked.run(lambda: len(bytearray(300 * 1024 * 1024)) + len([str(i) for i in range(1_000_000)]), "a step")
    assert size == 300 * 1024 * 1024 + 1_000_000
    assert _rss_mb() - before < 30  # the child's 300 MB and a million strings ended with it


def test_its_exception_is_raised_here_as_it_was():
    def fails():
        raise ValueError("graph.nq, line 7: not N-Quads")

    with pytest.raises(ValueError, match=r"^graph\.nq, line 7: not N-Quads$"):
        forked.run(fails, "validating the graph")


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")


def test_an_exception_that_cannot_travel_comes_as_its_traceback():
    def fails():
        raise _Unpicklable("the engine's own error")

    with pytest.raises(forked.ChildFailed, match=r"(?s)^validating the graph failed:\n.*the engine's own error"):
        forked.run(fails, "validating the graph")


def test_a_child_that_dies_is_an_error_that_says_how():
    def dies():
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(forked.ChildFailed, match=r"^validating the graph: its process ended without a result \(killed by signal 9\)"):
        forked.run(dies, "validating the graph")


def test_with_another_thread_running_the_step_runs_here():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert forked.run(os.getpid, "a step") == os.getpid()
    finally:
        stop.set()
        thread.join()
    assert forked.run(os.getpid, "a step") != os.getpid()
