"""The command list. Each command is a module here with ``register(subparsers)``, which adds
its parser and sets ``func`` to ``run(args) -> exit code``. A command parses options, calls one
use case in ``goalloc.app`` and picks a reporter in ``goalloc.report``; it imports heavy
modules inside ``run`` only, so ``goalloc --help`` stays fast. Options shared by several
commands are defined once in ``options``.

To add a command: write ``commands/NAME.py`` and add NAME below (the order of ``--help``)."""

COMMANDS = ("scan", "lint", "grow", "verify", "profile", "bench", "gctrace", "baseline", "check",
            "merge", "calls", "watch", "canary", "lab")
