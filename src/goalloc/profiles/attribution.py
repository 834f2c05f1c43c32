"""Tie each sampled allocation to its runtime entry point, its kind and a source position.

Go's runtime/pprof hides the runtime frames at the top of a heap-profile stack (mallocgc,
growslice, ...) unless the whole stack is runtime code, so the entry point is often not in the
profile. The kind then comes, in this order, from the runtime entry when present, from a known
standard-library allocator at the leaf (``strings.(*Builder).WriteString``, ``fmt.Sprint``), from
the source line of the leaf frame when the file can be read, and finally from the escape site
linked to the position (:func:`goalloc.profiles.link.link_sites`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from goalloc.profiles.model import Profile

KINDS = ("slice-growth", "slice-make", "map-growth", "map-make", "interface-box", "string",
         "object", "other")

# Runtime allocation entry points (the outermost runtime frame of a stack that is in this table
# is the entry).
RUNTIME_ENTRIES = {
    "runtime.growslice": "slice-growth",
    "runtime.makeslice": "slice-make",
    "runtime.makeslice64": "slice-make",
    "runtime.makeslicecopy": "slice-make",
    "runtime.makemap": "map-make",
    "runtime.makemap64": "map-make",
    "runtime.makemap_small": "map-make",
    "runtime.mapassign": "map-growth",
    "runtime.mapassign_fast32": "map-growth",
    "runtime.mapassign_fast32ptr": "map-growth",
    "runtime.mapassign_fast64": "map-growth",
    "runtime.mapassign_fast64ptr": "map-growth",
    "runtime.mapassign_faststr": "map-growth",
    "runtime.hashGrow": "map-growth",
    "runtime.growWork": "map-growth",
    "runtime.growWork_fast32": "map-growth",
    "runtime.growWork_fast64": "map-growth",
    "runtime.growWork_faststr": "map-growth",
    "runtime.evacuate": "map-growth",
    "runtime.newobject": "object",
    "runtime.newarray": "object",
    "runtime.convT": "interface-box",
    "runtime.convT16": "interface-box",
    "runtime.convT32": "interface-box",
    "runtime.convT64": "interface-box",
    "runtime.convTstring": "interface-box",
    "runtime.convTslice": "interface-box",
    "runtime.convTnoptr": "interface-box",
    "runtime.concatstrings": "string",
    "runtime.concatstring2": "string",
    "runtime.concatstring3": "string",
    "runtime.concatstring4": "string",
    "runtime.concatstring5": "string",
    "runtime.concatbytes": "string",
    "runtime.slicebytetostring": "string",
    "runtime.slicerunetostring": "string",
    "runtime.stringtoslicebyte": "string",
    "runtime.stringtoslicerune": "string",
    "runtime.intstring": "string",
    "runtime.rawstring": "string",
    "runtime.rawstringtmp": "string",
    "runtime.rawbyteslice": "string",
    "runtime.rawruneslice": "string",
    "runtime.mallocgc": "other",
}

# Standard-library functions that allocate on behalf of their caller.
_STD_KINDS = [
    (re.compile(r"^strings\.\(\*Builder\)\."), "string"),
    (re.compile(r"^strings\.(Repeat|Join|Replace|ReplaceAll|ToLower|ToUpper|Title|Map|Fields|"
                r"Split\w*|Clone)$"), "string"),
    (re.compile(r"^strconv\."), "string"),
    (re.compile(r"^fmt\.(Sprint|Sprintf|Sprintln|Append|Appendf|Appendln)$"), "string"),
    (re.compile(r"^bytes\.\(\*Buffer\)\.String$"), "string"),
    (re.compile(r"^bytes\.(growSlice|\(\*Buffer\)\.(grow|Grow|Write\w*|ReadFrom))$"),
     "slice-growth"),
    (re.compile(r"^slices\.(Grow|Insert|AppendSeq|Collect|Concat|Repeat)(\[.*\])?$"),
     "slice-growth"),
    (re.compile(r"^slices\.Clone(\[.*\])?$"), "slice-make"),
    (re.compile(r"^maps\.(Clone|Collect)(\[.*\])?$"), "map-make"),
    (re.compile(r"^(fmt\.Errorf|errors\.New)$"), "object"),
]


def runtime_kind(name: str) -> str | None:
    kind = RUNTIME_ENTRIES.get(name)
    if kind:
        return kind
    if name.startswith("internal/runtime/maps."):
        return "map-make" if ("NewMap" in name or "NewEmptyMap" in name) else "map-growth"
    return None


def is_runtime(name: str) -> bool:
    return name.startswith(("runtime.", "internal/runtime/", "runtime/internal/"))


def package_of(name: str) -> str:
    """The package path of a Go symbol: ``example.com/a.(*T).M`` -> ``example.com/a``."""
    base = name.split("[", 1)[0]
    slash = base.rfind("/")
    dot = base.find(".", slash + 1)
    return base[:dot] if dot >= 0 else base


def goroot_prefixes(prof: Profile) -> tuple[str, ...]:
    """The GOROOT/src/ directories the profile's runtime functions were compiled from."""
    out = set()
    for fn in prof.functions.values():
        if fn.name.startswith("runtime.") and "/runtime/" in fn.filename:
            f = fn.filename.replace("\\", "/")
            prefix = f[:f.rfind("/runtime/") + 1]
            if prefix.startswith("/") or prefix[1:3] == ":/":
                out.add(prefix)
    return tuple(sorted(out))


