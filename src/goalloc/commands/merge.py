"""goalloc merge: join the reports of shards (goalloc baseline or goalloc check --format json
with --shard I/N) into one, as if one runner had done all packages (docs/guard.md)."""

from __future__ import annotations

import sys

from goalloc.commands import options
from goalloc.errors import EXIT_OK, UsageError

EPILOG = """\
Inputs are all baselines (the output is a baseline) or all check reports (the output is a
check report in any --format, and the exit code is check's: 1 when something fails the gate,
3 when a package does not compile). Shards must cover different packages and, for check
reports, be checked against the same baseline.

examples:
  goalloc merge shard-*.json -o check.json            # check reports of a CI matrix
  goalloc merge shard-*.json --format markdown         # one pull-request comment
  goalloc merge b1.json b2.json -o .goalloc/baseline.json   # baselines of shards

"""


def register(subparsers) -> None:
    from goalloc.report.guard_formats import FORMATS

    p = options.add_parser(
        subparsers, "merge", help="join shard reports of baseline or check into one",
        description="Join the JSON documents of goalloc baseline or goalloc check written by "
                    "shards (--shard I/N) into one document or report.",
        epilog_text=EPILOG)
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON documents to join")
    p.add_argument("--format", choices=FORMATS, default="json",
                   help=f"output format for check reports: {', '.join(FORMATS)} (default json)")
    options.add_output(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from goalloc.app.guard import merge_documents
    from goalloc.commands.check import exit_code, write_reports
    from goalloc.report.guard_json import render_baseline
    from goalloc.report.output import write_output

    options.check_output(args)
    kind, merged = merge_documents(args.files)
    if kind == "baseline":
        if args.format != "json":
            raise UsageError("merged baselines are JSON only; --format is for check reports")
        write_output(render_baseline(merged), args.output)
        print(f"goalloc: merged {len(args.files)} baselines: {len(merged.packages)} packages, "
              f"{len(merged.sites)} heap sites, {len(merged.findings)} findings",
              file=sys.stderr)
        return EXIT_OK
    write_reports(merged, args.format, args.output, [])
    return exit_code(merged)
