"""goalloc verify's core: benchmarks with a memory profile, attributed and tied to the escape
sites and findings of `goalloc scan`, so a user sees which sites cost real memory."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from goalloc.escape.model import Site


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


def _function_names(prof) -> set[str]:
    names = set()
    for fn in prof.functions.values():
        names.add(fn.name)
    return names


def _short(fn_name: str) -> str:
    """'example.com/shop/shop.(*Cache).Put' -> '(*Cache).Put'."""
    tail = fn_name.rsplit("/", 1)[-1]
    return tail.split(".", 1)[1] if "." in tail else tail


def verify(patterns: list[str], directory: str, *, bench: str = ".", count: int = 1,
           benchtime: str | None = None, memprofilerate: int = 1, tags: str | None = None,
           progress=None, rules_args=None) -> VerifyResult:
    from goalloc.collect.bench_runner import run_benchmarks
    from goalloc.app.scan import scan
    from goalloc.profiles import attribute, link_sites, read_profile
    from goalloc.collect.toolchain import find_toolchain

    toolchain = find_toolchain()
    result = scan(patterns, directory, tags=tags, toolchain=toolchain, progress=False)
    if rules_args is not None:
        from goalloc.commands.scan import _run_rules

        _run_rules(rules_args, result)
    extra = [f"-memprofilerate={memprofilerate}"]
    if tags:
        extra.append(f"-tags={tags}")
    with tempfile.TemporaryDirectory(prefix="goalloc-verify-") as tmp:
        run = run_benchmarks(toolchain, patterns, bench=bench, count=count, cwd=result.directory,
                             memprofile_dir=tmp, benchtime=benchtime, progress=progress,
                             extra_args=extra)
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
                        unexercised, totals, memprofilerate, result,
                        run.packages_without_benchmarks, test_bytes)
