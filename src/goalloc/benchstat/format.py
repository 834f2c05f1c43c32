"""Reading the Go benchmark format (what ``go test -bench`` prints).

The format (golang.org/design/14313-benchmark-format):

* configuration lines ``key: value``; the key starts with a lower-case letter and has no
  spaces or upper-case letters; a configuration holds for every result after it in the
  same file until the key is set again (an empty value clears it). ``pkg`` is one of them.
* result lines ``BenchmarkName-8  <iterations>  <value> <unit>  <value> <unit> ...``;
  the name starts with ``Benchmark`` followed by anything but a lower-case letter, and the
  ``-8`` suffix is GOMAXPROCS (left off when it is 1).
* anything else (``PASS``, ``ok  pkg 0.1s``, log output) is not part of the data.

Only the standard library is used, so ``import goalloc.benchstat`` stays cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def _parse_result(fields: list[str]) -> tuple[int, dict[str, float]] | str:
    """Iterations and values of a result line's fields after the name, or why not."""
    if len(fields) < 3:
        return "no measurements"
    try:
        iterations = int(fields[0])
    except ValueError:
        return f"iteration count {fields[0]!r} is not an integer"
    pairs = fields[1:]
    if len(pairs) % 2:
        return "values and units do not pair up"
    values: dict[str, float] = {}
    for i in range(0, len(pairs), 2):
        raw, unit = pairs[i], pairs[i + 1]
        try:
            value = float(raw)
        except ValueError:
            return f"value {raw!r} is not a number"
        if value != value or value in (float("inf"), float("-inf")):
            return f"value {raw!r} is not finite"
        values.setdefault(unit, value)  # the format says the first of a unit wins
    return iterations, values


def parse_bench_text(text: str, source: str = "-") -> BenchFile:
    """Parse benchmark output; never raises for odd lines (they are counted instead)."""
    out = BenchFile(source=source)
    config: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if _is_result_line(line):
            fields = line.split()
            parsed = _parse_result(fields[1:])
            if isinstance(parsed, str):
                out.bad_lines.append((lineno, parsed))
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
