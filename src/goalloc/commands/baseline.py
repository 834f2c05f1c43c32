"""goalloc baseline: record the heap sites and findings there are now, so that goalloc check
fails only on new ones (docs/guard.md)."""

from __future__ import annotations

import os
import sys

from goalloc.commands import options
from goalloc.commands.check import add_guard_options, guard_options, say_compile_errors, warn
from goalloc.errors import EXIT_COMPILE, EXIT_OK

EPILOG = """\
The baseline lists every heap site and rule finding by fingerprint (no line numbers: edits
elsewhere do not change it), sorted so that it reads well as a diff in review. It is written
atomically; with compile errors nothing is written (exit 3), since a baseline of part of the
module would let the rest through later.

examples:
  goalloc baseline                        # .goalloc/baseline.json at the module root
  goalloc baseline ./internal/... -o allocs-baseline.json
  goalloc baseline --shard 2/4 -o b2.json && goalloc merge b1.json b2.json ... -o all.json

""" + options.ENVIRONMENT


def register(subparsers) -> None:
    p = options.add_parser(
        subparsers, "baseline",
        help="record today's heap sites and findings; goalloc check then fails only on new ones",
        description="Scan the module and write its heap sites and rule findings, by "
                    "fingerprint, to the baseline file that goalloc check compares with.",
        epilog_text=EPILOG)
    add_guard_options(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write it (default: [baseline] file of goalloc.toml, else "
                        ".goalloc/baseline.json at the module root; - for standard output)")
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.guard import GuardOptions, make_baseline
    from goalloc.report.guard_json import render_baseline
    from goalloc.report.output import write_output

    opts = guard_options(args, GuardOptions)
    options.check_output(args)
    outcome = make_baseline(opts, args.output, progress=options.progress_for(args), warn=warn)
    if outcome.errors:
        say_compile_errors(outcome.errors, len({e.package for e in outcome.errors}),
                           "; no baseline written")
        return EXIT_COMPILE
    if args.output is None:  # the default place may not exist yet
        os.makedirs(os.path.dirname(os.path.abspath(outcome.path)), exist_ok=True)
    write_output(render_baseline(outcome.baseline), outcome.path)
    b = outcome.baseline
    if outcome.path != "-":
        print(f"goalloc: baseline of {len(b.packages)} package(s): {len(b.sites)} heap sites, "
              f"{len(b.findings)} findings -> {outcome.path}", file=sys.stderr)
    return EXIT_OK
