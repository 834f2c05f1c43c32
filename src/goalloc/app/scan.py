"""goalloc scan's core: compiler diagnostics -> Sites and Params with root causes."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from goalloc.app.compiled import CompileError  # noqa: F401  (part of this module's results)
from goalloc.errors import InputError
from goalloc import cache
from goalloc.collect import compiler as collect
from goalloc.escape import advice, kinds, source
from goalloc.escape.origins import OriginFinder
from goalloc.escape.causes import CauseContext, Decision, Step, derive
from goalloc.escape.cost import guarded_branches, never_runs, runtime_cost
from goalloc.escape.model import FlowStep, Param, Position, Site
from goalloc.escape.parse import Explanation, Summary, parse_at, parse_lines
from goalloc.collect.toolchain import Toolchain, find_toolchain


@dataclass
class ScanResult:
    go_version: str
    goos: str
    goarch: str
    directory: str
    module_root: str | None
    patterns: list[str]
    packages: list[str] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    errors: list[CompileError] = field(default_factory=list)
    failed_packages: list[str] = field(default_factory=list)
    unparsed_lines: list = field(default_factory=list)  # (package, line) the parser did not know
    build_seconds: float = 0.0
    findings: list = field(default_factory=list)  # rule findings, when rules ran
    rules_error: Exception | None = None  # why the rules could not run, when they could not
    facts: object = None  # the goalloc.facts.Facts the rules read, when they ran
    measured: dict = field(default_factory=dict)  # {id(site or finding): (bytes, objects)}
    # Verdicts the compiled code qualifies (goalloc.calls.model.CallFinding), when read.
    runtime_findings: list = field(default_factory=list)
    calls_error: Exception | None = None  # why the compiled code could not be read
    calls_seconds: float = 0.0

    @property
    def heap_sites(self) -> list[Site]:
        return [s for s in self.sites if s.verdict == "heap"]


class _Files:
    """Resolves printed paths and loads sources, once each."""

    def __init__(self, cwd: str, module_root: str | None, goroot: str = ""):
        self.cwd = cwd
        self.goroot_src = os.path.join(goroot, "src") if goroot else ""
        self.module_root = module_root
        self.package_dir: str | None = None  # of the package whose lines are being read
        self._module_path: str | None = None
        self._rel: dict[tuple, str] = {}
        self._abs: dict[str, str] = {}
        self._src: dict[str, source.GoFile | None] = {}
        self._lines: dict[tuple, str] = {}  # one str per source line, shared by flow steps
        self._guarded: tuple | None = None

    def guarded_branches(self) -> tuple:
        """Inlined branches the toolchain's own source shows to be ruled out by a call's
        arguments (goalloc.escape.cost), read once."""
        if self._guarded is None:
            try:
                with open(os.path.join(self.goroot_src, "fmt", "errors.go"), encoding="utf-8") as fh:
                    self._guarded = guarded_branches(fh.read())
            except (OSError, UnicodeDecodeError):
                self._guarded = ()
        return self._guarded

    def enter_package(self, import_path: str) -> None:
        """The package whose diagnostics come next: the go command replays a cached
        compile's output with paths as they were first printed, which may be relative to
        that package's own directory ("./file.go")."""
        if self._module_path is None:
            self._module_path = ""
            try:
                with open(os.path.join(self.module_root or "", "go.mod"), encoding="utf-8") as fh:
                    for line in fh:
                        if line.startswith("module "):
                            self._module_path = line.split()[1].strip('"')
                            break
            except (OSError, IndexError):
                pass
        mod = self._module_path
        if self.module_root and mod and (import_path == mod or import_path.startswith(mod + "/")):
            self.package_dir = os.path.join(self.module_root, import_path[len(mod):].lstrip("/"))
        else:
            self.package_dir = None

    def resolve(self, printed: str) -> str:
        key = (self.package_dir, printed)
        rel = self._rel.get(key)
        if rel is not None:
            return rel
        if printed.startswith("<"):
            absolute = printed
            rel = printed
        else:
            absolute = printed if os.path.isabs(printed) else os.path.normpath(
                os.path.join(self.cwd, printed))
            if (printed.startswith("./") and self.package_dir
                    and os.path.exists(os.path.join(self.package_dir, printed))):
                # "./file.go" is printed from the package's own directory: the go command
                # run there, or its cache replaying a compile first run there.
                absolute = os.path.normpath(os.path.join(self.package_dir, printed))
            elif not os.path.isabs(printed) and not os.path.exists(absolute):
                # Run below the module root, the compiler prints paths relative to that root
                # ("pkg/file.go" from inside pkg/); some standard-library packages are printed
                # relative to GOROOT/src.
                for base in (self.package_dir, self.module_root, self.goroot_src):
                    if base and os.path.exists(os.path.join(base, printed)):
                        absolute = os.path.normpath(os.path.join(base, printed))
                        break
            absolute = self._in_active_goroot(absolute)
            rel = absolute
            if self.module_root:
                r = os.path.relpath(absolute, self.module_root)
                if not r.startswith(".."):
                    rel = r
        self._rel[key] = rel
        self._abs[rel] = absolute
        return rel

    def _in_active_goroot(self, absolute: str) -> str:
        """Go's build cache replays the diagnostics of a standard-library package compiled
        by another install of the same Go version under that install's GOROOT, which may be
        gone: a missing file whose path continues in this GOROOT's src is that file."""
        if (not self.goroot_src or absolute.startswith(self.goroot_src + os.sep)
                or os.path.exists(absolute)):
            return absolute
        parts = absolute.split(os.sep + "src" + os.sep)
        for i in range(1, len(parts)):
            candidate = os.path.join(self.goroot_src, *(os.sep + "src" + os.sep).join(parts[i:])
                                     .split(os.sep))
            if os.path.isfile(candidate):
                return candidate
        return absolute

    def absolute(self, rel: str) -> str:
        return self._abs.get(rel, rel)

    def release(self) -> None:
        self._src.clear()
        self._lines.clear()

    def touched(self) -> set[str]:
        return {self._abs.get(rel, rel) for rel in self._src}

    def line_text(self, rel: str, line: int) -> str:
        key = (rel, line)
        text = self._lines.get(key)
        if text is None:
            src = self.source(rel)
            text = self._lines[key] = src.line_text(line).strip() if src else ""
        return text

    def load_absolute(self, absolute: str) -> source.GoFile | None:
        return self.source(self.resolve(absolute))

    def source(self, rel: str) -> source.GoFile | None:
        if rel not in self._src:
            absolute = self._abs.get(rel, rel)
            self._src[rel] = None if absolute.startswith("<") else source.load(absolute)
        return self._src[rel]


