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
  2    usage, toolchain or input error (also: a report that cannot be written)
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
    from goalloc.report.output import finish_stdout, guard_std_streams, stdout_failed

    parser = build_parser()
    try:
        guard_std_streams()
        try:
            args = parser.parse_args(_normalize(list(sys.argv[1:] if argv is None else argv)))
        except SystemExit as exc:  # --help, --version, or a usage error already printed
            code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
            if code == 0:
                finish_stdout()  # --help into a full or closed stdout is an error too
            return code
        if not getattr(args, "func", None):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        if getattr(args, "no_cache", False):  # no persistent cache at all, for this run
            from goalloc import cache

            cache.disable()
        code = int(args.func(args) or 0)
        finish_stdout()  # a full or closed stdout fails here, not in the interpreter's exit
        return code
    except GoallocError as exc:
        _say(f"goalloc: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say("goalloc: interrupted")
        return 130
    except (BrokenPipeError, ConnectionResetError) as exc:
        # A write to stdout that did not go through goalloc.report.output.
        _say(f"goalloc: error: {stdout_failed(exc)}")
        return EXIT_USAGE
    finally:
        from goalloc import cache

        cache.reset()  # --no-cache holds for this run only (tests call main many times)


def _say(line: str) -> None:
    """One line on stderr; a stderr that cannot take it leaves only the exit code."""
    try:
        print(line, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
