"""`goalloc bench compare` on the team's samples (tests/testdata/bench/old.txt, new.txt).

The expected numbers are recomputed here from the values as typed below (not from goalloc's
parser): medians with statistics.median, p-values by brute-force permutation enumeration
(and scipy where there are no ties), `~` when p > 0.05.
"""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from goalloc.benchstat.compare import compare
from goalloc.benchstat.format import parse_bench_text, split_name
from goalloc.cli import main
from test_bench_stats import brute_force_p

DATA = Path(__file__).parent / "testdata" / "bench"
OLD, NEW = DATA / "old.txt", DATA / "new.txt"

# The samples exactly as written in old.txt / new.txt.
SAMPLES = {
    ("Append-8", "ns/op"): ([1205, 1190, 1221, 1198, 1250, 1187], [402, 398, 411, 405, 399, 420]),
    ("Append-8", "B/op"): ([2040] * 6, [896] * 6),
    ("Append-8", "allocs/op"): ([8] * 6, [1] * 6),
    ("MapFill/n=100-8", "ns/op"): ([5010, 4980, 5120, 5060, 4995, 5040],
                                   [5030, 4990, 5100, 5050, 5005, 5070]),
    ("MapFill/n=100-8", "keys/op"): ([100.0] * 6, [100.0] * 6),
    ("Ties-8", "ns/op"): ([300, 300, 310, 305, 310], [310, 320, 320, 315, 310]),
    ("Few-8", "ns/op"): ([100000, 101000, 102000], [90000, 91000, 92000]),
    ("Few-8", "B/op"): ([0] * 3, [0] * 3),
}


def benchstat_delta(old_median: float, new_median: float, p: float) -> str:
    """benchstat's delta column: `~` unless p <= 0.05, else the signed change of the medians."""
    if p > 0.05:
        return "~"
    if old_median == new_median:
        return "0.00%"
    return f"{(new_median / old_median - 1) * 100:+.2f}%"


