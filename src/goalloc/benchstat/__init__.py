"""Benchmark results as benchstat sees them: the Go benchmark text format, the statistics
(Mann-Whitney U, order-statistic confidence intervals) and the comparison of two result sets.

Pure Python, standard library only: running benchmarks is ``goalloc.collect.bench_runner``."""
