"""`bench compare` refuses numbers no benchmark can produce, naming file:line; the parser
itself only counts them (go test output with an odd custom metric still parses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalloc.benchstat.format import implausible, parse_bench_text
from goalloc.cli import main

OLD = Path(__file__).parent / "testdata" / "bench" / "old.txt"


@pytest.mark.parametrize("bad,needle", [
    ("1e308 ns/op", "beyond any measurement"),
    ("-5 ns/op", "negative"),
    ("NaN ns/op", "not a finite number"),
    ("+Inf ns/op", "not a finite number"),
    ("1e400 ns/op", "not a finite number"),  # overflows to inf when read
    ("3e19 B/op", "beyond any measurement"),
    ("-1 allocs/op", "negative"),
    ("1e200 widgets/op", "beyond any measurement"),
])
def test_compare_refuses_absurd_values(tmp_path, capsys, bad, needle):
    lines = OLD.read_text().splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.startswith("BenchmarkAppend"))
    fields = lines[n].split()
    lines[n] = f"{fields[0]} {fields[1]} {bad}"
    new = tmp_path / "new.txt"
    new.write_text("\n".join(lines) + "\n")
    assert main(["bench", "compare", str(OLD), str(new)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"goalloc: error: {new}:{n + 1}: ")
    assert needle in captured.err and captured.err.count("\n") == 1


def test_zero_iterations_are_refused(tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text(OLD.read_text().replace("BenchmarkAppend-8        \t 1000000",
                                           "BenchmarkAppend-8        \t 0", 1))
    assert new.read_text() != OLD.read_text()
    assert main(["bench", "compare", str(OLD), str(new)]) == 2
    assert "iteration count 0" in capsys.readouterr().err


def test_parser_counts_absurd_lines_without_refusing():
    text = ("BenchmarkA-2 10 5 ns/op\n"
            "BenchmarkB-2 10 NaN x/op\n"
            "BenchmarkC-2 10 -3 ns/op\n"
            "BenchmarkD-2 10 -3 delta/op\n")  # a custom metric may be negative
    bf = parse_bench_text(text, "t.txt")
    assert [r.base for r in bf.results] == ["A", "D"]
    assert [n for n, _ in bf.bad_lines] == [2, 3]


def test_plausible_ranges():
    assert implausible("ns/op", 12.5) is None and implausible("B/op", 0) is None
    assert implausible("ns/op", 4e16) and implausible("MB/s", -1)
    assert implausible("x/op", -1e10) is None and implausible("x/op", float("nan"))
