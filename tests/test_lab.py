"""`goalloc lab` with the real toolchain: every answer is checked against facts that do not
depend on timing (allocations per op, what compiles, what is skipped), never against times.

Runs are tiny (-benchtime 200x, --count 1..3); allocs/op is a per-op count, the same at any
benchtime."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from goalloc.cli import main
from goalloc.errors import InputError
from goalloc.lab import gocode, suggest, verdict
from goalloc.lab.plan import LabQuestion, plan_points, validate
from goalloc.models import simulate_map, simulate_slice
from goalloc.models.layout import TypeLayout

DATA = Path(__file__).parent / "testdata" / "lab"
FAST = ["--count", "1", "--benchtime", "200x", "--no-progress"]


@pytest.fixture
def shop(tmp_path):
    dst = tmp_path / "shop"
    shutil.copytree(DATA / "shop", dst)
    return dst


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def lab_json(capsys, *argv) -> dict:
    code, out, err = run(capsys, "lab", *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by_name(point: dict) -> dict:
    return {v["name"]: v for v in point["variants"]}


def release(toolchain) -> str:
    return toolchain.release_str


# --- allocations against the growth models ----------------------------------------------

def test_map_allocations_are_what_the_growth_model_predicts(capsys, toolchain):
    # Three runs: the median drops a run in which a stray runtime allocation added a byte
    # per op (B/op is TotalAlloc / N); the model is compared exactly.
    doc = lab_json(capsys, "map", "--key", "string", "--value", "struct{X, Y int}",
                   "--n", "10,100,700", "--variants", "map,map-hint", *FAST, "--count", "3")
    assert [p["params"]["n"] for p in doc["points"]] == [10, 100, 700]
    for point in doc["points"]:
        n = point["params"]["n"]
        got = by_name(point)
        for name, hint in (("map-hint", n), ("map", None)):
            model = simulate_map(release(toolchain), "string", "struct{X, Y int}", n, hint=hint)
            assert model.deterministic
            assert got[name]["allocs_per_op"] == model.allocations, (name, n)
            assert got[name]["bytes_per_op"] == model.bytes_allocated, (name, n)
    # A hint of n makes the map once: fewer allocations than growing it, from n = 10 on.
    assert all(by_name(p)["map-hint"]["allocs_per_op"] < by_name(p)["map"]["allocs_per_op"]
               for p in doc["points"])


def test_append_allocations_are_the_model_minus_the_stack_buffer(capsys, toolchain):
    doc = lab_json(capsys, "slice", "--elem", "int64", "--n", "1000",
                   "--variants", "append,append-cap,reuse,fixed-array", *FAST)
    got = by_name(doc["points"][0])
    model = simulate_slice(release(toolchain), 8, False, 1000)
    heap_steps = model.steps
    if toolchain.release >= (1, 25):
        # The slice does not escape: its first 32 bytes come from a stack buffer.
        heap_steps = [s for s in model.steps if s.bytes_requested > 32]
    assert got["append"]["allocs_per_op"] == len(heap_steps)
    assert got["append"]["bytes_per_op"] == sum(s.bytes_allocated for s in heap_steps)
    assert got["append-cap"]["allocs_per_op"] == 1
    assert got["append-cap"]["bytes_per_op"] == 8000 + 192  # 8000 B rounds up to 8192
    # [:0] reuse and a local array allocate nothing once warm.
    assert got["reuse"]["allocs_per_op"] == 0 and got["reuse"]["bytes_per_op"] == 0
    assert got["fixed-array"]["allocs_per_op"] == 0


def test_clear_reuse_allocates_nothing_after_warm_up(capsys, toolchain):
    doc = lab_json(capsys, "map", "--key", "int", "--value", "int", "--n", "500",
                   "--reads", "0.5", "--variants", "clear-reuse,map-hint", *FAST)
    got = by_name(doc["points"][0])
    assert got["clear-reuse"]["allocs_per_op"] == 0
    assert got["map-hint"]["allocs_per_op"] == simulate_map(
        release(toolchain), "int", "int", 500, hint=500).allocations


# --- sync.Map: value against pointer -------------------------------------------------------

def test_sync_map_boxes_struct_values_and_not_existing_pointers(capsys, toolchain):
    n = 1000
    doc = lab_json(capsys, "map", "--key", "int", "--value", "struct{X, Y int}", "--n", str(n),
                   "--variants", "sync-map,sync-map-ptr", "--count", "3", "--benchtime",
                   "200x", "--no-progress")
    got = by_name(doc["points"][0])
    # sync-map boxes each of the n values stored through LoadOrStore; sync-map-ptr stores
    # pointers into one []V made per op. Everything else (keys boxed, entries, trie nodes)
    # is the same; the trie's nodes follow the random hash seed, so the per-op average may
    # differ by one.
    extra = got["sync-map"]["allocs_per_op"] - got["sync-map-ptr"]["allocs_per_op"]
    assert abs(extra - (n - 1)) <= 1


def test_load_or_store_struct_and_pointer_as_written(toolchain):
    """The seed claim, in the four ways the code can be written (tests/testdata/lab)."""
    from goalloc.collect.bench_runner import run_benchmarks

    run = run_benchmarks(toolchain, None, count=1, cwd=DATA / "loadorstore",
                         benchtime="1000x", progress=None)
    allocs = {r.base: r.values["allocs/op"] for r in run.results}
    assert allocs == {"ConstStruct": 0, "Struct": 1, "PointerLiteral": 1,
                      "ExistingPointer": 0}


# --- intern ----------------------------------------------------------------------------------

def test_unique_keeps_one_copy_plain_allocates_every_string(capsys, toolchain):
    if toolchain.release < (1, 23):
        pytest.skip("unique needs Go 1.23")
    doc = lab_json(capsys, "intern", "--n", "1000", "--distinct", "10", *FAST)
    got = by_name(doc["points"][0])
    assert got["plain"]["allocs_per_op"] == 1000 + 1  # each string(b), and the slice
    assert got["unique"]["allocs_per_op"] == 1  # the slice of handles: the strings exist
    assert got["unique"]["live_bytes"] < got["plain"]["live_bytes"]


def test_unique_is_skipped_with_a_reason_before_go_1_23():
    q = LabQuestion("intern", [100], distinct=[10])
    validate(q)
    points = plan_points(q, (1, 22), "go1.22.9")
    assert points[0].variants == ("plain",)
    assert points[0].skipped == (("unique", "unique.Make needs Go 1.23 or newer; this "
                                             "toolchain is go1.22.9"),)
    src = gocode.go_source(q, points, package="lab", release=(1, 22))
    assert "unique" not in src.text.split("import (")[1].split(")")[0]


# --- the user's own types -----------------------------------------------------------------

def _tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns
            for p in root.rglob("*") if p.is_file()}


def test_unexported_types_of_the_users_package(capsys, toolchain, shop):
    before = _tree(shop)
    doc = lab_json(capsys, "map", "--package", "./internal/model", "-C", str(shop),
                   "--key", "userKey", "--value", "Profile", "--n", "50",
                   "--variants", "map-hint,sorted-slice,slice-map", *FAST)
    assert _tree(shop) == before  # the benchmark joined the package through an overlay
    assert doc["question"]["import_path"] == "example.com/labshop/internal/model"
    point = doc["points"][0]
    got = by_name(point)
    # userKey{tenant int32; id int64}: 16 B, no pointers. Profile{name, email string; age
    # int; created time.Time; tags []string}: 88 B with pointers.
    model = simulate_map(release(toolchain), TypeLayout(16, 8, False), TypeLayout(88, 8, True),
                         50, hint=50)
    assert got["map-hint"]["allocs_per_op"] == model.allocations
    assert got["slice-map"]["allocs_per_op"] == 1  # 50 pairs searched linearly, one slice
    skipped = {s["name"]: s["reason"] for s in point["skipped"]}
    assert "not ordered" in skipped["sorted-slice"]


def test_a_qualified_name_of_the_package_itself_is_accepted(capsys, toolchain, shop):
    doc = lab_json(capsys, "map", "--package", "./internal/model", "-C", str(shop),
                   "--key", "model.UserID", "--value", "*model.Profile", "--n", "20",
                   "--variants", "slice-map", *FAST)
    assert doc["question"]["key"] == "UserID" and doc["question"]["value"] == "*Profile"
    # UserID is an int64: slice-map indexes a slice by the key (one allocation).
    assert by_name(doc["points"][0])["slice-map"]["allocs_per_op"] == 1


# --- errors: one line, exit 2 ---------------------------------------------------------------

def _error(capsys, *argv) -> str:
    code, out, err = run(capsys, "lab", *argv)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("goalloc: error: "), err
    assert "Traceback" not in err
    return lines[0]


def test_errors_without_the_toolchain(capsys):
    assert "--n must be at least 1, not 0" in _error(capsys, "map", "--key", "int", "--value",
                                                     "int", "--n", "0")
    assert "--n takes whole numbers" in _error(capsys, "slice", "--elem", "int", "--n", "ten")
    assert "--reads must be at most 1" in _error(capsys, "map", "--key", "int", "--value",
                                                 "int", "--n", "5", "--reads", "2")
    assert "unknown map variant btree" in _error(capsys, "map", "--key", "int", "--value",
                                                 "int", "--n", "5", "--variants", "btree")
    line = _error(capsys, "map", "--key", "[]string", "--value", "int", "--n", "5")
    assert "[]string cannot be a map key: it is not comparable" in line
    assert "--plot draws a sweep" in _error(capsys, "slice", "--elem", "int", "--n", "5",
                                            "--plot", "x.svg")


def test_errors_from_the_compiler(capsys, toolchain, shop):
    pkg = ["--package", "./internal/model", "-C", str(shop), *FAST]
    line = _error(capsys, "map", "--key", "UserID", "--value", "Profle", "--n", "5", *pkg)
    assert "the value type Profle: undefined: Profle" in line
    line = _error(capsys, "map", "--key", "Tags", "--value", "int", "--n", "5", *pkg)
    assert "Tags cannot be a map key: it is not comparable" in line
    assert "goallocLab" not in line  # the user's names, not the generated ones
    line = _error(capsys, "map", "--key", "int", "--value", "Item", "--n", "5",
                  "--package", "./internal/broken", "-C", str(shop), *FAST)
    assert line.startswith("goalloc: error: package ./internal/broken does not build: ")
    assert "broken.go:6" in line
    line = _error(capsys, "map", "--key", "string", "--value", "Profile", "--n", "5", *FAST)
    assert "undefined: Profile" in line and "--package" in line
    line = _error(capsys, "map", "--key", "struct{a int", "--value", "int", "--n", "5", *FAST)
    assert "the key type struct{a int is not Go syntax" in line
    line = _error(capsys, "map", "--key", "int8", "--value", "int", "--n", "1000", *FAST)
    assert "int8 cannot hold 1,000 distinct keys" in line and "only 256" in line
    line = _error(capsys, "map", "--key", "int", "--value", "int", "--n", "5",
                  "--package", "./nope", "-C", str(shop), *FAST)
    assert "no Go package at ./nope" in line


# --- sweeps, the report, --max-time ---------------------------------------------------------

def test_sweep_json_text_and_plot(capsys, toolchain, tmp_path):
    plot = tmp_path / "sweep.svg"
    doc = lab_json(capsys, "map", "--key", "int", "--value", "int", "--n", "8,64",
                   "--reads", "1,0.5", "--variants", "map,map-hint,slice-map,rwmutex-map",
                   "--plot", str(plot), "--count", "2", "--benchtime", "100x", "--no-progress")
    assert doc["command"] == "lab" and doc["schema_version"] == 1 and doc["kind"] == "map"
    assert doc["go"]["version"] == toolchain.version
    assert doc["machine"]["gomaxprocs"] >= 1 and doc["machine"]["goarch"] == toolchain.goarch
    assert doc["variants"] is None and doc["winner"] is None  # a sweep: see points
    assert doc["complete"] and doc["plot"] == str(plot) and plot.stat().st_size > 1000
    assert len(doc["points"]) == 4
    for point in doc["points"]:
        names = [v["name"] for v in point["variants"]]
        assert sorted(names) == ["map", "map-hint", "rwmutex-map", "slice-map"]
        for v in point["variants"]:
            assert v["runs"] == 2 and v["ns_per_op"] > 0 and len(v["ns_per_op_ci"]) == 2
            assert v["allocs_per_op_ci"] == [None, None]  # 2 runs give no 95% interval
        w = point["winner"]
        assert w["name"] in names and w["runner_up"] in names and w["speedup"] >= 1
        fastest = min(point["variants"], key=lambda v: v["ns_per_op"])
        assert w["name"] == fastest["name"]
    for c in doc["crossovers"]:
        assert c["axis"] in ("n", "reads") and c["kind"] in ("winner", "rivals")
        lo, hi = c["between"]
        assert lo < hi and (c["at"] is None or lo <= c["at"] <= hi)
    code, out, _ = run(capsys, "lab", "map", "--key", "int", "--value", "int", "--n", "8",
                       "--variants", "map,map-hint", *FAST)
    assert code == 0
    assert out.startswith("goalloc lab map: map[int]int\n")
    assert f"{toolchain.version} " in out and "GOMAXPROCS" in out
    assert "map-hint: make(map[K]V, n)" in out
    assert "winner: " in out or "fastest: " in out


def test_max_time_skips_what_would_not_fit(capsys, toolchain):
    # The first point is tiny; scaled from it, n = 10,000,000 needs far more than a minute.
    start = time.monotonic()
    code, out, err = run(capsys, "lab", "map", "--key", "int", "--value", "int",
                         "--n", "10,10000000", "--variants", "map,map-hint", "--max-time", "60",
                         "--format", "json", *FAST)
    assert code == 0, err
    assert time.monotonic() - start < 60
    doc = json.loads(out)
    assert [p["params"]["n"] for p in doc["points"]] == [10]
    assert not doc["complete"]
    [skipped] = doc["skipped_points"]
    assert skipped["params"]["n"] == 10000000 and "--max-time 60s" in skipped["reason"]
    assert "not measured" in err


def test_deadline_stops_go_test_and_its_test_binary(toolchain):
    from goalloc.collect.bench_runner import BenchFailed, run_benchmarks
    from goalloc.collect.lab_workspace import DeadlineToolchain

    module = DATA / "sleepy"
    subprocess.run([toolchain.go, "test", "-c", "-o", os.devnull, "."], cwd=module,
                   env=toolchain.env, check=True, capture_output=True)  # build once
    tc = DeadlineToolchain(toolchain, time.monotonic() + 5)
    start = time.monotonic()
    with pytest.raises(BenchFailed):
        run_benchmarks(tc, None, count=1, cwd=module, progress=None, benchtime="1x")
    assert tc.fired and time.monotonic() - start < 30
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert "sleepy.test" not in ps


# --- the generated source -------------------------------------------------------------------

@pytest.mark.parametrize("q, language, release", [
    (LabQuestion("map", [10, 100], key="string", value="int", reads=[1, 0.9],
                 goroutines=[1, 4]), (1, 27), (1, 27)),
    (LabQuestion("map", [10], key="time.Time", value="*sync.Mutex"), (1, 20), (1, 27)),
    (LabQuestion("slice", [1, 1000], elem="[]byte"), (1, 27), (1, 27)),
    (LabQuestion("intern", [100], distinct=[10]), (1, 27), (1, 27)),
    (LabQuestion("intern", [100], distinct=[10]), (1, 22), (1, 22)),
])
def test_generated_source_is_gofmt_clean_and_vets(toolchain, tmp_path, q, language, release):
    validate(q)
    src = gocode.go_source(q, plan_points(q, release), package="lab", language=language,
                           release=release)
    (tmp_path / "go.mod").write_text(f"module x\n\ngo {language[0]}.{language[1]}\n")
    (tmp_path / "doc.go").write_text("package lab\n")
    (tmp_path / src.file_name).write_text(src.text)
    gofmt = os.path.join(toolchain.goroot, "bin", "gofmt")
    listed = subprocess.run([gofmt, "-l", "."], cwd=tmp_path, capture_output=True, text=True)
    assert listed.stdout == "" and listed.returncode == 0
    if release == toolchain.release or release < (1, 23):
        vet = subprocess.run([toolchain.go, "vet", "."], cwd=tmp_path, env=toolchain.env,
                             capture_output=True, text=True)
        assert vet.returncode == 0, vet.stderr
    if language < (1, 21):
        assert "clear(" not in src.text and "delete(m, k)" in src.text


def test_bench_regex_selects_one_point():
    from goalloc.app.lab import _bench_regex

    q = LabQuestion("map", [10], key="int", value="int", reads=[0.9])
    validate(q)
    [point] = plan_points(q, (1, 27))
    assert _bench_regex(point) == \
        r"^BenchmarkGoallocLab$/^n=10$/^reads=0\.9$/^g=1$/"


def test_concurrent_writes_skip_the_unsafe_variants():
    q = LabQuestion("map", [100], key="int", value="int", reads=[1, 0.9], goroutines=[4])
    validate(q)
    by = {p.name: p for p in plan_points(q, (1, 27))}
    assert "map" in by["n=100/reads=1/g=4"].variants
    writes = by["n=100/reads=0.9/g=4"]
    assert set(writes.variants) == {"rwmutex-map", "sync-map", "sync-map-ptr", "cow-snapshot"}
    assert all("not safe when goroutines write" in why for _, why in writes.skipped)


def test_validation_of_questions():
    with pytest.raises(InputError, match="distinct .* cannot exceed n"):
        validate(LabQuestion("intern", [10], distinct=[100]))
    with pytest.raises(InputError, match="too large to measure"):
        validate(LabQuestion("slice", [10_000_000], elem="[1024]byte"))
    with pytest.raises(InputError, match="cannot be a map key"):
        validate(LabQuestion("map", [5], key="struct{a int; f func()}", value="int"))
    with pytest.raises(InputError, match="names package 'money'"):
        q = LabQuestion("map", [5], key="int", value="money.Amount")
        validate(q)
        gocode.go_source(q, plan_points(q, (1, 27)), package="lab")


# --- verdicts ----------------------------------------------------------------------------

def _results(text: str):
    from goalloc.benchstat.format import parse_bench_text

    return parse_bench_text(text).results


def test_winner_and_crossover_from_results():
    lines = []
    for n, fast, slow in ((10, "slice-map", "map"), (1000, "map", "slice-map")):
        for i in range(6):
            lines.append(f"BenchmarkGoallocLab/n={n}/reads=1/g=1/{fast}-2 100 {100 + i} ns/op "
                         "0 B/op 0 allocs/op")
            lines.append(f"BenchmarkGoallocLab/n={n}/reads=1/g=1/{slow}-2 100 {200 + i} ns/op "
                         "16 B/op 1 allocs/op")
    q = LabQuestion("map", [10, 1000], key="int", value="int", variants=["map", "slice-map"])
    validate(q)
    points = plan_points(q, (1, 27))
    results = _results("\n".join(lines))
    verdicts = [verdict.point_verdict(p, results) for p in points]
    w = verdicts[0].winner
    assert (w.name, w.runner_up, w.significant) == ("slice-map", "map", True)
    assert w.speedup == pytest.approx(202.5 / 102.5) and w.p_value < 0.01
    crossings = verdict.crossovers(q, verdicts)
    winner = [c for c in crossings if c.kind == "winner"]
    assert len(winner) == 1
    c = winner[0]
    assert (c.before, c.after, c.between, c.significant) == ("slice-map", "map", (10, 1000), True)
    assert c.at == pytest.approx(100, rel=1e-6)  # symmetric ratios: halfway on a log scale
    summary = verdicts[0].variant("map").summaries["ns"]
    assert summary.lo == 200 and summary.hi == 205  # the 95% interval of 6 runs


def test_skip_lines_are_read():
    text = ("# goalloc-lab skip n=10/reads=1/g=1 sorted-slice: the key type is not ordered\n"
            "BenchmarkGoallocLab/n=10/reads=1/g=1/map-2 1 5 ns/op\n")
    assert verdict.parse_skips(text) == {
        "n=10/reads=1/g=1": {"sorted-slice": "the key type is not ordered"}}


# --- findings link to the lab ----------------------------------------------------------------

def _finding(rule, message, file="internal/model/model.go", n=1000):
    from goalloc.rules.base import Cost, Estimate, Finding

    return Finding(rule=rule, file=file, line=1, col=1, message=message,
                   package="example.com/labshop/internal/model",
                   estimate=Estimate(n=n, before=Cost(1, 1)))


def test_lab_command_for_findings():
    f = _finding("prealloc-slice", "this loop appends len(orders) times to ids ([]int64): "
                 "make([]int64, 0, len(orders)) saves 11 of 12 allocations", n=250)
    assert suggest.lab_command_for(f) == ("goalloc lab slice --elem int64 --n 250 "
                                          "--variants append,append-cap,reuse,pool")
    f = _finding("map-size-hint", "this loop inserts len(ps) times into byID "
                 "(map[UserID]*Profile): make(map[UserID]*Profile, len(ps)) saves 3 of 4")
    assert suggest.lab_command_for(f) == (
        "goalloc lab map --key UserID --value '*Profile' --n 1000 --variants map,map-hint "
        "--package ./internal/model")
    f = _finding("map-never-shrinks", "field c.m (map[[2]int]func() (int, error)) is emptied "
                 "and refilled: a map never shrinks", file="cache.go")
    assert suggest.lab_command_for(f) == (
        "goalloc lab map --key '[2]int' --value 'func() (int, error)' --n 1000 "
        "--variants map,map-hint,clear-reuse")
    assert suggest.lab_command_for({"rule": "map-size-hint", "file": "a/b.go",
                                    "message": "into m (map[string]time.Time): make",
                                    "estimate": {"n": 7}}) == (
        "goalloc lab map --key string --value time.Time --n 7 --variants map,map-hint")
    assert suggest.lab_command_for(_finding("box-in-loop", "x (map[int]int)")) is None
    assert suggest.lab_command_for(_finding("prealloc-slice", "no type here")) is None


def test_a_suggested_command_runs(capsys, toolchain, shop):
    f = _finding("map-size-hint", "this loop inserts len(ps) times into byID "
                 "(map[UserID]*Profile): make(map[UserID]*Profile, len(ps))", n=100)
    words = suggest.lab_command_for(f).split()[1:]  # no quoting needed for these words
    words = [w.strip("'") for w in words]
    code, out, err = run(capsys, *words, "-C", str(shop), *FAST)
    assert code == 0, err
    assert "map-hint" in out and "map[UserID]*Profile" in out
