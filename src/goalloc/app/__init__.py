"""Use cases: what a command does, with typed options in and typed results out.

A command parses its options, calls one function here and hands the result to a reporter.
Nothing here parses arguments, prints a report or imports ``goalloc.commands``."""
