"""Where an inlined allocation really is: its position in the inlined callee's source.

The compiler prints an inlined node at the outermost call site, and lists the callees inlined
there ("inlining call to strings.(*Builder).WriteString", then the callees inlined into that).
We find each callee's declaration (same package, the module, or GOROOT) and the expression in
its body, placed as the compiler places it: calls and conversions at "(", a literal's "&" or
first character, a binary operator at the operator.
"""

from __future__ import annotations

import os
import re

from goalloc.escape import source
from goalloc.escape.model import Position

_IMPORT_BLOCK = re.compile(rb"^import\s*\((.*?)\)", re.S | re.M)
_IMPORT_LINE = re.compile(rb'^import\s+(?:([A-Za-z_][A-Za-z0-9_]*|\.)\s+)?"([^"]+)"', re.M)
_IMPORT_SPEC = re.compile(rb'^\s*(?:([A-Za-z_][A-Za-z0-9_]*|\.)\s+)?"([^"]+)"', re.M)


def _imports(data: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    specs = list(_IMPORT_LINE.finditer(data))
    for block in _IMPORT_BLOCK.finditer(data):
        specs += list(_IMPORT_SPEC.finditer(block.group(1)))
    for m in specs:
        path = m.group(2).decode()
        name = m.group(1).decode() if m.group(1) else path.rsplit("/", 1)[-1]
        out[name] = path
    return out


_DECL = re.compile(rb"^func\s*(?:\([^)]*\)\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*[\[(]", re.M)


def _package_name(data: bytes) -> str:
    m = re.search(rb"^package\s+([A-Za-z_][A-Za-z0-9_]*)", data, re.M)
    return m.group(1).decode() if m else ""


def _split_callee(callee: str) -> tuple[str, str]:
    """'strings.(*Builder).WriteString' -> ('strings', '(*Builder).WriteString')."""
    callee = re.sub(r"\[[^\]]*\]", "", callee)
    if callee.startswith("("):
        return "", callee
    head, dot, rest = callee.partition(".")
    if not dot:
        return "", callee
    if rest.startswith("(") or head[:1].islower():
        return head, rest
    return "", callee  # "T.M" of the same package


def _search_text(expr: str) -> tuple[str, int]:
    """(text to find, offset of the compiler's column within it)."""
    if expr.startswith(("append(", "make(", "new(", "[]byte(", "string(", "[]rune(")):
        head = expr[:expr.index("(") + 1]
        return head, len(head) - 1
    if expr == "append":
        return "append(", len("append")
    if expr.startswith("&"):
        return expr.replace("{...}", "{").split("{")[0], 0
    if " + " in expr:
        return expr, expr.index(" + ") + 1
    return expr, 0


class OriginFinder:
    def __init__(self, goroot: str, module_root: str | None, load_source):
        self.goroot = goroot
        self.module_root = module_root
        self.module_path = self._module_path(module_root)
        self.load_source = load_source  # absolute path -> GoFile | None (cached)
        self._dir_files: dict[str, list[str]] = {}
        self._found: dict[tuple, tuple] = {}
        self._decls: dict[str, dict[str, list[str]]] = {}
        self._imports: dict[str, dict] = {}

    def release(self) -> None:
        """Forget what was read for one package."""
        self._found.clear()
        self._imports.clear()
        self._decls.clear()

    def touched(self) -> set[str]:
        return {p for d in self._decls for p in self._files(d)}

    def imports_of(self, f) -> dict[str, str]:
        if f.path not in self._imports:
            self._imports[f.path] = _imports(f.data)
        return self._imports[f.path]

    @staticmethod
    def _module_path(root: str | None) -> str:
        if not root:
            return ""
        try:
            with open(os.path.join(root, "go.mod"), "rb") as fh:
                m = re.search(rb"^module\s+(\S+)", fh.read(), re.M)
            return m.group(1).decode().strip('"') if m else ""
        except OSError:
            return ""

    def _package_dir(self, import_path: str) -> str | None:
        if self.module_path and (import_path == self.module_path
                                 or import_path.startswith(self.module_path + "/")):
            return os.path.join(self.module_root, import_path[len(self.module_path):].lstrip("/"))
        std = os.path.join(self.goroot, "src", import_path)
        if os.path.isdir(std):
            return std
        vendored = os.path.join(self.goroot, "src", "vendor", import_path)
        return vendored if os.path.isdir(vendored) else None

    def _files(self, directory: str) -> list[str]:
        if directory not in self._dir_files:
            try:
                names = sorted(n for n in os.listdir(directory)
                               if n.endswith(".go") and not n.endswith("_test.go"))
            except OSError:
                names = []
            self._dir_files[directory] = [os.path.join(directory, n) for n in names]
        return self._dir_files[directory]

    def _declarations(self, directory: str) -> dict[str, list[str]]:
        """Function name (last part) -> files declaring it, one read of the directory."""
        index = self._decls.get(directory)
        if index is None:
            index = self._decls[directory] = {}
            for path in self._files(directory):
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except OSError:
                    continue
                for m in _DECL.finditer(data):
                    index.setdefault(m.group(1).decode(), []).append(path)
        return index

    def _find_func(self, directory: str, name: str):
        key = (directory, name)
        if key in self._found:
            return self._found[key]
        found = (None, None)
        for path in self._declarations(directory).get(name.rsplit(".", 1)[-1], []):
            f = self.load_source(path)
            span = next((sp for sp in (f.funcs if f else []) if sp.name == name and sp.body_start >= 0),
                        None)
            if span is not None:
                found = (f, span)
                break
        self._found[key] = found
        return found

    def find(self, expr: str, callees: list[str], site_abs_file: str) -> Position | None:
        site_src = self.load_source(site_abs_file)
        if site_src is None:
            return None
        directory = os.path.dirname(site_abs_file)
        imports = self.imports_of(site_src)
        last_data = site_src.data
        for callee in callees:
            pkg, name = _split_callee(callee)
            # inlined names are printed qualified by their package: "&errors.errorString{...}"
            own = expr.replace(f"{pkg}.", "") if pkg else expr
            text, shift = _search_text(own)
            if pkg and pkg == _package_name(last_data):
                callee_dir = directory
            elif pkg:
                path = imports.get(pkg)
                callee_dir = self._package_dir(path) if path else None
            else:
                callee_dir = directory
            if callee_dir is None:
                continue
            f, span = self._find_func(callee_dir, name)
            if span is None:
                continue
            body = f.data[span.body_start:span.end]
            at = body.find(text.encode())
            if at >= 0:
                off = span.body_start + at + shift
                line = f.data.count(b"\n", 0, off) + 1
                col = off - (f.data.rfind(b"\n", 0, off) + 1) + 1
                return Position(f.path, line, col)
            # the next callee is inlined into this one: resolve its package from here
            directory, imports, last_data = callee_dir, self.imports_of(f), f.data
        return None


__all__ = ["OriginFinder", "source"]
