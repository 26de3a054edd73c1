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


def test_the_problems_of_a_kind_past_the_first_few_are_counted_not_printed(source_path, tmp_path, capsys, monkeypatch):
    """Two years of the bundled table: each of its three warnings twice; one of each kind is shown.

    At 1,000 tables the build printed 3,000 warning lines; now 20 of each kind, then one line of the rest.
    """
    from converter import cli
    from conftest import write_year

    monkeypatch.setattr(cli, "SHOWN_PER_KIND", 1)
    later = write_year(source_path, tmp_path / "gz-2025.txt", 2025)
    assert main(["convert", str(source_path), str(later), "-o", str(tmp_path / "both.nq")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line.split(" [")[0] for line in err if line.startswith("warning:")] == [
        f"warning: {source_path.name}:143: indicator numbering is not 1, 2, 3 … (1、2、5)",
        f"warning: {source_path.name}:143: indicator 2 states 年度指标值 3 times; the copies are identical, one is kept "
        "(通过对留学人才创业、高层次留学人员提供配套资助，支持一批留学人员来穗创业创新，助推粤港澳大湾区高水平人才高地建设。)",
        f"warning: {source_path.name}:630: indicators are a free-form paragraph; parsed by headings "
        "(1.产出数量：1.1故障工单关闭率=实际完成处理的故障工单数…)"]  # fmt: skip
    assert [line for line in err if " not shown " in line] == [
        f"perfkg: 1 more warning(s) [{code}] not shown (2 in all); every one is a pk:Anomaly in the graph, listed by the "
        f"saved query anomalies with --param kind={code}"
        for code in ("numbering-gap", "repeated-annual-target", "free-form-layout")]  # fmt: skip
    assert "perfkg: 0 error(s), 6 warning(s)" in err[-1]
    listed = main(["query", "anomalies", "--param", "kind=numbering-gap", "--data", str(tmp_path / "both.nq"), "--format", "csv"])
    assert listed == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert len(rows) == 2 and all(",numbering-gap,warning,143," in row for row in rows)  # both years' line 143
