"""Size, alignment and pointer-ness of Go types written as on the command line.

Rules of cmd/compile/internal/types (size.go) for 64-bit targets (amd64, arm64 agree):
fields are laid out in order at their alignment, a struct is padded to its alignment, and a
non-empty struct that ends in a zero-size field gets one more byte (so a pointer to that
field cannot point past the object).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goalloc.errors import InputError

ARCHES = ("amd64", "arm64")


class UnknownType(InputError):
    """A type expression goalloc cannot read."""


@dataclass(frozen=True)
class TypeLayout:
    size: int
    align: int
    pointers: bool


_W = 8  # pointer size on amd64 and arm64

_BASIC = {
    "bool": (1, 1, False), "int8": (1, 1, False), "uint8": (1, 1, False), "byte": (1, 1, False),
    "int16": (2, 2, False), "uint16": (2, 2, False),
    "int32": (4, 4, False), "uint32": (4, 4, False), "rune": (4, 4, False),
    "float32": (4, 4, False),
    "int64": (8, 8, False), "uint64": (8, 8, False), "float64": (8, 8, False),
    "int": (_W, _W, False), "uint": (_W, _W, False), "uintptr": (_W, _W, False),
    "complex64": (8, 4, False), "complex128": (16, 8, False),
    "string": (2 * _W, _W, True),
    "unsafe.Pointer": (_W, _W, True),
    "error": (2 * _W, _W, True), "any": (2 * _W, _W, True),
    "struct{}": (0, 1, False),
    # a few standard-library types people put in maps and slices
    "time.Time": (24, 8, True), "time.Duration": (8, 8, False),
    "sync.Mutex": (8, 4, False), "sync.RWMutex": (24, 4, False),
    "sync.WaitGroup": (16, 8, False), "atomic.Int64": (8, 8, False),
    "netip.Addr": (24, 8, True), "big.Int": (32, 8, True),
}

_TOKEN = re.compile(r"\s*(\.\.\.|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?|\d+|"
                    r"<-|[\[\]{}()*,;]|\S)")


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            break
        out.append(m.group(1))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth_behind_ref = 0  # inside *T or chan T, comparability of T does not matter
        self.comparable = True

    def _incomparable(self):
        if self.depth_behind_ref == 0:
            self.comparable = False

    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            want = f"'{expected}'" if expected else "more"
            raise UnknownType(f"cannot read Go type {self.text!r}: expected {want}")
        self.i += 1
        return tok

    def parse(self) -> TypeLayout:
        t = self.type_()
        if self.peek() is not None:
            raise UnknownType(f"cannot read Go type {self.text!r}: unexpected {self.peek()!r}")
        return t

    def type_(self) -> TypeLayout:
        tok = self.peek()
        if tok is None:
            raise UnknownType(f"cannot read Go type {self.text!r}: empty")
        if tok == "*":
            self.take()
            self._behind_ref()
            return TypeLayout(_W, _W, True)
        if tok == "[":
            self.take()
            if self.peek() == "]":
                self.take()
                self._incomparable()
                self._behind_ref()
                return TypeLayout(3 * _W, _W, True)
            count = self.take()
            if not count.isdigit():
                raise UnknownType(f"cannot read Go type {self.text!r}: array length {count!r}")
            self.take("]")
            elem = self.type_()
            n = int(count)
            if n * elem.size > 1 << 48:
                raise UnknownType(f"Go type {self.text!r} is too large")
            return TypeLayout(n * elem.size, elem.align, elem.pointers and n > 0)
        if tok == "map":
            self.take()
            self._incomparable()
            self.take("[")
            self._behind_ref()
            self.take("]")
            self._behind_ref()
            return TypeLayout(_W, _W, True)
        if tok in ("chan", "<-"):
            self.take()
            if self.peek() in ("<-", "chan"):
                self.take()
            self._behind_ref()
            return TypeLayout(_W, _W, True)
        if tok == "func":
            self._incomparable()
            self.depth_behind_ref += 1
            self._skip_balanced_func()
            self.depth_behind_ref -= 1
            return TypeLayout(_W, _W, True)
        if tok == "interface":
            self.take()
            self._skip_braces()
            return TypeLayout(2 * _W, _W, True)
        if tok == "struct":
            self.take()
            return self.struct_()
        if tok == "(":
            self.take()
            t = self.type_()
            self.take(")")
            return t
        self.take()
        if tok in _BASIC:
            return TypeLayout(*_BASIC[tok])
        raise UnknownType(f"unknown Go type {tok!r} in {self.text!r} (goalloc knows basic "
                          "types, string, pointers, slices, maps, chans, funcs, interfaces, "
                          "arrays and struct literals)")

    def _behind_ref(self):
        self.depth_behind_ref += 1
        try:
            self.type_()
        finally:
            self.depth_behind_ref -= 1

    def _skip_braces(self):
        self.take("{")
        depth = 1
        while depth:
            tok = self.take()
            depth += {"{": 1, "}": -1}.get(tok, 0)

    def _skip_balanced_func(self):
        self.take("func")
        self._skip_parens()
        # Results: a parenthesized list or a single type.
        if self.peek() == "(":
            self._skip_parens()
        elif self.peek() not in (None, ";", "}", ",", ")", "]"):
            self.type_()

    def _skip_parens(self):
        self.take("(")
        depth = 1
        while depth:
            tok = self.take()
            depth += {"(": 1, ")": -1}.get(tok, 0)

    def struct_(self) -> TypeLayout:
        self.take("{")
        fields: list[TypeLayout] = []
        while self.peek() not in ("}", None):
            if self.peek() == ";":
                self.take()
                continue
            fields.extend(self._field_decl())
        self.take("}")
        return struct_layout(fields)

    def _field_decl(self) -> list[TypeLayout]:
        # "a, b T" / "a T" / "T" (embedded) / "*T"
        names = []
        while (self.peek() and re.fullmatch(r"[A-Za-z_]\w*", self.peek())
               and self.peek(1) == ","):
            names.append(self.take())
            self.take(",")
        tok = self.peek()
        if (tok and re.fullmatch(r"[A-Za-z_]\w*", tok) and self.peek(1) not in
                (";", "}", None) and tok not in _BASIC and tok not in (
                    "map", "chan", "func", "interface", "struct")):
            names.append(self.take())
        t = self.type_()
        if self.peek() and self.peek().startswith(("`", '"')):
            raise UnknownType(f"cannot read Go type {self.text!r}: struct tags are not supported")
        return [t] * max(len(names), 1)


def struct_layout(fields: list[TypeLayout]) -> TypeLayout:
    offset, align, pointers = 0, 1, False
    for f in fields:
        offset = -(-offset // f.align) * f.align + f.size
        align = max(align, f.align)
        pointers = pointers or f.pointers
    if fields and fields[-1].size == 0 and offset > 0:
        offset += 1
    size = -(-offset // align) * align
    return TypeLayout(size, align, pointers)


def array_layout(n: int, elem: TypeLayout) -> TypeLayout:
    return TypeLayout(n * elem.size, elem.align, elem.pointers and n > 0)


def is_comparable(type_expr: str) -> bool:
    """Whether values of the type can be map keys (no slices, maps or funcs inside)."""
    p = _Parser(type_expr)
    p.parse()
    return p.comparable


def layout_of(type_expr: str, arch: str = "amd64") -> TypeLayout:
    """Layout of a Go type written in Go syntax, e.g. ``struct{a int32; b string}``."""
    if arch not in ARCHES:
        raise InputError(f"unknown architecture {arch!r}; goalloc knows {', '.join(ARCHES)}")
    if not isinstance(type_expr, str) or not type_expr.strip():
        raise UnknownType("empty Go type")
    return _Parser(type_expr).parse()
