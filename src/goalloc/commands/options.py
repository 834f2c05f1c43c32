"""Options shared by several commands, defined once so that the same thing has the same
spelling everywhere (``-C``, ``--example``, ``--tags``, ``--format``, ``-o``, rule selection,
progress and cache switches), plus the epilog text every ``--help`` ends with."""

from __future__ import annotations

import argparse
import os

from goalloc.errors import UsageError

EXIT_CODES = """\
exit codes:
  0    ok
  1    a policy matched (--fail-on)
  2    usage, toolchain or input error, or a report that cannot be written (one line on stderr)
  3    the target has compile errors (what compiled is still reported)
  130  interrupted (Ctrl-C)"""

ENVIRONMENT = ("environment: GOALLOC_GO (the go binary), GOOS, GOARCH, GOFLAGS, "
               "GOALLOC_CACHE_DIR, GOALLOC_NO_CACHE=1, NO_COLOR")


def epilog(*sections: str) -> str:
    """The end of a command's --help: its own sections, then exit codes."""
    return "\n\n".join([s.rstrip() for s in sections if s] + [EXIT_CODES])


def add_parser(subparsers, name: str, *, help: str, description: str | None = None,
               epilog_text: str = "", **kwargs) -> argparse.ArgumentParser:
    return subparsers.add_parser(name, help=help, description=description or help,
                                 epilog=epilog(epilog_text),
                                 formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def add_module(p, *, example: bool = True, patterns: bool = True) -> None:
    """PATTERNS, -C/--dir DIR and --example: what to analyse."""
    if patterns:
        p.add_argument("patterns", nargs="*", metavar="PATTERN",
                       help="package patterns as for go build (default ./...)")
    p.add_argument("-C", "--dir", dest="directory", default=".", metavar="DIR",
                   help="run in DIR, like go -C (default: the current directory)")
    if example:
        p.add_argument("--example", action="store_true",
                       help="use the example service shipped inside goalloc")


def add_tags(p) -> None:
    p.add_argument("--tags", default=None, metavar="TAG[,TAG]", help="comma-separated build tags")


def add_gcflags(p) -> None:
    p.add_argument("--gcflags", default=None, metavar="FLAGS",
                   help="extra compiler flags, as for go build -gcflags: ARGS for the named "
                        "packages (e.g. -l, -N) or all=ARGS for every package; goalloc adds -m=2")


def add_format(p, formats: tuple[str, ...] = ("text", "json")) -> None:
    p.add_argument("--format", choices=formats, default="text",
                   help=f"output format: {', '.join(formats)} (default text)")


def add_output(p) -> None:
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write the report to FILE (atomically) instead of standard output")


def add_progress(p) -> None:
    p.add_argument("--no-progress", action="store_true",
                   help="no progress lines on stderr (they are shown only on a terminal)")


def add_cache(p) -> None:
    p.add_argument("--no-cache", action="store_true",
                   help="do not read or write goalloc's result cache "
                        "($GOALLOC_CACHE_DIR or ~/.cache/goalloc; GOALLOC_NO_CACHE=1 does the same)")


def add_rules(p, *, lint: bool = False) -> None:
    """--rules IDS, --no-rules [IDS] and --assume-n, the same in scan, lint and verify."""
    p.add_argument("--rules", action="append", metavar="ID[,ID]",
                   help="run only these source rules (repeatable; see 'goalloc lint --help')")
    p.add_argument("--no-rules", action="append", nargs="?", const="*", metavar="ID[,ID]",
                   help="skip these rules (repeatable)" + ("" if lint else
                        ", or every rule when given no list"))
    p.add_argument("--assume-n", type=int, default=1000, metavar="N",
                   help="trip count assumed for loops whose bound is not constant (default 1000)")


def resolve_module(args) -> tuple[str, list[str]]:
    """(directory, patterns) from -C, PATTERNS and --example."""
    patterns = list(getattr(args, "patterns", None) or [])
    directory = args.directory
    if getattr(args, "example", False):
        if patterns:
            raise UsageError("--example takes no package patterns")
        if directory not in (".", None):
            raise UsageError("--example and -C name two modules; give one")
        from goalloc import example_dir

        directory = example_dir()
    return directory, patterns or ["./..."]


def check_output(args) -> None:
    """An -o that cannot be written fails before any work is done."""
    path = getattr(args, "output", None)
    if not path or path == "-":
        return
    if os.path.isdir(path):
        raise UsageError(f"-o {path} is a directory; name a file")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"-o {path}: directory {parent} does not exist")


def rule_selection(args, *, lint: bool = False):
    """A goalloc.app.scan.RuleSelection from --rules / --no-rules / --assume-n."""
    from goalloc.app.scan import RuleSelection

    if args.assume_n < 1:
        raise UsageError(f"--assume-n must be at least 1, not {args.assume_n}")
    excluded = args.no_rules or []
    if "*" in excluded and not args.rules:
        if lint:
            raise UsageError("--no-rules without a list switches every rule off: "
                             "nothing left for lint to run")
        return RuleSelection(enabled=False, assume_n=args.assume_n)
    select = args.rules or None
    exclude = [x for x in excluded if x != "*"] or None
    selection = RuleSelection(select=select, exclude=exclude, assume_n=args.assume_n)
    try:
        selection.resolve()  # unknown rule names fail before any work
    except Exception as exc:  # the rules layer says which name is unknown
        from goalloc.errors import GoallocError

        if isinstance(exc, GoallocError):
            raise UsageError(str(exc)) from None
        raise
    return selection


def compile_errors(result) -> int:
    """Exit 3 with one line naming the first compile error, after the report of what did
    compile; 0 when everything compiled. ``result`` has ``errors`` and ``failed_packages``."""
    import sys

    from goalloc.errors import EXIT_COMPILE

    if not result.errors:
        return 0
    first = result.errors[0]
    where = f"{first.file}:{first.line}:{first.col}: " if first.file else ""
    print(f"goalloc: error: {len(result.failed_packages)} package(s) do not compile, "
          f"first: {where}{first.message}", file=sys.stderr)
    return EXIT_COMPILE


def split_list(value: str | None, allowed: tuple, what: str) -> set[str] | None:
    if not value:
        return None
    items = {v.strip() for v in value.split(",") if v.strip()}
    bad = sorted(items - set(allowed))
    if bad:
        raise UsageError(f"unknown {what} {', '.join(bad)}; choose from {', '.join(allowed)}")
    return items


def progress_for(args):
    """A progress reporter on stderr, or None when --no-progress."""
    from goalloc.progress import Progress

    return Progress(enabled=False) if getattr(args, "no_progress", False) else Progress()
