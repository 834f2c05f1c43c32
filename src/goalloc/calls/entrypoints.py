"""The runtime's allocation entry points that compiled Go code calls, and what each means.

The names are the symbols the compiler emits, which change between releases (the lists were
checked against each release's cmd/compile/internal/typecheck/_builtin/runtime.go and
ssagen): Swiss-table maps from Go 1.24 keep the ``runtime.mapassign*`` symbols (linknamed to
internal/runtime/maps, which is what profiles show); 1.24 adds ``concatbyte*``; 1.26 adds
the ``growslice*`` and ``moveSlice*`` variants and size-specialised ``mallocgc*`` functions
(used by default from 1.27). A table entry whose name ends in ``*`` is a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

FAMILIES = ("slice", "map", "object", "boxing", "string", "defer", "goroutine", "channel")

# The result buffer the compiler passes on the stack for results that do not escape
# (runtime.tmpBuf) and, from Go 1.25, the stack backing store of appends and makes of
# unknown size.
STACK_BUFFER_BYTES = 32


@dataclass(frozen=True)
class EntryPoint:
    name: str  # the symbol, or a prefix ending in "*"
    family: str  # one of FAMILIES
    source: str  # the Go code that makes the compiler call it
    allocates: str  # when the call allocates
    since: tuple[int, int] = (1, 0)  # first release whose compiler emits this name
    stack_buffer: bool = False  # a non-escaping result is built in a stack buffer when it fits


_STRING_BUFFER = (f"always, unless the result does not escape and fits the "
                  f"{STACK_BUFFER_BYTES}-byte stack buffer the compiler passes")

ENTRY_POINTS: tuple[EntryPoint, ...] = (
    # slices
    EntryPoint("runtime.growslice", "slice", "append past the slice's capacity",
               "always: a new, larger backing array (about 2x, then 1.25x past 256 elements) "
               "and a copy of the old elements"),
    EntryPoint("runtime.growsliceNoAlias", "slice", "append to a slice the compiler knows is "
               "the only reference to its array", "always; the old array may be freed at once",
               since=(1, 26)),
    EntryPoint("runtime.growsliceBuf", "slice", "append to a slice that started in a stack "
               "buffer", "only past the stack buffer", since=(1, 26), stack_buffer=True),
    EntryPoint("runtime.growsliceBufNoAlias", "slice", "append to a slice that started in a "
               "stack buffer and has no other reference", "only past the stack buffer",
               since=(1, 26), stack_buffer=True),
    EntryPoint("runtime.makeslice", "slice", "make([]T, n) or make([]T, n, m)",
               "always (from Go 1.25 a make of unknown size that does not escape first uses a "
               f"{STACK_BUFFER_BYTES}-byte stack buffer and calls this only when larger)"),
    EntryPoint("runtime.makeslice64", "slice", "make([]T, n) with a 64-bit length on a "
               "32-bit target", "always"),
    EntryPoint("runtime.makeslicecopy", "slice", "make([]T, n) followed by copy into it",
               "always"),
    EntryPoint("runtime.moveSlice*", "slice", "a slice built on the stack that escapes (e.g. "
               "is returned) is moved to the heap", "always, once, at the escape",
               since=(1, 26)),
    # maps
    EntryPoint("runtime.makemap", "map", "make(map[K]V, hint) with a hint above 8 or unknown",
               "the table (buckets; from Go 1.24 the directory and groups); the map header "
               "too when the map escapes"),
    EntryPoint("runtime.makemap64", "map", "make(map[K]V, hint) with a 64-bit hint on a "
               "32-bit target", "as runtime.makemap"),
    EntryPoint("runtime.makemap_small", "map", "make(map[K]V) or a hint of at most 8 for a map "
               "that escapes", "the map header (the first bucket/group comes with the first "
               "insert)"),
    EntryPoint("runtime.mapassign", "map", "m[k] = v (and m[k] op= v) for key types without a "
               "fast path", "when the map grows: a new table twice the size (Go 1.24+: a "
               "group split or a larger table), or an overflow bucket (before 1.24)"),
    EntryPoint("runtime.mapassign_fast32", "map", "m[k] = v with a 32-bit key", "when the map grows"),
    EntryPoint("runtime.mapassign_fast32ptr", "map", "m[k] = v with a 32-bit pointer key",
               "when the map grows"),
    EntryPoint("runtime.mapassign_fast64", "map", "m[k] = v with a 64-bit key", "when the map grows"),
    EntryPoint("runtime.mapassign_fast64ptr", "map", "m[k] = v with a 64-bit pointer key",
               "when the map grows"),
    EntryPoint("runtime.mapassign_faststr", "map", "m[k] = v with a string key", "when the map grows"),
    EntryPoint("maps.clone", "map", "maps.Clone(m) (the runtime's mapclone)",
               "always: a new map with room for every entry"),
    # objects
    EntryPoint("runtime.newobject", "object", "new(T), &T{...}, a variable moved to the heap, "
               "a closure that captures variables, the backing array of a slice literal",
               "always (zero-size types share one address and allocate nothing)"),
    EntryPoint("runtime.mallocgc*", "object", "as runtime.newobject; from Go 1.26 "
               "(default in 1.27) the compiler calls a function per size class, e.g. "
               "runtime.mallocgcSmallScanNoHeaderSC2", "always", since=(1, 0)),
    # interface boxing
    EntryPoint("runtime.convT", "boxing", "a non-pointer value stored in an interface",
               "always (a copy of the value)"),
    EntryPoint("runtime.convTnoptr", "boxing", "a pointer-free value stored in an interface",
               "always (a copy of the value)"),
    EntryPoint("runtime.convT16", "boxing", "a 16-bit value stored in an interface",
               "unless the value is below 256 (a static table)"),
    EntryPoint("runtime.convT32", "boxing", "a 32-bit value stored in an interface",
               "unless the value is below 256"),
    EntryPoint("runtime.convT64", "boxing", "a 64-bit value (int, uint64, ...) stored in an "
               "interface, e.g. an argument of fmt.Sprint", "unless the value is below 256"),
    EntryPoint("runtime.convTstring", "boxing", "a string stored in an interface",
               "unless the string is empty"),
    EntryPoint("runtime.convTslice", "boxing", "a slice stored in an interface",
               "unless the slice is nil"),
    # strings
    EntryPoint("runtime.concatstring2", "string", "a + b on strings", _STRING_BUFFER,
               stack_buffer=True),
    EntryPoint("runtime.concatstring3", "string", "a + b + c on strings", _STRING_BUFFER,
               stack_buffer=True),
    EntryPoint("runtime.concatstring4", "string", "a + b + c + d on strings", _STRING_BUFFER,
               stack_buffer=True),
    EntryPoint("runtime.concatstring5", "string", "five strings added", _STRING_BUFFER,
               stack_buffer=True),
    EntryPoint("runtime.concatstrings", "string", "more than five strings added",
               _STRING_BUFFER, stack_buffer=True),
    EntryPoint("runtime.concatbyte*", "string", "[]byte(a + b): string addition converted "
               "straight to bytes", "always, unless the result is empty", since=(1, 24)),
    EntryPoint("runtime.slicebytetostring", "string", "string(b) for a []byte b",
               _STRING_BUFFER + " (a one-byte string uses a static table)", stack_buffer=True),
    EntryPoint("runtime.slicerunetostring", "string", "string(r) for a []rune r",
               _STRING_BUFFER, stack_buffer=True),
    EntryPoint("runtime.stringtoslicebyte", "string", "[]byte(s)", _STRING_BUFFER,
               stack_buffer=True),
    EntryPoint("runtime.stringtoslicerune", "string", "[]rune(s)",
               f"always, unless the result does not escape and has at most {STACK_BUFFER_BYTES} "
               "runes", stack_buffer=True),
    # Its stack buffer holds any rune: a result that does not escape never allocates.
    EntryPoint("runtime.intstring", "string", "string(rune(i))",
               "unless the result does not escape (a 4-byte stack buffer) or is one byte"),
    EntryPoint("runtime.rawstring*", "string", "the runtime's own string building (seen only "
               "when the runtime package itself is compiled)", "always"),
    EntryPoint("runtime.rawbyteslice", "string", "the runtime's own []byte building", "always"),
    EntryPoint("runtime.rawruneslice", "string", "the runtime's own []rune building", "always"),
    # defer, go, channels
    EntryPoint("runtime.deferproc", "defer", "a defer the compiler cannot put on the stack "
               "(in a loop, or too many defers in the function)",
               "a defer record (from a per-P pool, allocated when it is empty)"),
    EntryPoint("runtime.deferrangefunc", "defer", "a defer in the body of a range-over-func "
               "loop", "a defer record", since=(1, 23)),
    EntryPoint("runtime.newproc", "goroutine", "a go statement",
               "a goroutine (reused from a free list when one is there) and its closure"),
    EntryPoint("runtime.makechan", "channel", "make(chan T, n)",
               "always: the channel and its buffer"),
    EntryPoint("runtime.makechan64", "channel", "make(chan T, n) with a 64-bit size on a "
               "32-bit target", "always"),
)

_EXACT = {e.name: e for e in ENTRY_POINTS if not e.name.endswith("*")}
_PREFIXES = tuple((e.name[:-1], e) for e in ENTRY_POINTS if e.name.endswith("*"))


def entry_point(symbol: str) -> EntryPoint | None:
    """The table entry for a called symbol, or None when it does not allocate."""
    found = _EXACT.get(symbol)
    if found is not None:
        return found
    for prefix, entry in _PREFIXES:
        if symbol.startswith(prefix):
            return entry
    return None


def is_entry_point(symbol: str) -> bool:
    return entry_point(symbol) is not None


def defines_entry_points(package: str) -> bool:
    """True for a package whose own functions are entry points (the runtime, maps): its code
    calls them by its own symbol index."""
    prefix = package + "."
    return any(e.name.startswith(prefix) for e in ENTRY_POINTS)
