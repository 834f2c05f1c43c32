"""The gate: what keeps fixed allocations from coming back (docs/guard.md).

Pure analysis over the scan's model types: fingerprints that survive edits elsewhere
(``fingerprint``), the baseline and its comparison with a scan (``baseline``), the in-code
contracts read from Go source text (``gosource``, ``contracts``), heap-site and benchmark
budgets (``budgets``), the verdict of one check (``gate``) and the split of packages into
shards (``shard``). Running the scan, git and files is the use case's work (``goalloc.app.guard``).
"""
