"""Reading the Go benchmark format (what ``go test -bench`` prints).

The format (golang.org/design/14313-benchmark-format):

* configuration lines ``key: value``; the key starts with a lower-case letter and has no
  spaces or upper-case letters; a configuration holds for every result after it in the
  same file until the key is set again (an empty value clears it). ``pkg`` is one of them.
* result lines ``BenchmarkName-8  <iterations>  <value> <unit>  <value> <unit> ...``;
  the name starts with ``Benchmark`` followed by anything but a lower-case letter, and the
  ``-8`` suffix is GOMAXPROCS (left off when it is 1).
* anything else (``PASS``, ``ok  pkg 0.1s``, log output) is not part of the data.

A result line whose numbers no benchmark can have (see :func:`implausible`: NaN or infinite
values, negative or astronomically large times, sizes or counts, fewer than one iteration) is
either skipped and counted like a malformed line, or, with ``refuse_absurd``, refused with an
InputError naming ``file:line``: statistics over it would be meaningless.

Only the standard library is used, so ``import goalloc.benchstat`` stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goalloc.errors import InputError

_CONFIG_RE = re.compile(r"^([a-z][^\sA-Z:]*):(?:\s+(.*?))?\s*$")
_PROCS_RE = re.compile(r"^(.*)-(\d+)$")
# Lines `go test` prints around benchmark results that are not results and not noise.
_KNOWN_NON_DATA = re.compile(r"^(PASS|FAIL|ok\s|\?\s|---\s|=== |testing: |exit status )")


@dataclass
class BenchResult:
    """One result line."""

    name: str  # as written, without "Benchmark" and with the -N suffix: "Append/n=10-8"
    base: str  # name without the -N suffix: "Append/n=10"
    procs: int  # GOMAXPROCS from the -N suffix (1 when there is none)
    iterations: int
    values: dict[str, float]  # unit as written -> value, e.g. {"ns/op": 12.5, "B/op": 16}
    pkg: str = ""
    config: dict[str, str] = field(default_factory=dict)
    line: int = 0  # 1-based line number in the source

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the benchmark across files: (package, name)."""
        return (self.pkg, self.name)


@dataclass
class BenchFile:
    """Everything read from one benchmark output."""

    source: str
    results: list[BenchResult] = field(default_factory=list)
    config: dict[str, str] = field(default_factory=dict)  # the first value seen of each key
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, why) for bad results
    other_lines: int = 0  # lines that are neither results nor configuration

    @property
    def units(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.results:
            for unit in r.values:
                seen.setdefault(unit, None)
        return list(seen)


def split_name(name: str) -> tuple[str, int]:
    """'Append/n=10-8' -> ('Append/n=10', 8); 'Append' -> ('Append', 1)."""
    m = _PROCS_RE.match(name)
    if m and m.group(1):
        return m.group(1), int(m.group(2))
    return name, 1


def _is_result_line(line: str) -> bool:
    if not line.startswith("Benchmark"):
        return False
    rest = line[len("Benchmark"):]
    return not rest or not rest[0].islower()


_YEAR_S = 365.25 * 24 * 3600
# unit -> (lowest, highest) plausible value. A benchmark op that takes more than a year, or
# more bytes or allocations than a 64-bit address space holds, was not measured.
_PLAUSIBLE = {
    "ns/op": (0.0, _YEAR_S * 1e9),
    "sec/op": (0.0, _YEAR_S),
    "B/op": (0.0, 2.0 ** 64),
    "allocs/op": (0.0, 2.0 ** 64),
    "MB/s": (0.0, 1e12),
    "B/s": (0.0, 1e18),
}
_CUSTOM_LIMIT = 1e150  # any other unit: beyond this, squares in the statistics overflow
_MAX_ITERATIONS = 2 ** 63 - 1  # b.N is an int


def implausible(unit: str, value: float) -> str | None:
    """Why ``value`` cannot be a measurement in ``unit``, or None."""
    if value != value or value in (float("inf"), float("-inf")):
        return f"{value!r} {unit} is not a finite number"
    low, high = _PLAUSIBLE.get(unit, (-_CUSTOM_LIMIT, _CUSTOM_LIMIT))
    if value < low:
        return f"{value:g} {unit} is negative"
    if value > high:
        return f"{value:g} {unit} is beyond any measurement (at most {high:g})"
    return None


class _Bad(str):
    """Why a result line was not read; ``absurd`` when it parsed but cannot be true."""

    absurd = False


def _absurd(why: str) -> _Bad:
    bad = _Bad(why)
    bad.absurd = True
    return bad


def _parse_result(fields: list[str]) -> tuple[int, dict[str, float]] | _Bad:
    """Iterations and values of a result line's fields after the name, or why not."""
    if len(fields) < 3:
        return _Bad("no measurements")
    try:
        iterations = int(fields[0])
    except ValueError:
        return _Bad(f"iteration count {fields[0][:40]!r} is not an integer")
    if not 1 <= iterations <= _MAX_ITERATIONS:
        return _absurd(f"iteration count {fields[0][:40]} is not between 1 and "
                       f"{_MAX_ITERATIONS}")
    pairs = fields[1:]
    if len(pairs) % 2:
        return _Bad("values and units do not pair up")
    values: dict[str, float] = {}
    for i in range(0, len(pairs), 2):
        raw, unit = pairs[i], pairs[i + 1]
        try:
            value = float(raw)
        except ValueError:
            return _Bad(f"value {raw[:40]!r} is not a number")
        why = implausible(unit, value)
        if why:
            return _absurd(why)
        values.setdefault(unit, value)  # the format says the first of a unit wins
    return iterations, values


def parse_bench_text(text: str, source: str = "-", refuse_absurd: bool = False) -> BenchFile:
    """Parse benchmark output. Odd lines are counted, never raised; a result line with
    implausible numbers is one of them, unless ``refuse_absurd``: then it is an InputError
    naming ``source:line``."""
    out = BenchFile(source=source)
    config: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if _is_result_line(line):
            fields = line.split()
            parsed = _parse_result(fields[1:])
            if isinstance(parsed, _Bad):
                if parsed.absurd and refuse_absurd:
                    raise InputError(f"{source}:{lineno}: {fields[0][:80]}: {parsed}; "
                                     "not a measurement a benchmark can produce")
                out.bad_lines.append((lineno, str(parsed)))
                continue
            iterations, values = parsed
            full = fields[0][len("Benchmark"):]
            base, procs = split_name(full)
            out.results.append(BenchResult(name=full, base=base, procs=procs,
                                           iterations=iterations, values=values,
                                           pkg=config.get("pkg", ""), config=dict(config),
                                           line=lineno))
            continue
        m = _CONFIG_RE.match(raw.rstrip())
        if m and not _KNOWN_NON_DATA.match(line):
            key, value = m.group(1), (m.group(2) or "")
            if value:
                config[key] = value
                out.config.setdefault(key, value)
            else:
                config.pop(key, None)
            continue
        out.other_lines += 1
    return out