class _PackageInfo:
    """Named types and method names of a package, read from its directory when first needed."""

    def __init__(self, files: _Files):
        self.files = files
        self._by_dir: dict[str, tuple[dict, frozenset]] = {}
        self._names: dict[str, list[str]] = {}

    def touched(self) -> set[str]:
        return {os.path.join(d, n) for d, names in self._names.items() for n in names}

    def release(self) -> None:
        self._by_dir.clear()
        self._names.clear()

    def decls(self, rel_file: str) -> tuple[dict, frozenset]:
        directory = os.path.dirname(self.files.absolute(rel_file))
        if directory not in self._by_dir:
            data = []
            try:
                names = [n for n in os.listdir(directory)
                         if n.endswith(".go") and not n.endswith("_test.go")]
            except OSError:
                names = []
            self._names[directory] = names
            for name in names:
                try:
                    with open(os.path.join(directory, name), "rb") as fh:
                        data.append(fh.read())
                except OSError:
                    pass
            self._by_dir[directory] = kinds.scan_declarations(data)
        return self._by_dir[directory]


def _looks_inlined(expr: str, line_after: str) -> bool:
    if expr == "... argument":
        return False
    if expr.startswith("~") or "~R" in expr or "~r" in expr:
        return True
    probe = expr.split("(", 1)[0] if expr.startswith(("make(", "new(", "append(")) else expr
    probe = probe.replace("{...}", "{")
    if expr.startswith(("make(", "new(")):
        probe = expr[: expr.find("(") + 1]
    return probe not in line_after


def _origin_for(site_expr: str, callees: list[str], own_sites: dict) -> Position | None:
    """Find the allocation's own position in the inlined callee, when it was scanned too."""
    for callee in reversed(callees):
        short = callee.rsplit("/", 1)[-1]
        candidates = own_sites.get(short) or own_sites.get(short.split(".", 1)[-1]) or []
        for s in candidates:
            if s.expr == site_expr or (site_expr.endswith(s.expr) and "." in site_expr):
                return s.position
    return None


