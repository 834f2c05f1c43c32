"""The goalloc command line: parse arguments, run one command, turn errors into exit codes.

The commands are listed in ``goalloc.commands.COMMANDS``; see that package for the contract
each command module follows."""

from __future__ import annotations

import argparse
import importlib
import sys

from goalloc import __version__
from goalloc.errors import EXIT_USAGE, GoallocError

DESCRIPTION = """\
goalloc finds where a Go module allocates on the heap and why (from the compiler's own
escape analysis), models what slice and map growth costs for each Go version, and proves it
with profiles and benchmarks.

examples:
  goalloc scan --example              # the example service shipped with goalloc
  goalloc scan ./... --format sarif -o goalloc.sarif
  goalloc grow slice --elem int64 --n 1000
  goalloc verify --example            # benchmarks + memory profile, tied to the sites
  goalloc COMMAND --help              # options and examples of one command

exit codes:
  0    ok
  1    a policy matched (--fail-on)
  2    usage, toolchain or input error (one line on stderr)
  3    the target has compile errors (what compiled is still reported)
  130  interrupted (Ctrl-C)
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as documented
        self.exit(EXIT_USAGE, f"goalloc: error: {message} (see '{self.prog} --help')\n")


def _command_modules():
    from goalloc.commands import COMMANDS

    return [importlib.import_module(f"goalloc.commands.{name}") for name in COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="goalloc", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"goalloc {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=_Parser)
    for module in _command_modules():
        module.register(subparsers)
    return parser


def _normalize(argv: list[str]) -> list[str]:
    """Old spellings a command still accepts (for example ``bench PACKAGES`` for ``bench run
    PACKAGES``) are rewritten by the command module's ``normalize_argv``."""
    if not argv:
        return argv
    from goalloc.commands import COMMANDS

    if argv[0] in COMMANDS:
        module = importlib.import_module(f"goalloc.commands.{argv[0]}")
        hook = getattr(module, "normalize_argv", None)
        if hook is not None:
            return [argv[0], *hook(argv[1:])]
    return argv


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(_normalize(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except GoallocError as exc:
        print(f"goalloc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("goalloc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (| head); nothing left to say.
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            return 0


if __name__ == "__main__":
    sys.exit(main())
