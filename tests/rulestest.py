"""An analysistest-like harness for goalloc rules.

Go files under a test module carry ``// want "rule-id" ["rule-id" ...]`` comments on the
lines where a finding is expected. ``run(module_dir)`` collects facts and escape sites with
the real toolchain, runs the rules, and ``compare`` returns what is missing and what is
unexpected, keyed by (file, line, rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from goalloc.collect.facts import collect_facts
from goalloc.rules import run_rules
from goalloc.collect.toolchain import find_toolchain

WANT = re.compile(r"//\s*want((?:\s+\"[^\"]+\")+)")


@dataclass
class Result:
    findings: list
    sites: list
    wants: set
    got: set

    @property
    def missing(self) -> set:
        return self.wants - self.got

    @property
    def unexpected(self) -> set:
        return self.got - self.wants

    def report(self) -> str:
        lines = []
        for f, ln, rule in sorted(self.missing):
            lines.append(f"missing    {f}:{ln}: {rule}")
        for f, ln, rule in sorted(self.unexpected):
            msg = next((x.message for x in self.findings
                        if (x.file, x.line, x.rule) == (f, ln, rule)), "")
            lines.append(f"unexpected {f}:{ln}: {rule}: {msg}")
        return "\n".join(lines)


def parse_wants(module_dir: Path, rules: set[str] | None = None) -> set:
    wants = set()
    for path in sorted(Path(module_dir).rglob("*.go")):
        rel = path.relative_to(module_dir).as_posix()
        for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = WANT.search(text)
            if not m:
                continue
            for rule in re.findall(r"\"([^\"]+)\"", m.group(1)):
                if rules is None or rule in rules:
                    wants.add((rel, i, rule))
    return wants


def escape_sites(module_dir: Path, patterns: list[str]) -> list:
    """Escape sites from goalloc.escape (the lead's scanner)."""
    from goalloc.app.scan import scan

    return list(scan(patterns, str(module_dir), progress=False).sites)


def run(module_dir, patterns=None, select=None, assume_n: int = 1000, sites=None) -> Result:
    module_dir = Path(module_dir)
    patterns = patterns or ["./..."]
    tc = find_toolchain()
    facts = collect_facts(tc, module_dir, patterns)
    if sites is None:
        sites = escape_sites(module_dir, patterns)
    findings = run_rules(facts, sites, go_version=tc.release_str, assume_n=assume_n,
                         select=select)
    rules = set(select) if select else None
    wants = parse_wants(module_dir, rules)
    if patterns != ["./..."]:
        prefixes = tuple(p.removeprefix("./").removesuffix("...").rstrip("/") for p in patterns)
        wants = {w for w in wants if w[0].startswith(prefixes)}
    got = {(f.file, f.line, f.rule) for f in findings}
    return Result(findings, sites, wants, got)
