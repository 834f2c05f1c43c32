"""Verdicts over lab results: per point, every variant's medians with confidence intervals
(the ``bench compare`` statistics), the winner and by how much (Mann-Whitney U against the
runner-up), and along each swept parameter the points where the winner, or a pair of rivals,
changes places (with an interpolated crossover).

Pure: benchmark results in (``goalloc.benchstat.format.BenchResult``), verdicts out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from goalloc.benchstat import stats
from goalloc.lab.gocode import BENCHMARK, LIVE_UNIT, SKIP_MARK
from goalloc.lab.plan import RIVALS, LabQuestion, Point, number

UNITS = {"ns": "ns/op", "bytes": "B/op", "allocs": "allocs/op", "live": LIVE_UNIT}
_PREFIX = BENCHMARK[len("Benchmark"):] + "/"
# Axes whose values spread over orders of magnitude are interpolated on a log scale.
LOG_AXES = {"n", "goroutines", "distinct"}


@dataclass
class VariantResult:
    name: str
    summaries: dict  # "ns", "bytes", "allocs" (, "live") -> goalloc.benchstat.stats.Summary
    samples: dict  # the same keys -> the values measured, one per run
    vs_winner: float | None = None  # this median time / the winner's

    def median(self, what: str = "ns") -> float | None:
        s = self.summaries.get(what)
        return None if s is None else s.center

    @property
    def runs(self) -> int:
        return len(self.samples.get("ns", []))


@dataclass
class Winner:
    name: str
    runner_up: str | None = None
    speedup: float | None = None  # runner-up median time / winner's
    p_value: float | None = None  # Mann-Whitney U, winner against runner-up
    significant: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class PointVerdict:
    point: Point
    variants: list[VariantResult]  # in catalogue order
    skipped: list[tuple[str, str]]  # (variant, why)
    winner: Winner | None = None
    fewest_allocs: str | None = None

    def variant(self, name: str) -> VariantResult | None:
        return next((v for v in self.variants if v.name == name), None)


@dataclass
class Crossover:
    axis: str  # the swept parameter
    fixed: dict  # the other parameters
    between: tuple  # the two neighbouring values of the axis
    before: str  # faster at between[0]
    after: str  # faster at between[1]
    at: float | None  # interpolated value where both take the same time
    kind: str  # "winner": the overall winner changes; "rivals": a pair changes order
    significant: bool = False  # both orders are significant (p <= 0.05 at both ends)


def split_name(base: str) -> tuple[str, str] | None:
    """'GoallocLab/n=10/reads=1/g=1/map-hint' -> ('n=10/reads=1/g=1', 'map-hint')."""
    if not base.startswith(_PREFIX):
        return None
    point, _, variant = base[len(_PREFIX):].rpartition("/")
    return (point, variant) if point and variant else None


def parse_skips(raw_text: str) -> dict[str, dict[str, str]]:
    """{point name: {variant: why}} from the lines the benchmark printed for variants it
    could not run with these types."""
    out: dict[str, dict[str, str]] = {}
    for line in raw_text.splitlines():
        if not line.startswith(SKIP_MARK):
            continue
        rest = line[len(SKIP_MARK):]
        head, _, why = rest.partition(": ")
        point, _, variant = head.rpartition(" ")
        if point and variant:
            out.setdefault(point, {})[variant] = why.strip()
    return out


def point_verdict(point: Point, results: list, dynamic_skips: dict[str, str] | None = None,
                  confidence: float = stats.CONFIDENCE, alpha: float = stats.ALPHA
                  ) -> PointVerdict:
    """The verdict of one point from its benchmark results (any order, any runs)."""
    samples: dict[str, dict[str, list[float]]] = {}
    for r in results:
        parts = split_name(r.base)
        if parts is None or parts[0] != point.name:
            continue
        cell = samples.setdefault(parts[1], {})
        for key, unit in UNITS.items():
            if unit in r.values:
                cell.setdefault(key, []).append(r.values[unit])
    variants = []
    for name in point.variants:
        cell = samples.get(name)
        if not cell or not cell.get("ns"):
            continue
        variants.append(VariantResult(
            name, {k: stats.summarize(v, confidence) for k, v in cell.items()}, cell))
    skipped = list(point.skipped) + sorted((dynamic_skips or {}).items())
    measured = {v.name for v in variants}
    skipped += [(name, "no result (the benchmark printed none)") for name in point.variants
                if name not in measured and name not in dict(skipped)]
    verdict = PointVerdict(point, variants, skipped)
    _crown(verdict, alpha)
    return verdict


def _crown(verdict: PointVerdict, alpha: float) -> None:
    ranked = sorted(verdict.variants, key=lambda v: v.median())
    if not ranked:
        return
    best = ranked[0]
    for v in verdict.variants:
        v.vs_winner = _ratio(v.median(), best.median())
    winner = Winner(best.name)
    if len(ranked) > 1:
        second = ranked[1]
        winner.runner_up = second.name
        winner.speedup = _ratio(second.median(), best.median())
        cmp = stats.compare_samples(best.samples["ns"], second.samples["ns"], alpha)
        winner.p_value, winner.significant = cmp.p, cmp.significant and best.median() < \
            second.median()
        winner.warnings = list(cmp.warnings)
    verdict.winner = winner
    with_allocs = [v for v in verdict.variants if v.median("allocs") is not None]
    if with_allocs:
        verdict.fewest_allocs = min(with_allocs, key=lambda v: (v.median("allocs"),
                                                                  v.median())).name


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


def crossovers(q: LabQuestion, verdicts: list[PointVerdict], alpha: float = stats.ALPHA
               ) -> list[Crossover]:
    """Where, along each swept parameter (the others fixed), the winner changes or a pair
    of rivals (``plan.RIVALS``) changes order."""
    out = []
    axes = [a for a in ("n", "reads", "goroutines", "distinct")
            if len({v.point.params.get(a) for v in verdicts} - {None}) > 1]
    for axis in axes:
        lines: dict[tuple, list[PointVerdict]] = {}
        for v in verdicts:
            fixed = tuple((k, x) for k, x in v.point.params.items()
                          if k != axis and not (k == "ops" and q.ops is None))
            lines.setdefault(fixed, []).append(v)
        for fixed, line in lines.items():
            line.sort(key=lambda v: v.point.params[axis])
            for a, b in zip(line, line[1:]):
                out += _changes(q, axis, dict(fixed), a, b, alpha)
    return out


def _changes(q, axis, fixed, a: PointVerdict, b: PointVerdict, alpha) -> list[Crossover]:
    found = []
    xa, xb = a.point.params[axis], b.point.params[axis]
    if a.winner and b.winner and a.winner.name != b.winner.name:
        found.append(_crossing(axis, fixed, a, b, a.winner.name, b.winner.name, "winner",
                               alpha))
    for first, second in RIVALS[q.kind]:
        ra, rb = _order(a, first, second), _order(b, first, second)
        if ra is None or rb is None or ra == rb:
            continue
        before, after = (first, second) if ra < 0 else (second, first)
        if any(c.before == before and c.after == after for c in found):
            continue
        found.append(_crossing(axis, fixed, a, b, before, after, "rivals", alpha))
    for c in found:
        c.between = (xa, xb)
    return found


def _order(v: PointVerdict, first: str, second: str) -> int | None:
    """-1 when ``first`` is faster at this point, 1 when ``second`` is; None if either is
    missing."""
    f, s = v.variant(first), v.variant(second)
    if f is None or s is None:
        return None
    return -1 if f.median() < s.median() else 1


def _crossing(axis, fixed, a, b, before, after, kind, alpha) -> Crossover:
    xa, xb = a.point.params[axis], b.point.params[axis]
    at = None
    ra = _log_ratio(a, before, after)
    rb = _log_ratio(b, before, after)
    if ra is not None and rb is not None and ra < 0 < rb:
        scale = (math.log, math.exp) if axis in LOG_AXES else (lambda x: x, lambda x: x)
        fa, fb = scale[0](xa), scale[0](xb)
        at = scale[1](fa + (fb - fa) * (-ra) / (rb - ra))
    return Crossover(axis, fixed, (xa, xb), before, after, at, kind,
                     _significant(a, before, after, alpha) and
                     _significant(b, after, before, alpha))


def _log_ratio(v: PointVerdict, x: str, y: str) -> float | None:
    vx, vy = v.variant(x), v.variant(y)
    if vx is None or vy is None or vx.median() <= 0 or vy.median() <= 0:
        return None
    return math.log(vx.median() / vy.median())


def _significant(v: PointVerdict, faster: str, slower: str, alpha) -> bool:
    f, s = v.variant(faster), v.variant(slower)
    if f is None or s is None:
        return False
    return stats.compare_samples(f.samples["ns"], s.samples["ns"], alpha).significant


def describe_params(point: Point) -> str:
    """'n=1000, reads 90%, 1,000 accesses, 1 goroutine' for a report."""
    p = point.params
    parts = [f"n={p['n']:,}"]
    if "reads" in p:
        parts.append(f"reads {number(100 * p['reads'])}%")
        parts.append(f"{p['ops']:,} accesses after the fill")
        g = p["goroutines"]
        parts.append(f"{g} goroutine{'s' if g > 1 else ''}")
    if "distinct" in p:
        parts.append(f"{p['distinct']:,} distinct")
        parts.append(f"{p['length']} B each")
    return ", ".join(parts)
