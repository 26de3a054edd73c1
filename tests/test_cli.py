"""The command line: every command has help and is documented; errors are one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter import __version__
from converter.cli import COMMANDS, build_parser, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _command_names() -> list[str]:
    return sorted(COMMANDS)


@pytest.mark.parametrize("name", _command_names())
def test_command_has_help_text(name, capsys):
    assert COMMANDS[name][0].strip()
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: perfkg " + name.split()[0])


@pytest.mark.parametrize("name", _command_names())
def test_command_is_in_the_readme(name):
    assert f"perfkg {name}" in README


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"perfkg {__version__}"


def test_unknown_command_is_a_usage_error(capsys):
    assert main(["frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_missing_input_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["convert", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nope.txt" in err[0] and "Traceback" not in err[0]


def test_readme_starts_with_the_two_commands():
    block = README.split("```sh\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert len(block) == 2
    assert "perfkg build data/guangzhou-hrss-2024-project-performance-goals.txt" in block[0]
    root = Path(__file__).resolve().parent.parent
    assert block[1] == "scripts/test"  # a script that installs what the tests drive, then runs pytest
    assert "pytest" in (root / "scripts" / "test").read_text(encoding="utf-8")
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci.splitlines(), "the README's test command is what .ci/run runs"


def test_parser_builds_with_every_command():
    parser = build_parser()
    assert set(parser._subparsers._group_actions[0].choices) == set(COMMANDS)