def scan(patterns: list[str], directory: str = ".", tags: str | None = None,
         toolchain: Toolchain | None = None, progress: bool | None = None,
         use_cache: bool = True, runtime_calls: bool = True,
         gcflags: str | None = None) -> ScanResult:
    """The compiler's allocation decisions of ``patterns`` with their causes. With
    ``runtime_calls``, the allocator calls of the same build's compiled code are read and set
    beside each site (``runtime_calls``, ``runtime_cost``); it compiles nothing more."""
    gcflags = collect.check_gcflags(gcflags)
    result = _scan(patterns, directory, tags, toolchain, progress, use_cache, gcflags)
    if runtime_calls and result.packages:
        attach_compiled_calls(result, toolchain or find_toolchain(), tags, use_cache, gcflags)
    return result


def attach_compiled_calls(result: ScanResult, toolchain: Toolchain, tags: str | None,
                          use_cache: bool = True, gcflags: str | None = None) -> None:
    """Read the allocator calls of the scanned packages' objects (goalloc calls' reading;
    the build is scan's own, so nothing is compiled again) and judge each site's runtime cost
    by them. If the objects cannot be read, the escape report stands with the costs the text
    alone gives, and ``calls_error`` says why."""
    import time

    from goalloc.app.compiled import CallsOptions, read_calls
    from goalloc.errors import GoallocError

    started = time.monotonic()
    try:
        read = read_calls(CallsOptions(patterns=tuple(result.packages),
                                       directory=result.directory, tags=tags,
                                       use_cache=use_cache, gcflags=gcflags), toolchain)
    except GoallocError as exc:
        result.calls_error = exc
        return
    apply_compiled_calls(result, read)
    result.calls_seconds = time.monotonic() - started


def apply_compiled_calls(result: ScanResult, read) -> None:
    """Set each site's ``runtime_calls`` from ``read`` (goalloc.app.compiled.CallsResult),
    judge its ``runtime_cost``, and keep the verdicts the calls qualify in
    ``runtime_findings``."""
    from goalloc.calls import attach_runtime_calls

    result.runtime_findings = attach_runtime_calls(result.sites, read)
    covered = set(read.packages)
    for site in result.sites:
        if site.package in covered:
            site.calls_read = True
            _judge_cost(site)
    for finding in result.runtime_findings:
        if finding.kind == "stack-site-allocates":
            finding.site.runtime_cost = "allocates"
            finding.site.note = finding.site.note or finding.reason


def _judge_cost(site: Site) -> None:
    if site.runtime_cost == "unreachable":
        return  # ruled out by the source; the compiled code still holds the branch
    static = site.note if site.note.startswith("allocates nothing") else ""
    site.runtime_cost, note = runtime_cost(site, static)
    if note and (site.runtime_cost == "unreachable" or not site.note):
        site.note = note


def _scan(patterns: list[str], directory: str, tags: str | None, toolchain: Toolchain | None,
          progress: bool | None, use_cache: bool, gcflags: str | None = None) -> ScanResult:
    toolchain = toolchain or find_toolchain()
    cwd = collect.check_directory(directory)
    module_root = collect.find_module_root(cwd)
    patterns = patterns or ["./..."]
    if module_root is None and any(collect.is_relative_pattern(p) for p in patterns):
        raise InputError(f"not a Go module: no go.mod in {cwd} or any parent directory "
                         "(standard-library packages such as 'fmt' can be scanned from anywhere)")
    result = ScanResult(toolchain.version, toolchain.goos, toolchain.goarch, cwd, module_root,
                        list(patterns))
    files = _Files(cwd, module_root, toolchain.goroot)
    info = _PackageInfo(files)
    origins = OriginFinder(toolchain.goroot, module_root, files.load_absolute)

    store = cache.cache_dir() if use_cache else None
    key_parts = [toolchain.version, toolchain.goroot, toolchain.goos, toolchain.goarch, cwd,
                 module_root or "", gcflags or ""]

    def on_package(pkg) -> None:
        result.packages.append(pkg.import_path)
        lines, digest = _buffer(pkg.iter_lines(), key_parts + [pkg.import_path], store)
        cached = cache.load(store, digest) if digest else None
        if cached is not None:
            sites, params, unparsed = cached
            result.sites.extend(sites)
            result.params.extend(params)
            result.unparsed_lines.extend(unparsed)
            return
        marks = (len(result.sites), len(result.params), len(result.unparsed_lines))
        sites, explanations = _build_package(pkg.import_path, lines, files, info, origins,
                                             result)
        _derive_causes(sites, explanations, files)
        if digest:
            cache.store(store, digest, (result.sites[marks[0]:], result.params[marks[1]:],
                                        result.unparsed_lines[marks[2]:]),
                        files.touched() | info.touched() | origins.touched())
        # One package at a time: its sources are not needed again.
        files.release()
        info.release()
        origins.release()

    build = collect.run_build(toolchain, patterns, cwd, tags=tags, progress=progress,
                              on_package=on_package, gcflags=gcflags)
    if build.returncode != 0 and not result.packages and not build.failed:
        build = _build_loadable(toolchain, patterns, cwd, tags, progress, on_package, build,
                                files, result, gcflags)
    result.build_seconds = build.seconds
    for pkg in build.failed.values():
        _record_failure(pkg, files, result)
    if not result.packages and not result.failed_packages:
        if build.setup_errors:
            raise collect.setup_error(build.setup_errors)
        if build.returncode != 0:
            raise InputError("go build failed and printed nothing")
    if build.returncode != 0 and not result.failed_packages:
        if build.setup_errors:
            raise collect.setup_error(build.setup_errors)
        # Errors after escape analysis (rare: the backend) come inside a package's block.
        for import_path, line in result.unparsed_lines:
            _record_failure(collect.PackageOutput(import_path, [line], failed=True), files, result)
    return result