def _is_std(name: str, filename: str, goroots: tuple[str, ...] = ()) -> bool:
    f = filename.replace("\\", "/")
    if goroots and f.startswith(goroots):
        return True
    if f.endswith("/_testmain.go") or f == "_testmain.go":
        return True  # generated by go test
    pkg = package_of(name)
    first = pkg.split("/", 1)[0]
    if pkg in ("main",) or pkg.endswith("_test") or first == "command-line-arguments":
        return False
    if first.startswith("vendor") or first == "internal":
        return True
    if "." in first:
        return False
    # A module path without a dot: std only when the file sits in a GOROOT-like src tree or
    # the binary was built with -trimpath (file path starts with the package path).
    if goroots and f.startswith("/"):
        return False
    return f"/src/{pkg}/" in f or f.startswith(pkg + "/") or not f


def std_kind(name: str) -> str | None:
    for rx, kind in _STD_KINDS:
        if rx.match(name):
            return kind
    return None


# ---------------------------------------------------------------------------- source text

_COMMENT = re.compile(r"//.*$")
_STRLIT = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
_RX_SOURCE = [
    (re.compile(r"\bappend\s*\("), "slice-growth"),
    (re.compile(r"\bmake\s*\(\s*map\s*\["), "map-make"),
    (re.compile(r"(^|[^\w\]])map\s*\[[^\]]*\][\w.*\[\]]+\s*\{"), "map-make"),
    (re.compile(r"\bmake\s*\(\s*chan\b"), "other"),
    (re.compile(r"\bmake\s*\("), "slice-make"),
    (re.compile(r"\[\]\s*[\w.*\[\]]+\s*\{"), "slice-make"),
    (re.compile(r"&\s*[\w.]+\s*(\[[^\]]*\])?\s*\{|\bnew\s*\(|\bfunc\s*\("), "object"),
    (re.compile(r"\bstring\s*\(|\[\]byte\s*\(|\[\]rune\s*\("), "string"),
]
_STRCAT = re.compile(r"STR\s*\+|\+\s*STR|\+=\s*STR")
_INDEX_ASSIGN = re.compile(r"\b[\w.]+(\[[^\]]+\])+\s*(=|\+=|-=|\|=|\+\+|--)(?!=)")


def source_kind(text: str) -> str | None:
    """Classify the allocating construct of one Go source line (best effort)."""
    marked = _COMMENT.sub("", _STRLIT.sub("STR", text))
    for rx, kind in _RX_SOURCE:
        if rx.search(marked):
            return kind
    if _STRCAT.search(marked):
        return "string"
    if _INDEX_ASSIGN.search(marked):
        return "map-growth"  # an index assignment allocates only for a map
    return None


