"""Link measured allocation sites to the compiler's escape sites (``goalloc scan``)."""

from __future__ import annotations

import posixpath

# Which escape-site kinds (goalloc.escape.model.KINDS) fit which measured kind
# (goalloc.profiles.attribution.MEASURED_KINDS), best first.
_COMPATIBLE = {
    "slice-growth": ("slice",),
    "slice-make": ("slice",),
    "map-growth": ("map",),
    "map-make": ("map",),
    "interface-box": ("interface",),
    "string": ("string", "slice", "interface"),
    "object": ("object", "closure", "variable"),
    "other": (),
}

# A measured kind, from the escape site linked to a position whose kind was not known.
_FROM_ESCAPE = {"slice": "slice-make", "map": "map-make", "interface": "interface-box",
                "string": "string", "closure": "object", "object": "object",
                "variable": "object"}


def _norm(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/")).lstrip("./") if path else ""


def _same_file(profile_file: str, escape_file: str) -> bool:
    """True when both name the same file: equal, or one a path suffix of the other."""
    a, b = _norm(profile_file), _norm(escape_file)
    if not a or not b:
        return False
    if a == b:
        return True
    return a.endswith("/" + b) or b.endswith("/" + a)


# The escape-site expressions of the construct behind a measured allocation, by its runtime
# entry point when known (goalloc.collect.objdump reads it from the binary), else by its kind:
# on a line with two constructs (``append(lines, string(buf))``) each measured allocation
# goes to its own construct's site.
_CONSTRUCT_BY_ENTRY = (
    ("runtime.growslice", ("append",)),
    ("runtime.moveSlice", ("append", "make([]", "[]")),
    ("runtime.makeslice", ("make([]",)),
    ("runtime.makemap", ("make(map[", "map[")),
    ("runtime.mapassign", ("make(map[", "map[")),
    ("runtime.concatstring", ("+",)),
    ("runtime.concatbyte", ("+",)),
    ("runtime.slicebytetostring", ("string(",)),
    ("runtime.slicerunetostring", ("string(",)),
    ("runtime.stringtoslicebyte", ("([]byte)(", "[]byte(")),
    ("runtime.stringtoslicerune", ("([]rune)(", "[]rune(")),
    ("runtime.intstring", ("string(",)),
)
_CONSTRUCT_BY_KIND = {
    "slice-growth": ("append",),
    "slice-make": ("make([]", "[]"),
    "map-make": ("make(map[", "map["),
    "map-growth": ("make(map[", "map["),
    "string": ("string(", "([]byte)(", "([]rune)(", "[]byte(", "[]rune(", "+"),
}


def _construct(psite) -> tuple[str, ...]:
    entry = psite.entry or ""
    for prefix, shapes in _CONSTRUCT_BY_ENTRY:
        if entry.startswith(prefix):
            return shapes
    return _CONSTRUCT_BY_KIND.get(psite.kind, ())


def _is_construct(expr: str, shapes: tuple[str, ...]) -> bool:
    return any(expr.startswith(s) or (s == "+" and " + " in expr) for s in shapes)


def _rank(psite, esite) -> tuple:
    kinds = _COMPATIBLE.get(psite.kind, ())
    kind_rank = kinds.index(esite.kind) if esite.kind in kinds else len(kinds) + 1
    if psite.kind == "slice-growth" and esite.cause == "append-growth":
        kind_rank -= 0.5
    shapes = _construct(psite)
    other_construct = 0 if not shapes or _is_construct(esite.expr or "", shapes) else 1
    at_origin = 0 if (esite.line == psite.line) else 1
    return (kind_rank, other_construct, 0 if esite.verdict == "heap" else 1, at_origin,
            esite.col)


def link_sites(profile_sites: list, escape_sites: list) -> dict:
    """Attach to each measured site the escape site(s) at its position.

    ``profile_sites`` are :class:`goalloc.profiles.attribution.ProfileSite`; ``escape_sites`` are
    :class:`goalloc.escape.model.Site`. A site matches by line and file (equal paths, or one a
    path suffix of the other, so module-relative and absolute names meet), at its own position
    or at its ``origin`` (an allocation inlined elsewhere). The best match (compatible kind,
    heap verdict, then column) goes to ``.escape``, all of them to ``.escape_candidates``; a
    site whose kind was unknown (``other``) takes the kind of its escape site. Returns
    ``{id(profile_site): [escape sites, best first]}`` for the sites that matched.
    """
    by_line: dict[tuple[str, int], list] = {}
    for es in escape_sites:
        positions = {(es.file, es.line)}
        if getattr(es, "origin", None) is not None:
            positions.add((es.origin.file, es.origin.line))
        for f, line in positions:
            by_line.setdefault((posixpath.basename(_norm(f)), line), []).append((f, es))
    out = {}
    for ps in profile_sites:
        found = []
        seen = set()
        for name in {ps.file, ps.profile_file} - {""}:
            for f, es in by_line.get((posixpath.basename(_norm(name)), ps.line), ()):
                if id(es) not in seen and _same_file(name, f):
                    seen.add(id(es))
                    found.append(es)
        if not found:
            continue
        found.sort(key=lambda es: _rank(ps, es))
        ps.escape = found[0]
        ps.escape_candidates = found
        if ps.kind == "other" and found[0].kind in _FROM_ESCAPE:
            kind = _FROM_ESCAPE[found[0].kind]
            if kind == "slice-make" and found[0].cause == "append-growth":
                kind = "slice-growth"
            ps.kind = kind
            ps.kind_from = "escape"
        out[id(ps)] = found
    return out
