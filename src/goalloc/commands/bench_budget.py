"""`goalloc bench run --budget FILE` / `--update-budget`: allocation budgets per benchmark,
judged on the median of the --count runs (docs/guard.md). Used by commands/bench.py."""

from __future__ import annotations

import sys

from goalloc.errors import EXIT_OK, EXIT_POLICY, UsageError


def add_options(p) -> None:
    p.add_argument("--budget", metavar="FILE",
                   help="judge allocs/op and B/op against the [budgets.benchmarks] of FILE "
                        "(default: those of goalloc.toml, if any); exit 1 when a median exceeds")
    p.add_argument("--update-budget", action="store_true",
                   help="write the measured medians plus --headroom to --budget FILE instead")
    p.add_argument("--headroom", type=float, default=10.0, metavar="PCT",
                   help="headroom of --update-budget over the median, in percent (default 10)")
    p.add_argument("--config", metavar="FILE",
                   help="the policy file (default: goalloc.toml next to go.mod, if any)")


def load(args, directory: str) -> list:
    """The budgets, read before the benchmarks run so a bad file fails fast."""
    from goalloc.app.guard import load_bench_budgets

    if args.update_budget:
        if not args.budget:
            raise UsageError("--update-budget needs --budget FILE (it does not rewrite "
                             "goalloc.toml)")
        if args.headroom < 0:
            raise UsageError("--headroom must be 0 or more")
        return []
    return load_bench_budgets(directory, args.budget, args.config)


def apply(args, run, budgets: list) -> int:
    """Judge (or update) the budgets on ``run``; say on stderr what exceeded."""
    from goalloc.app.guard import judge_bench_budgets, update_bench_budgets

    if args.update_budget:
        n = update_bench_budgets(args.budget, run.results, args.headroom / 100)
        print(f"goalloc: wrote budgets of {n} benchmark(s) to {args.budget} "
              f"({args.headroom:g}% headroom)", file=sys.stderr)
        return EXIT_OK
    if not budgets:
        return EXIT_OK
    results, unmatched = judge_bench_budgets(budgets, run.results)
    for b in unmatched:
        print(f"goalloc: warning: {b.where}: budget {b.name} matches no benchmark that ran",
              file=sys.stderr)
    exceeded = [r for r in results if r.exceeded]
    for r in exceeded:
        print(f"goalloc: budget exceeded: {r.describe()}", file=sys.stderr)
    print(f"goalloc: {len(results) - len(exceeded)} of {len(results)} budget(s) held",
          file=sys.stderr)
    return EXIT_POLICY if exceeded else EXIT_OK
