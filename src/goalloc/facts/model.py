"""The facts JSON as typed objects, one class per object of docs/rules.md ("The facts JSON").

Attribute names are the JSON keys, except ``from``/``to`` of an interface conversion
(``from_type``/``to_type``). Positions are 1-based; ``file`` is relative to ``Facts.root``;
``loop`` is the id of the innermost enclosing loop in the same function (-1: none).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields, is_dataclass

from goalloc.errors import EXIT_COMPILE, GoallocError, ToolchainError

# The helper writes this version (factsVersion in helper/output.go); any other is refused.
FACTS_VERSION = 1


class FactsError(GoallocError):
    """A target package does not type-check (exit code 3, as for compile errors)."""

    exit_code = EXIT_COMPILE


class FactsFormatError(ToolchainError):
    """The helper's output is not facts JSON of FACTS_VERSION (a stale or broken helper)."""


@dataclass(slots=True)
class Located:
    """Where a fact is: its position, the function around it and the innermost loop of that
    function around it (-1: none). Where in the helper."""

    file: str
    line: int
    col: int
    function: str
    loop: int


@dataclass(slots=True)
class Layout:
    """A type's size, alignment and whether it holds pointers, for the target GOARCH."""

    type: str
    size: int
    align: int
    pointers: bool


@dataclass(slots=True)
class Pos:
    line: int
    col: int


@dataclass(slots=True)
class Span:
    """A source range; the end is exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(slots=True)
class FuncParam:
    name: str
    type: str


@dataclass(slots=True)
class Function:
    """A declared function; ``buffer_param`` is the parameter through which the caller
    already provides storage (a writer, a pointer to a slice, or a slice the function appends
    to or returns), "" if none."""

    name: str
    file: str
    line: int
    end_line: int
    params: list[FuncParam] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    buffer_param: str = ""


@dataclass(slots=True)
class Loop:
    """A for or range statement; ``bound`` is its trip count as a Go expression valid before
    the loop ("" if unknown), ``bound_const`` its value when constant."""

    id: int
    function: str
    file: str
    line: int
    col: int
    end_line: int
    kind: str  # for, range
    range_over: str  # slice, array, pointer-to-array, string, map, int, chan, func, ""
    bound: str
    bound_const: int | None
    bound_exact: bool  # false for strings: runes <= bytes
    bound_since: Pos | None  # the last write before the loop of a variable the bound reads
    parent: int
    exits_early: bool
    continues: list[Pos]
    indent: str
    block: str  # "line:col" of the block around the loop


@dataclass(slots=True)
class Target:
    """What an expression names: ``key`` identifies the variable, field or package variable."""

    kind: str  # local, param, field, global, other
    key: str
    name: str
    type: str
    decl_loop: int
    decl_function: str = ""  # omitted when empty


@dataclass(slots=True)
class Append(Located):
    top_level: bool
    every_iteration: bool
    target: Target
    assigned: Target | None
    elements: int  # -1 for xs...
    spread: bool
    elem: Layout | None
    slice_type: str


@dataclass(slots=True)
class VarWrite:
    line: int
    col: int
    kind: str  # decl, assign, append-self, addr, closure-write, inc
    loop: int
    function: str


@dataclass(slots=True)
class Var(Located):
    """A local slice or map variable and every write to it."""

    key: str
    name: str
    kind: str  # slice, map
    type: str
    type_text: str
    decl_kind: str  # var, define, param, result, range
    init: str  # nil, empty-literal, literal, make, make-len, make-cap, make-hint, other, none
    init_len: str
    init_cap: str
    stmt: Span | None  # a statement that declares only this variable
    writes: list[VarWrite]
    captured: bool
    block: str
    elem: Layout | None
    key_layout: Layout | None
    value_layout: Layout | None


@dataclass(slots=True)
class Make(Located):
    kind: str  # slice, map, chan
    type: str
    args: list[str]
    consts: list[int | None]
    elem: Layout | None
    key: Layout | None
    value: Layout | None


@dataclass(slots=True)
class CompositeLiteral(Located):
    kind: str  # slice, map
    type: str
    elements: int
    layout: Layout | None
    elem: Layout | None


@dataclass(slots=True)
class MapOp(Located):
    top_level: bool
    every_iteration: bool
    op: str  # insert, update, delete, clear, reassign
    target: Target
    map_type: str
    key: Layout | None
    value: Layout | None
    delete_all: bool  # for k := range m { delete(m, k) }
    reads_self: bool  # m[k] = append(m[k], v)


@dataclass(slots=True)
class Conversion(Located):
    """A string/[]byte/[]rune conversion and where its result goes (``context``)."""

    end_line: int
    end_col: int
    kind: str
    context: str
    constant: bool
    expr: str
    cold: bool
    conditional: bool


@dataclass(slots=True)
class InterfaceConversion(Located):
    """A non-interface value converted to an interface (boxed)."""

    end_line: int
    end_col: int
    context: str
    callee: str
    to_type: str = field(metadata={"json": "to"})
    from_type: str = field(metadata={"json": "from"})
    size: int
    pointer_shaped: bool  # stored in the interface word itself: no allocation
    constant: bool
    const_local: bool  # a local never written after its constant initial value
    small_value: bool  # bools and single bytes come from a static table
    expr: str
    basic_kind: str
    cold: bool  # on a path that leaves the loop
    loop_index: bool  # the loop's index counting up from 0: 0..255 are not allocated
    pointers: bool
    conditional: bool  # behind an if, a case, && or ||
    static_literal: bool  # a struct or array literal of constants


@dataclass(slots=True)
class Receiver:
    function: str
    file: str
    line: int
    col: int
    type: str
    pointer: bool
    size: int
    name: str
    mutated: bool
    body_nodes: int


@dataclass(slots=True)
class RangeCopy(Located):
    over: str
    type: str
    size: int
    value: str
    range_expr: str
    whole_use: bool


@dataclass(slots=True)
class Capture:
    name: str
    key: str
    decl_line: int
    decl_col: int
    kind: str  # slice, map, other
    type: str
    size: int
    written_inside: bool
    written_after: bool


@dataclass(slots=True)
class Closure:
    file: str
    line: int
    col: int
    function: str
    context: str  # go, defer, call, call-arg, assign, other
    captures: list[Capture]


@dataclass(slots=True)
class Ignore:
    """A ``//goalloc:ignore`` comment; ``own_line``: it applies to the next line."""

    file: str
    line: int
    rules: list[str]
    reason: str
    own_line: bool


