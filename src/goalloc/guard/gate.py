"""The verdict of one check: the scan's heap sites and findings against a baseline, the
policy and the in-code contracts.

An item *fails* when it is new (its fingerprint is not in the baseline), nothing allows it
(an ``[[allow]]`` entry or a ``//goalloc:ignore`` for its cause) and the policy's ``[fail]``
selects it. Contract violations and exceeded budgets fail whether or not they are new. Items
of packages the baseline did not look at are new; baseline entries of packages that were
scanned and compiled but are gone are *absent* (fixed); other packages are out of view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.guard import fingerprint as fp
from goalloc.guard.baseline import Baseline, FindingEntry, SiteEntry
from goalloc.guard.budgets import SiteBudgetResult, judge_site_budgets
from goalloc.guard.contracts import ContractResult, silences
from goalloc.policy import Policy

STATES = ("new", "unchanged", "untracked")


@dataclass
class Allowance:
    by: str  # goalloc.toml:12, or shop/x.go:40 for a //goalloc:ignore
    reason: str

    def to_json(self) -> dict:
        return {"by": self.by, "reason": self.reason}


@dataclass
class GateItem:
    subject: object  # an escape.model.Site (heap) or a rules.Finding
    fingerprint: str
    state: str  # "new", "unchanged", or "untracked" (its rule was not in the baseline)
    fails: bool = False
    allowed: Allowance | None = None

    @property
    def is_site(self) -> bool:
        return not hasattr(self.subject, "rule")


@dataclass
class CheckReport:
    """Everything one check found; reporters render it, shards merge it."""

    baseline_source: str
    go: dict  # the envelope's go block of the scan
    module_root: str | None = None
    patterns: list[str] = field(default_factory=list)
    shard: str | None = None
    packages: list[str] = field(default_factory=list)
    failed_packages: list[str] = field(default_factory=list)
    sites: list[GateItem] = field(default_factory=list)
    findings: list[GateItem] = field(default_factory=list)
    absent_sites: list[SiteEntry] = field(default_factory=list)
    absent_findings: list[FindingEntry] = field(default_factory=list)
    contracts: list[ContractResult] = field(default_factory=list)
    budgets: list[SiteBudgetResult] = field(default_factory=list)
    errors: list = field(default_factory=list)  # compile errors (app.scan.CompileError)
    warnings: list[str] = field(default_factory=list)
    policy: str | None = None  # the policy file, when there was one

    @property
    def failing(self) -> list[GateItem]:
        return [i for i in self.sites + self.findings if i.fails]

    @property
    def broken_contracts(self) -> list[ContractResult]:
        return [c for c in self.contracts if c.fails]

    @property
    def stale_contracts(self) -> list[ContractResult]:
        return [c for c in self.contracts if c.status == "stale"]

    @property
    def exceeded_budgets(self) -> list[SiteBudgetResult]:
        return [b for b in self.budgets if b.exceeded]

    @property
    def passed(self) -> bool:
        return not (self.failing or self.broken_contracts or self.exceeded_budgets)

    def count(self, kind: str, state: str) -> int:
        items = self.sites if kind == "sites" else self.findings
        return sum(1 for i in items if i.state == state)

    def summary(self) -> dict:
        failing = self.failing
        return {
            "passed": self.passed,
            "new_sites": self.count("sites", "new"),
            "new_findings": self.count("findings", "new"),
            "failing_sites": sum(1 for i in failing if i.is_site),
            "failing_findings": sum(1 for i in failing if not i.is_site),
            "unchanged_sites": self.count("sites", "unchanged"),
            "unchanged_findings": self.count("findings", "unchanged"),
            "untracked_findings": self.count("findings", "untracked"),
            "absent_sites": len(self.absent_sites),
            "absent_findings": len(self.absent_findings),
            "allowed": sum(1 for i in self.sites + self.findings if i.allowed),
            "contracts": len(self.contracts),
            "broken_contracts": len(self.broken_contracts),
            "stale_contracts": len(self.stale_contracts),
            "budgets_exceeded": len(self.exceeded_budgets),
        }


def evaluate(report: CheckReport, current, baseline: Baseline, policy: Policy) -> CheckReport:
    """Fill ``report`` with the verdict on ``current`` (goalloc.app.guard.Current: heap sites,
    findings and the digests of their lines, of every scanned package: scope is applied here,
    after fingerprinting) against ``baseline``."""
    compiled = set(report.packages) - set(report.failed_packages)
    known_sites = {e.fingerprint for e in baseline.sites}
    ignores = [c.contract for c in current.contracts if c.contract.verb == "ignore"]
    current_sites = set()
    prints = fp.site_fingerprints(current.heap_sites, current.site_contexts,
                                  baseline.previous("site"))
    for site, (print_, _) in zip(current.heap_sites, prints):
        current_sites.add(print_)
        if not policy.scope.contains(site.package):
            continue
        item = GateItem(site, print_, "unchanged" if print_ in known_sites else "new")
        item.allowed = _site_allowance(site, print_, policy, ignores)
        item.fails = (item.state == "new" and item.allowed is None
                      and policy.fail.site_fails(site))
        report.sites.append(item)

    tracked = set(baseline.rules or ()) & set(current.rules_ran or ())
    known_findings = {e.fingerprint for e in baseline.findings}
    current_findings = set()
    prints = fp.finding_fingerprints(current.findings, current.finding_contexts,
                                     baseline.previous("finding"))
    for f, (print_, _) in zip(current.findings, prints):
        current_findings.add(print_)
        if not policy.scope.contains(f.package or ""):
            continue
        state = ("untracked" if f.rule not in tracked
                 else "unchanged" if print_ in known_findings else "new")
        item = GateItem(f, print_, state)
        item.allowed = _finding_allowance(f, print_, policy)
        item.fails = (state == "new" and item.allowed is None
                      and policy.fail.finding_fails(f))
        report.findings.append(item)

    report.absent_sites = [e for e in baseline.sites if e.package in compiled
                           and policy.scope.contains(e.package)
                           and e.fingerprint not in current_sites]
    report.absent_findings = [e for e in baseline.findings if e.package in compiled
                              and e.rule in tracked and policy.scope.contains(e.package)
                              and e.fingerprint not in current_findings]
    report.contracts = list(current.contracts)
    in_scope = [s for s in current.heap_sites if policy.scope.contains(s.package)]
    report.budgets, unmatched = judge_site_budgets(
        policy.site_budgets, in_scope, [p for p in compiled if policy.scope.contains(p)])
    if report.shard is None:  # a shard sees part of the packages: it cannot tell
        report.warnings += [f"{b.where}: budget {b.pattern} matches no {b.scope} "
                            "(is it stale?)" for b in unmatched]
        report.warnings += _unused_allow_entries(policy, report)
    return sort_report(report)


def _site_allowance(site, print_: str, policy: Policy, ignores) -> Allowance | None:
    expr = fp.normalize_expr(site.expr)
    for entry in policy.allow:
        if entry.matches_site(site, print_, expr):
            return Allowance(entry.where, entry.reason)
    for c in ignores:
        if silences(c, site):
            return Allowance(f"{c.file}:{c.line}", c.reason)
    return None


def _finding_allowance(f, print_: str, policy: Policy) -> Allowance | None:
    for entry in policy.allow:
        if entry.matches_finding(f, print_):
            return Allowance(entry.where, entry.reason)
    return None


def _unused_allow_entries(policy: Policy, report: CheckReport) -> list[str]:
    used = {i.allowed.by for i in report.sites + report.findings if i.allowed}
    return [f"{e.where}: [[allow]] entry matches nothing (reason: {e.reason}); remove it"
            for e in policy.allow if e.where not in used]


# --- the check document's body, and reading it back (goalloc merge) -------------------------

def _item_json(item: GateItem) -> dict:
    # rank is a place among everything one scan saw: a shard's differs from the whole's,
    # and a check item is about the site itself.
    subject = {k: v for k, v in item.subject.to_json().items() if k != "rank"}
    return {"fingerprint": item.fingerprint, "state": item.state, "fails": item.fails,
            "allowed": item.allowed.to_json() if item.allowed else None,
            ("site" if item.is_site else "finding"): subject}


def _item_order(item: GateItem) -> tuple:
    s = item.subject
    return (s.file, s.line, s.col, item.fingerprint)


def sort_report(report: CheckReport) -> CheckReport:
    report.sites.sort(key=_item_order)
    report.findings.sort(key=_item_order)
    report.absent_sites.sort(key=SiteEntry.sort_key)
    report.absent_findings.sort(key=FindingEntry.sort_key)
    report.contracts.sort(key=lambda c: (c.contract.file, c.contract.line, c.contract.verb))
    report.budgets.sort(key=lambda b: (b.budget.where, b.name))
    report.packages.sort()
    report.failed_packages.sort()
    return report


def body(report: CheckReport) -> dict:
    """The check document after the envelope (docs/guard.md lists every key)."""
    return {
        "fingerprint": fp.VERSION,
        "baseline": report.baseline_source,
        "policy": report.policy,
        "module_root": report.module_root,
        "patterns": report.patterns,
        "shard": report.shard,
        "packages": report.packages,
        "failed_packages": report.failed_packages,
        "summary": report.summary(),
        "sites": [_item_json(i) for i in report.sites],
        "findings": [_item_json(i) for i in report.findings],
        "absent": {"sites": [e.to_json() for e in report.absent_sites],
                   "findings": [e.to_json() for e in report.absent_findings]},
        "contracts": [{**c.contract.to_json(), "status": c.status, "message": c.message,
                       "sites": [s.to_json() for s in c.sites]} for c in report.contracts],
        "budgets": [b.to_json() for b in report.budgets],
        "errors": [e.to_json() for e in report.errors],
        "warnings": report.warnings,
    }


def from_json(doc: dict, source: str) -> CheckReport:
    """A CheckReport from a check document (InputError when it is not one)."""
    from goalloc.errors import InputError
    from goalloc.guard.contracts import Contract
    from goalloc.guard.records import finding_from_json, site_from_json
    from goalloc.policy import Glob, SiteBudget

    if doc.get("fingerprint") != fp.VERSION:
        raise InputError(f"{source} was made with fingerprints {doc.get('fingerprint')!r}; "
                         f"this goalloc uses {fp.VERSION}")
    try:
        def item(d: dict) -> GateItem:
            subject = site_from_json(d["site"]) if "site" in d else finding_from_json(d["finding"])
            allowed = Allowance(**d["allowed"]) if d.get("allowed") else None
            return GateItem(subject, d["fingerprint"], d["state"], bool(d["fails"]), allowed)

        def contract(d: dict) -> ContractResult:
            c = Contract(d["verb"], d["file"], d["line"], d["target_line"], tuple(d["names"]),
                         d.get("reason") or "", d.get("function") or "",
                         tuple(d["body"]) if d.get("body") else None)
            if d["status"] == "malformed":
                c.problem = d["message"]
            return ContractResult(c, d["status"], d["message"],
                                  [site_from_json(s) for s in d.get("sites") or []])

        def budget(d: dict) -> SiteBudgetResult:
            return SiteBudgetResult(SiteBudget(d["scope"], Glob.compile(d["pattern"]),
                                               d["limit"], d["where"]), d["name"], d["count"])

        absent = doc.get("absent") or {}
        return CheckReport(
            doc["baseline"], doc.get("go") or {}, doc.get("module_root"),
            list(doc.get("patterns") or []), doc.get("shard"), list(doc["packages"]),
            list(doc.get("failed_packages") or []),
            [item(d) for d in doc["sites"]], [item(d) for d in doc["findings"]],
            [SiteEntry(**{**e, "inlined_from": e.get("inlined_from") or ""})
             for e in absent.get("sites", [])],
            [FindingEntry(**e) for e in absent.get("findings", [])],
            [contract(d) for d in doc.get("contracts") or []],
            [budget(d) for d in doc.get("budgets") or []], [],  # errors: the caller's type
            list(doc.get("warnings") or []), doc.get("policy"))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{source} is not a goalloc check report: an entry lacks or "
                         f"mistypes {exc}") from None


def merge(reports: list[CheckReport], sources: list[str]) -> CheckReport:
    """One report of shard reports that checked different packages against one baseline."""
    from goalloc.errors import InputError

    owner: dict[str, str] = {}
    for r, source in zip(reports, sources):
        for p in r.packages:
            if p in owner:
                raise InputError(f"package {p} is in both {owner[p]} and {source}: "
                                 "shards must not overlap")
            owner[p] = source
    baselines = {r.baseline_source for r in reports}
    if len(baselines) > 1:
        raise InputError("the reports were checked against different baselines: "
                         + ", ".join(sorted(baselines)))
    first = reports[0]
    merged = CheckReport(first.baseline_source, first.go, first.module_root,
                         sorted({p for r in reports for p in r.patterns}), None,
                         policy=first.policy)
    for r in reports:
        merged.packages += r.packages
        merged.failed_packages += r.failed_packages
        merged.sites += r.sites
        merged.findings += r.findings
        merged.absent_sites += r.absent_sites
        merged.absent_findings += r.absent_findings
        merged.contracts += r.contracts
        merged.budgets += r.budgets
        merged.errors += r.errors
        merged.warnings += [w for w in r.warnings if w not in merged.warnings]
    return sort_report(merged)
