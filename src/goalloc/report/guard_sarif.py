"""The gate's marks on SARIF results (report.sarif renders them): every result carries the
fingerprint in ``partialFingerprints["goallocGuard/v1"]``; from a check also its
``baselineState`` (new, unchanged, absent) and level ``error`` for what fails the gate."""

from __future__ import annotations

from goalloc.guard import fingerprint as fp
from goalloc.report.findings_sarif import mark_baseline


class GuardMarks:
    def __init__(self, fingerprints: dict[int, str], states: dict[int, str] | None = None,
                 failing: set[int] | None = None, absent: list[dict] | None = None):
        self.fingerprints = fingerprints  # id(site or finding) -> fingerprint
        self.states = states or {}
        self.failing = failing or set()
        self.absent = absent or []

    @classmethod
    def fingerprints_only(cls, sites, findings) -> "GuardMarks":
        heap = [s for s in sites if s.verdict == "heap"]
        marks = {id(s): p for s, (p, _) in zip(heap, fp.site_fingerprints(heap))}
        marks.update({id(f): p for f, (p, _) in zip(findings,
                                                    fp.finding_fingerprints(findings))})
        return cls(marks)

    def mark(self, res: dict, subject) -> None:
        key = id(subject)
        if key not in self.fingerprints:
            return
        state = self.states.get(key)
        mark_baseline(res, self.fingerprints[key], state if state != "untracked" else None)
        if key in self.failing:
            res["level"] = "error"

    def absent_results(self) -> list[dict]:
        return self.absent


def marks_for(report, absent: list[dict]) -> GuardMarks:
    """The marks of a check report's items, and its ``absent`` results."""
    items = report.sites + report.findings
    return GuardMarks({id(i.subject): i.fingerprint for i in items},
                      {id(i.subject): i.state for i in items},
                      {id(i.subject) for i in items if i.fails}, absent)


def absent_result(entry, is_site: bool, location: dict) -> dict:
    """A result for a baseline entry that is gone (``location`` names its file)."""
    rule = f"heap/{entry.cause}" if is_site else entry.rule
    text = (f"{entry.expr} [{entry.kind}, {entry.cause}] in {entry.function} is gone"
            if is_site else f"{entry.rule} in {entry.function}: {entry.message} (gone)")
    res = {"ruleId": rule, "level": "none", "message": {"text": text}, "locations": [location]}
    mark_baseline(res, entry.fingerprint, "absent")
    return res