@dataclass(slots=True)
class ColdPath:
    """Code that runs only on a failure: an if/case block ending in a non-nil error return,
    a panic or an exit, or such a statement itself; ``at`` is the line of that statement."""

    file: str
    function: str
    line: int
    col: int
    end_line: int
    end_col: int
    kind: str  # error-return, panic, exit
    at: int


@dataclass(slots=True)
class ErrorValue(Located):
    """A call of errors.New or fmt.Errorf; ``constant``: a constant message and no other
    argument; ``package``: in a package-level declaration (already a sentinel)."""

    end_line: int
    end_col: int
    call: str
    constant: bool
    package: bool


@dataclass(slots=True)
class PackageFacts:
    """The facts of one target package: identity, errors, and one list per fact family."""

    path: str
    name: str
    dir: str
    files: list[str]
    errors: list[str]  # non-empty: the package does not type-check
    warnings: list[str]  # type errors in cgo packages
    functions: list[Function]
    loops: list[Loop]
    appends: list[Append]
    vars: list[Var]
    makes: list[Make]
    composite_literals: list[CompositeLiteral]
    map_ops: list[MapOp]
    conversions: list[Conversion]
    interface_conversions: list[InterfaceConversion]
    receivers: list[Receiver]
    range_copies: list[RangeCopy]
    closures: list[Closure]
    ignores: list[Ignore]
    cold_paths: list[ColdPath] = field(default_factory=list)
    error_values: list[ErrorValue] = field(default_factory=list)


# The fact families of a package, which a rule lists in its ``needs``.
FACT_FAMILIES = ("functions", "loops", "appends", "vars", "makes", "composite_literals",
                 "map_ops", "conversions", "interface_conversions", "receivers",
                 "range_copies", "closures", "ignores", "cold_paths", "error_values")


@dataclass(slots=True)
class Facts:
    """The facts of one helper run."""

    go_version: str
    goarch: str
    root: str  # file names are relative to it
    packages: list[PackageFacts]
    errors: list[str]  # go list's errors when no package matched

    @classmethod
    def from_json(cls, data) -> "Facts":
        """Facts from the helper's JSON; FactsFormatError for another version or shape."""
        version = data.get("facts_version") if isinstance(data, dict) else None
        if version != FACTS_VERSION:
            raise FactsFormatError(f"the facts helper wrote facts_version {version!r}; this "
                                   f"goalloc reads facts_version {FACTS_VERSION}")
        try:
            return cls(go_version=data["go_version"], goarch=data["goarch"], root=data["root"],
                       packages=[_decoder(PackageFacts)(p) for p in data["packages"]],
                       errors=list(data["errors"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise FactsFormatError(f"the facts helper's output is not facts_version "
                                   f"{FACTS_VERSION} JSON ({type(exc).__name__}: {exc})") from None

    def package_errors(self) -> list[tuple[str, str]]:
        """(package path, error) for every package that does not type-check."""
        return [(p.path, e) for p in self.packages for e in p.errors]


def _converter(hint):
    """A function that turns the JSON value of a field annotated ``hint`` into its value,
    or None when the JSON value is the value (numbers, strings, lists of them)."""
    if is_dataclass(hint):
        return _decoder(hint)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if len(args) != 1 or not is_dataclass(args[0]):
        return None
    inner = _decoder(args[0])
    if typing.get_origin(hint) is list:
        return lambda value: [inner(v) for v in value]
    return lambda value: None if value is None else inner(value)  # X | None


_DECODERS: dict[type, typing.Callable] = {}


def _decoder(cls) -> typing.Callable[[dict], object]:
    """The function that makes a cls from its JSON object. The object must have exactly the
    fields of cls (a field with a default may be absent): the Go and Python definitions of a
    version cannot drift apart unnoticed."""
    decode = _DECODERS.get(cls)
    if decode is not None:
        return decode
    hints = typing.get_type_hints(cls)
    nested = [(f.name, c) for f in fields(cls) if (c := _converter(hints[f.name])) is not None]
    renamed = [(f.metadata["json"], f.name) for f in fields(cls) if "json" in f.metadata]
    if not nested and not renamed:
        def decode(data: dict):
            return cls(**data)
    else:
        def decode(data: dict):
            data = dict(data)
            for key, convert in nested:
                data[key] = convert(data[key])
            for key, attr in renamed:
                data[attr] = data.pop(key)
            return cls(**data)
    _DECODERS[cls] = decode
    return decode
