"""The ``goalloc lab`` command line that measures the container change a finding suggests.

    from goalloc.lab.suggest import lab_command_for
    lab_command_for(finding)
    # 'goalloc lab slice --elem int64 --n 1000 --variants append,append-cap,reuse,pool'

A finding is a ``goalloc.rules.Finding`` or its JSON object. The command is prefilled with
the site's types (from the finding's message, where the rules write them in parentheses), the
modeled n of its estimate, the variants that answer the finding's question, and
``--package`` when a type is declared in the finding's package (the command then runs from the
module root, where lint ran). Findings that are not about a container give None.
"""

from __future__ import annotations

import os
import re
import shlex

DEFAULT_N = 1000
# Rule -> (lab kind, variants that answer its question).
RULE_VARIANTS = {
    "map-size-hint": ("map", ("map", "map-hint")),
    "map-never-shrinks": ("map", ("map", "map-hint", "clear-reuse")),
    "prealloc-slice": ("slice", ("append", "append-cap", "reuse", "pool")),
}
PREDECLARED = frozenset(
    "bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune "
    "string uint uint8 uint16 uint32 uint64 uintptr any comparable map chan func struct "
    "interface".split())


def _field(finding, name: str):
    if isinstance(finding, dict):
        return finding.get(name)
    return getattr(finding, name, None)


def _balanced(text: str, start: int, close: str) -> int | None:
    """Index of the ``close`` that ends the bracketed text starting at ``start``."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return i if c == close else None
            depth -= 1
    return None


def site_type(message: str) -> str | None:
    """The map or slice type the rules write in parentheses: '... ids ([]int64): ...'."""
    for m in re.finditer(r" \((?=map\[|\[\])", message or ""):
        end = _balanced(message, m.end(), ")")
        if end is not None:
            return message[m.end():end]
    return None


def split_map(type_text: str) -> tuple[str, str] | None:
    if not type_text.startswith("map["):
        return None
    end = _balanced(type_text, len("map["), "]")
    if end is None or end + 1 >= len(type_text):
        return None
    return type_text[len("map["):end], type_text[end + 1:]


def _needs_package(types: list[str]) -> bool:
    """Whether a type names an identifier of the finding's own package (unqualified)."""
    for text in types:
        stripped = re.sub(r"[\w.]+\.\w+", "", text)  # qualified names come from imports
        if any(word not in PREDECLARED for word in re.findall(r"[A-Za-z_]\w*", stripped)):
            return True
    return False


def _package_arg(finding) -> str | None:
    file = _field(finding, "file") or ""
    if file and not os.path.isabs(file):
        directory = os.path.dirname(file)
        return "./" + directory if directory else "."
    return _field(finding, "package") or None


def _n_of(finding) -> int:
    estimate = _field(finding, "estimate")
    n = _field(estimate, "n") if estimate is not None else None
    return n if isinstance(n, int) and n > 0 else DEFAULT_N


def lab_command_for(finding) -> str | None:
    """The ``goalloc lab`` command line for a container finding, or None."""
    rule = _field(finding, "rule")
    if rule not in RULE_VARIANTS:
        return None
    kind, variants = RULE_VARIANTS[rule]
    type_text = site_type(_field(finding, "message") or "")
    if type_text is None:
        return None
    if kind == "map":
        parts = split_map(type_text)
        if parts is None:
            return None
        types = list(parts)
        args = ["--key", parts[0], "--value", parts[1]]
    else:
        if not type_text.startswith("[]"):
            return None
        types = [type_text[2:]]
        args = ["--elem", types[0]]
    words = ["goalloc", "lab", kind, *args, "--n", str(_n_of(finding)),
             "--variants", ",".join(variants)]
    if _needs_package(types):
        package = _package_arg(finding)
        if package is None:
            return None
        words += ["--package", package]
    return " ".join(shlex.quote(w) for w in words)
