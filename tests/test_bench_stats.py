"""Statistics of `goalloc bench compare` against answers computed independently.

Expected p-values come from brute-force enumeration of the permutation distribution
(itertools.combinations over the pooled sample, ties with mid-ranks) and, where it applies,
scipy.stats.mannwhitneyu; median confidence intervals from textbook tables and a brute-force
search over binomial intervals.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from fractions import Fraction

import pytest

from goalloc.benchstat import stats


# --- independent reference implementations -----------------------------------------------

def midranks(pooled: list[float]) -> list[float]:
    order = sorted(range(len(pooled)), key=lambda i: pooled[i])
    ranks = [0.0] * len(pooled)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and pooled[order[j]] == pooled[order[i]]:
            j += 1
        for k in range(i, j):
            ranks[order[k]] = (i + 1 + j) / 2
        i = j
    return ranks


def brute_force_p(x: list[float], y: list[float]) -> float:
    """benchstat's two-sided p: 2 * P(U_x <= min(U_x, U_y)) over all relabelings, capped at 1.

    U_x = R_x - n_x(n_x+1)/2 with mid-ranks; p = 1 when U_x == U_y or all values are equal.
    """
    pooled = list(x) + list(y)
    n1, n2 = len(x), len(y)
    if len(set(pooled)) == 1:
        return 1.0
    ranks = midranks(pooled)
    u_obs = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    u_min = min(u_obs, n1 * n2 - u_obs)
    if u_obs == n1 * n2 - u_obs:
        return 1.0
    hits = total = 0
    for idx in itertools.combinations(range(n1 + n2), n1):
        u = sum(ranks[i] for i in idx) - n1 * (n1 + 1) / 2
        total += 1
        hits += u <= u_min + 1e-9
    return min(1.0, 2 * hits / total)


def brute_force_ci(n: int, confidence: float = 0.95) -> tuple[int, int]:
    """Order statistics (lo, hi) of the shortest binomial interval of k values with coverage
    >= confidence, most coverage among equals, then the leftmost (0 / n+1 mean infinite)."""
    pmf = [Fraction(math.comb(n, k), 2 ** n) for k in range(n + 1)]
    best = None
    for lo in range(0, n + 1):
        for hi in range(lo + 1, n + 2):
            cover = sum(pmf[lo:hi])
            if cover < Fraction(confidence).limit_denominator(10 ** 6):
                continue
            key = (hi - lo, -cover, lo)
            if best is None or key < best[0]:
                best = (key, lo, hi)
    return best[1], best[2]


# --- Mann-Whitney U ------------------------------------------------------------------------

def test_tiny_hand_enumerated_cases():
    # 3 vs 3, completely separated: only 1 of C(6,3)=20 arrangements has U=0 -> p = 2/20.
    assert stats.mann_whitney([1, 2, 3], [4, 5, 6])[1] == pytest.approx(0.1)
    # 2 vs 2 separated: 2/C(4,2) = 1/3 (benchstat's table of minimum p for n=2).
    assert stats.mann_whitney([1, 2], [3, 4])[1] == pytest.approx(1 / 3)
    # 6 vs 6 separated: 2/924, the p benchstat prints as 0.002.
    assert stats.mann_whitney([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12])[1] == \
        pytest.approx(2 / 924)
    # With ties, by hand: x=[1,1,2], y=[2,3,3]. Pooled mid-ranks 1.5,1.5,3.5,3.5,5.5,5.5.
    # U_x = 6.5 - 6 = 0.5. Of the 20 ways to pick x's 3 ranks, U <= 0.5 happens for
    # {1.5,1.5,3.5} twice (either 3.5) -> 2/20; p = 2 * 2/20 = 0.2.
    u, p, method = stats.mann_whitney([1, 1, 2], [2, 3, 3])
    assert (u, method) == (0.5, "exact")
    assert p == pytest.approx(0.2)
    assert brute_force_p([1, 1, 2], [2, 3, 3]) == pytest.approx(0.2)


def test_identical_samples_give_p_1_and_tilde():
    cmp = stats.compare_samples([5.0] * 6, [5.0] * 6)
    assert cmp.p == 1.0 and not cmp.significant
    assert cmp.format_delta(5.0, 5.0) == "~"
    assert "all samples are equal" in cmp.warnings
    # Same multiset of distinct values: U1 == U2, p = 1 exactly.
    assert stats.mann_whitney([1, 2, 3, 4], [4, 3, 2, 1])[1] == 1.0


def test_exact_matches_scipy_without_ties():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = random.Random(7)
    for _ in range(150):
        n1, n2 = rng.randint(1, 14), rng.randint(1, 14)
        shift = rng.choice([0.0, 0.2, 0.6])
        x = [rng.random() for _ in range(n1)]
        y = [rng.random() + shift for _ in range(n2)]
        expected = scipy_stats.mannwhitneyu(x, y, method="exact").pvalue
        assert stats.mann_whitney(x, y)[1] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    # The largest exact size benchstat uses: 50 vs 50.
    x = [rng.gauss(0, 1) for _ in range(50)]
    y = [rng.gauss(0.4, 1) for _ in range(50)]
    u, p, method = stats.mann_whitney(x, y)
    assert method == "exact"
    assert p == pytest.approx(scipy_stats.mannwhitneyu(x, y, method="exact").pvalue, rel=1e-9)


def test_exact_with_ties_matches_brute_force_enumeration():
    rng = random.Random(11)
    for _ in range(120):
        n1, n2 = rng.randint(1, 7), rng.randint(1, 7)
        x = [rng.randint(0, 4) for _ in range(n1)]
        y = [rng.randint(0, 5) for _ in range(n2)]
        u, p, method = stats.mann_whitney(x, y)
        assert p == pytest.approx(brute_force_p(x, y), abs=1e-12), (x, y)


def test_large_samples_use_normal_approximation_like_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = random.Random(3)
    # ties and n > 9, and no ties with n > 50: normal approximation with tie and continuity
    # corrections, which is what scipy's "asymptotic" method computes.
    cases = [([rng.randint(0, 6) for _ in range(12)], [rng.randint(1, 7) for _ in range(15)]),
             ([rng.random() for _ in range(60)], [rng.random() + 0.1 for _ in range(55)])]
    for x, y in cases:
        u, p, method = stats.mann_whitney(x, y)
        assert method == "normal"
        expected = scipy_stats.mannwhitneyu(x, y, method="asymptotic",
                                            use_continuity=True).pvalue
        assert p == pytest.approx(expected, rel=1e-9)


def test_minimum_sample_warnings():
    assert stats.min_samples_for_difference(0.05) == (">=", 4)
    assert stats.min_samples_for_ci(0.95) == (">=", 6)
    cmp = stats.compare_samples([1, 2, 3], [4, 5, 6])
    assert cmp.p == pytest.approx(0.1) and not cmp.significant
    assert "need >= 4 samples to detect a difference at alpha level 0.05" in cmp.warnings
    # A significant result has no such warning.
    assert stats.compare_samples([1, 2, 3, 4], [5, 6, 7, 8]).warnings == []


# --- medians and confidence intervals ------------------------------------------------------

@pytest.mark.parametrize("n,lo,hi,conf", [
    (6, 1, 6, 62 / 64),          # textbook: (x1, x6) at 96.9%
    (10, 2, 9, 1002 / 1024),     # textbook: (x2, x9) at 97.9%
    (20, 6, 15, None),           # textbook: (x6, x15) at 95.9%
])
def test_median_ci_textbook_values(n, lo, hi, conf):
    ci = stats.median_order_ci(n, 0.95)
    assert (ci.lo_order, ci.hi_order) == (lo, hi)
    if conf is not None:
        assert ci.confidence == pytest.approx(conf)


def test_median_ci_matches_brute_force_search():
    for n in range(1, 31):
        ci = stats.median_order_ci(n, 0.95)
        assert (ci.lo_order, ci.hi_order) == brute_force_ci(n), n


def test_median_ci_normal_approximation_above_30():
    for n in (31, 40, 64, 100):
        ci = stats.median_order_ci(n, 0.95)
        # Symmetric-ish around the middle, about 1.96 * sqrt(n)/2 order statistics each side.
        half = 1.96 * math.sqrt(n) / 2
        assert abs((n + 1) / 2 - ci.lo_order - half) <= 1.5
        assert ci.confidence >= 0.95
        # The exact binomial coverage of the chosen interval is close to the requested level.
        exact = sum(math.comb(n, k) for k in range(ci.lo_order, ci.hi_order)) / 2 ** n
        assert exact == pytest.approx(ci.confidence, abs=0.01)


def test_summary_median_interval_and_warning():
    values = [12.0, 10.0, 11.0, 15.0, 13.0, 14.0]
    s = stats.summarize(values)
    assert s.center == statistics.median(values) == 12.5
    assert (s.lo, s.hi) == (10.0, 15.0)
    assert s.warnings == []
    assert s.range_str() == f"{100 * max(15 / 12.5 - 1, 1 - 10 / 12.5):.0f}%"
    small = stats.summarize([3.0, 1.0, 2.0, 5.0, 4.0])
    assert small.center == 3.0
    assert math.isinf(small.lo) and small.hi == 5.0  # left-biased: only the low side is open
    assert small.range_str() == "∞"
    assert small.warnings == ["need >= 6 samples for confidence interval at level 0.95"]


def test_format_delta_and_geomean():
    sig = stats.Comparison(p=0.002, n1=6, n2=6, alpha=0.05)
    assert sig.format_delta(200.0, 150.0) == "-25.00%"
    assert sig.format_delta(0.0, 0.0) == "0.00%"
    assert sig.format_delta(0.0, 1.0) == "?"
    assert stats.Comparison(p=0.05, n1=6, n2=6, alpha=0.05).significant  # p <= alpha
    assert not stats.Comparison(p=0.0501, n1=6, n2=6, alpha=0.05).significant
    assert stats.geomean([2.0, 8.0]) == pytest.approx(4.0)
    assert stats.geomean([1.0, 0.0]) is None
