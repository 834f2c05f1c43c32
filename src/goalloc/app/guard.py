"""The gate's use cases: record a baseline, check a module against it (or against a git
revision), judge in-code contracts, merge shard reports (docs/guard.md).

The scan itself is ``goalloc.app.scan.scan_module``; this module adds the package listing
(for shards and for the files whose contracts are read), the policy, and git worktrees."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace

from goalloc.app.scan import CompileError, ScanOptions, ScanResult, scan_module
from goalloc.collect import compiler as collect
from goalloc.errors import GoallocError, InputError
from goalloc.fsutil import read_text
from goalloc.goinfo import GoInfo
from goalloc.guard import contracts as contract_mod
from goalloc.guard import fingerprint as fp
from goalloc.guard import gate
from goalloc.guard.baseline import Baseline, finding_entries, site_entries
from goalloc.guard.shard import Shard
from goalloc import policy as policy_mod
from goalloc.progress import NO_PROGRESS

DEFAULT_BASELINE = os.path.join(".goalloc", "baseline.json")


@dataclass
class GuardOptions(ScanOptions):
    config: str | None = None  # the policy file; None: goalloc.toml next to go.mod, if any
    shard: Shard | None = None


@dataclass
class CheckOptions(GuardOptions):
    baseline: str | None = None  # None: [baseline] file of the policy, else the default
    new_from_rev: str | None = None  # compare with this git revision instead of a file


@dataclass
class Current:
    """One scan as the gate sees it."""

    go: GoInfo
    module_root: str | None
    patterns: list[str]
    packages: list[str]
    failed_packages: list[str]
    heap_sites: list
    findings: list
    rules_ran: list[str] | None  # None: no findings (rules off, or they could not run)
    errors: list
    rules_error: GoallocError | None = None
    contracts: list = field(default_factory=list)  # ContractResult
    site_contexts: list[str] = field(default_factory=list)  # fingerprint.context per site
    finding_contexts: list[str] = field(default_factory=list)


@dataclass
class BaselineOutcome:
    baseline: Baseline
    go: GoInfo
    path: str  # where it goes
    errors: list  # compile errors: a baseline of them would be incomplete


# --- the policy ---------------------------------------------------------------------------

def vocabulary() -> policy_mod.Vocabulary:
    from goalloc.escape import model
    from goalloc.rules import RULES

    return policy_mod.Vocabulary(model.KINDS, model.CAUSES, tuple(RULES),
                                 getattr(model, "PRIORITIES", None),
                                 getattr(model, "RUNTIME_COSTS", None))


def load_policy(directory: str, config: str | None) -> policy_mod.Policy:
    """``config``, else goalloc.toml next to go.mod, else the defaults."""
    if config:
        return policy_mod.load(config, vocabulary())
    root = collect.find_module_root(collect.check_directory(directory))
    found = policy_mod.find(root)
    if not found:
        return policy_mod.Policy()
    shown = os.path.relpath(found)
    return policy_mod.load(found if shown.startswith("..") else shown, vocabulary())


def baseline_path(options: GuardOptions, policy: policy_mod.Policy, given: str | None) -> str:
    if given:
        return given
    if policy.baseline_file:
        return policy.baseline_file
    root = collect.find_module_root(collect.check_directory(options.directory))
    return os.path.join(root or options.directory, DEFAULT_BASELINE)


# --- packages, scan, contracts ---------------------------------------------------------------

@dataclass
class ListedPackage:
    import_path: str
    directory: str
    files: list[str]  # the .go files the build compiles (tags applied)


def list_packages(toolchain, directory: str, patterns: list[str], tags: str | None
                  ) -> list[ListedPackage]:
    proc = toolchain.run(["list", "-e", "-json=ImportPath,Dir,GoFiles,CgoFiles",
                          *collect.build_flags(tags), *patterns], cwd=directory)
    if proc.returncode != 0:
        first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "go list failed")
        raise InputError(f"cannot list packages {' '.join(patterns)}: {first}")
    out, decoder, text, pos = [], json.JSONDecoder(), proc.stdout, 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return out
        pkg, pos = decoder.raw_decode(text, pos)
        files = (pkg.get("GoFiles") or []) + (pkg.get("CgoFiles") or [])
        out.append(ListedPackage(pkg.get("ImportPath", ""), pkg.get("Dir", ""), files))


def read_contracts(listed: list[ListedPackage], module_root: str | None,
                   skip: set[str]) -> list[contract_mod.Contract]:
    """The contracts written in the packages' compiled files (packages in ``skip``, which did
    not compile, have no sites to judge them by)."""
    root = os.path.realpath(module_root) if module_root else None
    out = []
    for pkg in listed:
        if pkg.import_path in skip:
            continue
        for name in pkg.files:
            path = os.path.join(pkg.directory, name)
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            if b"goalloc:" not in data:
                continue
            out += contract_mod.parse(_site_file_name(path, root),
                                      data.decode("utf-8", errors="replace"))
    return out


def _site_file_name(path: str, root: str | None) -> str:
    """The name the scan gives a file: relative to the module root when inside it."""
    real = os.path.realpath(path)
    if root:
        rel = os.path.relpath(real, root)
        if not rel.startswith(".."):
            return rel
    return real


def judge_contracts(listed: list[ListedPackage], result: ScanResult) -> list:
    from goalloc.escape.model import CAUSES
    from goalloc.rules import RULES

    written = read_contracts(listed, result.module_root, set(result.failed_packages))
    return contract_mod.judge(written, result.sites, CAUSES, tuple(RULES))


def scan_contracts(result: ScanResult, tags: str | None) -> list:
    """The contracts of the packages ``goalloc scan`` just scanned, judged on its sites."""
    from goalloc.collect.toolchain import find_toolchain

    listed = list_packages(find_toolchain(), result.directory, result.patterns, tags)
    return judge_contracts(listed, result)


def scan_current(options: GuardOptions, progress=None, warn=None, *, contracts: bool = True,
                 toolchain=None) -> Current:
    from goalloc.collect.toolchain import find_toolchain

    toolchain = toolchain or find_toolchain()
    cwd = collect.check_directory(options.directory)
    module_root = collect.find_module_root(cwd)
    patterns = list(options.patterns or ["./..."])
    listed = None
    if options.shard is not None:
        listed = [p for p in list_packages(toolchain, cwd, patterns, options.tags)
                  if options.shard.owns(p.import_path)]
        patterns = [p.import_path for p in listed]
    go = GoInfo.of(toolchain)
    selected = options.rules.resolve()
    if not patterns:  # an empty shard
        return Current(go, module_root, [], [], [], [], [],
                       [r.id for r in selected] if options.rules.enabled else None, [])
    result = scan_module(ScanOptions(cwd, patterns, options.tags, options.use_cache,
                                     options.rules), progress=progress, toolchain=toolchain,
                         warn=warn)
    rules_ran = None
    if options.rules.enabled and result.rules_error is None:
        rules_ran = [r.id for r in selected]
    current = Current(go, module_root, patterns, list(result.packages),
                      list(result.failed_packages), result.heap_sites, list(result.findings),
                      rules_ran, list(result.errors), result.rules_error)
    lines = _SourceLines(module_root)
    current.site_contexts = [fp.context(lines.text(s.file, s.line)) for s in current.heap_sites]
    current.finding_contexts = [fp.context(lines.text(f.file, f.line)) for f in current.findings]
    if contracts:
        if listed is None:
            listed = list_packages(toolchain, cwd, patterns, options.tags)
        current.contracts = judge_contracts(listed, result)
    return current


class _SourceLines:
    """Source lines of the files sites name (relative to the module root), read once each."""

    def __init__(self, module_root: str | None):
        self.root = module_root or ""
        self.files: dict[str, list[str]] = {}

    def text(self, file: str, line: int) -> str:
        if file not in self.files:
            path = file if os.path.isabs(file) else os.path.join(self.root, file)
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    self.files[file] = fh.read().splitlines()
            except OSError:  # <autogenerated> and the like
                self.files[file] = []
        lines = self.files[file]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def _snapshot(current: Current, policy: policy_mod.Policy, shard: Shard | None,
              source: str = "") -> Baseline:
    compiled = [p for p in current.packages if p not in current.failed_packages
                and policy.scope.contains(p)]
    # Fingerprint every heap site first: ordinals count twins before anything is left out.
    sites = [e for e in site_entries(current.heap_sites, current.site_contexts)
             if policy.scope.contains(e.package)]
    findings = [e for e in finding_entries(current.findings, current.finding_contexts)
                if policy.scope.contains(e.package)] if current.rules_ran is not None else []
    return Baseline(compiled, sites, findings, current.rules_ran, current.patterns,
                    str(shard) if shard else None, current.go.to_json(), source)


# --- use cases ---------------------------------------------------------------------------

def make_baseline(options: GuardOptions, output: str | None = None, progress=None,
                  warn=None) -> BaselineOutcome:
    """The baseline of the module now. Raises the rules' error when findings cannot be had
    (a baseline without them would let every finding through later)."""
    policy = load_policy(options.directory, options.config)
    path = baseline_path(options, policy, output)
    current = scan_current(options, progress, warn, contracts=False)
    if current.rules_error is not None:
        raise GoallocError(f"{current.rules_error} (use --no-rules for a baseline of heap "
                           "sites alone)", current.rules_error.exit_code)
    return BaselineOutcome(_snapshot(current, policy, options.shard), current.go, path,
                           current.errors)


def read_baseline(path: str) -> Baseline:
    text = read_text(path, "baseline")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"baseline {path} is not valid JSON (line {exc.lineno}: {exc.msg}); "
                         "make it again with 'goalloc baseline'") from None
    return Baseline.from_document(doc, path)


def check(options: CheckOptions, progress=None, warn=None) -> gate.CheckReport:
    policy = load_policy(options.directory, options.config)
    # The baseline's source is checked before the scan: a bad one fails fast.
    if options.new_from_rev:
        revision = resolve_revision(options)
        source = f"git revision {options.new_from_rev}"
    else:
        source = baseline_path(options, policy, options.baseline)
        baseline = read_baseline(source)
    current = scan_current(options, progress, warn)
    if options.new_from_rev:
        baseline = baseline_of_revision(options, revision, policy, progress, warn)
    if not options.new_from_rev and current.module_root:
        inside = os.path.relpath(os.path.abspath(source), current.module_root)
        source = source if inside.startswith("..") else inside  # the same on every runner
    report = gate.CheckReport(source, current.go.to_json(), current.module_root,
                              current.patterns, str(options.shard) if options.shard else None,
                              list(current.packages), list(current.failed_packages),
                              policy=policy.path)
    report.errors = list(current.errors)
    report.warnings += _comparability(baseline, current, options.shard)
    return gate.evaluate(report, current, baseline, policy)


def _comparability(baseline: Baseline, current: Current, shard: Shard | None) -> list[str]:
    out = []
    if baseline.shard and baseline.shard != (str(shard) if shard else None):
        out.append(f"the baseline covers shard {baseline.shard} only: sites of other packages "
                   "count as new (merge the shards' baselines with goalloc merge)")
    theirs = (baseline.go or {}).get("version")
    if theirs and current.go.version and theirs != current.go.version:
        out.append(f"the baseline was made with {theirs}, this scan with {current.go.version}: "
                   "the compiler's decisions may differ")
    if current.rules_ran is None:
        if current.rules_error is not None:
            out.append(f"findings are not checked: {current.rules_error}")
    elif baseline.rules is None:
        out.append("the baseline has no findings (made with --no-rules): findings are not "
                   "checked")
    else:
        missing = sorted(set(current.rules_ran) - set(baseline.rules))
        if missing:
            out.append(f"the baseline did not run {', '.join(missing)}: their findings are "
                       "not checked")
    return out


def merge_documents(paths: list[str]) -> tuple[str, object]:
    """("baseline", Baseline) or ("check", CheckReport) of the documents at ``paths``."""
    docs = []
    for path in paths:
        try:
            docs.append((path, json.loads(read_text(path, "report"))))
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    commands = {doc.get("command") if isinstance(doc, dict) else None for _, doc in docs}
    if len(commands) != 1 or commands <= {None} or not commands <= {"baseline", "check"}:
        raise InputError("goalloc merge joins documents of one kind: all 'goalloc baseline' or "
                         "all 'goalloc check --format json' (got "
                         + ", ".join(sorted(str(c) for c in commands)) + ")")
    versions = {json.dumps((doc.get("go") or {}).get("version")) for _, doc in docs}
    if len(versions) > 1:
        raise InputError("the documents were made with different Go versions: "
                         + ", ".join(sorted(versions)))
    from goalloc.guard import baseline as baseline_mod

    if commands == {"baseline"}:
        return "baseline", baseline_mod.merge([Baseline.from_document(d, p) for p, d in docs])
    from goalloc.report.guard_json import SCHEMA_VERSION

    for path, doc in docs:
        if doc.get("schema_version") != SCHEMA_VERSION:
            raise InputError(f"{path}: check report schema_version {doc.get('schema_version')!r},"
                             f" this goalloc reads {SCHEMA_VERSION}")
    reports = []
    for path, doc in docs:
        report = gate.from_json(doc, path)
        report.errors = [_compile_error(e, path) for e in doc.get("errors") or []]
        reports.append(report)
    return "check", gate.merge(reports, [p for p, _ in docs])


def _compile_error(d, source: str) -> CompileError:
    try:
        return CompileError(d["package"], d["message"], d.get("file") or "", d.get("line") or 0,
                            d.get("col") or 0)
    except (KeyError, TypeError):
        raise InputError(f"{source}: an entry of errors is not a compile error") from None


# --- a git revision as the baseline ----------------------------------------------------------

def _git(args: list[str], cwd: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    except FileNotFoundError:
        raise InputError("--new-from-rev needs git, which is not on PATH") from None


def _git_first_line(proc: subprocess.CompletedProcess) -> str:
    return next((ln.strip() for ln in (proc.stderr or "").splitlines() if ln.strip()), "")


@dataclass
class Revision:
    name: str  # as the user wrote it
    commit: str
    top: str  # the repository's top directory
    relative: str  # the module directory, relative to top


def resolve_revision(options: CheckOptions) -> Revision:
    """The revision to compare with, checked before anything is scanned: a git repository,
    a revision that exists, no unresolved conflicts in the worktree."""
    rev = options.new_from_rev
    cwd = os.path.realpath(collect.check_directory(options.directory))
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise InputError(f"--new-from-rev: {cwd} is not in a git repository")
    top_dir = os.path.realpath(top.stdout.strip())
    sha = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    if sha.returncode != 0:
        shallow = _git(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == "true"
        raise InputError(f"--new-from-rev: revision {rev!r} does not exist"
                         + (" (this clone is shallow: fetch the revision, e.g. "
                            "fetch-depth: 0)" if shallow else ""))
    unmerged = _git(["diff", "--name-only", "--diff-filter=U"], cwd).stdout.split()
    if unmerged:
        raise InputError(f"--new-from-rev: the worktree has unresolved conflicts "
                         f"({', '.join(unmerged[:3])}); resolve them first")
    return Revision(rev, sha.stdout.strip(), top_dir, os.path.relpath(cwd, top_dir))


def baseline_of_revision(options: CheckOptions, revision: Revision, policy: policy_mod.Policy,
                         progress=None, warn=None) -> Baseline:
    """The baseline the module had at ``revision``: scanned in a temporary git worktree that
    is removed again whatever happens."""
    rev, relative, top_dir = revision.name, revision.relative, revision.top
    tmp = tempfile.mkdtemp(prefix="goalloc-rev-")
    tree = os.path.join(tmp, "tree")
    try:
        added = _git(["worktree", "add", "--detach", "--quiet", tree, revision.commit], top_dir)
        if added.returncode != 0:
            raise InputError(f"--new-from-rev: cannot check out {rev}: "
                             f"{_git_first_line(added)}")
        directory = os.path.normpath(os.path.join(tree, relative))
        if not os.path.isdir(directory):
            raise InputError(f"--new-from-rev: {relative} does not exist at {rev}")
        root = collect.find_module_root(directory)
        if root is None or os.path.commonpath([os.path.realpath(root),
                                               os.path.realpath(tree)]) != os.path.realpath(tree):
            raise InputError(f"--new-from-rev: no go.mod for {relative} at {rev}")
        # The result cache is keyed by directory: a throwaway tree would only fill it.
        theirs = replace(options, directory=directory, use_cache=False)
        with (progress or NO_PROGRESS).phase(f"scan at {rev}"):
            current = scan_current(theirs, None, warn, contracts=False)
        if current.failed_packages and warn is not None:
            warn(f"at {rev}, {len(current.failed_packages)} package(s) do not compile "
                 f"({current.failed_packages[0]}, ...): their sites count as new")
        return _snapshot(current, policy, options.shard, f"git revision {rev}")
    finally:
        _git(["worktree", "remove", "--force", tree], top_dir)
        shutil.rmtree(tmp, ignore_errors=True)
        _git(["worktree", "prune"], top_dir)


# --- run-time budgets: allocs/op and B/op per benchmark ---------------------------------------

def load_bench_budgets(directory: str, budget_file: str | None, config: str | None) -> list:
    """The benchmark budgets of ``budget_file`` (a file of [budgets.benchmarks] tables), else
    of the policy's [budgets.benchmarks]."""
    if budget_file:
        return policy_mod.load(budget_file, vocabulary(), sections=("budgets",)).bench_budgets
    return load_policy(directory, config).bench_budgets