class SourceResolver:
    """Find the source files a profile names, under ``root`` (a module root) or as written."""

    def __init__(self, root: str | None = None):
        self.root = os.path.abspath(root) if root else None
        self._paths: dict[str, str | None] = {}
        self._lines: dict[str, list[str] | None] = {}

    def resolve(self, filename: str) -> str | None:
        if filename in self._paths:
            return self._paths[filename]
        found = None
        if filename:
            norm = filename.replace("\\", "/")
            candidates = []
            if self.root:
                parts = norm.strip("/").split("/")
                candidates += [os.path.join(self.root, *parts[i:]) for i in range(len(parts))]
            if os.path.isabs(filename):
                candidates.insert(0 if not self.root else len(candidates), filename)
            for c in candidates:
                if os.path.isfile(c):
                    found = c
                    break
        self._paths[filename] = found
        return found

    def relative(self, filename: str) -> str:
        """The module-relative path when the file is under the root, else the name as given."""
        path = self.resolve(filename)
        if path and self.root:
            rel = os.path.relpath(path, self.root)
            if not rel.startswith(".."):
                return rel.replace(os.sep, "/")
        return filename

    def under_root(self, filename: str) -> bool:
        if not self.root:
            return False
        path = self.resolve(filename)
        return bool(path) and not os.path.relpath(path, self.root).startswith("..")

    def line(self, filename: str, line: int) -> str | None:
        path = self.resolve(filename)
        if not path or line <= 0:
            return None
        lines = self._lines.get(path, False)
        if lines is False:
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read().splitlines()
            except OSError:
                lines = None
            self._lines[path] = lines
        if not lines or line > len(lines):
            return None
        return lines[line - 1]


# ---------------------------------------------------------------------------- results

@dataclass
class Frame:
    function: str
    file: str
    line: int
    inlined: bool  # inlined into the next frame (its caller)


@dataclass
class ProfileSite:
    """One source position where the program allocated, with every sample type summed."""

    function: str  # the first user-code function of the stacks (innermost)
    file: str  # module-relative when resolved under --source, else as the profile says
    line: int
    kind: str
    values: dict[str, int]  # per sample type
    samples: int  # profile samples merged here
    entry: str | None = None  # runtime allocation entry point, when the profile shows it
    callee: str | None = None  # the non-user function that allocated on behalf of this site
    user: bool = True  # False when no frame of the stack is user code
    kind_from: str = ""  # "runtime", "std", "source", "escape", or "" when unknown
    profile_file: str = ""  # the file name exactly as in the profile
    source: str | None = None  # the source line, when the file could be read
    sizes: dict[int, list[int]] = field(default_factory=dict)  # object size -> [objects, bytes]
    escape: object | None = None  # the linked goalloc.escape.model.Site
    escape_candidates: list = field(default_factory=list)
    base_values: dict[str, int] | None = None  # with --base: the values in the base profile

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.function, self.file, self.line)


@dataclass
class FunctionRow:
    name: str
    flat: int
    cum: int


@dataclass
class Attribution:
    profile: Profile
    sample_index: int
    totals: dict[str, int]
    functions: list[FunctionRow]
    sites: list[ProfileSite]

    @property
    def sample_type(self) -> str:
        return self.profile.sample_types[self.sample_index].type


def _location_frames(prof: Profile) -> dict[int, list[Frame]]:
    cached = getattr(prof, "_frames", None)
    if cached is not None:
        return cached
    out = {}
    funcs = prof.functions

    def unnamed(loc) -> str:
        # pprof's name for a frame without a function name (addresses are dropped by -top).
        m = prof.mappings.get(loc.mapping_id)
        return f"[{os.path.basename(m.filename)}]" if m and m.filename else "<unknown>"

    for lid, loc in prof.locations.items():
        frames = []
        n = len(loc.lines)
        for k, ln in enumerate(loc.lines):
            fn = funcs.get(ln.function_id)
            name = fn.name if fn and fn.name else unnamed(loc)
            frames.append(Frame(name, fn.filename if fn else "", ln.line, k < n - 1))
        if not frames:
            frames.append(Frame(unnamed(loc), "", 0, False))
        out[lid] = frames
    prof._frames = out  # type: ignore[attr-defined]
    return out


def function_table(prof: Profile, index: int) -> tuple[dict[str, int], dict[str, int]]:
    """Flat and cum per function name, as ``go tool pprof -top -nodefraction=0`` computes them:
    inlined frames are functions of their own, a function counts once per sample in cum."""
    by_ids: dict[tuple, int] = {}
    for st in prof.stacks:
        v = st.values[index]
        if v:
            by_ids[st.location_ids] = by_ids.get(st.location_ids, 0) + v
    return _flat_cum(prof, by_ids)


def _flat_cum(prof: Profile, by_ids: dict) -> tuple[dict[str, int], dict[str, int]]:
    from itertools import chain

    names_of = {lid: tuple(f.function for f in frames)
                for lid, frames in _location_frames(prof).items()}
    get = names_of.__getitem__
    flat: dict[str, int] = {}
    cum: dict[str, int] = {}
    for ids, v in by_ids.items():
        if not v or not ids:
            continue
        leaf = names_of[ids[0]][0]
        flat[leaf] = flat.get(leaf, 0) + v
        for nm in set(chain.from_iterable(map(get, ids))):
            cum[nm] = cum.get(nm, 0) + v
    return flat, cum


