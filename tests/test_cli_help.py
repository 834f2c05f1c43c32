"""One face for every command: each --help has examples and the exit codes, and the same
thing has the same option everywhere."""

from __future__ import annotations

import pytest

from goalloc.cli import main
from goalloc.commands import COMMANDS

HELP_PAGES = [[c] for c in COMMANDS] + [["grow", "slice"], ["grow", "map"], ["bench", "run"],
                                         ["bench", "compare"], ["lab", "map"], ["lab", "slice"],
                                         ["lab", "intern"]]


@pytest.mark.parametrize("argv", HELP_PAGES, ids=" ".join)
def test_help_has_examples_and_exit_codes(argv, capsys):
    assert main([*argv, "--help"]) == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "goalloc " + argv[0] in out.split("examples:")[1]
    assert "exit codes:" in out and "130" in out and "3    the target has compile errors" in out


def test_top_level_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert f"    {name}" in out
    assert "130" in out


@pytest.mark.parametrize("command", ["scan", "lint", "verify", "bench run"])
def test_module_directory_is_dash_c_everywhere(command, capsys):
    assert main([*command.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert "-C DIR, --dir DIR" in out and "--example" in out and "--tags" in out
    assert "--no-progress" in out


@pytest.mark.parametrize("command", ["scan", "lint", "verify"])
def test_rule_options_are_the_same(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "--rules ID[,ID]" in out and "--no-rules [ID[,ID]]" in out and "--assume-n N" in out


def test_lint_no_rules_without_a_list_is_a_usage_error(capsys):
    assert main(["lint", "--example", "--no-rules"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("goalloc: error:") and err.count("\n") == 1 and "nothing left" in err


def test_bench_old_spelling_still_parses(capsys):
    # 'bench PACKAGES' is 'bench run PACKAGES'; a bad flag value shows it reached 'run'.
    assert main(["bench", "./...", "--count", "0"]) == 2
    assert "--count must be at least 1" in capsys.readouterr().err


def test_profile_source_is_an_alias_of_dash_c(tmp_path, capsys):
    missing = tmp_path / "nope"
    for flag in ("-C", "--source", "--dir"):
        assert main(["profile", str(tmp_path / "x.pb.gz"), flag, str(missing)]) == 2
        assert "is not a directory" in capsys.readouterr().err


def test_text_reports_fit_the_width(capsys, monkeypatch):
    """Piped text wraps at $COLUMNS (100 without it); continuation lines are indented."""
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main(["grow", "slice", "--elem", "int64", "--n", "1000", "--go", "1.27"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(l) for l in lines) <= 100
    i = next(i for i, l in enumerate(lines) if l.startswith("  make([]int64, 0, 1000): 1 allocation"))
    assert lines[i + 1].startswith("      ")  # the wrapped rest of that line, indented
    monkeypatch.setenv("COLUMNS", "70")
    assert main(["grow", "slice", "--elem", "int64", "--n", "1000", "--go", "1.27"]) == 0
    assert max(len(l) for l in capsys.readouterr().out.splitlines()) <= 70
