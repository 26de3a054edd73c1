"""converter.forked: a step in a forked child gives its result or its exception, and keeps its memory to itself.

The test process itself runs native threads (shacl-rust's pool, once a test has validated), so
:func:`converter.forked.can_fork` is False in it: the tests of what a child does tell the module
the process has one thread (their children start no pool), and the probe itself is tested in a
new interpreter.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from converter import forked


@pytest.fixture
def one_thread(monkeypatch):
    monkeypatch.setattr(forked, "_threads", lambda: 1)


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


def test_the_result_comes_back_from_another_process(one_thread):
    pid, counts = forked.run(lambda: (os.getpid(), {"Violation": 0}), "a step")
    assert pid != os.getpid() and counts == {"Violation": 0}


def test_what_the_step_allocated_stays_in_the_child(one_thread):
    before = _rss_mb()
    size = forked.run(lambda: len(bytearray(300 * 1024 * 1024)) + len([str(i) for i in range(1_000_000)]), "a step")
    assert size == 300 * 1024 * 1024 + 1_000_000
    assert _rss_mb() - before < 30  # the child's 300 MB and a million strings ended with it


def test_its_exception_is_raised_here_as_it_was(one_thread):
    def fails():
        raise ValueError("graph.nq, line 7: not N-Quads")

    with pytest.raises(ValueError, match=r"^graph\.nq, line 7: not N-Quads$"):
        forked.run(fails, "validating the graph")


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")


def test_an_exception_that_cannot_travel_comes_as_its_traceback(one_thread):
    def fails():
        raise _Unpicklable("the engine's own error")

    with pytest.raises(forked.ChildFailed, match=r"(?s)^validating the graph failed:\n.*the engine's own error"):
        forked.run(fails, "validating the graph")


def test_a_child_that_dies_is_an_error_that_says_how(one_thread):
    def dies():
        os.kill(os.getpid(), signal.SIGKILL)

    with pytest.raises(forked.ChildFailed, match=r"^validating the graph: its process ended without a result \(killed by signal 9\)"):
        forked.run(dies, "validating the graph")


def test_with_a_python_thread_running_the_step_runs_here(one_thread):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert forked.run(os.getpid, "a step") == os.getpid()
    finally:
        stop.set()
        thread.join()
    assert forked.run(os.getpid, "a step") != os.getpid()


def test_a_native_pool_keeps_the_step_here():
    """A new interpreter forks; once shacl-rust has validated (its rayon pool started), it does not:
    a child of it hung waiting for that pool. Both validations give the same results."""
    child = textwrap.dedent("""
        import os
        import pyoxigraph as ox
        from converter import forked, validate

        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode("https://example.org/p"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode("https://w3id.org/perfkg/ontology#Project")))

        def step():
            return os.getpid(), validate.as_text(validate.validate(store))

        first = forked.run(step, "validating")
        second = forked.run(step, "validating")  # the first child's pool ended with it: this process still forks
        validate.validate(store)  # here: now this process runs shacl-rust's pool
        third = forked.run(step, "validating")
        me = os.getpid()
        print(first[0] != me, second[0] != me, third[0] == me, forked.can_fork(), first[1] == second[1] == third[1])
    """)
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True, timeout=120).stdout
    assert out.split() == ["True", "True", "True", "False", "True"]


def test_perfkg_build_validates_in_a_child_and_writes_the_report_validating_here_gives(source_path, tmp_path):
    """A build in a new interpreter (as the CLI runs it) forks for validation; its validation.txt is the
    report this process makes of the same graph.nq."""
    from converter import validate

    child = textwrap.dedent("""
        import os, sys
        from converter import pipeline, validate

        parent, real = os.getpid(), validate.validate_tables

        def spy(*args, **kwargs):
            print("validated in the", "child" if os.getpid() != parent else "parent", flush=True)
            return real(*args, **kwargs)

        validate.validate_tables = spy
        report = pipeline.build([sys.argv[1]], sys.argv[2], sys.argv[3])
        print("loaded", report.loaded_graphs, "answered", len(report.answers))
    """)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", child, str(source_path), str(out), str(tmp_path / "store")],
                          capture_output=True, text=True, check=True, timeout=300)  # fmt: skip
    assert done.stdout.splitlines() == ["validated in the child", "loaded 1 answered 24"]
    here = validate.validate_tables(validate.tables_of_files([out / "graph.nq"]), validate.DEFAULT_ENGINE)
    assert (out / "validation.txt").read_text(encoding="utf-8") == validate.as_text(here, limit=1000) + "\n"


def test_perfkg_build_whose_validating_child_is_killed_says_so_in_one_line(one_thread, monkeypatch, tmp_path, capsys):
    """The OOM killer's signal 9, sent by the child to itself: exit code 4, one line naming the step, no traceback."""
    from converter import validate
    from converter.cli import main

    parent = os.getpid()

    def killed(*args, **kwargs):
        if os.getpid() != parent:  # only ever in the child: in this process the test fails instead
            os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("validation ran in the test's own process")

    monkeypatch.setattr(validate, "validate_tables", killed)
    source = tmp_path / "one.txt"
    source.write_text(Path(__file__).parent.parent.joinpath("data", "guangzhou-hrss-2024-project-performance-goals.txt")
                      .read_text(encoding="utf-8"), encoding="utf-8")  # fmt: skip
    code = main(["build", str(source), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "store")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 4
    assert err[-1] == ("perfkg: validating the graph: its process ended without a result (killed by signal 9); "
                       "run again, and if it fails the same way, report it with the command")  # fmt: skip
    assert "Traceback" not in "\n".join(err)
    assert not (tmp_path / "store").exists()  # nothing was loaded