def _attribute_stack(frames: list[Frame], resolver: SourceResolver, goroots=(),
                     user_cache: dict | None = None):
    """(site frame, entry, callee, user, kind, kind_from, source text) of one stack."""
    if user_cache is None:
        user_cache = {}
    entry = None
    i = 0
    while i < len(frames) and is_runtime(frames[i].function):
        if runtime_kind(frames[i].function):
            entry = frames[i].function
        i += 1
    if i == len(frames):  # all runtime: the site is the outermost frame below the entry
        i = 0
        site_idx = None
        for k, f in enumerate(frames):
            if f.function == entry:
                site_idx = k + 1 if k + 1 < len(frames) else k
        site_idx = site_idx if site_idx is not None else 0
        user = False
    else:
        site_idx = None
        for k in range(i, len(frames)):
            f = frames[k]
            key = (f.function, f.file)
            is_user = user_cache.get(key)
            if is_user is None:
                is_user = user_cache[key] = (resolver.under_root(f.file)
                                             or not _is_std(f.function, f.file, goroots))
            if is_user:
                site_idx = k
                break
        user = site_idx is not None
        if site_idx is None:
            site_idx = i
    site = frames[site_idx]
    callee = frames[site_idx - 1].function if site_idx > i else None
    leaf = frames[i] if i < len(frames) else frames[0]
    text = resolver.line(site.file, site.line)
    kind = kind_from = None
    if entry:
        kind, kind_from = runtime_kind(entry), "runtime"
        if kind == "other":
            kind = None
    if kind is None and (callee or not user):
        k = std_kind(leaf.function) or (std_kind(callee) if callee else None)
        if k:
            kind, kind_from = k, "std"
    if kind is None and not callee:
        k = source_kind(text) if text else None
        if k:
            kind, kind_from = k, "source"
    return site, entry, callee, user, kind or "other", (kind_from if kind else ""), text


def attribute(prof: Profile, sample_index: str | int | None = None,
              source_root: str | None = None) -> Attribution:
    """Totals, the pprof-equivalent function table and the allocation sites of a profile."""
    index = prof.sample_index(sample_index)
    types = [st.type for st in prof.sample_types]
    by_ids: dict[tuple, int] = {}
    sites, totals = _sites_pass(prof, SourceResolver(source_root), index, by_ids)
    flat, cum = _flat_cum(prof, by_ids)
    functions = [FunctionRow(n, flat.get(n, 0), c) for n, c in cum.items()]
    functions.sort(key=lambda r: (-abs(r.flat), -abs(r.cum), r.name))
    return Attribution(prof, index, dict(zip(types, totals)), functions, sites)


def attribute_sites(prof: Profile, source_root: str | None = None,
                    resolver: SourceResolver | None = None) -> list[ProfileSite]:
    """The allocation sites of a profile, every sample type summed per site."""
    return _sites_pass(prof, resolver or SourceResolver(source_root), None, None)[0]


