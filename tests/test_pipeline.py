"""perfkg build reports the source's problems through the CLI's one path (cli.report_problems).

The bundled table's three warnings (line 143: numbering gap and repeated annual
target; line 630: free-form indicators) are those ``perfkg convert`` prints;
``grep -n`` finds 1、2、5 at line 143 and the 1.产出数量：1.1… paragraph at line 630.
"""

from __future__ import annotations

from converter.cli import main
from converter.pipeline import build


def test_build_hands_the_problems_to_its_caller(source_path, tmp_path):
    seen = []
    build([source_path], tmp_path / "out", tmp_path / "store", problems=seen.append)
    [conversion] = seen
    warnings = sorted((p.line, p.code) for p in conversion.problems if p.severity == "warning")
    assert warnings == [(143, "numbering-gap"), (143, "repeated-annual-target"), (630, "free-form-layout")]


def test_cli_build_prints_problems_once_on_stderr(source_path, tmp_path, capsys):
    assert main(["build", str(source_path), "--out", str(tmp_path / "out"), "--store", str(tmp_path / "store")]) == 0
    out, err = capsys.readouterr()
    assert "warning:" not in out
    assert [line.split(": ", 1)[0] for line in err.splitlines() if line.startswith("warning:")] == ["warning"] * 3
    assert "perfkg: 0 error(s), 3 warning(s)" in err
