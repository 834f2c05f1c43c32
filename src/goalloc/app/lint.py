"""The lint use case: the source rules over type-aware facts, with the compiler's escape sites
for the rules that need them."""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.app.scan import RuleSelection


@dataclass
class LintOptions:
    directory: str = "."
    patterns: list[str] = field(default_factory=lambda: ["./..."])
    tags: str | None = None
    gcflags: str | None = None  # extra compiler flags for the escape analysis
    rules: RuleSelection = field(default_factory=RuleSelection)
    run_escape: bool = True  # run the compiler for the rules that read escape sites
    use_cache: bool = True


@dataclass
class EscapeStatus:
    """Whether the compiler's escape analysis ran for the rules, and why not when it did not."""

    ran: bool
    sites: int = 0
    reason: str = ""

    def to_json(self) -> dict:
        return {"ran": self.ran, "sites": self.sites, "reason": self.reason or None}

    def __str__(self) -> str:
        return f"{self.sites} sites" if self.ran else self.reason


@dataclass
class LintResult:
    toolchain: object  # goalloc.collect.toolchain.Toolchain
    goarch: str
    rules: list[str]
    assume_n: int
    packages: list[str]
    findings: list
    escape: EscapeStatus
    # (package, first error) of packages that do not load or type-check: their findings are
    # missing, the rest stands (exit 3).
    broken: list[tuple[str, str]] = field(default_factory=list)


def lint(options: LintOptions, progress=None, warn=None) -> LintResult:
    from goalloc.app.scan import scan
    from goalloc.collect.compiler import check_gcflags, helper_build_flags
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.errors import GoallocError
    from goalloc.collect.facts import collect_facts
    from goalloc.progress import NO_PROGRESS
    from goalloc.rules import run_rules

    progress = progress or NO_PROGRESS
    rules = options.rules.resolve()
    ids = [r.id for r in rules]
    toolchain = find_toolchain()
    with progress.phase("source facts"):
        facts = collect_facts(toolchain, options.directory, options.patterns,
                              build_flags=helper_build_flags(options.tags,
                                                             check_gcflags(options.gcflags)),
                              allow_errors=True)
    sites: list = []
    if not options.run_escape:
        escape = EscapeStatus(False, reason="not run (--no-escape)")
    elif not any(r.needs_sites for r in rules):
        escape = EscapeStatus(False, reason="not needed by the selected rules")
    else:
        try:
            result = scan(list(options.patterns), options.directory, tags=options.tags,
                          toolchain=toolchain, progress=progress.enabled,
                          use_cache=options.use_cache, gcflags=options.gcflags)
            sites = list(result.sites)
            escape = EscapeStatus(True, sites=len(sites))
        except GoallocError as exc:
            escape = EscapeStatus(False, reason=f"unavailable: {exc}")
            if warn is not None:
                warn(f"escape analysis failed, rules that need it report nothing: {exc}")
    findings = run_rules(facts, sites, go_version=toolchain.release_str,
                         assume_n=options.rules.assume_n, select=ids)
    broken = {}
    for path, error in facts.package_errors():
        broken.setdefault(path, " ".join(error.split()))
    return LintResult(toolchain, facts.goarch, ids, options.rules.assume_n,
                      [p.path for p in facts.packages if p.path not in broken], findings,
                      escape, sorted(broken.items()))