def _sites_pass(prof: Profile, resolver: SourceResolver, index: int | None,
                by_ids: dict | None) -> tuple[list[ProfileSite], list[int]]:
    """One pass over the stacks: sites, totals, and (when ``by_ids`` is given) the value of
    ``index`` summed per distinct stack for the function table."""
    loc_frames = _location_frames(prof)
    types = [st.type for st in prof.sample_types]
    n = len(types)
    obj_i = _index_of(types, ("alloc_objects", "inuse_objects", "objects"))
    space_i = _index_of(types, ("alloc_space", "inuse_space", "space"))
    goroots = goroot_prefixes(prof)
    user_cache: dict = {}
    loc_user: dict[int, bool] = {}

    def location_has_user(lid: int) -> bool:
        has = loc_user.get(lid)
        if has is None:
            has = False
            for f in loc_frames[lid]:
                if is_runtime(f.function):
                    continue
                key = (f.function, f.file)
                u = user_cache.get(key)
                if u is None:
                    u = user_cache[key] = (resolver.under_root(f.file)
                                           or not _is_std(f.function, f.file, goroots))
                if u:
                    has = True
                    break
            loc_user[lid] = has
        return has

    per_ids: dict[tuple, tuple] = {}
    sites: dict[tuple, tuple] = {}
    totals = [0] * n
    for st in prof.stacks:
        sv = st.values
        ids = st.location_ids
        if n == 4:
            totals[0] += sv[0]
            totals[1] += sv[1]
            totals[2] += sv[2]
            totals[3] += sv[3]
        else:
            for k in range(n):
                totals[k] += sv[k]
        if not ids or not any(sv):
            continue
        if by_ids is not None:
            v = sv[index]
            if v:
                by_ids[ids] = by_ids.get(ids, 0) + v
        info = per_ids.get(ids)
        if info is None:
            # Frames up to the first location with user code are all attribution looks at.
            frames = []
            for lid in ids:
                frames.extend(loc_frames[lid])
                if location_has_user(lid):
                    break
            site, entry, callee, user, kind, kind_from, text = _attribute_stack(
                frames, resolver, goroots, user_cache)
            rel = resolver.relative(site.file)
            key = (site.function, rel, site.line, kind)
            info = sites.get(key)
            if info is None:
                ps = ProfileSite(
                    function=site.function, file=rel, line=site.line, kind=kind,
                    values={}, samples=0, entry=entry, callee=callee,
                    user=user, kind_from=kind_from, profile_file=site.file,
                    source=text.strip() if text else None)
                info = sites[key] = (ps, [0] * n)
            per_ids[ids] = info
        ps, acc = info
        if n == 4:
            acc[0] += sv[0]
            acc[1] += sv[1]
            acc[2] += sv[2]
            acc[3] += sv[3]
        else:
            for k in range(n):
                acc[k] += sv[k]
        ps.samples += st.count
        if st.num_labels:
            for key_, size, _unit in st.num_labels:
                if key_ == "bytes":
                    sz = ps.sizes.get(size)
                    if sz is None:
                        sz = ps.sizes[size] = [0, 0]
                    if obj_i is not None:
                        sz[0] += sv[obj_i]
                    if space_i is not None:
                        sz[1] += sv[space_i]
    out = []
    for ps, acc in sites.values():
        ps.values = dict(zip(types, acc))
        out.append(ps)
    return out, totals


def _index_of(types: list[str], names: tuple[str, ...]) -> int | None:
    for n in names:
        if n in types:
            return types.index(n)
    return None


def diff_sites(new: list[ProfileSite], old: list[ProfileSite]) -> list[ProfileSite]:
    """Sites of ``new`` with ``values`` minus those of ``old`` (matched by function, file, line,
    kind); sites only in ``old`` come back with negative values. ``base_values`` keeps the old."""
    old_by = {(s.function, s.file, s.line, s.kind): s for s in old}
    out = []
    for s in new:
        o = old_by.pop((s.function, s.file, s.line, s.kind), None)
        base = o.values if o else {t: 0 for t in s.values}
        s.base_values = dict(base)
        s.values = {t: v - base.get(t, 0) for t, v in s.values.items()}
        out.append(s)
    for o in old_by.values():
        o.base_values = dict(o.values)
        o.values = {t: -v for t, v in o.values.items()}
        o.samples = 0
        out.append(o)
    return out


def diff(new: Attribution, old: Attribution) -> Attribution:
    """``new - old`` per site, per function and in the totals (like ``pprof -base``)."""
    names_new = [st.type for st in new.profile.sample_types]
    names_old = [st.type for st in old.profile.sample_types]
    if names_new != names_old:
        from goalloc.errors import InputError
        raise InputError(f"the base profile has other sample types ({', '.join(names_old)}) "
                         f"than the profile ({', '.join(names_new)})")
    totals = {t: v - old.totals.get(t, 0) for t, v in new.totals.items()}
    fo = {r.name: r for r in old.functions}
    rows = []
    for r in new.functions:
        o = fo.pop(r.name, None)
        rows.append(FunctionRow(r.name, r.flat - (o.flat if o else 0), r.cum - (o.cum if o else 0)))
    rows += [FunctionRow(o.name, -o.flat, -o.cum) for o in fo.values()]
    rows = [r for r in rows if r.flat or r.cum]
    rows.sort(key=lambda r: (-abs(r.flat), -abs(r.cum), r.name))
    sites = [s for s in diff_sites(new.sites, old.sites) if any(s.values.values())]
    return Attribution(new.profile, new.sample_index, totals, rows, sites)
