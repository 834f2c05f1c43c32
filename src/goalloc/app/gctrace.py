"""The gctrace use case: parse a GODEBUG=gctrace=1 log and summarize it."""

from __future__ import annotations

from dataclasses import dataclass

from goalloc.errors import InputError


@dataclass
class GCTraceResult:
    trace: object  # goalloc.gctrace.GCTrace
    summary: object  # goalloc.gctrace summary


def read_gctrace(text: str, source: str, windows: int = 10) -> GCTraceResult:
    from goalloc.gctrace import parse_gctrace, summarize

    trace = parse_gctrace(text, source=source)
    if not trace.cycles:
        why = (f"{len(trace.malformed)} line(s) start like gc lines but do not have the "
               "gctrace=1 format" if trace.malformed else
               f"{trace.skipped} line(s) read" if trace.skipped else "the log is empty")
        raise InputError(f"no GC trace lines in {source} ({why}); run the program with "
                         "GODEBUG=gctrace=1 and capture its standard error")
    return GCTraceResult(trace, summarize(trace, windows=windows))
