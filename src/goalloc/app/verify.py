"""goalloc verify's core: benchmarks with a memory profile, attributed and tied to the escape
sites and findings of `goalloc scan`, so a user sees which sites cost real memory."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from goalloc.app.scan import RuleSelection
from goalloc.escape.model import Site
from goalloc.goinfo import GoInfo


@dataclass
class MeasuredSite:
    """A source position that allocated during the benchmarks, with what scan says of it."""

    package: str
    function: str
    file: str
    line: int
    kind: str  # the measured kind (slice-growth, map-make, interface-box, ...)
    bytes: int
    objects: int
    share: float  # of all bytes the package's benchmarks allocated
    site: Site | None = None  # the linked escape site
    findings: list = field(default_factory=list)
    source: str | None = None
    callee: str | None = None  # the library or runtime function that allocated for this line


@dataclass
class VerifyResult:
    go_version: str
    directory: str
    benchmarks: list  # goalloc.benchstat.format.BenchResult
    measured: list[MeasuredSite]
    no_cost: list[Site]  # heap sites in exercised functions with nothing measured at them
    unexercised: int  # heap sites in functions the benchmarks never showed
    totals: dict[str, int]  # alloc_space / alloc_objects over all packages' profiles
    memprofilerate: int
    scan: object  # goalloc.app.scan.ScanResult
    packages_without_benchmarks: list[str] = field(default_factory=list)
    test_code_bytes: int = 0  # allocated by benchmark setup in _test.go files (not scanned)
    go: GoInfo | None = None
    failure: Exception | None = None  # a BenchFailed for the packages that did not run


def _function_names(prof) -> set[str]:
    names = set()
    for fn in prof.functions.values():
        names.add(fn.name)
    return names


def _short(fn_name: str) -> str:
    """'example.com/shop/shop.(*Cache).Put' -> '(*Cache).Put'."""
    tail = fn_name.rsplit("/", 1)[-1]
    return tail.split(".", 1)[1] if "." in tail else tail


@dataclass
class VerifyOptions:
    directory: str = "."
    patterns: list[str] = field(default_factory=lambda: ["./..."])
    bench: str = "."  # go test -bench
    count: int = 1
    benchtime: str | None = None
    memprofilerate: int = 1
    tags: str | None = None
    gcflags: str | None = None  # extra compiler flags, for the scan and the benchmarks
    use_cache: bool = True
    rules: RuleSelection = field(default_factory=RuleSelection)


def verify(options: VerifyOptions, progress=None, bench_log=None, warn=None) -> VerifyResult:
    """Scan, run the benchmarks with a memory profile, attribute every measured allocation
    and link it to its escape site. ``bench_log`` (a text stream) receives go test's result
    lines as they come."""
    from goalloc.app.scan import ScanOptions, scan_module
    from goalloc.collect.bench_runner import BenchFailed, run_benchmarks
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.collect.pprof import read_profile
    from goalloc.profiles import attribute, link_sites

    toolchain = find_toolchain()
    patterns = options.patterns
    result = scan_module(ScanOptions(options.directory, patterns, tags=options.tags,
                                     use_cache=options.use_cache, rules=options.rules,
                                     gcflags=options.gcflags),
                         progress=progress, toolchain=toolchain, warn=warn)
    extra = [f"-memprofilerate={options.memprofilerate}"]
    if options.tags:
        extra.append(f"-tags={options.tags}")
    if options.gcflags:
        extra.append(f"-gcflags={options.gcflags}")
    with tempfile.TemporaryDirectory(prefix="goalloc-verify-") as tmp:
        failure = None
        try:
            run = run_benchmarks(toolchain, patterns, bench=options.bench, count=options.count,
                                 cwd=result.directory, memprofile_dir=tmp,
                                 benchtime=options.benchtime, progress=bench_log,
                                 extra_args=extra)
        except BenchFailed as exc:
            if not exc.run.results:
                raise
            # Some packages did not compile or their benchmarks failed: what ran is reported
            # and the command ends with the failure's exit code.
            run, failure = exc.run, exc
        measured: list[MeasuredSite] = []
        totals = {"alloc_space": 0, "alloc_objects": 0}
        seen_functions: set[str] = set()
        test_bytes = 0
        for pkg, path in run.profiles.items():
            if not os.path.isfile(path):
                continue
            # The test binary tells what each sampled call allocated (string(buf) from the
            # append on the same line): goalloc.collect.objdump.
            prof = read_profile(path, binary=run.binaries.get(pkg))
            seen_functions |= {_short(n) for n in _function_names(prof)}
            attr = attribute(prof, "alloc_space", source_root=result.module_root or result.directory)
            link_sites(attr.sites, [s for s in result.sites if s.package == pkg])
            pkg_bytes = attr.totals.get("alloc_space", 0)
            totals["alloc_space"] += pkg_bytes
            totals["alloc_objects"] += attr.totals.get("alloc_objects", 0)
            for ps in attr.sites:
                b = ps.values.get("alloc_space", 0)
                if not ps.user or b <= 0 or (os.path.isabs(ps.file) and not ps.escape):
                    continue
                if ps.file.endswith("_test.go"):
                    test_bytes += b
                    continue
                site = ps.escape
                # Inside a callee (fmt.Sprintf's buffer, a map's buckets) the line's own escape
                # site explains the bytes only when it is the argument boxed for the call.
                if ps.callee and site is not None and (
                        site.kind != "interface" or site.note.startswith("allocates nothing")):
                    site = None
                measured.append(MeasuredSite(
                    pkg, ps.function, ps.file, ps.line, ps.kind, b, ps.values.get("alloc_objects", 0),
                    b / pkg_bytes if pkg_bytes else 0.0, site, source=ps.source, callee=ps.callee))
    measured.sort(key=lambda m: -m.bytes)
    findings_at: dict[tuple, list] = {}
    for f in result.findings:
        findings_at.setdefault((f.file, f.line), []).append(f)
    for m in measured:
        m.findings = findings_at.get((m.file, m.line), [])

    linked = {id(m.site) for m in measured if m.site is not None}
    measured_lines = {(m.file, m.line) for m in measured if m.site is not None or not m.callee}
    ran = {p for p in run.profiles}
    no_cost, unexercised = [], 0
    for s in result.heap_sites:
        if s.package not in ran or id(s) in linked or (s.file, s.line) in measured_lines:
            continue
        if s.function in seen_functions:
            no_cost.append(s)
        else:
            unexercised += 1
    return VerifyResult(toolchain.version, result.directory, run.results, measured, no_cost,
                        unexercised, totals, options.memprofilerate, result,
                        run.packages_without_benchmarks, test_bytes, GoInfo.of(toolchain),
                        failure)
