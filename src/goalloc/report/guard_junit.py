"""`goalloc check --format junit`: JUnit XML, the shape CI test-report readers take (GitLab,
Jenkins, Azure; the common JUnit XSD).

One ``testsuite`` per package, with a failed ``testcase`` per new site or finding that fails
the gate (or one passing ``no new heap sites or findings``) and an ``error`` when the package
does not compile; a ``contracts`` suite with a case per contract (stale ones skipped) and a
``budgets`` suite with a case per budget and package or function."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from goalloc.report.guard_text import budget_line, contract_line, finding_line, site_line


def _case(suite: ET.Element, classname: str, name: str, file: str = "", line: int = 0
          ) -> ET.Element:
    attrs = {"classname": classname, "name": name, "time": "0"}
    if file:
        attrs["file"] = file
    if line:
        attrs["line"] = str(line)
    return ET.SubElement(suite, "testcase", attrs)


def _outcome(case: ET.Element, tag: str, message: str, kind: str, details: str = "") -> None:
    el = ET.SubElement(case, tag, {"message": message, "type": kind})
    if details:
        el.text = details


def _details(item) -> str:
    s = item.subject
    if item.is_site:
        parts = [site_line(s), f"why: {s.explanation}" if s.explanation else "",
                 f"fix: {s.suggestion}" if s.suggestion else ""]
    else:
        parts = [finding_line(s), f"fix: {s.fix.description}" if s.fix else ""]
    return "\n".join([p for p in parts if p] + [f"fingerprint: {item.fingerprint}"])


def _package_suites(root: ET.Element, report) -> None:
    by_package: dict[str, list] = {p: [] for p in report.packages}
    for item in report.failing:
        by_package.setdefault(item.subject.package or "(no package)", []).append(item)
    failed = {p: [e for e in report.errors if e.package == p] for p in report.failed_packages}
    for package in sorted(by_package):
        suite = ET.SubElement(root, "testsuite", {"name": package})
        for item in by_package[package]:
            s = item.subject
            what = (f"new heap site {s.expr}" if item.is_site else f"new finding {s.rule}")
            case = _case(suite, package, f"{what} at {s.file}:{s.line}", s.file, s.line)
            kind = "goalloc.new-heap-site" if item.is_site else "goalloc.new-finding"
            message = (f"{s.expr} [{s.kind}, {s.cause}] in {s.function}" if item.is_site
                       else s.message)
            _outcome(case, "failure", message, kind, _details(item))
        if package in failed:
            case = _case(suite, package, "compiles")
            errors = failed[package]
            _outcome(case, "error", errors[0].message if errors else "does not compile",
                     "goalloc.compile-error", "\n".join(
                         f"{e.file}:{e.line}:{e.col}: {e.message}" if e.file else e.message
                         for e in errors))
        elif not by_package[package]:
            _case(suite, package, "no new heap sites or findings")


def _contract_suite(root: ET.Element, report) -> None:
    if not report.contracts:
        return
    suite = ET.SubElement(root, "testsuite", {"name": "contracts"})
    for c in report.contracts:
        k = c.contract
        case = _case(suite, "contracts", f"{k.text} at {k.file}:{k.line}", k.file, k.line)
        if c.fails:
            _outcome(case, "failure", c.message, f"goalloc.contract-{c.status}", contract_line(c))
        elif c.status == "stale":
            ET.SubElement(case, "skipped", {"message": f"stale: {c.message}"})


def _budget_suite(root: ET.Element, report) -> None:
    if not report.budgets:
        return
    suite = ET.SubElement(root, "testsuite", {"name": "budgets"})
    for b in report.budgets:
        case = _case(suite, "budgets", f"{b.budget.scope} {b.name} at most {b.budget.limit} "
                                       "heap sites")
        if b.exceeded:
            _outcome(case, "failure", budget_line(b), "goalloc.budget-exceeded")


def _count(root: ET.Element) -> None:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases),
                  "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None),
                  "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")


def render(report) -> str:
    root = ET.Element("testsuites", {"name": "goalloc check"})
    _package_suites(root, report)
    _contract_suite(root, report)
    _budget_suite(root, report)
    _count(root)
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")