def run_json(capsys, *args) -> dict:
    assert main(["bench", "compare", str(OLD), str(NEW), "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_agrees_with_independent_statistics(capsys):
    doc = run_json(capsys)
    assert doc["schema_version"] == 1
    got = {(c["name"], c["unit"]): c for c in doc["comparisons"]}
    for key, (old, new) in SAMPLES.items():
        c = got[key]
        assert c["old_median"] == statistics.median(old)
        assert c["new_median"] == statistics.median(new)
        p = brute_force_p(old, new)
        assert c["p"] == pytest.approx(p, abs=1e-12), key
        assert c["significant"] is (p <= 0.05)
        a, b = statistics.median(old), statistics.median(new)
        assert c["delta"] == benchstat_delta(a, b, p), key
        assert c["delta_pct"] == pytest.approx(0.0 if a == b else (b / a - 1) * 100)


def test_known_decisions_on_team_samples(capsys):
    got = {(c["name"], c["unit"]): c for c in run_json(capsys)["comparisons"]}
    # Append: every new value below every old one, 6 vs 6 -> p = 2/924, significant.
    assert got[("Append-8", "ns/op")]["p"] == pytest.approx(2 / 924)
    assert got[("Append-8", "ns/op")]["delta"] == "-66.42%"
    # allocs/op 8 -> 1 every run: ties inside each sample, still p = 2/924.
    assert got[("Append-8", "allocs/op")]["p"] == pytest.approx(2 / 924)
    assert got[("Append-8", "allocs/op")]["delta_pct"] == pytest.approx(-87.5)
    # MapFill: interleaved -> not significant.
    assert got[("MapFill/n=100-8", "ns/op")]["delta"] == "~"
    # Ties: 5 vs 5 with ties, just under alpha (enumerated: 12 of 252 arrangements).
    ties = got[("Ties-8", "ns/op")]
    assert ties["p"] == pytest.approx(12 / 252) and ties["significant"] is True
    # Few: 3 vs 3 completely separated -> p = 0.1: `~` plus the too-few-runs warnings.
    few = got[("Few-8", "ns/op")]
    assert few["p"] == pytest.approx(0.1) and few["delta"] == "~"
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in few["warnings"]
    assert "need >= 6 samples for confidence interval at level 0.95" in few["warnings"]
    assert few["old_ci"][0] is None  # -inf is null in JSON
    # Identical samples: p = 1 and `~`.
    same = got[("MapFill/n=100-8", "keys/op")]
    assert same["p"] == 1.0 and same["delta"] == "~" and same["significant"] is False


def test_units_as_written_and_scipy_cross_check(capsys):
    scipy_stats = pytest.importorskip("scipy.stats")
    doc = run_json(capsys)
    assert {c["unit"] for c in doc["comparisons"]} == {"ns/op", "B/op", "allocs/op", "keys/op"}
    checked = []
    for c in doc["comparisons"]:
        old, new = SAMPLES.get((c["name"], c["unit"]), (None, None))
        if old and len(set(old + new)) == len(old + new):  # no ties: scipy's exact test
            assert c["p"] == pytest.approx(
                scipy_stats.mannwhitneyu(old, new, method="exact").pvalue)
            checked.append(c["name"])
    assert sorted(checked) == ["Append-8", "Few-8", "MapFill/n=100-8"]


def test_geomeans(capsys):
    doc = run_json(capsys)
    gm = {g["unit"]: g for g in doc["geomeans"]}
    meds_old = [statistics.median(SAMPLES[(n, "ns/op")][0])
                for n in ("Append-8", "MapFill/n=100-8", "Ties-8", "Few-8")]
    meds_new = [statistics.median(SAMPLES[(n, "ns/op")][1])
                for n in ("Append-8", "MapFill/n=100-8", "Ties-8", "Few-8")]
    assert gm["ns/op"]["old"] == pytest.approx(statistics.geometric_mean(meds_old))
    assert gm["ns/op"]["new"] == pytest.approx(statistics.geometric_mean(meds_new))
    ratio = statistics.geometric_mean([b / a for a, b in zip(meds_old, meds_new)])
    assert gm["ns/op"]["delta_pct"] == pytest.approx((ratio - 1) * 100)
    # B/op has a 0 median (Few): no geomean of the values, but 0 -> 0 counts as ratio 1.
    assert gm["B/op"]["old"] is None
    assert "summaries must be >0 to compute geomean" in gm["B/op"]["warnings"]
    b_ratio = math.prod([896 / 2040, 1.0, 1.0, 1.0]) ** 0.25
    assert gm["B/op"]["delta_pct"] == pytest.approx((b_ratio - 1) * 100)


def test_text_report(capsys):
    assert main(["bench", "compare", str(OLD), str(NEW)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    append = next(ln for ln in lines if ln.startswith("Append-8") and "µ" in ln)
    assert "1.202µ" in append and "403.5n" in append and "-66.42%" in append
    assert "(p=0.002 n=6)" in append
    mapfill = next(ln for ln in lines if ln.startswith("MapFill/n=100-8") and "µ" in ln)
    assert " ~ " in mapfill
    assert "sec/op" in out and "ns/op" not in out  # displayed as benchstat does
    assert "geomean" in out
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in out


def test_parser_config_suffix_and_custom_metrics():
    text = ("goos: linux\npkg: a/b\nBenchmarkX/sub=1-16 \t 10 \t 5.5 ns/op \t 3 frobs/op\n"
            "pkg: c/d\nBenchmarkY 5 1e3 ns/op\nBenchmarking is fun\nBenchmarkBad 5 x ns/op\n"
            "BenchmarkOdd 5 1 ns/op 2\nPASS\nok  \ta/b\t0.1s\nrandom log line\n")
    bf = parse_bench_text(text, "t")
    assert [(r.pkg, r.name, r.base, r.procs) for r in bf.results] == [
        ("a/b", "X/sub=1-16", "X/sub=1", 16), ("c/d", "Y", "Y", 1)]
    assert bf.results[0].values == {"ns/op": 5.5, "frobs/op": 3.0}
    assert bf.results[1].values == {"ns/op": 1000.0}
    assert [ln for ln, _ in bf.bad_lines] == [7, 8]
    assert bf.config["goos"] == "linux"
    assert split_name("Foo-bar") == ("Foo-bar", 1)


def test_compare_api_matches_cli():
    res = compare(parse_bench_text(OLD.read_text(), "old"),
                  parse_bench_text(NEW.read_text(), "new"))
    assert [t.unit for t in res.tables] == ["ns/op", "B/op", "allocs/op", "keys/op"]
    assert res.only_old == [] and res.only_new == []


def test_errors_are_one_line_with_exit_codes(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["bench", "compare", str(empty), str(NEW)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("goalloc: error: no benchmark results in") and err.count("\n") == 1
    assert main(["bench", "compare", str(tmp_path / "missing.txt"), str(NEW)]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["bench", "compare", str(OLD)]) == 2
    assert "two files" in capsys.readouterr().err
    other = tmp_path / "other.txt"
    other.write_text("BenchmarkSomethingElse 10 5 ns/op\n")
    assert main(["bench", "compare", str(OLD), str(other)]) == 2
    assert "no benchmark in common" in capsys.readouterr().err
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("BenchmarkX 10 abc ns/op\n")
    assert main(["bench", "compare", str(garbage), str(NEW)]) == 2
    assert "malformed" in capsys.readouterr().err


def test_gomaxprocs_suffix_differs_between_files(tmp_path, capsys):
    new4 = tmp_path / "new4.txt"
    new4.write_text(NEW.read_text().replace("-8 ", "-4 "))
    assert main(["bench", "compare", str(OLD), str(new4), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {(c["name"], c["unit"]): c for c in doc["comparisons"]}
    # Matched by base name; same statistics as with equal suffixes.
    assert got[("Append", "ns/op")]["p"] == pytest.approx(2 / 924)
    assert any("GOMAXPROCS differs" in n for n in doc["notes"])
    # Same suffix on both sides: matched by full name, no note.
    res = compare(parse_bench_text(OLD.read_text()), parse_bench_text(NEW.read_text()))
    assert res.notes == [] and res.rows[0].name == "Append-8"


def test_stdin_as_new(monkeypatch, capsys):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW.read_text()))
    assert main(["bench", "compare", str(OLD), "-", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # 4 benchmarks x (ns/op, B/op, allocs/op) + MapFill keys/op
    assert doc["new"] == "<stdin>" and len(doc["comparisons"]) == 4 * 3 + 1


def test_import_is_light():
    import subprocess
    import sys
    code = ("import sys, goalloc.benchstat, goalloc.benchstat.compare, goalloc.commands.bench, goalloc.commands.gctrace; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('scipy', 'matplotlib', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_files_without_pkg_lines_match_by_name(tmp_path, capsys):
    bare = tmp_path / "bare.txt"
    bare.write_text("".join(ln + "\n" for ln in NEW.read_text().splitlines()
                            if not ln.startswith("pkg:")))
    assert main(["bench", "compare", str(OLD), str(bare), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    got = {(c["name"], c["unit"]): c for c in doc["comparisons"]}
    assert got[("Append-8", "allocs/op")]["p"] == pytest.approx(2 / 924)
    assert any("pkg:" in n for n in doc["notes"])


def test_display_units_and_prefixes():
    from goalloc.report.bench_report import display_unit, format_value
    assert display_unit("ns/op") == "sec/op" and display_unit("MB/s") == "B/s"
    assert display_unit("allocs/op") == "allocs/op"
    assert format_value(1201.5, "ns/op") == "1.202µ"
    assert format_value(123456789, "ns/op") == "123.5m"
    assert format_value(2040, "B/op") == "1.992Ki"
    assert format_value(16, "allocs/op") == "16.00"
    assert format_value(322.2, "MB/s") == "307.3Mi"  # 322.2e6 B/s


def test_ignore_procs_matches_by_name_without_the_suffix(tmp_path):
    old = parse_bench_text(OLD.read_text())
    new4 = parse_bench_text(NEW.read_text().replace("-8 ", "-4 "))
    # Asked for: matched without the -N suffix, with nothing to note (it was the request).
    res = compare(old, new4, ignore_procs=True)
    assert res.notes == [] and res.only_old == res.only_new == []
    append = next(r for r in res.rows if r.name == "Append" and r.comparison)
    assert append.comparison.p == pytest.approx(2 / 924)
    # Turned off: -8 and -4 results are different benchmarks, and none is in both files.
    res = compare(old, new4, ignore_procs=False)
    assert not any(r.comparison for r in res.rows)
    assert sorted(res.only_old) == ["Append-8", "Few-8", "MapFill/n=100-8", "Ties-8"]
