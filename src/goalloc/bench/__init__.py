"""Benchmarks and GC traces: run ``go test -bench``, compare results as benchstat does,
read ``GODEBUG=gctrace=1`` logs.

Importing this package is cheap (standard library only); scipy and matplotlib are never
needed here.

    from goalloc.bench import run_benchmarks, BenchRun       # go test -bench runner
    from goalloc.bench import parse_bench_text, compare       # benchstat-style comparison
    from goalloc.bench import parse_gctrace                   # gctrace logs
"""

from goalloc.bench.compare import CompareResult, compare
from goalloc.bench.format import BenchFile, BenchResult, parse_bench_text
from goalloc.bench.gctrace import GCCycle, GCTrace, parse_gctrace
from goalloc.bench.runner import BenchFailed, BenchRun, default_out_path, run_benchmarks

__all__ = ["BenchFailed", "BenchFile", "BenchResult", "BenchRun", "CompareResult", "GCCycle",
           "GCTrace", "compare", "default_out_path", "parse_bench_text", "parse_gctrace",
           "run_benchmarks"]
