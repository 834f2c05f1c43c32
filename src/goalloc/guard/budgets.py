"""Budgets: at most N heap sites in a package or function (judged on a scan), and allocs/op
and B/op ceilings per benchmark (judged on the median of ``--count`` runs, with the median's
confidence interval from ``goalloc.benchstat.stats`` as its spread)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from goalloc.benchstat import stats
from goalloc.policy import BenchBudget, SiteBudget

UNITS = {"allocs/op": "allocs_per_op", "B/op": "bytes_per_op"}


# --- heap sites per package or function ------------------------------------------------------

@dataclass
class SiteBudgetResult:
    budget: SiteBudget
    name: str  # the package, or PKG.FUNC
    count: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.budget.limit

    def to_json(self) -> dict:
        return {"scope": self.budget.scope, "pattern": str(self.budget.pattern),
                "name": self.name, "limit": self.budget.limit, "count": self.count,
                "exceeded": self.exceeded, "where": self.budget.where}


def judge_site_budgets(budgets: list[SiteBudget], heap_sites, packages: list[str]
                       ) -> tuple[list[SiteBudgetResult], list[SiteBudget]]:
    """(one result per budget and matched package/function, budgets that matched nothing).
    Every scanned package counts, with 0 when it has no heap site."""
    per_package = {p: 0 for p in packages}
    per_function: dict[str, int] = {}
    for s in heap_sites:
        per_package[s.package] = per_package.get(s.package, 0) + 1
        name = f"{s.package}.{s.function}"
        per_function[name] = per_function.get(name, 0) + 1
    results, unmatched = [], []
    for b in budgets:
        counts = per_package if b.scope == "package" else per_function
        matched = [SiteBudgetResult(b, name, n) for name, n in sorted(counts.items())
                   if b.pattern.matches(name)]
        results += matched
        if not matched:
            unmatched.append(b)
    return results, unmatched


# --- allocations per benchmark op --------------------------------------------------------------

@dataclass
class Measured:
    package: str
    name: str  # BenchmarkX/sub, without the -N suffix
    summaries: dict[str, stats.Summary]  # unit -> median and its confidence interval

    @property
    def key(self) -> str:
        return f"{self.package}.{self.name}" if self.package else self.name


def measure(results, confidence: float = stats.CONFIDENCE) -> list[Measured]:
    """Median and confidence interval of allocs/op and B/op of each benchmark's runs."""
    samples: dict[tuple[str, str], dict[str, list[float]]] = {}
    for r in results:
        per_unit = samples.setdefault((r.pkg, "Benchmark" + r.base), {})
        for unit in UNITS:
            if unit in r.values:
                per_unit.setdefault(unit, []).append(r.values[unit])
    return [Measured(pkg, name, {u: stats.summarize(v, confidence) for u, v in units.items()})
            for (pkg, name), units in sorted(samples.items())]


@dataclass
class BenchBudgetResult:
    budget: BenchBudget
    measured: Measured
    unit: str
    ceiling: float

    @property
    def median(self) -> float:
        return self.measured.summaries[self.unit].center

    @property
    def exceeded(self) -> bool:
        return self.median > self.ceiling

    def spread(self) -> str:
        s = self.measured.summaries[self.unit]
        if math.isinf(s.lo) or math.isinf(s.hi):
            return f"n={s.n}, too few runs for a {stats.CONFIDENCE:.0%} interval"
        return f"{s.confidence:.0%} CI {_num(s.lo)}..{_num(s.hi)}, n={s.n}"

    def describe(self) -> str:
        verdict = "exceeds" if self.exceeded else "within"
        return (f"{self.measured.key} {self.unit}: median {_num(self.median)} ({self.spread()}) "
                f"{verdict} budget {_num(self.ceiling)} ({self.budget.where})")

    def to_json(self) -> dict:
        s = self.measured.summaries[self.unit]
        return {"benchmark": self.measured.name, "package": self.measured.package,
                "unit": self.unit, "budget": self.ceiling, "median": s.center,
                "ci": [None if math.isinf(s.lo) else s.lo, None if math.isinf(s.hi) else s.hi],
                "runs": s.n, "exceeded": self.exceeded, "where": self.budget.where}


def judge_bench_budgets(budgets: list[BenchBudget], measured: list[Measured]
                        ) -> tuple[list[BenchBudgetResult], list[BenchBudget]]:
    """(one result per measured unit a budget covers, budgets no benchmark matched). When
    several budgets match a benchmark, the first one in the file decides."""
    results, used = [], set()
    for m in measured:
        for unit, key in UNITS.items():
            for i, b in enumerate(budgets):
                ceiling = getattr(b, key)
                if ceiling is None or unit not in m.summaries or not b.matches(m.package, m.name):
                    continue
                results.append(BenchBudgetResult(b, m, unit, ceiling))
                used.add(i)
                break
    return results, [b for i, b in enumerate(budgets) if i not in used
                     and not any(b.matches(m.package, m.name) for m in measured)]


def with_headroom(value: float, headroom: float) -> float:
    """A ceiling ``headroom`` (0.1 = 10%) above ``value``, rounded up to a whole number; zero
    stays zero, so an allocation-free benchmark stays allocation-free."""
    return float(math.ceil(value * (1 + headroom) - 1e-9)) if value > 0 else 0.0


def updated_ceilings(existing: dict[str, dict[str, float]], measured: list[Measured],
                     headroom: float) -> dict[str, dict[str, float]]:
    """The budget table with each measured benchmark's ceilings set from its medians (others
    are kept as they were)."""
    out = {k: dict(v) for k, v in existing.items()}
    for m in measured:
        entry = out.setdefault(m.key, {})
        for unit, key in UNITS.items():
            if unit in m.summaries:
                entry[key] = with_headroom(m.summaries[unit].center, headroom)
    return out


def budget_file_text(ceilings: dict[str, dict[str, float]], headroom: float) -> str:
    """A budgets-only TOML file, sorted, one table per benchmark."""
    lines = ["# Allocation budgets per benchmark, judged by `goalloc bench run --budget FILE` on",
             "# the median of --count runs. Written by --update-budget with "
             f"{headroom:.0%} headroom;", "# edit freely (docs/guard.md).", ""]
    for name in sorted(ceilings):
        lines.append(f"[budgets.benchmarks.{json.dumps(name)}]")
        for key in ("allocs_per_op", "bytes_per_op"):
            if key in ceilings[name]:
                lines.append(f"{key} = {_num(ceilings[name][key])}")
        lines.append("")
    return "\n".join(lines)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
