"""The floor plan holds: imports point down and never circle (scripts/check_layers.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_layers.py"


def _checker():
    spec = importlib.util.spec_from_file_location("check_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_points_up_or_circles():
    assert _checker().check() == []


def test_checker_sees_an_upward_import(tmp_path, monkeypatch):
    """The checker itself must catch a report importing a command, and a circle."""
    checker = _checker()
    pkg = tmp_path / "goalloc"
    (pkg / "report").mkdir(parents=True)
    (pkg / "commands").mkdir()
    for d in (pkg, pkg / "report", pkg / "commands"):
        (d / "__init__.py").write_text("")
    (pkg / "report" / "a.py").write_text("from goalloc.commands import b\n")
    (pkg / "commands" / "b.py").write_text("import goalloc.report.a\n")
    (pkg / "errors.py").write_text("import goalloc.units\n")
    (pkg / "units.py").write_text("from goalloc import errors\n")
    monkeypatch.setattr(checker, "SRC", tmp_path)
    problems = checker.check()
    assert any("goalloc.report.a (report) imports goalloc.commands.b (commands)" in p
               for p in problems)
    assert any(p.startswith("import circle:") and "goalloc.errors" in p for p in problems)