def _build_loadable(toolchain, patterns, cwd, tags, progress, on_package, failed_build,
                    files: _Files, result: ScanResult, gcflags: str | None = None):
    """The go command stopped before compiling anything: one package that does not load (an
    empty .go file, two package names, an import nothing provides) stops them all. Record
    those packages as failed and build the others, so what compiles is still reported.
    Errors that belong to no package (a missing directory) leave the failed build as it is."""
    load = collect.load_packages(toolchain, patterns, cwd, tags)
    if load.setup_errors or not load.broken:
        return failed_build
    for pkg in load.broken:
        _record_failure(pkg, files, result)
    if not load.loadable:
        return failed_build
    build = collect.run_build(toolchain, load.loadable, cwd, tags=tags, progress=progress,
                              on_package=on_package, gcflags=gcflags)
    build.seconds += failed_build.seconds
    return build


def _buffer(lines, key_parts: list[str], store: str | None):
    """(lines, cache key): the package's lines read ahead so they can be hashed, unless there
    is no cache or the output is too large to hold (then the key is None)."""
    if not store:
        return lines, None
    held, size = [], 0
    for line in lines:
        held.append(line)
        size += len(line)
        if size > cache.MAX_CACHED_OUTPUT:
            import itertools

            return itertools.chain(held, lines), None
    return held, cache.key(key_parts, held)


def _record_failure(pkg, files: _Files, result: ScanResult) -> None:
    if pkg.import_path not in result.failed_packages:
        result.failed_packages.append(pkg.import_path)
    for line in pkg.iter_lines():
        pos = re.match(r"^(.+?):(\d+):(?:(\d+):)? (.*)$", line)
        if pos:
            result.errors.append(CompileError(pkg.import_path, pos.group(4),
                                              files.resolve(pos.group(1)),
                                              int(pos.group(2)), int(pos.group(3) or 0)))
        else:
            result.errors.append(CompileError(pkg.import_path, line))