def judge_bench_budgets(budgets: list, results) -> tuple[list, list]:
    """(BenchBudgetResult per benchmark and unit a budget covers, budgets nothing matched)."""
    from goalloc.guard.budgets import judge_bench_budgets as judge, measure

    return judge(budgets, measure(results))


def update_bench_budgets(path: str, results, headroom: float) -> int:
    """Write ``path`` with the measured medians plus ``headroom`` as ceilings (entries of
    benchmarks that did not run are kept). Returns how many benchmarks were written."""
    from goalloc.fsutil import atomic_write
    from goalloc.guard.budgets import budget_file_text, measure, updated_ceilings

    existing: dict = {}
    if os.path.exists(path):
        policy = policy_mod.load(path, vocabulary(), sections=("budgets",))
        budgets = policy.sections.get("budgets", {})
        if set(budgets) - {"benchmarks"}:
            raise InputError(f"{path} also holds [budgets.{sorted(set(budgets) - {'benchmarks'})[0]}]"
                             ": --update-budget writes a file of benchmark budgets only")
        existing = {name: {k: float(v) for k, v in table.items()}
                    for name, table in budgets.get("benchmarks", {}).items()}
    measured = measure(results)
    atomic_write(path, budget_file_text(updated_ceilings(existing, measured, headroom),
                                        headroom))
    return len(measured)
