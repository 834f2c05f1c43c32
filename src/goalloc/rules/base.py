"""What a rule is, what it reports, and the context it reads facts and escape sites from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from goalloc.units import short_bytes as fmt_bytes  # noqa: F401 (the rules' name for it)


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

    def to_json(self) -> dict:
        rng = None
        if self.line is not None:
            rng = {"file": self.file, "line": self.line, "col": self.col,
                   "end_line": self.end_line, "end_col": self.end_col}
        return {"description": self.description, "replacement": self.replacement,
                "range": rng}


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

    def to_json(self) -> dict:
        return {"rule": self.rule, "file": self.file, "line": self.line, "col": self.col,
                "package": self.package, "function": self.function,
                "message": self.message,
                "fix": self.fix.to_json() if self.fix else None,
                "estimate": self.estimate.to_json() if self.estimate else None,
                "sites": [{"file": f, "line": ln, "col": c} for f, ln, c in self.sites]}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    doc: str  # what it finds, why it costs, an example, the fix (Markdown)
    check: Callable[["Context"], Iterable[Finding]]
    needs_sites: bool = False


class Context:
    """Facts and escape sites, indexed for rules."""

    def __init__(self, facts, sites, go_version: str, assume_n: int):
        self.facts = facts
        self.sites = list(sites or [])
        self.go = go_version
        self.assume_n = assume_n
        self.root = Path(getattr(facts, "root", "") or ".")
        self.packages = list(getattr(facts, "packages", []) or [])
        self._sites_by_line: dict[tuple[str, int], list] = {}
        for s in self.sites:
            self._sites_by_line.setdefault((s.file, s.line), []).append(s)
        self._lines: dict[str, list[str]] = {}

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
        if file not in self._lines:
            path = Path(file) if Path(file).is_absolute() else self.root / file
            try:
                self._lines[file] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[file] = []
        lines = self._lines[file]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def iter_packages(self) -> Iterator[dict]:
        return iter(self.packages)

    @staticmethod
    def loops_by_id(pkg: dict) -> dict[int, dict]:
        return {lp["id"]: lp for lp in pkg.get("loops", [])}

    def loop_n(self, loop: dict) -> tuple[int, bool]:
        """The modeled trip count: the constant bound, else --assume-n (and whether assumed)."""
        if loop.get("bound_const") is not None:
            return max(0, int(loop["bound_const"])), False
        return self.assume_n, True


def paren(expr: str) -> str:
    return f"({expr})" if any(c in expr for c in " +-*/%&|^<>") else expr


def loop_ancestors(loops: dict[int, dict], loop_id: int) -> list[int]:
    """loop_id and its enclosing loops, innermost first."""
    out = []
    seen = set()
    while loop_id is not None and loop_id >= 0 and loop_id not in seen:
        seen.add(loop_id)
        out.append(loop_id)
        loop_id = loops.get(loop_id, {}).get("parent", -1)
    return out


def cold_note(d: dict) -> bool:
    return bool(d.get("cold"))


def asdict_safe(obj) -> dict:
    return asdict(obj)
