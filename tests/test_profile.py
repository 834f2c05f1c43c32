"""goalloc profile against real Go profiles and `go tool pprof`.

The profiles are made here, from the std-only benchmark packages in tests/testdata/profiles/,
by `go test -bench -memprofile` (and runtime/pprof for a heap profile), once per session.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from goalloc.cli import main
from goalloc.collect.pprof import parse_profile, read_profile
from goalloc.profiles import attribute, link_sites
from goalloc.collect.toolchain import find_toolchain

DATA = Path(__file__).parent / "testdata" / "profiles"
INDEXES = ("alloc_objects", "alloc_space", "inuse_objects", "inuse_space")


def _go(args, cwd, env=None, timeout=300):
    tc = find_toolchain()
    proc = tc.run(args, cwd=cwd, env=env, timeout=timeout)
    assert proc.returncode == 0, f"go {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="session")
def go_tools():
    """Build pprof and objdump before anything is timed. Go 1.24+ ships them as source and
    `go tool X` compiles X on first use (and again once the build cache has dropped it):
    minutes on a loaded machine with a cold cache, which once ran the first pprof call of
    the session past its timeout. `go tool -n X` builds X and prints its path."""
    return {tool: _go(["tool", "-n", tool], cwd=None, timeout=3600).strip()
            for tool in ("pprof", "objdump")}


@pytest.fixture(scope="session")
def profiles(tmp_path_factory, go_tools):
    """name -> path of real profiles: allocs at -memprofilerate=1 (two lengths, for --base),
    a sampled allocs profile at the default rate, and a heap profile from runtime/pprof."""
    out = tmp_path_factory.mktemp("profiles")
    allocs, deep = DATA / "allocs", DATA / "deep"
    bench = ["test", "-run", "^$", "-bench", ".", "-benchmem"]
    _go(bench + ["-benchtime", "2000x", "-memprofilerate", "1",
                 "-memprofile", str(out / "allocs.out"), "-o", str(out / "allocs.test")], allocs)
    _go(bench + ["-benchtime", "700x", "-memprofilerate", "1",
                 "-memprofile", str(out / "allocs_small.out"), "-o", str(out / "a2.test")], allocs)
    _go(bench + ["-benchtime", "400x", "-memprofile", str(out / "deep.out"),
                 "-o", str(out / "deep.test")], deep)
    _go(["test", "-count=1", "-run", "TestWriteHeap", "."], deep,
        env={"GOALLOC_HEAP_OUT": str(out / "heap.out")})
    return {name: out / f"{name}.out" for name in ("allocs", "allocs_small", "deep", "heap")}


@pytest.fixture(scope="session")
def other_profiles(tmp_path_factory):
    """kind -> path of a profile of each other kind runtime/pprof writes, from the real
    runtime (tests/testdata/profiles/kinds)."""
    out = tmp_path_factory.mktemp("kinds")
    _go(["run", ".", str(out)], DATA / "kinds")
    return {kind: out / f"{kind}.pb.gz"
            for kind in ("cpu", "goroutine", "block", "mutex", "threadcreate")}


_PCT = r"-?[\d.]+(?:e[-+]?\d+)?%"
_ROW = re.compile(rf"^\s*(-?\d+)[A-Za-z]*\s+{_PCT}\s+{_PCT}\s+(-?\d+)[A-Za-z]*\s+{_PCT}\s+"
                  r"(.+?)(?: \((?:partial-)?inline\))?$")
_TOTAL = re.compile(r"accounting for (-?\d+)[A-Za-z]*, .* of (-?\d+)[A-Za-z]* total")


def pprof_top(tools, path, index, base=None):
    """{function: (flat, cum)} and a total, as `go tool pprof -top` prints them in raw units.

    The total is pprof's "of N total" (every sample, also those without a stack); with -base,
    where pprof's total is a sum of absolute values, it is "accounting for N" (the signed sum
    over the nodes)."""
    args = [tools["pprof"], "-top", "-nodefraction=0", f"-sample_index={index}", "-unit=B"]
    if base:
        args += ["-base", str(base)]
    proc = subprocess.run(args + [str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stderr}"
    text = proc.stdout
    rows, total, started = {}, None, False
    for line in text.splitlines():
        m = _TOTAL.search(line)
        if m and total is None:
            total = int(m.group(1)) if base else int(m.group(2))
        if line.split() == ["flat", "flat%", "sum%", "cum", "cum%"]:
            started = True
            continue
        if started:
            m = _ROW.match(line)
            assert m, f"cannot read pprof line {line!r}"
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    assert started and total is not None, text
    return rows, total


def _ours(doc):
    return {f["name"]: (f["flat"], f["cum"]) for f in doc["functions"] if f["flat"] or f["cum"]}


def run_json(argv, capsys):
    code = main(argv + ["--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.mark.parametrize("name", ["allocs", "deep", "heap"])
def test_functions_equal_pprof_top_for_every_sample_index(profiles, go_tools, name, capsys):
    nrows = {}
    for index in INDEXES:
        doc = run_json(["profile", str(profiles[name]), "--sample-index", index], capsys)
        assert doc["sample_index"] == index
        rows, total = pprof_top(go_tools, profiles[name], index)
        assert doc["totals"][index] == total
        assert _ours(doc) == rows, f"{name} {index}"
        nrows[index] = len(rows)
    # The profile is real, not trivially empty.
    assert doc["totals"]["alloc_space"] > 0 and nrows["alloc_space"] > 2


def test_base_difference_equals_pprof_base(profiles, go_tools, capsys):
    new, old = profiles["allocs"], profiles["allocs_small"]
    doc = run_json(["profile", str(new), "--base", str(old), "--sample-index", "alloc_space"],
                   capsys)
    rows, total = pprof_top(go_tools, new, "alloc_space", base=old)
    assert doc["base"] == str(old)
    assert doc["totals"]["alloc_space"] == total
    assert _ours(doc) == rows
    # Per site: new minus old, with the old values kept.
    key = lambda s: (s["function"], s["file"], s["line"], s["kind"])
    full = {key(s): s for s in run_json(["profile", str(new)], capsys)["sites"]}
    for s in doc["sites"]:
        if key(s) in full and s["base_values"]:
            before = full[key(s)]["values"]["alloc_space"]
            assert s["values"]["alloc_space"] == before - s["base_values"]["alloc_space"]
    grow = [s for s in doc["sites"] if s["function"].endswith("allocs.Grow")]
    assert grow and grow[0]["values"]["alloc_objects"] > 0  # 2000 runs minus 700


def test_hand_decoder_and_upb_agree(profiles):
    for path in profiles.values():
        a = read_profile(path, decoder="python")
        b = read_profile(path, decoder="upb")
        key = lambda p: sorted((s.location_ids, tuple(s.values), s.count, s.labels, s.num_labels)
                               for s in p.stacks)
        assert key(a) == key(b)
        assert a.locations == b.locations and a.functions == b.functions
        assert (a.period, a.sample_types, a.default_sample_type, a.sample_count) == \
            (b.period, b.sample_types, b.default_sample_type, b.sample_count)
        assert a.stack_count == b.stack_count == len({st.location_ids for st in a.stacks})
        # Uncompressed profile.proto reads the same.
        c = parse_profile(gzip.decompress(path.read_bytes()), decoder="python")
        assert key(c) == key(a)


def test_python_decoder_chunks(profiles, monkeypatch):
    """The python decoder decodes the values of the samples in chunks; chunk edges must not
    lose or split a sample."""
    from goalloc.collect import pprof as decode

    path = profiles["allocs"]
    whole = read_profile(path, decoder="upb")
    monkeypatch.setattr(decode, "_CHUNK", 7)
    chunked = read_profile(path, decoder="python")
    key = lambda p: sorted((s.location_ids, tuple(s.values), s.count, s.num_labels)
                           for s in p.stacks)
    assert chunked.sample_count == whole.sample_count > 7 * 3
    assert key(chunked) == key(whole)
    # A cut inside the samples is an error, not a shorter profile.
    raw = gzip.decompress(path.read_bytes())
    with pytest.raises(Exception, match="not a valid pprof profile"):
        parse_profile(raw[: len(raw) // 3], decoder="upb")


def test_sparse_site_groups_sum_the_same(profiles, monkeypatch):
    """Samples are summed per (site, object size) in dense columns, or in numbered groups
    when sites times sizes would be much more than the samples: both give the same sites."""
    from goalloc.profiles import attribution

    def sites(prof):
        return sorted((s.function, s.line, s.kind, s.samples, tuple(s.values.items()),
                       tuple(sorted((k, tuple(v)) for k, v in s.sizes.items())))
                      for s in attribute(prof, "alloc_space").sites)

    for name in ("allocs", "heap"):
        prof = read_profile(profiles[name])
        dense = sites(prof)
        monkeypatch.setattr(attribution, "_sparse", lambda groups, samples: True)
        assert sites(prof) == dense and dense
        monkeypatch.undo()


def test_profile_metadata_and_merging(profiles):
    prof = read_profile(profiles["allocs"])
    assert [st.type for st in prof.sample_types] == list(INDEXES)
    assert prof.period == 1 and prof.period_type.type == "space"
    assert prof.default_sample_type == "alloc_space"
    # Samples sharing a stack are merged, their values summed; sizes come from the labels.
    assert prof.sample_count >= len(prof.stacks)
    assert any(st.count > 1 for st in prof.stacks)
    assert all(any(k == "bytes" for k, _v, _u in st.num_labels) for st in prof.stacks)
    heap = read_profile(profiles["heap"])
    # runtime/pprof's heap profile names no default: like pprof, the last type is the default.
    assert heap.sample_types[heap.sample_index(None)].type == "inuse_space"
    assert heap.period == 512 * 1024
    # Inlined frames: some location has more than one line.
    assert any(len(loc.lines) > 1 for loc in prof.locations.values())


def _site(doc, func, line_text, kind=None):
    """The site of a function at a line; with ``kind``, the one of that kind (one line can
    allocate in two ways, e.g. fmt.Sprint's result and the boxing of its argument)."""
    for s in doc["sites"]:
        if s["function"] == func and s["source"] and line_text in s["source"] \
                and (kind is None or s["kind"] == kind):
            return s
    raise AssertionError(f"no site {func} {line_text!r} in {[(s['function'], s['source']) for s in doc['sites']]}")


def test_sites_are_classified_and_placed(profiles, capsys):
    src = DATA / "allocs"
    doc = run_json(["profile", str(profiles["allocs"]), "--source", str(src)], capsys)
    P = "example.com/allocs."
    expect = [
        ("Grow", "append(s, i)", "slice-growth"),
        ("MakeSlice", "make([]int, n)", "slice-make"),
        ("MakeMap", "make(map[int]int, 100)", "map-make"),
        ("CountMap", "make(map[int]int, 100)", "map-make"),
        ("CountMap", "m[i%150] = i", "map-growth"),
        ("MakeMap", "m[i] = i", "map-growth"),
        ("FillMap", "map[string]int{}", "map-make"),
        ("FillMap", "m[strconv.Itoa(i)] = i", "map-growth"),
        ("Concat", 'a + "/" + b', "string"),
        ("ToString", "string(b)", "string"),
        ("NewPoint", "&point{", "object"),
        ("inlined", "make([]byte, n)", "slice-make"),
        ("Build", "sb.WriteString", "string"),
        ("Print", "fmt.Sprint", "string"),
    ]
    lines = (src / "allocs.go").read_text().splitlines()
    for func, text, kind in expect:
        s = _site(doc, P + func, text, kind)
        assert s["file"] == "allocs.go" and text in lines[s["line"] - 1]
        assert s["user"] and s["values"]["alloc_objects"] > 0
    assert _site(doc, P + "Build", "sb.WriteString")["callee"] == "strings.(*Builder).WriteString"
    assert _site(doc, P + "Print", "fmt.Sprint", "string")["callee"] == "fmt.Sprint"
    # make(map, 100) with 200 inserts: the map is made once per call, and grows.
    per_run = _site(doc, P + "MakeMap", "make(map")["values"]["alloc_objects"]
    assert per_run >= 2000
    # The JSON is sorted by the chosen index and keeps every sample type per site.
    vals = [abs(s["value"]) for s in doc["sites"]]
    assert vals == sorted(vals, reverse=True)
    assert sum(s["values"]["alloc_space"] for s in doc["sites"]) == doc["totals"]["alloc_space"]
    # The runtime entry point is reported when the profile shows runtime frames.
    deep = run_json(["profile", str(profiles["deep"])], capsys)
    assert all(s["entry"] is None or s["entry"].startswith(("runtime.", "internal/runtime/"))
               for s in deep["sites"])


def test_text_report_shows_top_sites(profiles, capsys):
    code = main(["profile", str(profiles["allocs"]), "--source", str(DATA / "allocs"),
                 "--top", "5"])
    out = capsys.readouterr().out
    assert code == 0
    assert "top sites by alloc_space" in out and "top sites by alloc_objects" in out
    assert "map-growth    allocs.go:" in out and "slice-growth  allocs.go:" in out
    assert out.count("example.com/allocs.") >= 10


_ESC = re.compile(r"^(?:\./)?([\w./-]+\.go):(\d+):(\d+): (.+?) (escapes to heap|does not escape)$")


def _compiler_sites(pkgdir):
    """Escape sites from the compiler's own -m output (the shape goalloc scan produces)."""
    from goalloc.escape.model import Site

    tc = find_toolchain()
    proc = tc.run(["build", "-gcflags=-m", "."], cwd=pkgdir, timeout=300)
    assert proc.returncode == 0, proc.stderr
    sites = []
    for line in proc.stderr.splitlines():
        m = _ESC.match(line)
        if not m:
            continue
        expr = m.group(4)
        kind = ("map" if "map[" in expr else "slice" if ("[]" in expr or "append" in expr)
                else "string" if ("\"" in expr or "string(" in expr)
                else "object" if expr.startswith(("&", "new(")) else "interface")
        sites.append(Site(package="example.com/allocs", file=m.group(1), line=int(m.group(2)),
                          col=int(m.group(3)), function="", expr=expr, kind=kind,
                          verdict="heap" if m.group(5) == "escapes to heap" else "stack",
                          cause="append-growth" if "append" in expr else None,
                          suggestion="preallocate" if kind in ("map", "slice") else ""))
    assert sites
    return sites


def test_link_sites_to_compiler_escape_sites(profiles):
    src = DATA / "allocs"
    # Without the test binary (binary=False) the boxing in Box is known only from its escape
    # site; with it, from the runtime function its call reaches (runtime.convT64).
    result = attribute(read_profile(profiles["allocs"], binary=False), "alloc_space",
                       source_root=str(src))
    esc = _compiler_sites(src)
    links = link_sites(result.sites, esc)
    by = {(s.function.rsplit(".", 1)[-1], s.source): s for s in result.sites if s.user}
    mk = next(s for (f, text), s in by.items() if f == "CountMap" and "make(map" in text)
    # The case: make(map[int]int, 100) does not escape, yet allocates.
    assert mk.escape is not None and mk.escape.verdict == "stack" and mk.escape.kind == "map"
    assert id(mk) in links
    box = next(s for (f, _t), s in by.items() if f == "Box")
    assert box.escape is not None and box.escape.verdict == "heap"
    assert box.kind == "interface-box" and box.kind_from == "escape"
    pt = next(s for (f, _t), s in by.items() if f == "NewPoint")
    assert pt.escape.expr.startswith("&point")
    # Sites without a compiler diagnostic on their line stay unlinked.
    assert all(s.escape is None for s in result.sites if not s.user)
    with_binary = attribute(read_profile(profiles["allocs"]), "alloc_space", source_root=str(src))
    box = next(s for s in with_binary.sites if s.function.endswith("allocs.Box"))
    assert (box.kind, box.kind_from, box.entry) == ("interface-box", "binary", "runtime.convT64")


def _write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_corrupt_profiles_fail_with_one_line(profiles, tmp_path, capsys):
    good = profiles["allocs"].read_bytes()
    raw = gzip.decompress(good)
    cases = {
        "truncated.gz": good[: len(good) // 2],
        "truncated.pb": raw[: len(raw) - 7],
        "garbage.pb": bytes(range(256)) * 8,
        "text.txt": b"hello, this is not a profile\n",
        "empty": b"",
        "legacy.txt": b"heap profile: 1: 2 [3: 4] @ heap/1048576\n",
        "badgzip.gz": b"\x1f\x8b" + b"\x00" * 40,
        "json.json": b'{"not": "a profile"}',
    }
    for name, data in cases.items():
        path = _write(tmp_path, name, data)
        for decoder in ("upb", "python"):
            code = main(["profile", str(path), "--decoder", decoder])
            err = capsys.readouterr().err
            assert code == 2, (name, decoder, err)
            assert err.startswith("goalloc: error: ") and err.count("\n") == 1, (name, err)
            assert "Traceback" not in err
    assert main(["profile", str(tmp_path / "missing.out")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["profile", str(profiles["allocs"]), "--sample-index", "cpu"]) == 2
    assert "not in the profile" in capsys.readouterr().err


def test_cli_subprocess_exit_code_and_no_traceback(tmp_path):
    bad = _write(tmp_path, "bad.out", b"\x1f\x8b\x08\x00garbage")
    proc = subprocess.run([sys.executable, "-m", "goalloc", "profile", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("goalloc: error:") and "Traceback" not in proc.stderr


def test_json_contract_documented(profiles, capsys):
    doc = run_json(["profile", str(profiles["deep"]), "--sample-index", "1"], capsys)
    assert doc["schema_version"] == 2 and doc["command"] == "profile"
    assert doc["go"] == {"version": None, "goos": None, "goarch": None}
    assert doc["sample_index"] == "alloc_space" and doc["unit"] == "bytes"
    assert set(doc["totals"]) == set(INDEXES)
    docs = (Path(__file__).parent.parent / "docs" / "profile.md").read_text()
    for key in doc:
        assert f"`{key}`" in docs, f"top-level key {key} is not documented"
    for key in doc["sites"][0]:
        assert f"`{key}`" in docs, f"site key {key} is not documented"
    for key in doc["functions"][0]:
        assert f"`{key}`" in docs


def test_import_is_light():
    """protobuf is a dependency, imported only when a profile is decoded."""
    code = ("import sys, goalloc, goalloc.profiles, goalloc.commands.profile\n"
            "from goalloc.cli import main\n"
            "from goalloc.collect.pprof import read_profile\n"
            "for argv in (['--help'], ['profile', '--help']):\n"
            "    try:\n"
            "        main(argv)\n"
            "    except SystemExit:\n"
            "        pass\n"
            "assert 'google.protobuf' not in sys.modules, 'protobuf imported'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("break_protobuf", [
    "sys.modules['google.protobuf'] = None",  # not installed
    "import google.protobuf.descriptor_pool as p; p.DescriptorPool = None",  # broken
])
def test_python_decoder_when_protobuf_is_missing_or_broken(profiles, break_protobuf):
    code = (f"import sys\n{break_protobuf}\n"
            "from goalloc.collect.pprof import read_profile\n"
            f"prof = read_profile({str(profiles['heap'])!r}, binary=False)\n"
            "assert prof.decoder == 'python' and prof.sample_count > 0, prof.decoder\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_output_file(profiles, tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["profile", str(profiles["heap"]), "--format", "json", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["sample_index"] == "inuse_space"  # the heap profile's default, like pprof
    assert any(s["function"].endswith("deep.Big") for s in doc["sites"])



@pytest.mark.parametrize("line,kind", [
    ("s = append(s, x)", "slice-growth"),
    ("m := make(map[string]int, n)", "map-make"),
    ("m := map[string][]int{}", "map-make"),
    ("b := make([]byte, 0, n)", "slice-make"),
    ("xs := []int{1, 2, 3}", "slice-make"),
    ("p := &Point{X: 1}", "object"),
    ("p := new(T)", "object"),
    ("f := func() int { return v }", "object"),
    ("return string(b)", "string"),
    ('return a + "/" + b', "string"),
    ("m[k] = v", "map-growth"),
    ("counts[w]++", "map-growth"),
    ("ch := make(chan int)", "other"),
    ('s := "make(map[int]int) // append("', None),
    ("return x + y // append(s, 1)", None),
])
def test_source_kind(line, kind):
    from goalloc.profiles import source_kind

    assert source_kind(line) == kind


def test_runtime_entry_point_decides_the_kind():
    from goalloc.profiles.attribution import Frame, SourceResolver, _attribute_stack

    def frames(*names):
        return [Frame(n, "/usr/lib/go/src/runtime/x.go" if n.startswith(("runtime.", "internal/"))
                      else "/home/me/app/main.go", 10 + i, False) for i, n in enumerate(names)]

    res = SourceResolver(None)
    cases = [
        (("runtime.mallocgc", "runtime.growslice", "example.com/app.F"), "slice-growth",
         "runtime.growslice"),
        (("runtime.mallocgc", "internal/runtime/maps.newarray",
          "internal/runtime/maps.(*table).grow", "runtime.mapassign_fast64", "example.com/app.F"),
         "map-growth", "runtime.mapassign_fast64"),
        (("runtime.mallocgc", "internal/runtime/maps.NewMap", "runtime.makemap",
          "example.com/app.F"), "map-make", "runtime.makemap"),
        (("runtime.mallocgc", "runtime.convT64", "example.com/app.F"), "interface-box",
         "runtime.convT64"),
        (("runtime.mallocgc", "runtime.rawstring", "runtime.concatstrings",
          "runtime.concatstring3", "example.com/app.F"), "string", "runtime.concatstring3"),
        (("runtime.mallocgc", "runtime.newobject", "example.com/app.F"), "object",
         "runtime.newobject"),
    ]
    for names, kind, entry in cases:
        site, got_entry, callee, user, got_kind, kind_from, _text = _attribute_stack(
            frames(*names), res)
        assert (got_kind, got_entry, kind_from) == (kind, entry, "runtime"), names
        assert site.function == "example.com/app.F" and user and callee is None
    # A stack of runtime code only: the site is the caller of the entry, not user code.
    site, entry, _c, user, kind, _f, _t = _attribute_stack(
        frames("runtime.mallocgc", "runtime.newobject", "runtime.malg", "runtime.newproc1"), res)
    assert (entry, kind, user, site.function) == ("runtime.newobject", "object", False,
                                                  "runtime.malg")


def test_link_sites_path_matching(profiles):
    from goalloc.escape.model import Position, Site

    result = attribute(read_profile(profiles["allocs"]), "alloc_space")  # no --source: absolute
    grow = next(s for s in result.sites if s.function.endswith("allocs.Grow"))
    assert grow.file.startswith("/") and grow.file.endswith("profiles/allocs/allocs.go")

    def site(file, line, kind="slice", verdict="heap", origin=None, cause=None):
        return Site(package="example.com/allocs", file=file, line=line, col=3, function="Grow",
                    expr="append(s, i)", kind=kind, verdict=verdict, cause=cause, origin=origin)

    other_dir = site("other/allocs.go", grow.line)  # same base name, another directory
    wrong_line = site("allocs.go", grow.line + 1)
    stack = site("allocs.go", grow.line, verdict="stack")
    best = site("allocs.go", grow.line, cause="append-growth")
    links = link_sites([grow], [other_dir, wrong_line, stack, best])
    assert grow.escape is best and grow.escape_candidates == [best, stack]
    assert links[id(grow)] == [best, stack]
    # An allocation inlined into another function matches at its origin.
    inl = next(s for s in result.sites if s.function.endswith("allocs.inlined"))
    at_call = site("allocs.go", 999, origin=Position("allocs.go", inl.line, 9))
    link_sites([inl], [at_call])
    assert inl.escape is at_call


def _pb_varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _pb(fn, payload=None, value=None):
    if payload is None:
        return _pb_varint(fn << 3) + _pb_varint(value)
    return _pb_varint(fn << 3 | 2) + _pb_varint(len(payload)) + payload


def _edge_profile() -> bytes:
    """A profile with the shapes Go writes rarely: unpacked short lists (Go packs only lists of
    three or more), a location without lines, a function without a name, string labels, a
    sample without locations, all-zero samples, recursion and inlining."""
    strings = ["", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects",
               "inuse_space", "main.main", "/app/main.go", "main.leaf", "main.rec",
               "runtime.main", "/go/src/runtime/proc.go", "/bin/app", "kind", "hot", "space"]
    out = b""
    for t, u in ((1, 2), (3, 4), (5, 2), (6, 4)):
        out += _pb(1, _pb(1, value=t) + _pb(2, value=u))
    out += _pb(3, _pb(1, value=1) + _pb(5, value=13))
    funcs = [(1, 7, 8), (2, 9, 8), (3, 10, 8), (4, 11, 12), (5, 0, 8)]
    for fid, name, file in funcs:
        out += _pb(5, _pb(1, value=fid) + _pb(2, value=name) + _pb(4, value=file))
    locs = {1: [(2, 20), (3, 30)],  # leaf inlined into rec
            2: [(3, 31)], 3: [(1, 10)], 4: [(4, 250)], 5: [], 6: [(5, 5)]}
    for lid, lines in locs.items():
        body = _pb(1, value=lid) + _pb(2, value=1) + _pb(3, value=0x1000 + lid)
        for fid, line in lines:
            body += _pb(4, _pb(1, value=fid) + _pb(2, value=line))
        out += _pb(4, body)

    def sample(locs, vals, packed=True, label=None, size=None):
        body = b""
        if packed:
            body += _pb(1, b"".join(_pb_varint(x) for x in locs))
            body += _pb(2, b"".join(_pb_varint(x) for x in vals))
        else:
            body += b"".join(_pb(1, value=x) for x in locs)
            body += b"".join(_pb(2, value=x) for x in vals)
        if label:
            body += _pb(3, _pb(1, value=14) + _pb(2, value=15))
        if size:
            body += _pb(3, _pb(1, value=4) + _pb(3, value=size))  # bytes: size
        return _pb(2, body)

    out += sample([1, 2, 2, 3, 4], [3, 300, 1, 100])  # recursion: rec twice in one stack
    out += sample([1, 2, 2, 3, 4], [2, 200, 0, 0], label=True)
    out += sample([5, 3], [1, 64, 1, 64], packed=False)  # no lines; unpacked
    out += sample([6], [4, 40, 0, 0], packed=False)  # a function without a name
    out += sample([3, 4], [0, 0, 0, 0])
    out += sample([], [7, 700, 0, 0])
    out += sample([2, 3, 4], [5, 500, 2, 200], label=True)
    out += sample([2, 3, 4], [6, 600, 0, 0], label=True, size=64)  # two labels
    out += _pb(11, _pb(1, value=16) + _pb(2, value=4)) + _pb(12, value=1)
    for s_ in strings:
        out += _pb(6, s_.encode())
    return out


def test_edge_shapes_equal_pprof(tmp_path, go_tools, capsys):
    path = tmp_path / "edge.pb.gz"
    path.write_bytes(gzip.compress(_edge_profile()))
    for decoder in ("upb", "python"):
        prof = read_profile(path, decoder=decoder)
        assert prof.sample_count == 8
        assert any(st.labels == (("kind", "hot"),) for st in prof.stacks)
        assert any(st.labels == (("kind", "hot"),) and st.num_labels == (("bytes", 64, ""),)
                   for st in prof.stacks)
        for index in INDEXES:
            doc = run_json(["profile", str(path), "--sample-index", index, "--decoder", decoder],
                           capsys)
            rows, total = pprof_top(go_tools, path, index)
            assert doc["totals"][index] == total
            assert _ours(doc) == rows, (decoder, index)
    assert rows  # inuse_space has rows too
    assert "[app]" in _ours(run_json(["profile", str(path)], capsys))  # pprof's unnamed frame


def test_link_sites_with_goalloc_scan(profiles):
    """The real pairing: escape sites from goalloc scan, measured sites from the profile."""
    from goalloc.app.scan import scan

    src = DATA / "allocs"
    esc = scan(["."], directory=str(src), progress=False).sites
    result = attribute(read_profile(profiles["allocs"]), "alloc_space", source_root=str(src))
    link_sites(result.sites, esc)
    by = {}
    for s in result.sites:
        if s.user and s.function.startswith("example.com/allocs."):
            by.setdefault(s.function.rsplit(".", 1)[-1], []).append(s)
    grow = by["Grow"][0]
    assert grow.kind == "slice-growth" and grow.escape is not None
    assert grow.escape.verdict == "heap" and grow.escape.kind == "slice" and grow.escape.suggestion
    box = by["Box"][0]
    assert box.escape is not None and box.escape.kind == "interface"
    assert box.kind == "interface-box"
    count_make = next(s for s in by["CountMap"] if "make(map" in (s.source or ""))
    assert count_make.escape is not None and count_make.escape.verdict == "stack"
    assert count_make.values["alloc_objects"] > 0  # does not escape, yet allocates


@pytest.mark.parametrize("kind,name,types", [
    ("cpu", "CPU", "samples/count, cpu/nanoseconds"),
    ("goroutine", "goroutine", "goroutine/count"),
    ("block", "block", "contentions/count, delay/nanoseconds"),
    ("mutex", "mutex", "contentions/count, delay/nanoseconds"),
    ("threadcreate", "threadcreate", "threadcreate/count"),
])
def test_profiles_of_other_kinds_are_refused(other_profiles, profiles, kind, name, types,
                                             capsys):
    """Their samples are CPU time, goroutines, waits or threads, not allocations."""
    path = other_profiles[kind]
    for decoder in ("upb", "python"):
        assert main(["profile", str(path), "--decoder", decoder]) == 2
        err = capsys.readouterr().err
        assert err == (f"goalloc: error: {path} is a {name} profile ({types}); goalloc profile "
                       "reads heap and allocs profiles\n")
    # As the base of a heap profile too.
    assert main(["profile", str(profiles["allocs"]), "--base", str(path)]) == 2
    assert f"{path} is a {name} profile" in capsys.readouterr().err


def test_two_constructs_on_one_line_are_measured_apart(profiles):
    """`out = append(out, string(b))`: the conversion calls runtime.slicebytetostring, the
    growth runtime.growslice. The profile hides both runtime frames; the test binary beside
    it (go test -o) names the call at each sampled address, and each allocation is linked to
    its own construct's escape site."""
    from goalloc.app.scan import scan

    src = DATA / "allocs"
    prof = read_profile(profiles["allocs"])
    assert prof.binary and prof.binary.endswith("allocs.test") and prof.call_targets
    result = attribute(prof, "alloc_space", source_root=str(src))
    link_sites(result.sites, scan(["."], directory=str(src), progress=False).sites)

    def at(func):
        return {s.kind: s for s in result.sites if s.function == "example.com/allocs." + func}

    names = at("Names")
    assert set(names) == {"string", "slice-growth"}
    conv, grow = names["string"], names["slice-growth"]
    assert conv.line == grow.line and "append(out, string(b))" in conv.source
    assert (conv.entry, conv.kind_from, conv.escape.expr) == (
        "runtime.slicebytetostring", "binary", "string(b)")
    assert (grow.entry, grow.kind_from, grow.escape.expr) == ("runtime.growslice", "binary",
                                                              "append")
    # Five strings and four growths (capacity 1, 2, 4, 8) per run; 2000 runs, and a first run
    # of b.N = 1 that the profile may or may not hold.
    assert conv.values["alloc_objects"] in (5 * 2000, 5 * 2001)
    assert grow.values["alloc_objects"] in (4 * 2000, 4 * 2001)
    # Room for every key: the same line allocates only the strings.
    keys = at("Keys")
    assert set(keys) == {"string", "slice-make"}
    assert keys["string"].escape.expr == "string(b)"
    assert keys["slice-make"].escape.expr.startswith("make([]string")
    # Without the binary the line has one construct for the source text: its first.
    blind = attribute(read_profile(profiles["allocs"], binary=False), "alloc_space",
                      source_root=str(src))
    assert {s.kind for s in blind.sites if s.function.endswith(".Names")} == {"slice-growth"}


def test_shipped_example_string_conversion(tmp_path, capsys):
    """The example's DescribeFast: `lines = append(lines, string(buf))` into a slice made with
    full capacity. Profiled as a user would (go test -memprofile in the package directory,
    which leaves shop.test there), the line is one string site linked to string(buf)."""
    import shutil

    from goalloc.commands.scan import example_dir

    mod = tmp_path / "example"
    shutil.copytree(example_dir(), mod)
    _go(["test", "-run", "^$", "-bench", "DescribeFast", "-benchtime", "50x",
         "-memprofilerate", "1", "-memprofile", "mem.out"], mod / "shop")
    assert (mod / "shop" / "shop.test").is_file()
    doc = run_json(["profile", str(mod / "shop" / "mem.out"), "--source", str(mod)], capsys)
    line73 = [s for s in doc["sites"] if s["file"] == "shop/order.go" and s["line"] == 73]
    assert [(s["kind"], s["entry"], s["kind_from"]) for s in line73] == [
        ("string", "runtime.slicebytetostring", "binary")]
    assert line73[0]["escape"]["expr"] == "string(buf)"
    assert doc["binary"] == str(mod / "shop" / "shop.test")


def test_verify_example_string_conversion(capsys):
    """goalloc verify reads the same line through the binary go test kept."""
    code = main(["verify", "--example", "--bench", "DescribeFast", "--benchtime", "20x",
                 "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    line73 = [m for m in json.loads(out)["measured"]
              if m["file"] == "shop/order.go" and m["line"] == 73]
    assert [(m["kind"], m["escape"]["expr"]) for m in line73] == [("string", "string(buf)")]
