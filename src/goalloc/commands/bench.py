"""goalloc bench: run Go benchmarks, and compare two sets of results as benchstat does."""

from __future__ import annotations

import argparse
import sys

from goalloc.errors import EXIT_OK, InputError, UsageError

USAGE = """goalloc bench [PACKAGES ...] [--bench REGEX] [--count N] [--save FILE] [options]
       goalloc bench compare OLD NEW [--format text|json] [options]"""

EPILOG = """\
run:
  Runs `go test -run=^$ -bench REGEX -benchmem -count N -memprofile ...` per package,
  echoes results to stderr as they come, saves the raw output (default
  .goalloc/bench/<UTC time>.txt) and a memory profile plus test binary per package
  (default .goalloc/bench/<UTC time>/). Exit 2 when nothing produced a benchmark result,
  3 on compile errors.

compare:
  Reads two files in the Go benchmark format (`-` is standard input) and compares every
  benchmark and unit (sec/op, B/op, allocs/op, custom metrics): medians with 95% confidence
  intervals, Mann-Whitney U test p-values, `~` when p > alpha (0.05), geomeans.

A package directory named "compare" must be written ./compare.

examples:
  goalloc bench ./... --bench Append --count 10 --save old.txt
  goalloc bench ./... --bench Append --count 10 --save new.txt
  goalloc bench compare old.txt new.txt
  goalloc bench compare old.txt new.txt --format json
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "bench", usage=USAGE,
        help="run go test benchmarks (-benchmem, -memprofile); compare results like benchstat",
        description="Run Go benchmarks with allocation statistics and save the results, or "
                    "compare two result files (goalloc bench compare OLD NEW).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("args", nargs="*", metavar="PACKAGES",
                   help="packages to benchmark (default .), or: compare OLD NEW")
    run = p.add_argument_group("running benchmarks")
    run.add_argument("--bench", default=".", metavar="REGEX",
                     help="benchmarks to run (go test -bench; default .)")
    run.add_argument("--count", type=int, default=6, metavar="N",
                     help="runs of each benchmark (default 6, the fewest for a 95%% CI)")
    run.add_argument("--benchtime", metavar="D", help="go test -benchtime (e.g. 1s, 1000x)")
    run.add_argument("--save", metavar="FILE",
                     help="save the raw go test output here "
                          "(default .goalloc/bench/<UTC time>.txt)")
    run.add_argument("--memprofile-dir", metavar="DIR",
                     help="where the per-package .mem.pprof and test binaries go "
                          "(default .goalloc/bench/<UTC time>/)")
    run.add_argument("--no-memprofile", action="store_true", help="do not write memory profiles")
    run.add_argument("-C", "--dir", default=".", metavar="DIR",
                     help="run go test in DIR (default: current directory)")
    run.add_argument("--timeout", type=float, metavar="SECONDS",
                     help="stop each package's go test run after this long (build included; "
                          "go test's own -timeout does not apply to benchmarks)")
    cmp = p.add_argument_group("comparing results")
    cmp.add_argument("--alpha", type=float, default=0.05,
                     help="significance level of the U test (default 0.05)")
    cmp.add_argument("--confidence", type=float, default=0.95,
                     help="confidence level of the intervals (default 0.95)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the report to FILE (atomically) instead of stdout")
    p.set_defaults(func=main)


def main(args) -> int:
    if args.args and args.args[0] == "compare":
        return _compare(args, args.args[1:])
    return _run(args, args.args)


def _read(path: str, what: str) -> tuple[str, str]:
    from goalloc.fsutil import read_text

    if path == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError(f"{what} is -, but nothing is piped into standard input")
        return sys.stdin.read(), "<stdin>"
    return read_text(path, f"benchmark file ({what})"), path


def _compare(args, files: list[str]) -> int:
    from goalloc.benchstat.compare import compare
    from goalloc.benchstat.format import parse_bench_text
    from goalloc.report import bench_report
    from goalloc.report.output import write_output

    if len(files) != 2:
        raise UsageError("bench compare takes two files: OLD NEW")
    if files[0] == "-" and files[1] == "-":
        raise UsageError("only one of OLD and NEW can be standard input")
    if not 0 < args.alpha < 1:
        raise UsageError("--alpha must be between 0 and 1")
    if not 0 < args.confidence < 1:
        raise UsageError("--confidence must be between 0 and 1")
    parsed = []
    for path, what in zip(files, ("OLD", "NEW")):
        text, source = _read(path, what)
        bf = parse_bench_text(text, source=source, refuse_absurd=True)
        if not bf.results:
            extra = f" ({len(bf.bad_lines)} malformed result line(s), first at line " \
                    f"{bf.bad_lines[0][0]}: {bf.bad_lines[0][1]})" if bf.bad_lines else ""
            raise InputError(f"no benchmark results in {source}{extra}")
        if bf.bad_lines:
            print(f"goalloc: {source}: skipped {len(bf.bad_lines)} malformed result line(s), "
                  f"first at line {bf.bad_lines[0][0]}: {bf.bad_lines[0][1]}", file=sys.stderr)
        parsed.append(bf)
    res = compare(parsed[0], parsed[1], alpha=args.alpha, confidence=args.confidence)
    if not any(row.comparison for row in res.rows):
        raise InputError(f"{res.old_source} and {res.new_source} have no benchmark in common")
    if args.format == "json":
        write_output(bench_report.render_compare_json(res), args.output)
    else:
        write_output(bench_report.render_compare_text(res), args.output)
    return EXIT_OK


def _run(args, packages: list[str]) -> int:
    import os

    from goalloc.collect.bench_runner import AUTO, BenchFailed, run_benchmarks
    from goalloc.collect.toolchain import find_toolchain

    if args.count < 1:
        raise UsageError("--count must be at least 1")
    if not os.path.isdir(args.dir):
        raise InputError(f"directory not found: {args.dir}")
    out = args.save or AUTO  # AUTO: a .goalloc/bench/<UTC time> of this run's own
    if args.save:
        parent = os.path.dirname(os.path.abspath(args.save))
        if not os.path.isdir(parent):
            raise UsageError(f"--save {args.save}: directory {parent} does not exist")
    memdir = None
    if not args.no_memprofile:
        memdir = os.path.abspath(args.memprofile_dir) if args.memprofile_dir else AUTO
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    toolchain = find_toolchain()
    try:
        run = run_benchmarks(toolchain, packages or None, bench=args.bench, count=args.count,
                             cwd=args.dir, memprofile_dir=memdir, benchtime=args.benchtime,
                             out=out, progress=sys.stderr, timeout=args.timeout)
    except BenchFailed as exc:
        if not exc.run.results:
            raise
        # Report what did run, then fail with the documented exit code.
        _report_run(args, exc.run)
        print(f"goalloc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    _report_run(args, run)
    return EXIT_OK


def _report_run(args, run) -> None:
    from goalloc.report import bench_report
    from goalloc.report.output import write_output

    if run.packages_without_benchmarks:
        print("goalloc: no benchmarks in: " + ", ".join(run.packages_without_benchmarks),
              file=sys.stderr)
    if args.count < 6:
        print(f"goalloc: --count {args.count}: benchstat-style comparisons need >= 6 runs for a "
              "95% confidence interval and >= 4 to detect a difference", file=sys.stderr)
    if args.format == "json":
        write_output(bench_report.render_run_json(run), args.output)
    else:
        write_output(bench_report.render_run_text(run), args.output)
