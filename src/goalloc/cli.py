"""The goalloc command line: parse arguments, call the core, pick a reporter.

Each subcommand lives in ``goalloc.commands.<name>`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func`` to a callable taking the parsed arguments and
returning an exit code. Command modules import heavy dependencies inside ``func`` only, so
``goalloc --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from goalloc import __version__
from goalloc.errors import EXIT_USAGE, GoallocError

# The order commands appear in --help; commands not listed here come after, by name.
COMMAND_ORDER = ["scan", "grow", "verify", "profile", "bench", "gctrace"]

DESCRIPTION = """\
goalloc finds where a Go module allocates on the heap and why (from the compiler's own
escape analysis), models what slice and map growth costs for each Go version, and proves it
with profiles and benchmarks.

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
    import goalloc.commands as pkg

    names = [m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_")]
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    names.sort(key=lambda n: (rank.get(n, len(rank)), n))
    return [importlib.import_module(f"goalloc.commands.{name}") for name in names]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="goalloc", description=DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"goalloc {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=_Parser)
    for module in _command_modules():
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from goalloc.report.output import finish_stdout, guard_std_streams, stdout_failed

    try:
        guard_std_streams()
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
