"""Errors that end a command with a one-line message and a documented exit code.

Exit codes (the same for every command):
      0  ok
      1  a policy matched (``--fail-on``, a regression gate)
      2  usage, toolchain or input error, or a report that cannot be written
      3  the target has compile errors (what compiled is still reported)
    130  interrupted (Ctrl-C)
"""

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_USAGE = 2
EXIT_COMPILE = 3


class GoallocError(Exception):
    """A failure the user can act on; the CLI prints ``goalloc: <message>`` and exits."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(GoallocError):
    """Bad flags or arguments."""


class InputError(GoallocError):
    """A file or directory that cannot be read or is not what it should be."""


class ToolchainError(GoallocError):
    """No Go toolchain, or one that does not work."""


class OutputError(GoallocError):
    """A report or file that cannot be written (a full disk, a closed or broken stdout)."""
