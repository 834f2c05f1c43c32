"""Every format of a check report, by name: what `goalloc check --format`, `--report` and
`goalloc merge --format` write."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

FORMATS = ("text", "json", "sarif", "github", "markdown", "junit", "codeclimate")


@dataclass
class _Run:
    """What report.sarif reads of a scan, taken from a check report."""

    go_version: str | None
    goos: str | None
    goarch: str | None
    module_root: str | None
    findings: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def _sarif(report) -> str:
    from goalloc.report import sarif
    from goalloc.report.guard_sarif import absent_result, marks_for

    def location(file: str) -> dict:
        loc = sarif._location(file, 1, 0)
        del loc["physicalLocation"]["region"]  # the baseline keeps no lines
        return loc

    absent = ([absent_result(e, True, location(e.file)) for e in report.absent_sites]
              + [absent_result(e, False, location(e.file)) for e in report.absent_findings])
    go = report.go or {}
    run = _Run(go.get("version"), go.get("goos"), go.get("goarch"), report.module_root,
               [i.subject for i in report.findings], report.errors)
    return sarif.render(run, [i.subject for i in report.sites], marks_for(report, absent))


_RENDERERS = {  # format -> module with render(report)
    "github": "goalloc.report.guard_github", "markdown": "goalloc.report.guard_markdown",
    "junit": "goalloc.report.guard_junit", "codeclimate": "goalloc.report.guard_codeclimate",
}


def render(report, fmt: str, term=None) -> str:
    if fmt == "json":
        from goalloc.report.guard_json import render_check

        return render_check(report)
    if fmt == "sarif":
        return _sarif(report)
    if fmt == "text":
        from goalloc.report.guard_text import render as text

        return text(report, term)
    return importlib.import_module(_RENDERERS[fmt]).render(report)
