"""What a rule is, what it reports, and the context it reads facts and escape sites from."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from goalloc.facts import FACT_FAMILIES, Facts, Loop, PackageFacts
from goalloc.units import short_bytes as fmt_bytes  # the name rules and finding reports use

__all__ = ["Context", "Cost", "Estimate", "Finding", "Fix", "Rule", "by_target", "fmt_bytes",
           "loop_ancestors", "paren"]


@dataclass
class Fix:
    """A suggested edit. ``replacement`` replaces the text from (line, col) up to but not
    including (end_line, end_col); an insertion has the same start and end. ``replacement``
    is empty (and the range None) when the fix can only be described."""

    description: str
    replacement: str = ""
    file: str = ""
    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None
    # Further edits that belong to the same fix (a sentinel error: the use and the
    # declaration), applied together with this one.
    more: list["Fix"] = field(default_factory=list)

    @classmethod
    def from_json(cls, d: dict) -> "Fix":
        """A Fix from its to_json(), with the edits that go with it."""
        rng = d.get("range") or {}
        return cls(d["description"], d.get("replacement", ""), rng.get("file", ""),
                   rng.get("line"), rng.get("col"), rng.get("end_line"), rng.get("end_col"),
                   [cls.from_json(m) for m in d.get("more") or []])

    def edits(self) -> list["Fix"]:
        """This edit and the ones that go with it, each with its own range."""
        return [self, *self.more]

    def to_json(self) -> dict:
        rng = None
        if self.line is not None:
            rng = {"file": self.file, "line": self.line, "col": self.col,
                   "end_line": self.end_line, "end_col": self.end_col}
        out = {"description": self.description, "replacement": self.replacement,
               "range": rng}
        if self.more:
            out["more"] = [m.to_json() for m in self.more]
        return out


@dataclass
class Cost:
    allocations: int
    bytes: int
    bytes_copied: int | None = None

    def to_json(self) -> dict:
        d = {"allocations": self.allocations, "bytes": self.bytes}
        if self.bytes_copied is not None:
            d["bytes_copied"] = self.bytes_copied
        return d


@dataclass
class Estimate:
    """The modeled cost at ``n`` (iterations, elements or entries) before and after the fix.
    ``after`` is None when no change is suggested."""

    n: int
    before: Cost
    after: Cost | None = None
    go: str = ""
    note: str = ""

    def to_json(self) -> dict:
        return {"n": self.n, "go": self.go, "before": self.before.to_json(),
                "after": self.after.to_json() if self.after else None, "note": self.note}


@dataclass
class Finding:
    rule: str
    file: str
    line: int
    col: int
    message: str
    package: str = ""
    function: str = ""
    fix: Fix | None = None
    estimate: Estimate | None = None
    # Escape sites (file, line, col) of the compiler's report that this finding explains.
    sites: list[tuple[str, int, int]] = field(default_factory=list)
    # The kind of fix (goalloc.escape.advice.FIX_KINDS), hot/normal/cold with the reasons,
    # the place in the fix-first order, and a prefilled `goalloc lab` command line for
    # container findings ("" when none applies). Set after the rules ran (docs/scan.md).
    fix_kind: str = ""
    priority: str = ""
    priority_reasons: list[str] = field(default_factory=list)
    rank: int | None = None
    lab: str = ""

    def to_json(self) -> dict:
        return {"rule": self.rule, "file": self.file, "line": self.line, "col": self.col,
                "package": self.package, "function": self.function,
                "message": self.message,
                "fix": self.fix.to_json() if self.fix else None,
                "estimate": self.estimate.to_json() if self.estimate else None,
                "sites": [{"file": f, "line": ln, "col": c} for f, ln, c in self.sites],
                "fix_kind": self.fix_kind or None, "priority": self.priority or None,
                "priority_reasons": list(self.priority_reasons), "rank": self.rank,
                "lab": self.lab or None}


@dataclass(frozen=True)
class Rule:
    """One rule: its id, a one-line title, its documentation, the fact families it reads
    (``needs``, names of PackageFacts lists) and the function that yields its findings.

    ``needs_sites``: the rule finds nothing without the compiler's escape sites, and is not
    run when there are none. Other rules may still link their findings to sites."""

    id: str
    title: str
    doc: str  # what it finds, why it costs, an example, the fix (Markdown)
    needs: frozenset[str]
    run: Callable[["Context"], Iterable[Finding]]
    needs_sites: bool = False

    def __post_init__(self):
        unknown = sorted(set(self.needs) - set(FACT_FAMILIES))
        if unknown:
            raise ValueError(f"rule {self.id} needs unknown fact families {unknown} "
                             f"(known: {', '.join(FACT_FAMILIES)})")


class Context:
    """Facts and escape sites, indexed for rules. ``for_rule`` gives a rule a context whose
    packages show only the fact families the rule declares."""

    def __init__(self, facts: Facts, sites, go_version: str, assume_n: int):
        self.facts = facts
        self.sites = list(sites or [])
        self.go = go_version
        self.assume_n = assume_n
        self.root = Path(facts.root or ".")
        self.packages: list = list(facts.packages)
        self._sites_by_line: dict[tuple[str, int], list] = {}
        for s in self.sites:
            self._sites_by_line.setdefault((s.file, s.line), []).append(s)
        self._lines: dict[str, list[str]] = {}

    def for_rule(self, rule: Rule) -> "Context":
        view = copy.copy(self)  # shares the indexes
        view.packages = [PackageView(p, rule) for p in self.packages]
        return view

    def sites_at(self, file: str, line: int) -> list:
        return self._sites_by_line.get((file, line), [])

    def heap_sites_in(self, file: str, line: int, col: int, end_line: int, end_col: int,
                      diagnostic: str = "escapes to heap") -> list:
        """Heap sites the compiler reported inside the span [line:col, end_line:end_col)."""
        out = []
        for ln in range(line, end_line + 1):
            for s in self.sites_at(file, ln):
                if s.verdict != "heap" or diagnostic not in (s.diagnostic or ""):
                    continue
                if (ln, s.col) < (line, col) or (ln, s.col) >= (end_line, end_col):
                    continue
                out.append(s)
        return out

    def source_line(self, file: str, line: int) -> str:
        lines = self.file_lines(file)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def file_lines(self, file: str) -> list[str]:
        """The lines of a file (relative to the root, or absolute); [] if unreadable."""
        if file not in self._lines:
            path = Path(file) if Path(file).is_absolute() else self.root / file
            try:
                self._lines[file] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        return self._lines[file]

    def iter_packages(self) -> Iterator:
        return iter(self.packages)

    @staticmethod
    def loops_by_id(pkg) -> dict[int, Loop]:
        return {lp.id: lp for lp in pkg.loops}

    def loop_n(self, loop: Loop) -> tuple[int, bool]:
        """The modeled trip count: the constant bound, else --assume-n (and whether assumed)."""
        if loop.bound_const is not None:
            return max(0, loop.bound_const), False
        return self.assume_n, True


class PackageView:
    """A package's facts as one rule sees them: reading a fact family the rule does not
    declare in ``needs`` is an error, so that ``needs`` stays true."""

    __slots__ = ("_pkg", "_rule")

    def __init__(self, pkg: PackageFacts, rule: Rule):
        self._pkg = pkg
        self._rule = rule

    def __getattr__(self, name: str):
        if name in FACT_FAMILIES and name not in self._rule.needs:
            raise AttributeError(f"rule {self._rule.id} reads {name!r} facts without "
                                 f"declaring them in its needs")
        return getattr(self._pkg, name)


def by_target(items) -> dict[str, list]:
    """Appends or map operations grouped by the key of the variable or field they change
    (those of unnamed targets left out)."""
    out: dict[str, list] = {}
    for item in items:
        if item.target.key:
            out.setdefault(item.target.key, []).append(item)
    return out


def paren(expr: str) -> str:
    """expr as an operand of * (in parentheses unless it is a single term)."""
    return f"({expr})" if any(c in expr for c in " +-*/%&|^<>") else expr


def loop_ancestors(loops: dict[int, Loop], loop_id: int) -> list[int]:
    """loop_id and its enclosing loops, innermost first."""
    out = []
    seen = set()
    while loop_id is not None and loop_id >= 0 and loop_id not in seen:
        seen.add(loop_id)
        out.append(loop_id)
        loop = loops.get(loop_id)
        loop_id = loop.parent if loop is not None else -1
    return out
