"""Type-aware source facts about Go packages, as typed objects (the model layer).

The facts come from a small Go program (``facts/helper``, standard library only) that
goalloc.collect.facts builds and runs; this package only describes what it reports and
reads its JSON (docs/rules.md, "The facts JSON"). The JSON carries ``facts_version``;
output of any other version is refused with FactsFormatError.

    from goalloc.collect.facts import collect_facts
    facts = collect_facts(find_toolchain(), "/path/to/module", ["./..."])
    for pkg in facts.packages:
        for loop in pkg.loops: ...
"""

from goalloc.facts.model import (FACT_FAMILIES, FACTS_VERSION, Append, Capture, Closure,
                                 ColdPath, CompositeLiteral, ErrorValue, FuncParam, Conversion, Facts, FactsError,
                                 FactsFormatError, Function, Ignore, InterfaceConversion,
                                 Layout, Loop, Make, MapOp, PackageFacts, Pos, RangeCopy,
                                 Receiver, Span, Target, Var, VarWrite)

__all__ = ["FACT_FAMILIES", "FACTS_VERSION", "Append", "Capture", "Closure", "ColdPath",
           "CompositeLiteral", "ErrorValue", "FuncParam", "Conversion", "Facts", "FactsError", "FactsFormatError",
           "Function", "Ignore", "InterfaceConversion", "Layout", "Loop", "Make", "MapOp",
           "PackageFacts", "Pos", "RangeCopy", "Receiver", "Span", "Target", "Var", "VarWrite"]
