"""What the compiled code calls: the runtime's allocation entry points, per function and line.

    goalloc.calls.entrypoints  the entry points per Go release and what each means
    goalloc.calls.model        RuntimeCall, FunctionCalls, CallFinding
    goalloc.calls.analyze      object functions -> calls; attach_runtime_calls(sites, result)
    goalloc.calls.loops        which source lines are inside a for statement
"""

from goalloc.calls.analyze import attach_runtime_calls

__all__ = ["attach_runtime_calls"]
