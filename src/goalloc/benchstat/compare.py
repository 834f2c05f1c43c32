"""Compare two sets of benchmark results the way benchstat does.

Benchmarks are matched by package and name (with the ``-N`` GOMAXPROCS suffix, as
benchstat's rows). For every unit, each benchmark present in both files gets medians with
confidence intervals, the Mann-Whitney p-value and the ``~`` decision; each unit gets the
geomean of the medians and of the new/old ratios.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.benchstat import stats
from goalloc.benchstat.format import BenchFile

# Units shown first, in this order; custom units follow in the order they appear.
UNIT_ORDER = ["ns/op", "sec/op", "B/op", "allocs/op"]


@dataclass
class Row:
    pkg: str
    name: str
    unit: str
    old: stats.Summary | None
    new: stats.Summary | None
    comparison: stats.Comparison | None = None

    @property
    def delta_pct(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        a, b = self.old.center, self.new.center
        if a == b:
            return 0.0
        if a == 0:
            return None
        return (b / a - 1) * 100

    @property
    def delta_str(self) -> str:
        if self.comparison is None:
            return ""
        return self.comparison.format_delta(self.old.center, self.new.center)


@dataclass
class UnitTable:
    unit: str
    rows: list[Row] = field(default_factory=list)
    old_geomean: float | None = None
    new_geomean: float | None = None
    ratio_geomean: float | None = None  # geomean of new/old per benchmark
    warnings: list[str] = field(default_factory=list)

    @property
    def geomean_delta_pct(self) -> float | None:
        return None if self.ratio_geomean is None else (self.ratio_geomean - 1) * 100


@dataclass
class CompareResult:
    old_source: str
    new_source: str
    tables: list[UnitTable]
    alpha: float
    confidence: float
    config: dict[str, str] = field(default_factory=dict)
    only_old: list[str] = field(default_factory=list)  # benchmarks missing from NEW
    only_new: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the files were matched, if unusual

    @property
    def rows(self) -> list[Row]:
        return [row for table in self.tables for row in table.rows]


def _samples(bf: BenchFile, ignore_procs: bool = False,
             ignore_pkg: bool = False) -> tuple[dict, list]:
    """{(pkg, name): {unit: [values]}} in order of first appearance."""
    samples: dict[tuple[str, str], dict[str, list[float]]] = {}
    for r in bf.results:
        key = ("" if ignore_pkg else r.pkg, r.base if ignore_procs else r.name)
        cell = samples.setdefault(key, {})
        for unit, value in r.values.items():
            cell.setdefault(unit, []).append(value)
    return samples, list(samples)


def _unit_order(units: list[str]) -> list[str]:
    known = [u for u in UNIT_ORDER if u in units]
    return known + [u for u in units if u not in UNIT_ORDER]


def _display(key: tuple[str, str], multi_pkg: bool) -> str:
    pkg, name = key
    return f"{pkg}.{name}" if multi_pkg and pkg else name


def compare(old: BenchFile, new: BenchFile, alpha: float = stats.ALPHA,
            confidence: float = stats.CONFIDENCE,
            ignore_procs: bool | None = None) -> CompareResult:
    """Compare OLD (the baseline) with NEW.

    Benchmarks match by package and name including the ``-N`` GOMAXPROCS suffix, as
    benchstat's rows do. ``ignore_procs`` matches them without the suffix; None (the
    default) does so only when the files have nothing in common otherwise (results from
    machines with different core counts); failing that, names are matched without the
    package. ``notes`` says when either happened.
    """
    notes: list[str] = []
    old_s, old_keys = _samples(old, bool(ignore_procs))
    new_s, new_keys = _samples(new, bool(ignore_procs))
    if ignore_procs is None and not set(old_s) & set(new_s):
        # Nothing in common: try without the -N suffix, then without the package (a file
        # written by hand or by a tool that drops the pkg: line).
        for no_procs, no_pkg in ((True, False), (False, True), (True, True)):
            o2, ok2 = _samples(old, no_procs, no_pkg)
            n2, nk2 = _samples(new, no_procs, no_pkg)
            if set(o2) & set(n2):
                old_s, old_keys, new_s, new_keys = o2, ok2, n2, nk2
                if no_procs:
                    procs_old = sorted({r.procs for r in old.results})
                    procs_new = sorted({r.procs for r in new.results})
                    notes.append(f"GOMAXPROCS differs (old {procs_old}, new {procs_new}): "
                                 "benchmarks matched by name without the -N suffix")
                if no_pkg:
                    notes.append("package (pkg:) lines differ: benchmarks matched by name "
                                 "only")
                break
    keys = old_keys + [k for k in new_keys if k not in old_s]
    multi_pkg = len({k[0] for k in keys}) > 1
    units: list[str] = []
    for bf in (old, new):
        for u in bf.units:
            if u not in units:
                units.append(u)

    tables = []
    for unit in _unit_order(units):
        table = UnitTable(unit=unit)
        old_centers, new_centers, ratios = [], [], []
        n_base, bad_ratio = 0, False
        for key in keys:
            ov = old_s.get(key, {}).get(unit)
            nv = new_s.get(key, {}).get(unit)
            if not ov and not nv:
                continue
            row = Row(pkg=key[0], name=_display(key, multi_pkg), unit=unit,
                      old=stats.summarize(ov, confidence) if ov else None,
                      new=stats.summarize(nv, confidence) if nv else None)
            if row.old is not None:
                n_base += 1
                old_centers.append(row.old.center)
            if row.new is not None:
                new_centers.append(row.new.center)
            if row.old is not None and row.new is not None:
                row.comparison = stats.compare_samples(ov, nv, alpha)
                a, b = row.new.center, row.old.center
                if a == b:
                    ratios.append(1.0)
                elif b == 0:
                    bad_ratio = True
                else:
                    ratios.append(a / b)
            table.rows.append(row)
        table.old_geomean = stats.geomean(old_centers)
        table.new_geomean = stats.geomean(new_centers)
        if (old_centers and table.old_geomean is None) or \
                (new_centers and table.new_geomean is None):
            table.warnings.append("summaries must be >0 to compute geomean")
        if ratios and not bad_ratio:
            table.ratio_geomean = stats.geomean(ratios)
            if table.ratio_geomean is None:
                table.warnings.append("ratios must be >0 to compute geomean")
        n_pairs = sum(1 for r in table.rows if r.comparison is not None)
        if new_centers and n_base != n_pairs:
            table.warnings.append("benchmark set differs from baseline; geomeans may not "
                                  "be comparable")
        tables.append(table)

    config = {k: v for k, v in old.config.items() if new.config.get(k) == v}
    return CompareResult(
        old_source=old.source, new_source=new.source, tables=tables, alpha=alpha,
        confidence=confidence, config=config,
        only_old=[_display(k, multi_pkg) for k in old_keys if k not in new_s],
        only_new=[_display(k, multi_pkg) for k in new_keys if k not in old_s],
        notes=notes)


def summaries(bf: BenchFile, confidence: float = stats.CONFIDENCE) -> list[tuple]:
    """(unit, pkg, name, Summary, values) for every benchmark and unit of one file."""
    samples, keys = _samples(bf)
    units: list[str] = []
    for u in bf.units:
        if u not in units:
            units.append(u)
    out = []
    for unit in _unit_order(units):
        for key in keys:
            values = samples[key].get(unit)
            if values:
                out.append((unit, key[0], key[1], stats.summarize(values, confidence), values))
    return out
