"""goalloc canary: compare a canary's allocation rates with its baseline's, for a rollout gate."""

from __future__ import annotations

import argparse
import sys

from goalloc.commands import options
from goalloc.commands.watch import add_http, check_source, http_settings, positive
from goalloc.errors import EXIT_POLICY, UsageError

HELP = "sample a baseline and a canary together: which sites' allocation rates regressed"

EPILOG = """\
Both services are polled at the same moments every --interval for --duration; each
interval is a window, and each site's objects/s and bytes/s, the GC cycles/s and the live
heap are compared over the windows with the statistics of 'bench compare' (Mann-Whitney U,
Holm-adjusted over the rows, and a threshold for a change that matters). For an Argo Rollouts
analysis Job or a Flagger webhook: see docs/watch.md.

examples:
  goalloc canary http://stable:6060 http://canary:6060 --duration 300 --interval 10
  goalloc canary -C . base=10.0.0.5:6060 canary=10.0.0.6:6060 --duration 120 \\
      --format markdown -o canary.md
  goalloc canary localhost:6060 localhost:6061 --duration 20 --interval 1 --inconclusive=pass

exit 0: pass; 1: a regression, or an inconclusive run unless --inconclusive=pass."""


def _fraction(text: str) -> float:
    value = positive(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def register(subparsers) -> None:
    p = options.add_parser(subparsers, "canary", help=HELP, epilog_text=EPILOG)
    p.add_argument("base", metavar="BASE_URL", help="[NAME=]URL of the baseline")
    p.add_argument("canary", metavar="CANARY_URL", help="[NAME=]URL of the canary")
    p.add_argument("--duration", type=positive, required=True, metavar="S",
                   help="seconds to sample both")
    p.add_argument("--interval", type=positive, default=5.0, metavar="S",
                   help="seconds per window (default 5)")
    p.add_argument("--threshold", type=positive, default=0.2, metavar="R",
                   help="smallest relative rise that counts as a regression (default 0.2)")
    p.add_argument("--alpha", type=_fraction, default=0.05, metavar="A",
                   help="significance level, before Holm's adjustment (default 0.05)")
    p.add_argument("--min-rate", type=float, default=10.0, metavar="N",
                   help="sites under N objects/s in both are not compared (default 10)")
    p.add_argument("--inconclusive", choices=("fail", "pass"), default="fail",
                   help="exit code of an inconclusive run: fail (1, the default) or pass (0)")
    options.add_format(p, ("text", "json", "markdown"))
    options.add_output(p)
    add_http(p)
    options.add_progress(p)
    options.add_cache(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.canary import CanaryOptions, canary
    from goalloc.report import watch_canary
    from goalloc.report.output import write_output
    from goalloc.report.watch_text import event_line
    from goalloc.watch.canary import CanaryPolicy

    if args.interval * 2 > args.duration:
        raise UsageError(f"--duration {args.duration:g} leaves fewer than two windows of "
                         f"--interval {args.interval:g}")
    if args.min_rate < 0:
        raise UsageError("--min-rate must be 0 or more")
    options.check_output(args)
    check_source(args)
    opts = CanaryOptions(base=args.base, canary=args.canary, duration=args.duration,
                         interval=args.interval, force_gc=args.gc, source=args.source,
                         link_scan=not args.no_scan, http=http_settings(args),
                         use_cache=not args.no_cache,
                         policy=CanaryPolicy(alpha=args.alpha, threshold=args.threshold,
                                             min_objects_per_second=args.min_rate))
    run_ = canary(opts, on_event=lambda e: print(event_line(e), file=sys.stderr, flush=True),
                  progress=options.progress_for(args))
    render = {"json": watch_canary.render_json, "markdown": watch_canary.markdown,
              "text": watch_canary.text}[args.format]
    write_output(render(run_), args.output)
    verdict = run_.result.verdict
    if verdict == "regression" or (verdict == "inconclusive" and args.inconclusive == "fail"):
        return EXIT_POLICY
    return 0
