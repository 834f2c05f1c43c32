"""Statistics for benchmark samples, with the decisions benchstat makes.

* Summary: the median, with a confidence interval bounded by order statistics. The number
  of sample values below the population median follows Binomial(n, 1/2); starting at its
  mode, the interval grows one order statistic at a time towards the more probable side
  (the lower side on a tie) until it covers the requested confidence. Up to n = 30 the
  binomial is summed exactly, above that a normal approximation with continuity
  correction is used. Bounds beyond the sample are infinite, with a warning.
* Comparison: a two-sided Mann-Whitney U test. The p-value comes from the exact
  permutation distribution of U when both samples have at most 50 values and no ties, or
  at most 9 values with ties (the distribution then depends on the tie pattern); larger
  samples use the normal approximation with tie and continuity corrections. Samples whose
  values are all one and the same value give p = 1.
* A difference is significant when p <= alpha (0.05): otherwise benchstat prints ``~``.

Pure Python (``math``, ``statistics``): scipy is not needed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from statistics import NormalDist

CONFIDENCE = 0.95
ALPHA = 0.05
EXACT_LIMIT = 50  # largest sample size for the exact U distribution without ties
EXACT_TIES_LIMIT = 9  # and with ties
NORMAL_CI_THRESHOLD = 30  # above this sample size the median CI uses the normal approximation


@dataclass
class Summary:
    center: float  # the median
    lo: float  # confidence interval; may be -inf / +inf when the sample is too small
    hi: float
    confidence: float  # the actual confidence of [lo, hi], >= the requested level
    n: int
    warnings: list[str] = field(default_factory=list)

    def range_pct(self) -> float | None:
        """Half-width of the interval as a fraction of the center (max of both sides).

        None when the interval is infinite or does not have the center's sign.
        """
        if math.isinf(self.lo) or math.isinf(self.hi):
            return None
        sign = _sign(self.center)
        if sign != _sign(self.lo) or sign != _sign(self.hi):
            return None
        if self.center == 0:
            return 0.0
        return max(self.hi / self.center - 1, 1 - self.lo / self.center)

    def range_str(self) -> str:
        if math.isinf(self.lo) or math.isinf(self.hi):
            return "∞"
        pct = self.range_pct()
        if pct is None:
            return "?"
        return f"{100 * pct:.0f}%"


@dataclass
class Comparison:
    p: float
    n1: int
    n2: int
    alpha: float
    u: float | None = None  # the smaller of the two U statistics (None if not computed)
    method: str = "exact"  # "exact", "normal" or "none" (all values equal)
    warnings: list[str] = field(default_factory=list)

    @property
    def significant(self) -> bool:
        return self.p <= self.alpha

    def format_delta(self, old: float, new: float) -> str:
        if not self.significant:
            return "~"
        if old == new:
            return "0.00%"
        if old == 0:
            return "?"
        return f"{(new / old - 1) * 100:+.2f}%"


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def median(values: list[float]) -> float:
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        raise ValueError("median of an empty sample")
    mid = n // 2
    return xs[mid] if n % 2 else (xs[mid - 1] + xs[mid]) / 2


# --- confidence interval of the median ----------------------------------------------------

@dataclass(frozen=True)
class OrderCI:
    lo_order: int  # 1-based order statistic of the lower bound; 0 means -inf
    hi_order: int  # 1-based order statistic of the upper bound; n+1 means +inf
    confidence: float


def _binom_pmf(n: int, k: int) -> float:
    if k < 0 or k > n:
        return 0.0
    return math.comb(n, k) * 0.5 ** n


@functools.lru_cache(maxsize=256)
def median_order_ci(n: int, confidence: float = CONFIDENCE) -> OrderCI:
    """Order statistics bounding the CI of the median of a sample of n values."""
    if confidence >= 1:
        return OrderCI(0, n + 1, 1.0)
    if n <= NORMAL_CI_THRESHOLD:
        # k = how many sample values lie below the population median; the interval
        # [l, r) of k values maps to order statistics l (low) and r (high).
        x = math.ceil((n + 1) * 0.5) - 1
        accum = _binom_pmf(n, x)
        lo, hi = x, x + 1
        lp, rp = _binom_pmf(n, lo - 1), _binom_pmf(n, hi)
        while accum < confidence and (lp > 0 or rp > 0):
            if lp >= rp:
                accum += lp
                lo -= 1
                lp = _binom_pmf(n, lo - 1)
            else:
                accum += rp
                hi += 1
                rp = _binom_pmf(n, hi)
        achieved = accum
    else:
        mu, sigma = n * 0.5, math.sqrt(n * 0.25)
        norm = NormalDist(mu, sigma)
        alpha = (1 - confidence) / 2
        l1 = norm.inv_cdf(alpha)
        r1 = 2 * mu - l1
        lo = math.floor(math.floor(l1 - 0.5) + 0.5) + 1
        hi = math.floor(math.ceil(r1 - 0.5) + 0.5) + 1

        def cover(a: int, b: int) -> float:
            return norm.cdf(b - 0.5) - norm.cdf(a - 0.5)

        achieved = cover(lo, hi)
        biased = cover(lo, hi - 1)
        if confidence <= biased < achieved:
            achieved, hi = biased, hi - 1
        if lo <= 0 and hi >= n + 1:
            achieved = 1.0
    return OrderCI(max(lo, 0), min(hi, n + 1), achieved)


@functools.lru_cache(maxsize=16)
def min_samples_for_ci(confidence: float = CONFIDENCE) -> tuple[str, int]:
    """Smallest n whose median CI is finite on both sides (('>=', n) or ('>', 50))."""
    for n in range(2, 51):
        ci = median_order_ci(n, confidence)
        if ci.lo_order > 0 and ci.hi_order <= n:
            return ">=", n
    return ">", 50


def summarize(values: list[float], confidence: float = CONFIDENCE) -> Summary:
    """Median and its confidence interval."""
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        raise ValueError("cannot summarize an empty sample")
    ci = median_order_ci(n, confidence)
    lo = xs[ci.lo_order - 1] if ci.lo_order >= 1 else -math.inf
    hi = xs[ci.hi_order - 1] if ci.hi_order <= n else math.inf
    warnings = []
    if math.isinf(lo) or math.isinf(hi):
        op, need = min_samples_for_ci(confidence)
        warnings.append(f"need {op} {need} samples for confidence interval at level "
                        f"{confidence:g}")
    return Summary(center=median(xs), lo=lo, hi=hi, confidence=ci.confidence, n=n,
                   warnings=warnings)


# --- Mann-Whitney U -----------------------------------------------------------------------

def _ranks_and_ties(x1: list[float], x2: list[float]) -> tuple[float, list[int]]:
    """Rank sum of x1 in the pooled sample (ties get mid-ranks) and the tie group sizes."""
    pooled = sorted([(v, 0) for v in x1] + [(v, 1) for v in x2])
    r1 = 0.0
    ties: list[int] = []
    i = 0
    while i < len(pooled):
        j = i
        while j < len(pooled) and pooled[j][0] == pooled[i][0]:
            j += 1
        midrank = (i + 1 + j) / 2  # ranks i+1 .. j
        r1 += midrank * sum(1 for k in range(i, j) if pooled[k][1] == 0)
        ties.append(j - i)
        i = j
    return r1, ties


@functools.lru_cache(maxsize=128)
def _u_counts_no_ties(n1: int, n2: int) -> tuple[int, ...]:
    """Number of arrangements with U = 0..n1*n2 (no ties).

    These are the coefficients of the Gaussian binomial [n1+n2 choose n1](q) =
    prod_{i=1..n1} (1 - q^(n2+i)) / (1 - q^i), computed with exact integers.
    """
    size = n1 * n2 + 1
    poly = [0] * size
    poly[0] = 1
    for i in range(1, n1 + 1):
        # multiply by (1 - q^(n2+i))
        shift = n2 + i
        for k in range(size - 1, shift - 1, -1):
            poly[k] -= poly[k - shift]
        # divide by (1 - q^i): running sum with stride i
        for k in range(i, size):
            poly[k] += poly[k - i]
    return tuple(poly)


def _u_cdf_count_ties(n1: int, ties: tuple[int, ...], two_u: int) -> int:
    """Arrangements of n1 first-sample values over the tie groups with 2U <= two_u.

    U here is the first sample's statistic R1 - n1(n1+1)/2 with mid-ranks. A dynamic
    program over tie groups: state (values of sample 1 placed so far, 2*R1 so far),
    weight = product of binomial coefficients of how many of each group are sample 1.
    """
    states: dict[tuple[int, int], int] = {(0, 0): 1}
    start = 0
    for t in ties:
        two_mid = 2 * start + t + 1  # 2 * mid-rank of this group
        nxt: dict[tuple[int, int], int] = {}
        for (k, two_r), ways in states.items():
            for a in range(0, min(t, n1 - k) + 1):
                key = (k + a, two_r + a * two_mid)
                nxt[key] = nxt.get(key, 0) + ways * math.comb(t, a)
        states = nxt
        start += t
    offset = n1 * (n1 + 1)  # 2 * n1(n1+1)/2
    return sum(ways for (k, two_r), ways in states.items()
               if k == n1 and two_r - offset <= two_u)


def mann_whitney(x1: list[float], x2: list[float]) -> tuple[float, float, str]:
    """Two-sided Mann-Whitney U test: (smaller U, p-value, method).

    method is "exact", "normal", or "none" when every value of both samples is the same
    (the test says nothing; p = 1).
    """
    n1, n2 = len(x1), len(x2)
    if n1 == 0 or n2 == 0:
        raise ValueError("Mann-Whitney U test needs two non-empty samples")
    r1, ties = _ranks_and_ties(x1, x2)
    u1 = r1 - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    u = min(u1, u2)
    has_ties = any(t > 1 for t in ties)
    if len(ties) == 1:
        return u, 1.0, "none"
    limit = EXACT_TIES_LIMIT if has_ties else EXACT_LIMIT
    if n1 <= limit and n2 <= limit:
        if u1 == u2:
            return u, 1.0, "exact"
        total = math.comb(n1 + n2, n1)
        if has_ties:
            count = _u_cdf_count_ties(n1, tuple(ties), int(round(2 * u)))
        else:
            count = sum(_u_counts_no_ties(min(n1, n2), max(n1, n2))[: int(u) + 1])
        return u, min(1.0, 2 * count / total), "exact"
    n = n1 + n2
    tie_term = sum(t ** 3 - t for t in ties)
    mu = n1 * n2 / 2
    sigma = math.sqrt(n1 * n2 * ((n + 1) - tie_term / (n * (n - 1))) / 12)
    if sigma == 0:
        return u, 1.0, "none"
    numer = u - mu
    numer -= _sign(numer) * 0.5
    z = numer / sigma
    phi = NormalDist().cdf(z)
    return u, min(1.0, 2 * min(phi, 1 - phi)), "normal"


@functools.lru_cache(maxsize=16)
def min_samples_for_difference(alpha: float = ALPHA) -> tuple[str, int]:
    """Smallest n for which two samples of n values can reach p <= alpha."""
    for n in range(1, 10):
        # the most extreme arrangement of two samples of n: p = 2 / C(2n, n)
        if min(1.0, 2 / math.comb(2 * n, n)) <= alpha:
            return ">=", n
    return ">", 9


def compare_samples(old: list[float], new: list[float], alpha: float = ALPHA) -> Comparison:
    """Mann-Whitney comparison of two samples with benchstat's warnings."""
    u, p, method = mann_whitney(old, new)
    cmp = Comparison(p=p, n1=len(old), n2=len(new), alpha=alpha, u=u, method=method)
    if method == "none":
        cmp.warnings.append("all samples are equal")
    if cmp.p > alpha:
        op, need = min_samples_for_difference(alpha)
        if cmp.n1 < need and cmp.n2 < need:
            cmp.warnings.append(f"need {op} {need} samples to detect a difference at alpha "
                                f"level {alpha:g}")
    return cmp


def geomean(values: list[float]) -> float | None:
    """Geometric mean; None when a value is not > 0 (or there are none)."""
    if not values or any(v <= 0 for v in values):
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))
