"""Outputs that never clobber (converter.output): links, devices, FIFOs, ``-``, modes and temporaries.

Each case runs the real ``perfkg`` command (or, for the signals, a real
process writing through ``atomic_output``) and looks at the file system with
``os``/``stat`` afterwards. The expected N-Triples line count of the bundled
table is taken from a plain ``perfkg convert`` to a regular file in the same
test, then compared by another route (the bytes read through the link, the
FIFO, the pipe).
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

PERFKG = str(Path(sys.executable).parent / "perfkg")


def convert(source: Path, output: str, *extra: str, umask: int | None = None) -> subprocess.CompletedProcess:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run([PERFKG, "convert", str(source), "--format", "nt", "-o", output, *extra],
                          capture_output=True, timeout=300, preexec_fn=set_umask)  # fmt: skip


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.fixture(scope="module")
def expected(source_path, tmp_path_factory) -> bytes:
    """The graph written to a plain new file: what every other target must receive."""
    path = tmp_path_factory.mktemp("plain") / "graph.nt"
    assert convert(source_path, str(path)).returncode == 0
    data = path.read_bytes()
    assert data.count(b"\n") > 30_000  # the table's ≈ 37 k triples
    return data


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_0666_less_the_umask(source_path, tmp_path, mask, mode):
    """The issue: every RDF file was 0600 whatever the umask."""
    out = tmp_path / "graph.nt"
    assert convert(source_path, str(out), umask=mask).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == mode


def test_a_symlink_is_written_through_to_its_target(source_path, tmp_path, expected):
    target = tmp_path / "published" / "graph.nt"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.nt"
    link.symlink_to(target)
    assert convert(source_path, str(link)).returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == expected
    assert parts(tmp_path) == [] and parts(target.parent) == []


def test_a_dangling_symlink_creates_its_target(source_path, tmp_path, expected):
    target = tmp_path / "graph.nt"
    link = tmp_path / "link.nt"
    link.symlink_to(target)
    assert convert(source_path, str(link)).returncode == 0
    assert link.is_symlink() and target.read_bytes() == expected


def test_a_fifo_is_written_in_place_as_a_stream(source_path, tmp_path, expected):
    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = convert(source_path, str(fifo))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # still a FIFO, not replaced by a file
    assert received == [expected]
    assert parts(tmp_path) == []


def test_a_device_is_written_in_place(source_path, tmp_path):
    """As root, -o /dev/null used to rename a regular file over /dev/null. A device node of our own stands in for it."""
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the null device's numbers on Linux
    except PermissionError:
        device = Path("/dev/null")  # not root: /dev/null itself cannot be replaced either way
    before = os.stat(device)
    assert convert(source_path, str(device)).returncode == 0
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert parts(device.parent) == [] if device.parent == tmp_path else True


def test_dash_writes_to_standard_output(source_path, tmp_path, expected):
    result = subprocess.run([PERFKG, "convert", str(source_path), "--format", "nt", "-o", "-"],
                            capture_output=True, timeout=300, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0
    assert result.stdout == expected
    assert not (tmp_path / "-").exists()


def test_query_and_export_outputs_follow_the_same_rules(source_path, tmp_path):
    target = tmp_path / "rows.tsv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    result = subprocess.run([PERFKG, "export-table", str(source_path), "-o", str(link)], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8").count("\n") > 250  # ≥ 258 project rows


#: Writes through atomic_output, says where its temporary is, then blocks until a signal arrives.
#: Python's own Ctrl-C handler is put back first: a test run started in the background (``cmd &``) hands
#: its children SIGINT ignored, and the SIGINT case would then wait out its timeout.
SLOW_WRITER = """
    import signal, sys, time
    from pathlib import Path
    from converter.output import atomic_output
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with atomic_output(Path(sys.argv[1])) as stream:
        stream.write(b"half a graph")
        stream.flush()
        print("writing", flush=True)
        time.sleep(60)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_removes_the_temporary_and_keeps_the_old_file(tmp_path, signum):
    """The issue: a killed convert left .part files (one kept a full disk full)."""
    out = tmp_path / "graph.nt"
    out.write_text("the old graph\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SLOW_WRITER), str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout.readline().strip() == "writing"
    assert len(parts(tmp_path)) == 1
    process.send_signal(signum)
    assert process.wait(timeout=30) != 0
    assert parts(tmp_path) == []
    assert out.read_text(encoding="utf-8") == "the old graph\n"


def test_sigterm_during_a_real_convert_leaves_no_temporary(source_path, tmp_path):
    out = tmp_path / "graph.nt"
    inputs = [str(source_path)] * 6
    process = subprocess.Popen([PERFKG, "convert", *inputs, "--format", "nt", "-o", str(out), "-j", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while not parts(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the conversion ended before it could be stopped"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    assert parts(tmp_path) == [] and not out.exists()


def test_a_failure_removes_the_temporary(tmp_path):
    from converter.output import atomic_output

    out = tmp_path / "x.nt"
    with pytest.raises(RuntimeError):
        with atomic_output(out) as stream:
            stream.write(b"partial")
            raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []


def test_a_sigterm_while_the_temporary_is_made_removes_it(tmp_path):
    """SIGTERM right after the .part file exists, before the handler that removes it is in place.

    The signal is sent from inside ``tempfile.mkstemp`` (a process signalling itself, in a child
    Python): held until the temporary is registered, then handled, so exit 143 and no .part. Without
    the hold the default action killed perfkg there (exit -15) and left the .part (seen once under load).
    """
    script = (
        "import os, signal, sys, tempfile\n"
        "from converter.output import write_text\n"
        "real = tempfile.mkstemp\n"
        "def mkstemp(*a, **k):\n"
        "    made = real(*a, **k)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return made\n"
        "tempfile.mkstemp = mkstemp\n"
        "write_text(sys.argv[1], 'never written')\n"
    )
    target = tmp_path / "out.txt"
    done = subprocess.run([sys.executable, "-c", script, str(target)], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
