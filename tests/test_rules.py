"""Rules over the annotated testdata (// want "rule-id"), fixes that compile, and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rulestest
from goalloc.errors import InputError
from goalloc.collect.facts import collect_facts
from goalloc.rules import RULES, resolve_rules, run_rules
from goalloc.rules.base import Context, Rule
from goalloc.collect.toolchain import find_toolchain

TESTDATA = Path(__file__).parent / "testdata" / "rules"


@pytest.fixture(scope="module")
def result():
    return rulestest.run(TESTDATA)


@pytest.fixture(scope="module")
def by_line(result):
    return {(f.file, f.line, f.rule): f for f in result.findings}


def test_every_expected_finding_and_no_other(result):
    assert result.wants, "the testdata has no // want comments"
    assert {w[2] for w in result.wants} == set(RULES), "every rule has a positive case"
    assert not result.missing and not result.unexpected, "\n" + result.report()


def test_prealloc_message_fix_and_estimate(by_line):
    f = by_line[("prealloc/prealloc.go", 14, "prealloc-slice")]
    assert f.function == "IDs" and f.package == "example.com/rulestest/prealloc"
    assert f.message.startswith("this loop appends len(orders) times to ids ([]int64): "
                                "make([]int64, 0, len(orders))")
    assert f.fix.replacement == "ids := make([]int64, 0, len(orders))"
    assert (f.fix.line, f.fix.col, f.fix.end_line, f.fix.end_col) == (12, 2, 12, 17)
    # the escaping append the compiler reports is the site this finding explains
    assert [(file, line) for file, line, _ in f.sites] == [("prealloc/prealloc.go", 14)]
    late = by_line[("prealloc/prealloc.go", 47, "prealloc-slice")]
    assert late.fix.replacement == "\txs = make([]int, 0, count)\n"  # bound known after decl
    assert (late.fix.line, late.fix.col) == (late.fix.end_line, late.fix.end_col) == (46, 1)
    pairs = by_line[("prealloc/prealloc.go", 38, "prealloc-slice")]
    assert "make([]string, 0, 2*len(m))" in pairs.fix.replacement
    down = by_line[("prealloc/prealloc.go", 55, "prealloc-slice")]
    assert down.fix.replacement == "rev := make([]int, 0, len(vals))"
    maybe = next(x for x in by_line.values() if x.function == "Maybe")
    # the loop runs on some paths only: size the slice right before it, not at the declaration
    assert maybe.fix.replacement == "\t\tids = make([]int64, 0, len(orders))\n"
    assert maybe.fix.line == maybe.line - 1 and maybe.fix.col == 1
    assert "empty, not nil" in maybe.fix.description
    est = f.estimate
    assert est.n == 1000 and est.after.allocations == 1
    assert est.before.allocations > 5 and est.before.bytes_copied > 0
    assert f"saves {est.before.allocations - 1} of {est.before.allocations} allocations" in f.message
    sq = by_line[("prealloc/prealloc.go", 30, "prealloc-slice")]
    assert sq.estimate.n == 10 and "at 10 iterations" in sq.message  # the constant bound


def test_estimates_follow_assume_n(result):
    tc = find_toolchain()
    facts = collect_facts(tc, TESTDATA, ["./prealloc", "./mapsize"])
    small = run_rules(facts, [], go_version=tc.release_str, assume_n=50)
    big = run_rules(facts, [], go_version=tc.release_str, assume_n=5000)
    f50 = next(f for f in small if f.line == 14 and f.rule == "prealloc-slice")
    f5k = next(f for f in big if f.line == 14 and f.rule == "prealloc-slice")
    assert f50.estimate.n == 50 and f5k.estimate.n == 5000
    assert f5k.estimate.before.allocations > f50.estimate.before.allocations
    hint = next(f for f in big if f.rule == "map-size-hint" and f.line == 12)
    assert hint.estimate.after.allocations < hint.estimate.before.allocations


def test_box_of_a_loop_index_counts_only_values_above_255(by_line):
    f = next(x for x in by_line.values() if x.function == "Indexes")
    assert f.estimate.before.allocations == 1000 - 256
    assert not [x for x in by_line.values() if x.function == "SmallIndexes"]


def test_rules_that_need_escape_sites_report_nothing_without_them(result):
    tc = find_toolchain()
    facts = collect_facts(tc, TESTDATA, ["./box", "./capture"])
    assert run_rules(facts, [], go_version=tc.release_str) == []
    with_sites = run_rules(facts, result.sites, go_version=tc.release_str)
    assert {f.rule for f in with_sites} == {"box-in-loop", "closure-capture"}


def test_select_and_unknown_rules():
    assert [r.id for r in resolve_rules(["prealloc-slice,map-size-hint"])] == [
        "prealloc-slice", "map-size-hint"]
    assert "large-copy" not in [r.id for r in resolve_rules(None, ["large-copy"])]
    with pytest.raises(InputError, match="unknown rule 'nope'"):
        resolve_rules(["nope"])
    with pytest.raises(InputError):
        resolve_rules(None, ["prealloc"])


def test_every_rule_is_documented():
    for rule in RULES.values():
        for part in ("**What it finds.**", "**Why it costs.**", "**Example.**", "**Fix.**"):
            assert part in rule.doc, (rule.id, part)
    docs = (Path(__file__).parents[1] / "docs" / "rules.md").read_text()
    for rid in RULES:
        assert f"## `{rid}`" in docs


def _apply(path: Path, fixes):
    lines = path.read_text().splitlines(keepends=True)
    # bottom-up so earlier positions stay valid
    for fx in sorted(fixes, key=lambda x: (x.line, x.col), reverse=True):
        start = sum(len(l) for l in lines[:fx.line - 1]) + fx.col - 1
        end = sum(len(l) for l in lines[:fx.end_line - 1]) + fx.end_col - 1
        text = "".join(lines)
        text = text[:start] + fx.replacement + text[end:]
        lines = text.splitlines(keepends=True)
    path.write_text("".join(lines))


def test_applied_fixes_compile_and_silence_the_rules(tmp_path, result):
    work = tmp_path / "mod"
    shutil.copytree(TESTDATA, work)
    fixes: dict[str, list] = {}
    for f in result.findings:
        if f.rule in ("prealloc-slice", "map-size-hint") and f.fix.replacement:
            fixes.setdefault(f.fix.file, []).append(f.fix)
    assert len(fixes) >= 2
    for file, fx in fixes.items():
        _apply(work / file, fx)
    tc = find_toolchain()
    proc = tc.run(["vet", "./prealloc", "./mapsize", "./ignore"], cwd=work)
    assert proc.returncode == 0, proc.stderr
    facts = collect_facts(tc, work, ["./prealloc", "./mapsize", "./ignore"])
    left = run_rules(facts, [], go_version=tc.release_str,
                     select=["prealloc-slice", "map-size-hint"])
    assert left == []


def test_lint_cli_json_and_errors(tmp_path):
    out = tmp_path / "lint.json"
    proc = subprocess.run([sys.executable, "-m", "goalloc", "lint", "-C", str(TESTDATA),
                           "--rules", "prealloc-slice,map-size-hint", "--format", "json",
                           "-o", str(out), "./prealloc", "./mapsize"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 2 and doc["command"] == "lint"
    assert doc["go"]["version"].startswith("go1.") and doc["escape"]["ran"] is False
    assert doc["rules"] == ["prealloc-slice", "map-size-hint"]
    assert {f["rule"] for f in doc["findings"]} == {"prealloc-slice", "map-size-hint"}
    f = doc["findings"][0]
    assert set(f) >= {"rule", "file", "line", "col", "message", "fix", "estimate"}
    assert set(f["fix"]) == {"description", "replacement", "range"}
    bad = subprocess.run([sys.executable, "-m", "goalloc", "lint", "-C", str(TESTDATA),
                          "--no-rules", "no-such-rule"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        bad.stderr.strip()] and "unknown rule 'no-such-rule'" in bad.stderr
    text = subprocess.run([sys.executable, "-m", "goalloc", "lint", "-C", str(TESTDATA),
                           "--rules", "map-never-shrinks", "./nevershrinks"],
                          capture_output=True, text=True)
    assert text.returncode == 0
    assert "nevershrinks/nevershrinks.go:11:2: [map-never-shrinks] field c.entries" in text.stdout


def _find(directory, patterns, select=None):
    """Facts + rules for patterns in directory, as goalloc scan runs them (no escape sites)."""
    rules = resolve_rules(select)  # unknown names fail before any work
    tc = find_toolchain()
    facts = collect_facts(tc, directory, patterns)
    return run_rules(facts, [], go_version=tc.release_str, select=[r.id for r in rules])


def test_find_and_sarif_pieces_for_scan():
    from goalloc.report.findings_sarif import sarif_results, sarif_rules

    findings = _find(TESTDATA, ["./prealloc"], select=["prealloc-slice"])
    assert findings and all(f.rule == "prealloc-slice" for f in findings)
    results = sarif_results(findings)
    first = results[0]
    assert first["ruleId"] == "prealloc-slice"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "prealloc/prealloc.go"
    assert loc["region"] == {"startLine": 14, "startColumn": 9}
    rep = first["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert rep["insertedContent"]["text"] == "ids := make([]int64, 0, len(orders))"
    assert rep["deletedRegion"] == {"startLine": 12, "startColumn": 2, "endLine": 12,
                                    "endColumn": 17}
    meta = {r["id"]: r for r in sarif_rules()}
    assert set(meta) == set(RULES)
    assert meta["prealloc-slice"]["shortDescription"]["text"] == RULES["prealloc-slice"].title
    with pytest.raises(InputError):
        _find(TESTDATA, ["./prealloc"], select=["nope"])


def test_closure_capture_reports_cost_without_a_fix(by_line):
    f = by_line[("capture/capture.go", 7, "closure-capture")]
    assert f.fix is None and f.estimate.after is None
    assert f.estimate.before.allocations == 1 and f.estimate.before.bytes >= 24
    assert "the goroutine at line 12" in f.message and "no change suggested" in f.message


def test_map_never_shrinks_models_live_bytes(by_line):
    f = by_line[("nevershrinks/nevershrinks.go", 11, "map-never-shrinks")]
    assert "c.entries = make(map[string][]byte)" in f.fix.description
    assert f.estimate.n == 1000 and f.estimate.before.bytes > 10_000
    assert "still live after 1,000 entries" in f.message


class _RecordingPackage:
    """A package's facts that remember which fact families are read."""

    def __init__(self, pkg, read: set):
        self._pkg, self._read = pkg, read

    def __getattr__(self, name):
        from goalloc.facts import FACT_FAMILIES

        if name in FACT_FAMILIES:
            self._read.add(name)
        return getattr(self._pkg, name)