def _build_package(import_path: str, lines, files: _Files, info: _PackageInfo,
                   origins: OriginFinder, result: ScanResult) -> tuple[list[Site], dict]:
    files.enter_package(import_path)
    diag = parse_lines(lines)
    result.unparsed_lines += [(import_path, f"{p[0]}:{p[1]}:{p[2]}: {msg}") for p, msg in diag.other
                              if "bounds check" not in msg]
    inlined_at = {(files.resolve(p[0]), p[1], p[2]): callees
                  for p, callees in diag.inlined_calls.items()}
    pkg_sites: list[Site] = []
    explanations_of: dict[int, list[Explanation]] = {}

    for summary in diag.summaries:
        rel = files.resolve(summary.pos[0])
        line, col = summary.pos[1], summary.pos[2]
        src = files.source(rel)
        fn_from_header = summary.explanations[0].func if summary.explanations else ""
        function = fn_from_header or _function_at(src, rel, line, col)
        if summary.kind in ("leak", "uintptr") or (
                summary.kind == "stack" and src is not None and src.is_param(line, col)):
            result.params.append(_param(import_path, rel, line, col, function, summary))
            continue
        verdict = "stack" if summary.kind == "stack" else "heap"
        named, methods = info.decls(rel) if rel[:1] != "<" else ({}, frozenset())
        kind = kinds.classify(summary.expr, summary.kind, named, methods)
        site = Site(import_path, rel, line, col, function, summary.expr, kind, verdict,
                    diagnostic=summary.raw)
        if summary.kind == "stack" and summary.zero_copy:
            site.note = "zero-copy: the conversion reuses the string's bytes"
        pkg_sites.append(site)
        explanations_of[id(site)] = summary.explanations

    for ex in diag.orphans:
        rel = files.resolve(ex.pos[0])
        line, col = ex.pos[1], ex.pos[2]
        if ex.kind == "param":
            leak = "heap" if ex.root == "{heap}" else (
                "result" if ex.root.startswith("~") else "storage")
            src = files.source(rel)
            function = ex.func or _function_at(src, rel, line, col)
            result.params.append(Param(import_path, rel, line, col, function, ex.expr, leak,
                                       diagnostic=f"leaks to {ex.root} (explained only, -m=2)"))
            continue
        named, methods = info.decls(rel) if rel[:1] != "<" else ({}, frozenset())
        src = files.source(rel)
        site = Site(import_path, rel, line, col, ex.func or _function_at(src, rel, line, col),
                    ex.expr,
                    kinds.classify(ex.expr, "heap", named, methods), "heap",
                    diagnostic="escapes to heap (go/defer wrapper; explained only, -m=2)")
        pkg_sites.append(site)
        explanations_of[id(site)] = [ex]

    # Inlined copies: a site at a call position whose expression is not the caller's own text.
    by_function: dict[str, list[Site]] = {}
    for s in pkg_sites:
        by_function.setdefault(s.function, []).append(s)
    for s in pkg_sites:
        callees = inlined_at.get((s.file, s.line, s.col))
        if not callees:
            continue
        src = files.source(s.file)
        after = src.text_at(s.line, s.col, 400) if src else ""
        full_line = src.line_text(s.line) if src else ""
        if s.file.startswith("<"):
            continue
        # A folded argument is summarized as the constant but explained under the callee's
        # parameter name: that name is what the callee's source has.
        exps = explanations_of.get(id(s)) or []
        named = exps[0].expr if exps and exps[0].expr != s.expr else s.expr
        if _looks_inlined(named, after) and _looks_inlined(named, full_line):
            s.inlined_from = callees[0]
            s.origin = _origin_for(named, callees, by_function)
            if s.origin is None:
                found = origins.find(named, callees, files.absolute(s.file))
                if found is not None:
                    s.origin = Position(files.resolve(found.file), found.line, found.col)

    result.sites.extend(pkg_sites)
    return pkg_sites, explanations_of


def _function_at(src, rel: str, line: int, col: int) -> str:
    if src is not None:
        return src.function_at(line, col)
    # compiler-made wrappers have no source; the compiler names them only in -m=2 headers
    return "<autogenerated>" if rel.startswith("<") else ""


def _param(import_path: str, rel: str, line: int, col: int, function: str,
           summary: Summary) -> Param:
    if summary.kind == "stack":
        leak = "none"
    elif summary.kind == "uintptr":
        leak = "uintptr"
    elif summary.result:
        leak = "result"
    elif summary.content:
        leak = "content"
    else:
        leak = "heap"
    p = Param(import_path, rel, line, col, function, summary.expr, leak, diagnostic=summary.raw)
    if summary.result:
        p.result = summary.result
        p.level = summary.level
    return p


def _steps(ex: Explanation, files: _Files) -> list[Step]:
    out = []
    for st in ex.steps:
        f, ln, c = parse_at(st.at)
        out.append(Step(st.flow_dst, st.flow_src, st.expr, st.reason, files.resolve(f), ln, c))
    return out


