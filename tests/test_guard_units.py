"""The gate's pure parts as units: fingerprints, Go source reading, contracts, the policy file,
budgets and shards (the end-to-end tests with the compiler are test_guard*.py)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from goalloc import policy
from goalloc.benchstat.format import parse_bench_text
from goalloc.escape.model import CAUSES, KINDS, Site
from goalloc.guard import budgets, contracts, fingerprint as fp, gosource
from goalloc.guard.shard import Shard
from goalloc.rules import RULES

VOCABULARY = policy.Vocabulary(KINDS, CAUSES, tuple(RULES))


def site(line=10, col=2, function="F", expr="make([]int, n)", kind="slice", cause="returned",
         file="p/a.go", package="m/p", verdict="heap", note="") -> Site:
    return Site(package, file, line, col, function, expr, kind, verdict, cause, note=note,
                explanation=f"`{expr}` escapes")


# --- fingerprints --------------------------------------------------------------------------

def test_fingerprint_ignores_position_and_file_but_not_what_the_site_is():
    base = fp.site_fingerprints([site()])[0][0]
    assert fp.site_fingerprints([site(line=99, col=7, file="p/b.go")])[0][0] == base
    assert fp.site_fingerprints([site(expr="make([]int,   n)")])[0][0] == base
    for changed in (site(function="G"), site(expr="make([]int, m)"), site(kind="map"),
                    site(cause="goroutine"), site(package="m/q")):
        assert fp.site_fingerprints([changed])[0][0] != base


def test_twins_get_ordinals_in_source_order():
    twins = [site(line=30), site(line=20), site(line=40)]
    prints = fp.site_fingerprints(twins)
    assert [o for _, o in prints] == [2, 1, 3]
    assert len({p for p, _ in prints}) == 3


def test_an_added_twin_is_the_new_one_by_its_line_text():
    old = [site(line=20), site(line=30)]
    contexts = [fp.context("a := make([]int, n)"), fp.context("b := make([]int, n)")]
    before = {fp.site_key(old[0]): [(o, c) for (_, o), c in
                                    zip(fp.site_fingerprints(old, contexts), contexts)]}
    known = {p for p, _ in fp.site_fingerprints(old, contexts)}
    now = [site(line=20), site(line=25), site(line=31)]  # one added between the two
    now_contexts = [contexts[0], fp.context("c := make([]int, n)"), contexts[1]]
    prints = fp.site_fingerprints(now, now_contexts, before)
    assert [p in known for p, _ in prints] == [True, False, True]


def test_finding_messages_lose_figures_and_line_numbers():
    assert fp.normalize_message("x is captured at line 12 and escapes: 1,000 allocations") == \
        "x is captured at line N and escapes"
    assert fp.normalize_message("see a.go:12:3 for why: 3 B") == "see a.go for why"


# --- Go source ------------------------------------------------------------------------------

GO = textwrap.dedent('''\
    package p

    var s = "not // a comment { nor a brace"

    // Doc line.
    //
    //goalloc:noalloc
    func (c *Cache[K]) Get(k K) (v interface{ M() }, ok bool) {
    \tr := `raw { string
    }`
    \t_ = r
    \treturn nil, false
    }

    func Plain() struct{ a int } { return struct{ a int }{} }

    //go:linkname nobody runtime.nobody
    func nobody()

    func (Order) Value() {}
    ''')


def test_gosource_reads_comments_and_function_bodies():
    src = gosource.read(GO)
    assert [c.text for c in src.comments] == [" Doc line.", "", "goalloc:noalloc",
                                              "go:linkname nobody runtime.nobody"]
    funcs = {f.name: f for f in src.funcs}
    assert set(funcs) == {"(*Cache[...]).Get", "Plain", "nobody", "Order.Value"}
    get = funcs["(*Cache[...]).Get"]
    assert (get.line, get.body_start, get.body_end) == (8, 8, 13)
    assert [c.line for c in get.doc] == [5, 6, 7]
    assert (funcs["Plain"].body_start, funcs["Plain"].body_end) == (15, 15)
    assert funcs["nobody"].body_start == 0


# --- contracts -------------------------------------------------------------------------------

CONTRACTS = textwrap.dedent('''\
    package p

    func F(n int) []int {
    \ta := make([]int, n) //goalloc:noescape
    \t//goalloc:noescape
    \tb := make([]int, 4)
    \tc := 1 //goalloc:ignore returned,prealloc-slice kept for the caller
    \td := 2 //goalloc:ignore returned
    \te := 3 //goalloc:ignore nosuch reason
    \treturn a
    }

    //goalloc:noalloc
    func G() {
    \tx := new(int) //goalloc:wat
    }

    //goalloc:noalloc
    ''')


def test_contracts_are_parsed_and_judged():
    parsed = contracts.parse("p/a.go", CONTRACTS)
    by_line = {c.line: c for c in parsed}
    assert by_line[4].target_line == 4 and by_line[5].target_line == 6
    assert by_line[7].names == ("returned", "prealloc-slice")
    assert by_line[7].reason == "kept for the caller"
    assert by_line[8].problem == "needs a reason after the names"
    assert by_line[13].function == "G" and by_line[13].body == (14, 16)
    assert by_line[15].problem.startswith("unknown directive")
    assert by_line[18].problem == "belongs in a function's doc comment"

    sites = [site(line=4, expr="make([]int, n)", cause="returned"),
             site(line=6, expr="make([]int, 4)", verdict="stack", cause=None),
             site(line=7, expr="c", cause="returned"),
             site(line=15, function="G", expr="new(int)", cause="returned")]
    results = {r.contract.line: r for r in contracts.judge(parsed, sites, CAUSES, tuple(RULES))}
    assert results[4].status == "violated" and results[4].sites == [sites[0]]
    assert "p/a.go:4:2: make([]int, n) [slice, returned]" in results[4].message
    assert results[5].status == "ok"
    assert results[7].status == "ok" and results[7].sites == [sites[2]]
    assert results[8].status == "malformed"
    assert results[9].status == "malformed" and "nosuch" in results[9].message
    assert results[13].status == "violated" and results[13].sites == [sites[3]]
    assert results[15].status == "malformed"
    # The same contracts with the allocation gone: noescape is stale, noalloc holds.
    results = {r.contract.line: r for r in contracts.judge(parsed, sites[1:3], CAUSES,
                                                           tuple(RULES))}
    assert results[4].status == "stale" and results[13].status == "ok"


def test_noalloc_lets_sites_that_allocate_nothing_through():
    parsed = [c for c in contracts.parse("p/a.go", CONTRACTS) if c.verb == "noalloc"
              and not c.problem]
    free = site(line=15, kind="interface", expr="1", cause="interface-conversion",
                note="allocates nothing: a constant in an interface points to static data")
    assert contracts.judge(parsed, [free], CAUSES, ())[0].status == "ok"


# --- the policy file -------------------------------------------------------------------------

POLICY = textwrap.dedent('''\
    # the contract a team reviews
    [scope]
    packages = ["example.com/m/..."]
    exclude = ["example.com/m/internal/gen/..."]

    [fail]
    kinds = ["slice", "map"]
    rules = []

    [budgets.packages]
    "example.com/m/hot" = 3

    [budgets.functions]
    "example.com/m/hot.(*Cache).Get" = 0

    [budgets.benchmarks."BenchmarkGet/*"]
    allocs_per_op = 0
    bytes_per_op = 0

    [[allow]]
    package = "example.com/m/..."
    function = "init"
    reason = "runs once"

    [[allow]]
    rule = "prealloc-slice"
    file = "cmd/*"
    reason = "commands are short-lived"
    expires = 2030-01-01
    ''')


def test_policy_reads_every_section():
    p = policy.parse(POLICY, "goalloc.toml", VOCABULARY, today=dt.date(2027, 1, 1))
    assert p.scope.contains("example.com/m") and p.scope.contains("example.com/m/a/b")
    assert not p.scope.contains("example.com/m/internal/gen/x")
    assert not p.scope.contains("example.com/other")
    assert p.fail.kinds == {"slice", "map"} and p.fail.rules == frozenset()
    assert p.fail.site_fails(site(kind="slice")) and not p.fail.site_fails(site(kind="string"))
    assert [(b.scope, str(b.pattern), b.limit, b.where) for b in p.site_budgets] == [
        ("package", "example.com/m/hot", 3, "goalloc.toml:11"),
        ("function", "example.com/m/hot.(*Cache).Get", 0, "goalloc.toml:14")]
    assert p.bench_budgets[0].matches("example.com/m/hot", "BenchmarkGet/n=10")
    assert p.bench_budgets[0].where == "goalloc.toml:16"
    assert [a.where for a in p.allow] == ["goalloc.toml:20", "goalloc.toml:25"]
    assert p.allow[1].expires == dt.date(2030, 1, 1) and p.allow[1].for_findings


@pytest.mark.parametrize("text, line, message", [
    ('[fail]\nkinds = ["slice"]\ncause = ["x"]\n', 3, "unknown key 'cause' in [fail]"),
    ('[scope]\npackages = ["a/[b"]\n', 2, "unclosed ["),
    ('[scope]\npackages = ["./..."]\n', 2, "is a directory"),
    ('[scope]\nexclude = [""]\n', 2, "empty glob"),
    ('\n\n[budgets.functions]\n"x]" = 1\n', 4, "] without ["),
    ('[budgets.packages]\nx = "3"\n', 2, "whole number"),
    ('[budgets.benchmarks.B]\nallocs = 1\n', 2, "unknown key 'allocs'"),
    ('[[allow]]\nreason = "r"\n', 1, "needs at least one of"),
    ('[[allow]]\nrule = "r"\nreason = "r"\n', 2, "unknown rule"),
    ('[[allow]]\nrule = "large-copy"\nkind = "map"\nreason = "r"\n', 1, "not both"),
    ('[[allow]]\nfunction = "F"\nreason = "r"\n\n[[allow]]\nfunction = "G"\n'
     'reason = "old"\nexpires = 2026-12-31\n', 8, "expired on 2026-12-31"),
    ('[[allow]]\nfunction = "F"\nreason = "r"\nexpires = "soon"\n', 4, "must be a date"),
    ('[allow]\nfunction = "F"\n', 1, "written [[allow]]"),
    ('[watchh]\nx = 1\n', 1, "unknown table or key 'watchh'"),
    ('[watch]\nx = 1\n', 2, "unknown key 'x' in [watch]"),
    ('fail = 3\n', 1, "must be a table"),
    ('[fail]\nkinds = "slice"\n', 2, "list of strings"),
    ('[fail]\nkinds = [\n  "slice",\n]\ncauses = ["nope"]\n', 5, "unknown causes 'nope'"),
    ('[fail\n', 1, "not valid TOML"),
])
def test_policy_errors_name_file_and_line(text, line, message):
    with pytest.raises(policy.PolicyError) as err:
        policy.parse(text, "dir/goalloc.toml", VOCABULARY, today=dt.date(2027, 1, 1))
    assert str(err.value).startswith(f"dir/goalloc.toml:{line}: "), str(err.value)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_registered_section_is_read_and_validated_on_its_own(monkeypatch):
    seen = {}

    def watch(value, reader, p):
        t = reader.table(value, ("watch",), ("interval",))
        seen["interval"] = reader.count(t.get("interval", 1), ("watch", "interval"))

    monkeypatch.setitem(policy.SECTIONS, "watch", watch)
    p = policy.parse('[fail]\nrules = []\n\n[watch]\ninterval = 5\n', "g.toml", VOCABULARY)
    assert seen == {"interval": 5} and p.sections["watch"] == {"interval": 5}
    with pytest.raises(policy.PolicyError, match=r"^g\.toml:5: unknown key 'every'"):
        policy.parse('[fail]\nrules = []\n\n[watch]\nevery = 5\n', "g.toml", VOCABULARY)


# --- budgets -----------------------------------------------------------------------------------

BENCH = textwrap.dedent('''\
    pkg: example.com/m/hot
    BenchmarkGet/n=10-8   100  50 ns/op  16 B/op  1 allocs/op
    BenchmarkGet/n=10-8   100  52 ns/op  16 B/op  1 allocs/op
    BenchmarkGet/n=10-8   100  51 ns/op  24 B/op  2 allocs/op
    BenchmarkPut-8        100  90 ns/op  64 B/op  3 allocs/op
    BenchmarkPut-8        100  91 ns/op  64 B/op  3 allocs/op
    BenchmarkPut-8        100  92 ns/op  64 B/op  3 allocs/op
    ''')


def test_bench_budgets_are_judged_on_the_median():
    results = parse_bench_text(BENCH).results
    text = '[budgets.benchmarks."BenchmarkGet/*"]\nallocs_per_op = 0\n\n' \
           '[budgets.benchmarks."example.com/m/hot.BenchmarkPut"]\nbytes_per_op = 64\n' \
           'allocs_per_op = 3\n\n[budgets.benchmarks.BenchmarkGone]\nallocs_per_op = 1\n'
    p = policy.parse(text, "b.toml", VOCABULARY, sections=("budgets",))
    judged, unmatched = budgets.judge_bench_budgets(p.bench_budgets, budgets.measure(results))
    by = {(r.measured.name, r.unit): r for r in judged}
    assert by[("BenchmarkGet/n=10", "allocs/op")].exceeded
    assert by[("BenchmarkGet/n=10", "allocs/op")].median == 1
    assert not by[("BenchmarkPut", "allocs/op")].exceeded
    assert not by[("BenchmarkPut", "B/op")].exceeded
    assert [b.name for b in unmatched] == ["BenchmarkGone"]
    line = by[("BenchmarkGet/n=10", "allocs/op")].describe()
    assert line.startswith("example.com/m/hot.BenchmarkGet/n=10 allocs/op: median 1 (")
    assert "n=3" in line and "exceeds budget 0 (b.toml:1)" in line


def test_updated_budget_file_reads_back():
    measured = budgets.measure(parse_bench_text(BENCH).results)
    ceilings = budgets.updated_ceilings({"BenchmarkOld": {"allocs_per_op": 7.0}}, measured, 0.1)
    text = budgets.budget_file_text(ceilings, 0.1)
    p = policy.parse(text, "b.toml", VOCABULARY, sections=("budgets",))
    read = {b.name: (b.allocs_per_op, b.bytes_per_op) for b in p.bench_budgets}
    assert read == {"BenchmarkOld": (7.0, None),
                    "example.com/m/hot.BenchmarkGet/n=10": (2.0, 18.0),
                    "example.com/m/hot.BenchmarkPut": (4.0, 71.0)}
    assert budgets.with_headroom(0, 0.5) == 0 and budgets.with_headroom(10, 0.1) == 11


# --- shards ------------------------------------------------------------------------------------

def test_shards_split_every_package_exactly_once():
    packages = [f"example.com/m/p{i}" for i in range(40)]
    shards = [Shard(i, 3) for i in (1, 2, 3)]
    owned = [s.select(packages) for s in shards]
    assert sorted(p for part in owned for p in part) == sorted(packages)
    assert all(owned)
    assert Shard.parse(" 2/3 ") == Shard(2, 3)
    for bad in ("0/2", "3/2", "1/0", "a/b", "1"):
        with pytest.raises(ValueError):
            Shard.parse(bad)
