"""In-code contracts: comments that state what the compiler must decide, checked against the
scan's sites.

    x := make([]byte, 64) //goalloc:noescape             this line's allocations stay on the stack
    //goalloc:noescape                                   (alone on a line: the next line's)
    //goalloc:noalloc                                    in a function's doc comment: no heap
    func Hot(...) { ... }                                site that allocates in its body
    v := f() //goalloc:ignore returned,box-in-loop why   accepted: a reason is required

A directive is a ``//`` comment whose text starts with ``goalloc:`` (the same rule the facts
helper uses for rule ignores). A contract is *violated* when the compiler's decision breaks
it, *stale* when the line it names has nothing for it to judge, *malformed* when it cannot
be read (unknown directive, a name that is neither a cause nor a rule, no reason).
Pure: source text in, results out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.guard import gosource

VERBS = ("noescape", "noalloc", "ignore")
_PREFIX = "goalloc:"


@dataclass
class Contract:
    verb: str
    file: str  # as the scan names files (relative to the module root)
    line: int  # the comment's line
    target_line: int  # noescape/ignore: the line it judges; noalloc: the func line
    names: tuple[str, ...] = ()  # ignore: causes, rules or "all"
    reason: str = ""
    function: str = ""  # noalloc: the function it is the doc comment of
    body: tuple[int, int] | None = None  # noalloc: first and last line of the body
    problem: str = ""  # why it cannot be read, when it cannot

    @property
    def text(self) -> str:
        args = ",".join(self.names)
        return f"//goalloc:{self.verb}" + (f" {args}" if args else "")

    def to_json(self) -> dict:
        return {"verb": self.verb, "file": self.file, "line": self.line,
                "target_line": self.target_line, "names": list(self.names),
                "reason": self.reason or None, "function": self.function or None,
                "body": list(self.body) if self.body else None}


@dataclass
class ContractResult:
    contract: Contract
    status: str  # "ok", "violated", "stale", "malformed"
    message: str = ""
    sites: list = field(default_factory=list)  # the heap sites that break it

    @property
    def fails(self) -> bool:
        return self.status in ("violated", "malformed")


def parse(file: str, text: str) -> list[Contract]:
    """The contracts written in one Go file (``file`` is the name sites use for it)."""
    if _PREFIX not in text:
        return []
    source = gosource.read(text)
    documented = {c.line: f for f in source.funcs for c in f.doc}
    out = []
    for comment in source.comments:
        body = comment.text.strip()
        if comment.block or not body.startswith(_PREFIX):
            continue
        verb, _, rest = body[len(_PREFIX):].partition(" ")
        verb, rest = verb.strip(), rest.strip()
        target = comment.line + 1 if comment.own_line else comment.line
        contract = Contract(verb, file, comment.line, target)
        if verb == "ignore":
            names, _, reason = rest.partition(" ")
            contract.names = tuple(n.strip() for n in names.split(",") if n.strip())
            contract.reason = reason.strip()
            if not contract.names:
                contract.problem = "needs CAUSE-or-RULE[,...] and a reason"
            elif not contract.reason:
                contract.problem = "needs a reason after the names"
        elif verb == "noalloc":
            func = documented.get(comment.line)
            if func is None:
                contract.problem = "belongs in a function's doc comment"
            elif not func.body_start:
                contract.problem = f"{func.name} has no body"
            else:
                contract.function = func.name
                contract.target_line = func.line
                contract.body = (func.body_start, func.body_end)
        elif verb != "noescape":
            contract.problem = f"unknown directive (known: {', '.join(VERBS)})"
        out.append(contract)
    return out


def can_allocate(site) -> bool:
    """A heap site that allocates at run time: not a constant boxed into an interface or a
    zero-size value (the scan notes those), nor one whose run-time cost is known to be none."""
    if site.verdict != "heap":
        return False
    if (site.note or "").startswith("allocates nothing"):
        return False
    return getattr(site, "runtime_cost", None) not in ("free", "unreachable")


class SiteIndex:
    """Sites by file and line, for judging contracts."""

    def __init__(self, sites):
        self.by_line: dict[tuple[str, int], list] = {}
        self.by_file: dict[str, list] = {}
        for s in sites:
            self.by_line.setdefault((s.file, s.line), []).append(s)
            self.by_file.setdefault(s.file, []).append(s)

    def at(self, file: str, line: int) -> list:
        return self.by_line.get((file, line), [])

    def within(self, file: str, first: int, last: int) -> list:
        return [s for s in self.by_file.get(file, []) if first <= s.line <= last]


def judge(contracts: list[Contract], sites, causes: tuple[str, ...],
          rules: tuple[str, ...]) -> list[ContractResult]:
    """Each contract's status against the scan's ``sites`` (heap and stack)."""
    index = SiteIndex(sites)
    return [_judge_one(c, index, causes, rules) for c in contracts]


def _judge_one(c: Contract, index: SiteIndex, causes, rules) -> ContractResult:
    if c.problem:
        return ContractResult(c, "malformed", c.problem)
    if c.verb == "noescape":
        here = index.at(c.file, c.target_line)
        if not here:
            return ContractResult(c, "stale", f"no allocation on line {c.target_line}")
        heap = [s for s in here if s.verdict == "heap"]
        if heap:
            return ContractResult(c, "violated", _reasons(heap), heap)
        return ContractResult(c, "ok", f"{len(here)} allocation(s) stay on the stack")
    if c.verb == "noalloc":
        first, last = c.body
        heap = [s for s in index.within(c.file, first, last) if can_allocate(s)]
        if heap:
            return ContractResult(c, "violated", _reasons(heap), heap)
        return ContractResult(c, "ok", f"{c.function} has no heap allocation")
    unknown = [n for n in c.names if n != "all" and n not in causes and n not in rules]
    if unknown:
        return ContractResult(c, "malformed",
                              f"{', '.join(unknown)}: neither a cause nor a rule")
    named_causes = [n for n in c.names if n in causes]
    if not named_causes:
        # Rule findings are dropped before the gate sees them (goalloc.rules), so whether a
        # rule ignore still silences something cannot be told here.
        return ContractResult(c, "ok", "rule ignore")
    silenced = [s for s in index.at(c.file, c.target_line) if silences(c, s)]
    if not silenced:
        return ContractResult(c, "stale", f"no heap site with cause {', '.join(named_causes)} "
                                          f"on line {c.target_line}")
    return ContractResult(c, "ok", f"silences {len(silenced)} heap site(s)", silenced)


def silences(c: Contract, site) -> bool:
    """Whether ignore contract ``c`` accepts heap ``site`` (on its line, a named cause)."""
    return (c.verb == "ignore" and not c.problem and site.verdict == "heap"
            and site.file == c.file and site.line == c.target_line
            and ("all" in c.names or (site.cause or "other") in c.names))


def _reasons(sites) -> str:
    parts = []
    for s in sorted(sites, key=lambda s: (s.line, s.col)):
        why = s.explanation or s.diagnostic or "escapes to the heap"
        parts.append(f"{s.file}:{s.line}:{s.col}: {s.expr} [{s.kind}, {s.cause or 'other'}]: "
                     f"{why}")
    return "; ".join(parts)