def _derive_causes(sites: list[Site], explanations: dict, files: _Files) -> None:
    """Causes of one package's sites (a cause may look up another site of the package)."""
    index: dict[tuple, list[Site]] = {}
    for s in sites:
        if s.verdict == "heap":
            index.setdefault((s.function, s.expr), []).append(s)
    memo: dict[int, Decision] = {}
    in_progress: set[int] = set()

    def lookup(function: str, expr: str, kind: str | None, position: tuple | None = None):
        # A closure sees its enclosing functions' variables: F.func1.2 -> F.func1 -> F.
        scope = function
        while scope:
            for s in index.get((scope, expr), []):
                if (kind is None or s.kind == kind) and (
                        position is None or (s.file, s.line, s.col) == position):
                    return s, decide(s, 1)
            parent = re.sub(r"\.(?:func)?\d+$", "", scope)
            if parent == scope:
                break
            scope = parent
        return None

    ctx = CauseContext(files.source, lookup, _boxed_positions(explanations, files))

    def decide(site: Site, depth: int = 0) -> Decision:
        key = id(site)
        if key in memo:
            return memo[key]
        if key in in_progress:
            return Decision("other")
        in_progress.add(key)
        exps = explanations.get(id(site), [])
        paths = [_steps(ex, files) for ex in exps]
        roots = [ex.flows[-1][0] if ex.flows else "" for ex in exps]
        d = derive(site, paths, roots, ctx, depth)
        memo[key] = d
        site.cause = d.cause
        in_progress.discard(key)
        return d

    for site in sites:
        exps = explanations.get(id(site), [])
        site.flow = [
            FlowStep(st.file, st.line, st.col, st.reason, st.expr, f"{st.dst} ← {st.src}",
                     _line_text(files, st.file, st.line))
            for ex in exps for st in _steps(ex, files)
        ]
        if site.verdict != "heap":
            site.cause = None
            continue
        d = decide(site)
        site.cause = d.cause
        site.explanation, site.suggestion = advice.explain(site, d)
        note = advice.cost_note(site)
        if note:
            site.note = note
    for site in sites:
        _judge_cost(site)
        if site.inlined_from:
            src = files.source(site.file)
            never = never_runs(site, src.call_arguments(site.line, site.col) if src else None,
                               files.guarded_branches())
            if never:
                site.runtime_cost, site.note = "unreachable", never


def _boxed_positions(explanations: dict, files: _Files) -> dict[tuple, set]:
    """(file, line, col, expr) of every "EXPR (interface-converted) at P" step -> the ids of the
    sites whose flows name it. The decision
    the compiler prints at P for EXPR is the interface box itself (string(b) boxed for fmt is
    printed twice at neighbouring columns: the box, and the string data it points to)."""
    out: dict[tuple, set] = {}
    for site_id, exps in explanations.items():
        for ex in exps:
            for st in ex.steps:
                if st.reason == "interface-converted":
                    f, ln, c = parse_at(st.at)
                    out.setdefault((files.resolve(f), ln, c, st.expr), set()).add(site_id)
    return out


def _line_text(files: _Files, rel: str, line: int) -> str:
    return files.line_text(rel, line)


# --- the scan use case: the compiler's sites, the source rules, selection and policy ------

@dataclass
class RuleSelection:
    """Which source rules run next to the compiler's report."""

    enabled: bool = True
    select: list[str] | None = None  # rule ids (comma lists allowed), None for all
    exclude: list[str] | None = None
    assume_n: int = 1000

    def resolve(self) -> list:
        from goalloc.rules import resolve_rules

        return resolve_rules(self.select, self.exclude) if self.enabled else []


@dataclass
class ScanOptions:
    directory: str = "."
    patterns: list[str] = field(default_factory=lambda: ["./..."])
    tags: str | None = None
    use_cache: bool = True
    rules: RuleSelection = field(default_factory=RuleSelection)
    profile: str | None = None  # a heap or allocs profile: fix first by measured bytes
    gcflags: str | None = None  # extra compiler flags: ARGS or all=ARGS (see check_gcflags)
    runtime_calls: bool = True  # read the compiled code's allocator calls (runtime_cost)


def scan_module(options: ScanOptions, progress=None, toolchain: Toolchain | None = None,
                warn=None) -> ScanResult:
    """The compiler's allocation sites of ``options.patterns`` with their causes, and the
    findings of the selected source rules. Rules run after the compiler: on a cold cache the
    facts helper then finds the dependencies' export data already built. If facts cannot be
    had, the escape report stands: ``rules_error`` says why and ``warn`` is told in one line."""
    from goalloc.progress import NO_PROGRESS

    progress = progress or NO_PROGRESS
    toolchain = toolchain or find_toolchain()
    result = scan(options.patterns, options.directory, tags=options.tags, toolchain=toolchain,
                  progress=progress.enabled, use_cache=options.use_cache,
                  runtime_calls=options.runtime_calls, gcflags=options.gcflags)
    if options.rules.enabled:
        with progress.phase("source facts and rules"):
            add_findings(result, options.rules, toolchain, options.tags, warn, options.gcflags)
    from goalloc.escape.ranking import prioritize

    prioritize(result.sites, result.findings, result.facts)
    if options.profile:
        rank_by_profile(result, options.profile)
    return result