def test_each_rule_needs_exactly_the_facts_it_reads(result):
    tc = find_toolchain()
    facts = collect_facts(tc, TESTDATA, ["./..."])
    for rule in RULES.values():
        read: set = set()
        ctx = Context(facts, result.sites, tc.release_str, 1000)
        ctx.packages = [_RecordingPackage(p, read) for p in facts.packages]
        assert list(rule.run(ctx)), rule.id
        assert read == rule.needs, rule.id


def test_a_rule_cannot_read_facts_it_does_not_declare():
    def reads_loops(ctx):
        for pkg in ctx.iter_packages():
            yield from pkg.loops

    tc = find_toolchain()
    facts = collect_facts(tc, TESTDATA, ["./prealloc"])
    sneaky = Rule(id="sneaky", title="", doc="", needs=frozenset({"vars"}), run=reads_loops)
    ctx = Context(facts, [], tc.release_str, 1000).for_rule(sneaky)
    with pytest.raises(AttributeError, match="rule sneaky reads 'loops' facts without declaring"):
        list(sneaky.run(ctx))
    with pytest.raises(ValueError, match="unknown fact families"):
        Rule(id="typo", title="", doc="", needs=frozenset({"loop"}), run=reads_loops)


def test_sentinel_error_fix_compiles_and_removes_the_allocation(tmp_path, result):
    from goalloc.app.scan import scan

    work = tmp_path / "mod"
    shutil.copytree(TESTDATA, work)
    found = [f for f in result.findings if f.rule == "constant-error"]
    assert {f.line for f in found} == {14, 17}
    edits = [e for f in found for e in f.fix.edits()]
    assert {e.replacement.strip() for e in edits} >= {
        "errEmptyInput", 'var errEmptyInput = errors.New("empty input")',
        "errUnknownInput", 'var errUnknownInput = fmt.Errorf("unknown input")'}
    _apply(work / "sentinel/sentinel.go", edits)
    tc = find_toolchain()
    proc = tc.run(["vet", "./sentinel"], cwd=work)
    assert proc.returncode == 0, proc.stderr
    heap_in_parse = [s for s in scan(["./sentinel"], str(work), progress=False,
                                     use_cache=False).sites
                     if s.verdict == "heap" and s.function == "Parse" and s.line in (14, 17)]
    assert heap_in_parse == []
    facts = collect_facts(tc, work, ["./sentinel"])
    sites = scan(["./sentinel"], str(work), progress=False, use_cache=False).sites
    assert run_rules(facts, sites, go_version=tc.release_str, select=["constant-error"]) == []
