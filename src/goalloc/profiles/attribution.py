"""Tie each sampled allocation to its runtime entry point, its kind and a source position.

Go's runtime/pprof hides the runtime frames at the top of a heap-profile stack (mallocgc,
growslice, ...) unless the whole stack is runtime code, so the entry point is often not in the
profile. The kind then comes, in this order, from the runtime entry when the stack shows it,
from a known standard-library allocator at the leaf (``strings.(*Builder).WriteString``,
``fmt.Sprint``), from the runtime function the leaf calls at the sampled address when the
program binary was read (``Profile.call_targets``: ``string(buf)`` calls
``runtime.slicebytetostring``, ``append`` calls ``runtime.growslice``, so two constructs on one
line are told apart), from the source line of the leaf frame when the file can be read, and
finally from the escape site linked to the position (:func:`goalloc.profiles.link.link_sites`).
"""

from __future__ import annotations

import operator
import os
import re
from array import array
from dataclasses import dataclass, field
from itertools import accumulate, compress, repeat

from goalloc.profiles.model import DenseIndex, Profile, group_sums

# What a measured site can be (ProfileSite.kind). Not goalloc.escape.model.KINDS, the kinds of
# the compiler's escape sites (slice, map, ...): goalloc.profiles.link maps one onto the other.
MEASURED_KINDS = ("slice-growth", "slice-make", "map-growth", "map-make", "interface-box",
                  "string", "object", "other")

