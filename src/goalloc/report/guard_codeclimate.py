"""`goalloc check --format codeclimate`: GitLab Code Quality JSON (the Code Climate issue
subset GitLab reads): a list of issues, each with ``description``, ``check_name``,
``fingerprint``, ``severity`` (info, minor, major, critical, blocker) and ``location`` (``path``
relative to the repository and ``lines.begin``). Only what fails the gate is listed: GitLab
compares the merge request's report with the target branch's by fingerprint."""

from __future__ import annotations

import hashlib
import json
import os

SEVERITY_OF_PRIORITY = {"high": "critical", "medium": "major", "low": "minor"}


def _issue(check: str, description: str, fingerprint: str, severity: str, path: str,
           line: int) -> dict:
    return {"type": "issue", "check_name": check, "description": description,
            "categories": ["Performance"], "fingerprint": fingerprint, "severity": severity,
            "location": {"path": path, "lines": {"begin": max(1, line)}}}


def _digest(*parts) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def _path(file: str, prefix: str) -> str:
    return f"{prefix}{file}" if prefix and not file.startswith(("/", "<")) else file


def render(report, path_prefix: str = "") -> str:
    """``path_prefix`` is the module's directory relative to the repository root, when the
    module is not at the root (GitLab wants repository paths)."""
    issues = []
    for item in report.failing:
        s = item.subject
        if item.is_site:
            priority = getattr(s, "priority", None)
            text = f"New heap allocation {s.expr} in {s.function} ({s.kind}, {s.cause})"
            if s.explanation:
                text += f": {s.explanation}"
            if s.suggestion:
                text += f" Fix: {s.suggestion}"
            issues.append(_issue(f"goalloc/heap/{s.cause}", text, item.fingerprint,
                                 SEVERITY_OF_PRIORITY.get(priority, "major"),
                                 _path(s.file, path_prefix), s.line))
        else:
            issues.append(_issue(f"goalloc/{s.rule}", s.message, item.fingerprint, "minor",
                                 _path(s.file, path_prefix), s.line))
    for c in report.broken_contracts:
        k = c.contract
        issues.append(_issue(f"goalloc/contract/{k.verb}", f"{k.text} {c.status}: {c.message}",
                             _digest("contract", k.file, k.verb, k.function, k.names, c.message),
                             "critical", _path(k.file, path_prefix), k.line))
    for b in report.exceeded_budgets:
        where, _, line = b.budget.where.rpartition(":")
        if report.module_root and os.path.isabs(where):
            where = os.path.relpath(where, report.module_root)
        issues.append(_issue("goalloc/budget", f"{b.name}: {b.count} heap sites, budget "
                             f"{b.budget.limit}", _digest("budget", b.budget.scope, b.name),
                             "major", _path(where, path_prefix), int(line) if line.isdigit() else 1))
    return json.dumps(issues, indent=1, ensure_ascii=False) + "\n"
