"""The bench use cases: run Go benchmarks with allocation statistics and save the results, and
compare two result files as benchstat does."""

from __future__ import annotations

import os
from dataclasses import dataclass

from goalloc.errors import InputError


@dataclass
class BenchOptions:
    directory: str = "."
    packages: list[str] | None = None
    bench: str = "."
    count: int = 6
    benchtime: str | None = None
    save: str | None = None  # raw output file (default .goalloc/bench/<UTC time>.txt)
    memprofile_dir: str | None = None  # default .goalloc/bench/<UTC time>/
    memprofile: bool = True
    timeout: float | None = None
    tags: str | None = None


@dataclass
class CompareOptions:
    old: tuple[str, str]  # (text, source name)
    new: tuple[str, str]
    alpha: float = 0.05
    confidence: float = 0.95


def run_bench(options: BenchOptions, log=None):
    """A goalloc.collect.bench_runner.BenchRun; BenchFailed (with what did run) on failures.
    ``log`` receives go test's result lines as they come."""
    from goalloc.collect.bench_runner import AUTO, run_benchmarks
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.goinfo import GoInfo

    if not os.path.isdir(options.directory):
        raise InputError(f"directory not found: {options.directory}")
    # AUTO: .goalloc/bench/<UTC time> reserved for this run alone (two runs in one second
    # get different names).
    out = options.save or AUTO
    memdir = None
    if options.memprofile:
        memdir = os.path.abspath(options.memprofile_dir) if options.memprofile_dir else AUTO
    extra = [f"-tags={options.tags}"] if options.tags else None
    toolchain = find_toolchain()
    run = run_benchmarks(toolchain, options.packages or None, bench=options.bench,
                         count=options.count, cwd=options.directory, memprofile_dir=memdir,
                         benchtime=options.benchtime, out=out, progress=log,
                         timeout=options.timeout, extra_args=extra)
    run.go = GoInfo.of(toolchain)
    return run


@dataclass
class ParsedInputs:
    files: list  # goalloc.benchstat.format.BenchFile, OLD then NEW
    skipped: list[str]  # one line per file with malformed result lines that were skipped


def compare_files(options: CompareOptions):
    """(CompareResult, notes about skipped lines)."""
    from goalloc.benchstat.compare import compare
    from goalloc.benchstat.format import parse_bench_text

    parsed, skipped = [], []
    for text, source in (options.old, options.new):
        bf = parse_bench_text(text, source=source, refuse_absurd=True)
        if not bf.results:
            extra = (f" ({len(bf.bad_lines)} malformed result line(s), first at line "
                     f"{bf.bad_lines[0][0]}: {bf.bad_lines[0][1]})" if bf.bad_lines else "")
            raise InputError(f"no benchmark results in {source}{extra}")
        if bf.bad_lines:
            skipped.append(f"{source}: skipped {len(bf.bad_lines)} malformed result line(s), "
                           f"first at line {bf.bad_lines[0][0]}: {bf.bad_lines[0][1]}")
        parsed.append(bf)
    res = compare(parsed[0], parsed[1], alpha=options.alpha, confidence=options.confidence)
    if not any(row.comparison for row in res.rows):
        raise InputError(f"{res.old_source} and {res.new_source} have no benchmark in common")
    return res, skipped