# Runtime allocation entry points (the outermost runtime frame of a stack that is in this table
# is the entry).
RUNTIME_ENTRIES = {
    "runtime.growslice": "slice-growth",
    "runtime.growsliceNoAlias": "slice-growth",
    "runtime.growsliceBuf": "slice-growth",
    "runtime.growsliceBufNoAlias": "slice-growth",
    # A slice appended to in a stack buffer, copied to the heap when it escapes (Go 1.26+).
    "runtime.moveSlice": "slice-growth",
    "runtime.moveSliceNoScan": "slice-growth",
    "runtime.moveSliceNoCap": "slice-growth",
    "runtime.moveSliceNoCapNoScan": "slice-growth",
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
    if name.startswith(("runtime.mallocgcSmall", "runtime.mallocgcTiny")):
        return "object"  # newobject specialized by size, called by compiled code (Go 1.26+)
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
    return prof.goroot_prefixes()


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
    entry: str | None = None  # runtime allocation entry point, from the stack or the binary
    callee: str | None = None  # the non-user function that allocated on behalf of this site
    user: bool = True  # False when no frame of the stack is user code
    kind_from: str = ""  # "runtime", "std", "binary", "source", "escape", or "" when unknown
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
    return _flat_cum(prof, prof.stack_sums(index))


def _flat_cum(prof: Profile, stack_values) -> tuple[dict[str, int], dict[str, int]]:
    """Flat and cum from one value per distinct stack (``prof.stack_ids``).

    cum counts a function once per stack. Summing each stack's value into each function of
    the stack costs the total depth of all stacks (tens of millions of frames in a large
    profile); instead the stacks are walked as the call tree they form (:func:`_tree_walk`),
    and each frame of the tree adds the value of the stacks below it to the functions it
    brings to the path. The work is the size of the tree."""
    names, leaf_of, names_of = _function_indexes(prof)
    # A location with one function, the common case, by its number (-1: several or none).
    single = [nm[0] if len(nm) == 1 else -1 for nm in names_of] if isinstance(names_of, list) \
        else {lid: (nm[0] if len(nm) == 1 else -1) for lid, nm in names_of.items()}
    flat = [0] * len(names.keys)
    cum = [0] * len(names.keys)
    on_path = [0] * len(names.keys)  # 1 while a frame of the current path has the function
    # The current path, by depth: the running sum when its frame was entered, and the
    # function the frame brought to the path: its number, -1 for none (the function is on the
    # path already: recursion), -2 for several (inlined frames), listed in ``several``.
    entered: list[int] = []
    brought: list[int] = []
    several: dict[int, tuple] = {}
    running = depth = 0
    rev, order, shared, starts, stops = _tree_walk(prof.stack_ids, stack_values)
    for i, common, start, stop in zip(order, shared, starts, stops):
        if common < depth:  # leave the frames this stack does not share
            for d in range(common, depth):
                k = brought[d]
                if k >= 0:
                    cum[k] += running - entered[d]
                    on_path[k] = 0
                elif k == -2:
                    sub = running - entered[d]
                    for k in several.pop(d):
                        cum[k] += sub
                        on_path[k] = 0
            del entered[common:], brought[common:]
        for lid in rev[start + common:stop]:
            k = single[lid]
            if k >= 0:
                if on_path[k]:
                    brought.append(-1)
                else:
                    on_path[k] = 1
                    brought.append(k)
            else:
                nm = tuple(k for k in names_of[lid] if not on_path[k])
                for k in nm:
                    on_path[k] = 1
                several[len(brought)] = nm
                brought.append(-2)
        entered.extend([running] * (stop - start - common))
        depth = stop - start
        v = stack_values[i]
        running += v
        flat[leaf_of[rev[stop - 1]]] += v
    for d in range(depth):
        k = brought[d]
        for k in ((k,) if k >= 0 else several.get(d, ())):
            cum[k] += running - entered[d]
    return ({n: f for n, f in zip(names.keys, flat) if f},
            {n: c for n, c in zip(names.keys, cum) if c})


def _function_indexes(prof: Profile) -> tuple[DenseIndex, list | dict, list | dict]:
    """Function names numbered, and per location id (a list when the ids are dense, as Go
    writes them): the number of its innermost function and the numbers of all of them."""
    frames = _location_frames(prof)
    names = DenseIndex()
    size = max(frames, default=0) + 1
    by_list = size <= 4 * len(frames) + 16
    leaf_of: dict | list = [0] * size if by_list else {}
    names_of: dict | list = [()] * size if by_list else {}
    for lid, fr in frames.items():
        leaf_of[lid] = names[fr[0].function]
        names_of[lid] = tuple({names[f.function]: None for f in fr})
    return names, leaf_of, names_of


def _tree_walk(table, stack_values) -> tuple:
    """The stacks with a value, in the order of a walk of their call tree, with how many
    frames each shares with the one before: (root-first ids of all stacks, stack indexes,
    shared frames, start and stop of each stack in the root-first ids).

    The bytes of each stack's root-first ids, zero-padded to the deepest stack, sort the
    stacks as the walk visits them; the highest bit where two neighbours differ says where
    their paths part (ids are never 0). All of it runs in C (``map``), no loop per stack.
    """
    ids, offs = table.ids, table.offsets
    end = len(ids)
    rev = ids[::-1]  # stack i, root first, is rev[end - offs[i + 1]:end - offs[i]]
    width = rev.itemsize
    live = [i for i, v in enumerate(stack_values) if v and offs[i] < offs[i + 1]]
    stops = list(map(end.__sub__, map(offs.__getitem__, live)))
    starts = list(map(end.__sub__, map(offs.__getitem__, map((1).__add__, live))))
    lengths = list(map(operator.sub, stops, starts))
    deepest = max(lengths, default=0)
    raw = rev.tobytes()
    keys = list(map(bytes.ljust, map(raw.__getitem__, map(slice, map(width.__mul__, starts),
                                                          map(width.__mul__, stops))),
                    repeat(deepest * width), repeat(b"\0")))
    del raw
    order = sorted(range(len(keys)), key=keys.__getitem__)
    pick = order.__iter__
    keys = list(map(keys.__getitem__, pick()))
    live, starts, stops, lengths = (list(map(column.__getitem__, pick()))
                                    for column in (live, starts, stops, lengths))
    ints = list(map(int.from_bytes, keys, repeat("big")))
    del keys
    parted = map(int.bit_length, map(operator.xor, [0] + ints[:-1], ints))
    shared = list(map(min, lengths, map(deepest.__add__, map(
        operator.floordiv, map(operator.neg, parted), repeat(8 * width)))))
    return rev, live, shared, starts, stops


def _attribute_stack(frames: list[Frame], resolver: SourceResolver, goroots=(),
                     user_cache: dict | None = None, called: str | None = None):
    """(site frame, entry, callee, user, kind, kind_from, source text) of one stack.

    ``called`` is the function the innermost frame calls at the sampled address, read from the
    program binary (:mod:`goalloc.collect.objdump`): the runtime entry point the profile hid."""
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
    elif called and runtime_kind(called):
        entry = called
    if kind is None and (callee or not user):
        k = std_kind(leaf.function) or (std_kind(callee) if callee else None)
        if k:
            kind, kind_from = k, "std"
    if kind is None and entry == called and called and runtime_kind(called) != "other":
        kind, kind_from = runtime_kind(called), "binary"
    if kind is None and not callee:
        k = source_kind(text) if text else None
        if k:
            kind, kind_from = k, "source"
    return site, entry, callee, user, kind or "other", (kind_from if kind else ""), text


def check_heap_profile(prof: Profile) -> None:
    """Raise InputError unless ``prof`` is a heap or allocs profile: the samples of a CPU,
    goroutine, block or mutex profile are not allocations."""
    kind = prof.kind()
    if kind == "heap":
        return
    from goalloc.errors import InputError

    name = prof.path or "the profile"
    types = ", ".join(f"{st.type}/{st.unit}" for st in prof.sample_types)
    what = f"a {kind} profile" if kind else "not a heap or allocs profile: its samples are"
    raise InputError(f"{name} is {what} ({types}); goalloc profile reads heap and allocs "
                     "profiles")


def attribute(prof: Profile, sample_index: str | int | None = None,
              source_root: str | None = None) -> Attribution:
    """Totals, the pprof-equivalent function table and the allocation sites of a heap or
    allocs profile (InputError for another kind of profile)."""
    check_heap_profile(prof)
    index = prof.sample_index(sample_index)
    types = [st.type for st in prof.sample_types]
    sites, totals = _sites_pass(prof, SourceResolver(source_root))
    flat, cum = _flat_cum(prof, prof.stack_sums(index))
    functions = [FunctionRow(n, flat.get(n, 0), c) for n, c in cum.items()]
    functions.sort(key=lambda r: (-abs(r.flat), -abs(r.cum), r.name))
    return Attribution(prof, index, dict(zip(types, totals)), functions, sites)


def attribute_sites(prof: Profile, source_root: str | None = None,
                    resolver: SourceResolver | None = None) -> list[ProfileSite]:
    """The allocation sites of a heap or allocs profile, every sample type summed per site."""
    check_heap_profile(prof)
    return _sites_pass(prof, resolver or SourceResolver(source_root))[0]


class _StackSites:
    """The site of each distinct stack, found from its frames up to the first location with
    user code (the rest of a stack does not change its site)."""

    def __init__(self, prof: Profile, resolver: SourceResolver):
        self.prof = prof
        self.resolver = resolver
        self.frames = _location_frames(prof)
        self.goroots = goroot_prefixes(prof)
        self.user_cache: dict = {}
        self.loc_user: dict[int, bool] = {}
        self.by_prefix: dict[tuple, int] = {}
        self.by_key: dict[tuple, int] = {}
        self.sites: list[ProfileSite] = []

    def slots(self) -> list[int]:
        """Per distinct stack, the index of its site in ``self.sites`` (-1: no stack)."""
        table = self.prof.stack_ids
        leaves = table.leaves()
        # Most stacks start in user code, and then their innermost location decides.
        by_leaf = {lid: (self._slot((lid,)) if self._has_user(lid) else None)
                   for lid in set(leaves) - {0}}
        by_leaf[0] = -1  # an empty stack
        out = list(map(by_leaf.__getitem__, leaves))
        ids, offs = table.ids, table.offsets
        for i in compress(range(len(out)), map(operator.is_, out, repeat(None))):
            out[i] = self._slot(tuple(ids[offs[i]:offs[i + 1]]))
        return out

    def _slot(self, ids: tuple[int, ...]) -> int:
        k = 0
        while k < len(ids) - 1 and not self._has_user(ids[k]):
            k += 1
        prefix = ids[:k + 1]
        slot = self.by_prefix.get(prefix)
        if slot is not None:
            return slot
        frames = []
        for lid in prefix:
            frames.extend(self.frames[lid])
        site, entry, callee, user, kind, kind_from, text = _attribute_stack(
            frames, self.resolver, self.goroots, self.user_cache,
            self.prof.call_targets.get(ids[0]))
        rel = self.resolver.relative(site.file)
        key = (site.function, rel, site.line, kind)
        slot = self.by_key.get(key)
        if slot is None:
            slot = self.by_key[key] = len(self.sites)
            self.sites.append(ProfileSite(
                function=site.function, file=rel, line=site.line, kind=kind, values={},
                samples=0, entry=entry, callee=callee, user=user, kind_from=kind_from,
                profile_file=site.file, source=text.strip() if text else None))
        self.by_prefix[prefix] = slot
        return slot

    def _has_user(self, lid: int) -> bool:
        has = self.loc_user.get(lid)
        if has is None:
            has = False
            for f in self.frames[lid]:
                if is_runtime(f.function):
                    continue
                key = (f.function, f.file)
                u = self.user_cache.get(key)
                if u is None:
                    u = self.user_cache[key] = (self.resolver.under_root(f.file)
                                                or not _is_std(f.function, f.file, self.goroots))
                if u:
                    has = True
                    break
            self.loc_user[lid] = has
        return has


def _sites_pass(prof: Profile, resolver: SourceResolver) -> tuple[list[ProfileSite], list[int]]:
    """The sites with their values, samples and object sizes, and the totals."""
    samples = prof.samples
    types = [st.type for st in prof.sample_types]
    n = len(types)
    totals = [sum(samples.column(k)) for k in range(n)]
    finder = _StackSites(prof, resolver)
    slot_of = finder.slots()
    sites = finder.sites
    # Sum the samples per (site, label set): the label set holds the object size. Group
    # site * sets + label set is computed in C; samples without a stack go to a site past
    # the last one, never reported.
    sets = len(prof.label_sets)
    nowhere = len(sites)
    base = [(slot if slot >= 0 else nowhere) * sets for slot in slot_of]
    keys = array("l", map(int.__add__, map(base.__getitem__, samples.stack), samples.label_set))
    del base
    groups = (nowhere + 1) * sets
    numbered = None
    if _sparse(groups, len(keys)):  # number the groups that occur
        numbered = DenseIndex()
        keys = array("l", map(numbered.__getitem__, keys))
        groups = len(numbered.keys)
    cols = group_sums(keys, samples.values, n, groups)
    count = cols[n]
    # A sample with only zeros is not an allocation: out of the counts (its values add 0).
    for i in samples.zero_rows():
        count[keys[i]] -= 1
    del keys
    per_site = _site_sums(cols, sets, nowhere + 1, numbered)
    if numbered is not None:
        groups_of: list[list[int]] = [[] for _ in range(nowhere + 1)]
        for g, key in enumerate(numbered.keys):
            groups_of[key // sets].append(g)
    sizes = _SizeColumns(types, cols, prof.label_sets)
    out = []
    for slot, ps in enumerate(sites):
        ps.samples = per_site[n][slot]
        if not ps.samples:
            continue
        ps.values = {t: per_site[k][slot] for k, t in enumerate(types)}
        if numbered is None:
            first = slot * sets
            used = count[first:first + sets]
            sizes.add(ps, zip(compress(range(first, first + sets), used),
                              compress(range(sets), used)))
        else:
            sizes.add(ps, ((g, numbered.keys[g] % sets) for g in groups_of[slot] if count[g]))
        out.append(ps)
    return out, totals


def _sparse(groups: int, samples: int) -> bool:
    """True when sites * label sets is much more than the samples: columns that long would
    be mostly zeros."""
    return groups > 4 * samples + 1024


def _site_sums(cols: list, sets: int, slots: int, numbered) -> list[list[int]]:
    """Each column summed per site. Dense groups (site * sets + label set) are one run per
    site: differences of running sums, in C."""
    if numbered is None:
        out = []
        for col in cols:
            running = list(accumulate(col, initial=0))
            out.append(list(map(operator.sub, running[sets::sets], running[0::sets])))
        return out
    out = [[0] * slots for _ in cols]
    for g, key in enumerate(numbered.keys):
        slot = key // sets
        for col, acc in zip(cols, out):
            acc[slot] += col[g]
    return out


class _SizeColumns:
    """Object sizes (the runtime's ``bytes`` label) with their objects and bytes, per site."""

    def __init__(self, types: list[str], cols: list, label_sets: list):
        obj_i = _index_of(types, ("alloc_objects", "inuse_objects", "objects"))
        space_i = _index_of(types, ("alloc_space", "inuse_space", "space"))
        self.objects = cols[obj_i] if obj_i is not None else None
        self.space = cols[space_i] if space_i is not None else None
        self.size_of = [ls.number("bytes") for ls in label_sets]
        sized = [size for size in self.size_of if size is not None]
        # Go's heap samples carry one label, the size: one label set per size.
        self.one_per_size = len(set(sized)) == len(sized)

    def add(self, site: ProfileSite, groups) -> None:
        """Add the (group, label set) pairs of one site."""
        size_of, objects, space = self.size_of, self.objects, self.space
        if self.one_per_size and objects is not None and space is not None:
            site.sizes = {size_of[lab]: [objects[g], space[g]] for g, lab in groups
                          if size_of[lab] is not None}
            return
        for g, label_set in groups:
            size = size_of[label_set]
            if size is None:
                continue
            acc = site.sizes.get(size)
            if acc is None:
                acc = site.sizes[size] = [0, 0]
            if objects is not None:
                acc[0] += objects[g]
            if space is not None:
                acc[1] += space[g]


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
