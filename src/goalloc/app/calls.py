"""goalloc calls' use case: the runtime allocation calls of every function of the matched
packages (goalloc.app.compiled), optionally set beside scan's sites."""

from __future__ import annotations

from goalloc.app.compiled import CallsOptions, CallsResult, read_calls
from goalloc.collect.toolchain import Toolchain, find_toolchain


def calls(options: CallsOptions, toolchain: Toolchain | None = None) -> CallsResult:
    toolchain = toolchain or find_toolchain()
    result = read_calls(options, toolchain)
    if options.with_sites and result.packages:
        import time

        from goalloc.app.scan import apply_compiled_calls, scan

        started = time.monotonic()
        # The sites without their own reading of the objects: this result is that reading.
        scanned = scan(result.packages, result.directory, tags=options.tags,
                       toolchain=toolchain, progress=False, runtime_calls=False)
        apply_compiled_calls(scanned, result)
        result.sites = scanned.sites
        result.findings = scanned.runtime_findings
        result.seconds += time.monotonic() - started
    return result


__all__ = ["CallsOptions", "CallsResult", "calls"]