def rank_by_profile(result: ScanResult, path: str) -> None:
    """Rank heap sites and findings by what a heap or allocs profile measured at them
    (``result.measured``: {id(item): (bytes, objects)}); InputError for a bad profile."""
    from goalloc.collect.pprof import read_profile
    from goalloc.escape.ranking import measured_from, rank
    from goalloc.profiles.attribution import attribute_sites
    from goalloc.profiles.link import link_sites

    psites = attribute_sites(read_profile(path), source_root=result.module_root)
    link_sites(psites, [s for s in result.sites if s.verdict == "heap"])
    result.measured = measured_from(psites, result.findings, result.sites)
    rank(result.sites, result.findings, result.measured)


def add_findings(result: ScanResult, rules: RuleSelection, toolchain: Toolchain,
                 tags: str | None, warn=None, gcflags: str | None = None) -> None:
    from goalloc.errors import GoallocError
    from goalloc.collect.facts import collect_facts
    from goalloc.rules import run_rules

    selected = rules.resolve()
    try:
        facts = collect_facts(toolchain, result.directory, result.patterns, allow_errors=True,
                              build_flags=collect.helper_build_flags(tags, gcflags))
        result.facts = facts
        result.findings = run_rules(facts, result.sites, go_version=toolchain.release_str,
                                    assume_n=rules.assume_n, select=[r.id for r in selected])
    except GoallocError as exc:
        result.rules_error = exc
        if warn is not None:
            warn(f"source rules skipped: {exc}")


@dataclass
class SiteFilter:
    heap_only: bool = False
    kinds: set[str] | None = None
    causes: set[str] | None = None
    packages: list[str] | None = None  # import path globs

    def to_json(self) -> dict:
        pairs = (("heap_only", self.heap_only or bool(self.causes)),
                 ("kind", sorted(self.kinds) if self.kinds else None),
                 ("cause", sorted(self.causes) if self.causes else None),
                 ("package", self.packages))
        return {k: v for k, v in pairs if v}

    def keep(self, site: Site) -> bool:
        import fnmatch

        if (self.heap_only or self.causes) and site.verdict != "heap":
            return False
        if self.kinds and site.kind not in self.kinds:
            return False
        if self.causes and site.cause not in self.causes:
            return False
        return not self.packages or any(fnmatch.fnmatch(site.package, g) for g in self.packages)


def select_sites(sites: list[Site], site_filter: SiteFilter) -> list[Site]:
    return [s for s in sites if site_filter.keep(s)]


@dataclass
class FailCondition:
    """One ``--fail-on`` condition: ``heap`` (any heap site), ``findings`` (any rule finding),
    or ``kind``/``cause``/``package``/``rule`` with a set of values."""

    key: str
    values: frozenset = frozenset()

    def __str__(self) -> str:
        return self.key if not self.values else f"{self.key}={','.join(sorted(self.values))}"

    def matching(self, sites: list[Site], findings: list) -> list:
        import fnmatch

        if self.key == "findings":
            return list(findings)
        if self.key == "rule":
            return [f for f in findings if f.rule in self.values]
        heap = [s for s in sites if s.verdict == "heap"]
        if self.key == "heap":
            return heap
        if self.key == "package":
            return [s for s in heap if any(fnmatch.fnmatch(s.package, g) for g in self.values)]
        return [s for s in heap if getattr(s, self.key) in self.values]


@dataclass
class PolicyMatch:
    condition: FailCondition
    matches: list  # Sites or Findings


def check_policy(conditions: list[FailCondition], sites: list[Site],
                 findings: list) -> list[PolicyMatch]:
    """The conditions that matched, each with what matched it (empty when the policy holds)."""
    out = []
    for cond in conditions:
        matched = cond.matching(sites, findings)
        if matched:
            out.append(PolicyMatch(cond, matched))
    return out
