"""What an escaping expression allocates, read from the compiler's text of it.

The compiler prints the node it decided about. Two facts make this possible without types:
a named variable is reported as "moved to heap: x", never "x escapes to heap"; and an implicit
conversion to an interface is printed as its operand. So an expression that cannot allocate by
itself (a name, a literal, a field, a call result, a struct or array literal) that escapes is
the interface box around it.
"""

from __future__ import annotations

import re

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _make_kind(type_text: str, named_kinds: dict[str, str]) -> str:
    t = type_text.strip()
    if t.startswith("[]"):
        return "slice"
    if t.startswith("map["):
        return "map"
    if t.startswith("chan") or t.startswith("<-chan"):
        return "object"
    base = t.split(".")[-1]
    return named_kinds.get(base, "other")


def _top_level_plus(expr: str) -> bool:
    depth = 0
    in_str = False
    for i, c in enumerate(expr):
        if c == '"':
            in_str = not in_str
        elif in_str:
            continue
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "+" and depth == 0 and expr[i - 1:i + 2] == " + ":
            return True
    return False


def classify(expr: str, summary_kind: str, named_kinds: dict[str, str] | None = None,
             method_names: frozenset = frozenset()) -> str:
    """One of slice, map, string, closure, interface, object, variable, other."""
    named_kinds = named_kinds or {}
    if summary_kind == "moved":
        return "variable"
    e = expr.strip()
    if e == "func literal":
        return "closure"
    if e == "... argument" or e == "append" or e.startswith("append("):
        return "slice"
    if e.startswith("make("):
        inner = e[5:-1] if e.endswith(")") else e[5:]
        return _make_kind(_split_first_arg(inner), named_kinds)
    if e.startswith("new(") or e.startswith("&"):
        return "object"
    if e.startswith("[]") and e.endswith("}"):
        return "slice"
    if e.startswith("map[") and e.endswith("}"):
        return "map"
    if e.startswith("[]byte(") or e.startswith("[]rune(") or e.startswith("([]byte)(") \
            or e.startswith("([]rune)("):
        return "slice"
    if e.startswith("string(") or e.startswith("(string)("):
        return "string"
    if e.startswith("slicebytetostring") or e.startswith("runtime.concatstring"):
        return "string"
    if _top_level_plus(e) and ('"' in e or "string" in e or not re.search(r"\d", e)):
        return "string"
    if _IDENT.match(e) and "." in e:
        # A selector: a method value allocates a closure; a field is boxed.
        if e.rsplit(".", 1)[1] in method_names:
            return "closure"
    return "interface"


def _split_first_arg(text: str) -> str:
    depth = 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            return text[:i]
    return text


_TYPE_DECL = re.compile(rb"^\s*(?:type\s+)?([A-Z_a-z][A-Za-z0-9_]*)(?:\[[^\]]*\])?\s+(map\[|\[\]|chan\b)",
                        re.M)
_TYPE_BLOCK = re.compile(rb"\btype\s*\((.*?)\n\)", re.S)
_TYPE_LINE = re.compile(rb"\btype\s+([A-Z_a-z][A-Za-z0-9_]*)(?:\[[^\]]*\])?\s+(map\[|\[\]|chan\b)")
_METHOD = re.compile(rb"^func\s*\([^)]*\)\s*([A-Za-z_][A-Za-z0-9_]*)\s*[\[(]", re.M)


def scan_declarations(sources: list[bytes]) -> tuple[dict[str, str], frozenset]:
    """Named slice/map/chan types and method names declared in a package's files."""
    kinds: dict[str, str] = {}
    methods: set[str] = set()
    word = {b"map[": "map", b"[]": "slice", b"chan": "object"}
    for data in sources:
        for m in _TYPE_LINE.finditer(data):
            kinds[m.group(1).decode()] = word[m.group(2)]
        for block in _TYPE_BLOCK.finditer(data):
            for m in _TYPE_DECL.finditer(block.group(1)):
                kinds.setdefault(m.group(1).decode(), word[m.group(2)])
        for m in _METHOD.finditer(data):
            methods.add(m.group(1).decode())
    return kinds, frozenset(methods)
