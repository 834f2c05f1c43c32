"""goalloc lab: measure container choices (maps, slices, string interning) for the user's own
types and workload, on the user's Go.

Pure parts only: the question and its sweep points (``plan``), the Go benchmark source made
for them (``gocode``), the statistics and verdicts over the results (``verdict``), and the
``goalloc lab`` command line a lint finding suggests (``suggest``). Running the benchmarks is
``goalloc.collect.lab_workspace`` plus ``goalloc.collect.bench_runner``; ``goalloc.app.lab``
wires them together.
"""
