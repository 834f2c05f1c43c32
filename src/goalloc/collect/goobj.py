"""Read the compiled code's calls and positions from a package archive the go command built.

A package archive (``go list -export`` names it) holds ``_go_.o``, the compiler's object file
in Go's own format (cmd/internal/goobj, magic ``\\x00go120ld`` since Go 1.20). For every
function it holds the relocations of its code (each direct call is one, naming the callee),
and pc-value tables that give, for any pc, the file and line of the innermost position and
the node of the inlining tree; the tree's nodes give the inlined callee and the position of
its call, up to the line in the function being compiled. That is what ``go tool objdump``
and the linker read; reading it here takes a fraction of the time of disassembling.

Two tables that change between releases are read from the toolchain's own sources: the
builtin symbol list (runtime functions the compiler references by number, not by name) and
the pc quantum (the minimum instruction length) of the target architecture.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import struct
from dataclasses import dataclass, field

from goalloc.errors import InputError, ToolchainError

MAGIC = b"\x00go120ld"

# Blocks of the object file, in header order (cmd/internal/goobj: BlkAutolib ... BlkEnd).
(BLK_AUTOLIB, BLK_PKGIDX, BLK_FILE, BLK_SYMDEF, BLK_HASHED64DEF, BLK_HASHEDDEF, BLK_NONPKGDEF,
 BLK_NONPKGREF, BLK_REFFLAGS, BLK_HASH64, BLK_HASH, BLK_RELOCIDX, BLK_AUXIDX, BLK_DATAIDX,
 BLK_RELOC, BLK_AUX, BLK_DATA, BLK_REFNAME, BLK_END) = range(19)
N_BLOCKS = 19

# Package indices with a special meaning (goobj.PkgIdxNone and the ones below it).
PKG_NONE = (1 << 31) - 1
PKG_HASHED64 = PKG_NONE - 1
PKG_HASHED = PKG_NONE - 2
PKG_BUILTIN = PKG_NONE - 3
PKG_SELF = PKG_NONE - 4

AUX_FUNCINFO, AUX_PCFILE, AUX_PCLINE, AUX_PCINLINE = 1, 8, 9, 10

SYM_SIZE = 21  # name (len, off), abi u16, type u8, flag u8, flag2 u8, size u32, align u32
RELOC = struct.Struct("<iBHqII")  # off, size, type, add, sym pkg, sym index
_RELOC_TARGET = struct.Struct("<15xII")  # the symbol reference of a relocation
AUX = struct.Struct("<BII")  # type, sym pkg, sym index
INL_NODE = struct.Struct("<iIiIIi")  # parent, file, line, func pkg, func index, parent pc


@dataclass(frozen=True)
class ObjectFormat:
    """The per-release tables needed to read an object file of one toolchain."""

    builtins: tuple[str, ...]  # cmd/internal/goobj builtin list: index -> symbol name
    pc_quantum: int  # the target's minimum instruction length: pc deltas are in these units


class InlineNode:
    """One inlined call of a function's inlining tree: the position of the call (in the
    parent node's function, or in the function itself for parent -1) and the inlined
    function, named when first asked (naming may open another package's object)."""

    __slots__ = ("parent", "file", "line", "_obj", "_ref", "_function")

    def __init__(self, parent: int, file: str, line: int, obj: "GoObject", ref: tuple[int, int]):
        self.parent = parent
        self.file = file
        self.line = line
        self._obj = obj
        self._ref = ref
        self._function: str | None = None

    @property
    def function(self) -> str:
        if self._function is None:
            self._function = self._obj.sym_name(*self._ref)
        return self._function

    def __repr__(self) -> str:
        return f"InlineNode({self.parent}, {self.file}:{self.line}, {self.function})"


@dataclass(slots=True)
class TextSymbol:
    """One function of the object: its name, start line, the calls it makes and its pc tables
    (decoded on demand: most functions are never asked)."""

    name: str
    start_line: int
    calls: list[tuple[int, str]] = field(default_factory=list)  # (pc offset, callee symbol)
    _obj: "GoObject | None" = field(default=None, repr=False)
    _index: int = -1
    _tables: tuple | None = field(default=None, repr=False)
    _decoded_upto: int = -1
    _tree: list | None = field(default=None, repr=False)

    def position(self, pc: int) -> tuple[str, int, int]:
        """(file, line, inline node index or -1) of the innermost position at pc."""
        if self._tables is None or pc > self._decoded_upto:
            # Decoded once, as far as the last call: the tables are not needed past it.
            self._decoded_upto = max([pc] + [off for off, _ in self.calls])
            self._tables = self._obj.pc_tables(self._index, self._decoded_upto)
        files, lines, inl = self._tables
        return (self._obj.file(_value_at(files, pc)), _value_at(lines, pc), _value_at(inl, pc))

    def entry_file(self) -> str:
        """The file of the function's first instruction."""
        return self._obj.file(self._obj.first_value(self._index, AUX_PCFILE))

    def inline_tree(self) -> list[InlineNode]:
        if self._tree is None:
            self._tree = self._obj.inline_tree(self._index)
        return self._tree


def _value_at(table: tuple[list[int], list[int]], pc: int) -> int:
    ends, values = table
    i = bisect.bisect_right(ends, pc)
    return values[i] if i < len(values) else -1


def decode_pcvalue(data: bytes, quantum: int, upto: int | None = None) -> tuple[list[int], list[int]]:
    """A pc-value table as (range ends, values): values[i] holds for pcs below ends[i] (and at
    or above ends[i-1]); with ``upto``, decoding stops at the range that holds that pc. The
    encoding is the runtime's (runtime.step): pairs of a zig-zag varint value delta (from -1)
    and a varint pc delta in units of the quantum, ended by a zero byte after the first pair."""
    ends: list[int] = []
    values: list[int] = []
    val, pc, p, n = -1, 0, 0, len(data)
    while p < n:
        uv, p = _uvarint(data, p)
        if uv == 0 and ends:
            break
        val += (uv >> 1) ^ -(uv & 1)
        delta, p = _uvarint(data, p)
        pc += delta * quantum
        ends.append(pc)
        values.append(val)
        if upto is not None and pc > upto:
            break
    return ends, values


def _uvarint(data: bytes, p: int) -> tuple[int, int]:
    b = data[p]
    if b < 0x80:
        return b, p + 1
    result, shift = 0, 0
    while True:
        b = data[p]
        p += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, p
        shift += 7


class GoObject:
    """An object file of Go's own format (the ``_go_.o`` member of a package archive)."""

    def __init__(self, data: bytes, fmt: ObjectFormat, where: str = "object file",
                 foreign_name=None):
        """``foreign_name(package path, symbol index)`` names symbols of other packages that
        the object refers to by index only (inlined functions of the inlining tree)."""
        if data[:len(MAGIC)] != MAGIC:
            raise ToolchainError(f"{where}: not a Go object file of the 'go120ld' format this "
                                 "goalloc reads (a newer Go release may have changed it)")
        self.data = data
        self.fmt = fmt
        self.where = where
        self.foreign_name = foreign_name
        self.offsets = struct.unpack_from(f"<{N_BLOCKS}I", data, len(MAGIC) + 8 + 4)
        off = self.offsets
        self.n_self = (off[BLK_HASHED64DEF] - off[BLK_SYMDEF]) // SYM_SIZE
        self.n_hashed64 = (off[BLK_HASHEDDEF] - off[BLK_HASHED64DEF]) // SYM_SIZE
        self.n_hashed = (off[BLK_NONPKGDEF] - off[BLK_HASHEDDEF]) // SYM_SIZE
        self.n_nonpkgdef = (off[BLK_NONPKGREF] - off[BLK_NONPKGDEF]) // SYM_SIZE
        self.n_defined = self.n_self + self.n_hashed64 + self.n_hashed + self.n_nonpkgdef
        self._files: list[str] | None = None
        self._ref_names: dict[tuple[int, int], str] | None = None
        self._name_cache: dict[tuple[int, int], str] = {}

    # -- strings and names ---------------------------------------------------------------
    def _string(self, at: int) -> str:
        length, off = struct.unpack_from("<II", self.data, at)
        return self.data[off:off + length].decode("utf-8", "replace")

    def file(self, index: int) -> str:
        if self._files is None:
            start, end = self.offsets[BLK_FILE], self.offsets[BLK_FILE + 1]
            self._files = [self._string(at) for at in range(start, end, 8)]
        return self._files[index] if 0 <= index < len(self._files) else ""

    def _def_name(self, global_index: int) -> str:
        """Name of the global_index-th symbol of the Symdef .. Nonpkgref blocks (contiguous)."""
        return self._string(self.offsets[BLK_SYMDEF] + global_index * SYM_SIZE)

    def sym_name(self, pkg: int, index: int) -> str:
        key = (pkg, index)
        name = self._name_cache.get(key)
        if name is not None:
            return name
        if pkg == PKG_BUILTIN:
            name = self.fmt.builtins[index] if index < len(self.fmt.builtins) else ""
        elif pkg == PKG_SELF:
            name = self._def_name(index)
        elif pkg == PKG_HASHED64:
            name = self._def_name(self.n_self + index)
        elif pkg == PKG_HASHED:
            name = self._def_name(self.n_self + self.n_hashed64 + index)
        elif pkg == PKG_NONE:
            name = self._def_name(self.n_self + self.n_hashed64 + self.n_hashed + index)
        else:
            name = self._referenced_names().get(key, "")
            if not name and self.foreign_name is not None:
                name = self.foreign_name(self.package_path(pkg), index)
        self._name_cache[key] = name
        return name

    def package_path(self, pkg: int) -> str:
        at = self.offsets[BLK_PKGIDX] + 8 * pkg
        return self._string(at) if at < self.offsets[BLK_PKGIDX + 1] else ""

    def defined_name(self, index: int) -> str:
        """Name of the index-th symbol of the package's own SymbolDefs (what other packages'
        references by index point at)."""
        return self._def_name(index) if 0 <= index < self.n_self else ""

    def _referenced_names(self) -> dict[tuple[int, int], str]:
        """Symbols of other packages, which the object names only in its RefName block."""
        if self._ref_names is None:
            names = {}
            start, end = self.offsets[BLK_REFNAME], self.offsets[BLK_REFNAME + 1]
            for at in range(start, end, 16):
                pkg, index = struct.unpack_from("<II", self.data, at)
                names[(pkg, index)] = self._string(at + 8)
            self._ref_names = names
        return self._ref_names

    def _global_index(self, pkg: int, index: int) -> int:
        """Index into the Reloc/Aux/Data index arrays of a symbol defined here, or -1."""
        if pkg == PKG_SELF:
            return index
        if pkg == PKG_HASHED64:
            return self.n_self + index
        if pkg == PKG_HASHED:
            return self.n_self + self.n_hashed64 + index
        if pkg == PKG_NONE and index < self.n_nonpkgdef:
            return self.n_self + self.n_hashed64 + self.n_hashed + index
        return -1

    # -- per-symbol blocks ---------------------------------------------------------------
    def _range(self, block_index: int, i: int) -> tuple[int, int]:
        return struct.unpack_from("<II", self.data, self.offsets[block_index] + 4 * i)

    def symbol_data(self, i: int) -> bytes:
        start, end = self._range(BLK_DATAIDX, i)
        base = self.offsets[BLK_DATA]
        return self.data[base + start:base + end]

    def _aux(self, i: int) -> list[tuple[int, int, int]]:
        start, end = self._range(BLK_AUXIDX, i)
        base = self.offsets[BLK_AUX]
        return [AUX.unpack_from(self.data, base + 9 * k) for k in range(start, end)]

    def _aux_data(self, i: int, kind: int) -> bytes:
        for typ, pkg, index in self._aux(i):
            if typ == kind:
                g = self._global_index(pkg, index)
                return self.symbol_data(g) if g >= 0 else b""
        return b""

    def first_value(self, i: int, kind: int) -> int:
        data = self._aux_data(i, kind)
        if not data:
            return -1
        uv, _ = _uvarint(data, 0)
        return -1 + ((uv >> 1) ^ -(uv & 1))

    def pc_tables(self, i: int, upto: int | None = None):
        """The file, line and inline-node tables of the i-th symbol (up to pc ``upto``)."""
        q = self.fmt.pc_quantum
        return (decode_pcvalue(self._aux_data(i, AUX_PCFILE), q, upto),
                decode_pcvalue(self._aux_data(i, AUX_PCLINE), q, upto),
                decode_pcvalue(self._aux_data(i, AUX_PCINLINE), q, upto))

    def inline_tree(self, i: int) -> list[InlineNode]:
        info = self._aux_data(i, AUX_FUNCINFO)
        if len(info) < 20:
            return []
        (n_file,) = struct.unpack_from("<I", info, 16)
        at = 20 + 4 * n_file
        (n_nodes,) = struct.unpack_from("<I", info, at)
        at += 4
        nodes = []
        for k in range(n_nodes):
            parent, file, line, pkg, index, _ = INL_NODE.unpack_from(info, at + 24 * k)
            nodes.append(InlineNode(parent, self.file(file), line, self, (pkg, index)))
        return nodes

    # -- functions -------------------------------------------------------------------------
    def functions(self, wanted_callee, own_callees: bool = False) -> list[TextSymbol]:
        """Every function defined here (a symbol with a FuncInfo), with its calls whose callee
        name ``wanted_callee`` accepts; calls to the package's own functions are looked for
        only with ``own_callees`` (for a package that defines wanted callees). A call is a
        relocation of the code that has a size (markers such as R_USEIFACE have none) and
        names the callee. Only the relocations' symbol references are read in bulk; the rest
        of a relocation only for wanted ones."""
        data, off = self.data, self.offsets
        n = self.n_defined
        aux_index = struct.unpack_from(f"<{n + 1}I", data, off[BLK_AUXIDX])
        reloc_index = struct.unpack_from(f"<{n + 1}I", data, off[BLK_RELOCIDX])
        aux_types = data[off[BLK_AUX]:off[BLK_AUX + 1]:AUX.size]
        by_index: dict[int, TextSymbol] = {}
        for m in re.finditer(bytes([AUX_FUNCINFO]), aux_types):
            i = bisect.bisect_right(aux_index, m.start()) - 1
            if 0 <= i < n and i not in by_index:
                info = self._aux_data(i, AUX_FUNCINFO)
                start_line = struct.unpack_from("<i", info, 12)[0] if len(info) >= 16 else 0
                by_index[i] = TextSymbol(self._def_name(i), start_line, _obj=self, _index=i)
        base, end = off[BLK_RELOC], off[BLK_RELOC + 1]
        wanted = self._wanted_refs(wanted_callee, own_callees)
        targets = _RELOC_TARGET.iter_unpack(data[base:base + (end - base) // RELOC.size * RELOC.size])
        found = [(r, wanted[ref]) for r, ref in enumerate(targets) if ref in wanted]
        for r, callee in found:
            roff, size = struct.unpack_from("<iB", data, base + RELOC.size * r)
            fn = by_index.get(bisect.bisect_right(reloc_index, r) - 1)
            if size and fn is not None:
                fn.calls.append((roff, callee))
        return [by_index[i] for i in sorted(by_index)]

    def _wanted_refs(self, wanted_callee, own_callees: bool) -> dict[tuple[int, int], str]:
        """Every reference form of a wanted callee this object can use."""
        refs = {}
        for i, name in enumerate(self.fmt.builtins):
            if wanted_callee(name):
                refs[(PKG_BUILTIN, i)] = name
        first_nonpkg = self.n_self + self.n_hashed64 + self.n_hashed
        n_nonpkg = (self.offsets[BLK_REFFLAGS] - self.offsets[BLK_NONPKGDEF]) // SYM_SIZE
        for i in range(n_nonpkg):
            name = self._def_name(first_nonpkg + i)
            if wanted_callee(name):
                refs[(PKG_NONE, i)] = name
        for key, name in self._referenced_names().items():
            if wanted_callee(name):
                refs[key] = name
        if own_callees:
            for i in range(self.n_self):
                name = self._def_name(i)
                if wanted_callee(name):
                    refs[(PKG_SELF, i)] = name
        return refs


class ObjectLibrary:
    """The object files of a build's packages. A matched package's object is read whole; of
    the others only the names that the matched objects refer to by index are read, by seeking
    (their archives hold tens of megabytes, of which a few hundred names are wanted)."""

    def __init__(self, exports: dict[str, str], fmt: ObjectFormat):
        self.exports = exports  # import path -> package archive
        self.fmt = fmt
        self._open: dict[str, GoObject] = {}
        self._names: dict[str, _SymbolNames | None] = {}

    def object(self, package: str) -> "GoObject":
        """The whole object of a package the build named (InputError/ToolchainError if it
        cannot be read)."""
        if package not in self._open:
            path = self.exports.get(package)
            if not path:
                raise InputError(f"the build named no archive for {package}")
            self._open[package] = GoObject(archive_object(path), self.fmt, path, self.name)
        return self._open[package]

    def name(self, package: str, index: int) -> str:
        """The index-th symbol defined by package; "" when that cannot be read (only a name
        is lost: calls come from the matched package's own object)."""
        if package in self._open:
            return self._open[package].defined_name(index)
        if package not in self._names:
            path = self.exports.get(package)
            try:
                self._names[package] = _SymbolNames(path) if path else None
            except (OSError, ValueError, struct.error):
                self._names[package] = None
        names = self._names[package]
        if names is None:
            return ""
        try:
            return names.defined_name(index)
        except (OSError, ValueError, struct.error):
            return ""


class _SymbolNames:
    """Names of a package archive's own symbols, read by seeking to them."""

    def __init__(self, path: str):
        self.path = path
        with open(path, "rb") as fh:
            self.start = _member_start(fh, path)
            head = fh.read(len(MAGIC) + 12 + 4 * N_BLOCKS)
        if head[:len(MAGIC)] != MAGIC:
            raise ValueError(f"{path}: not a 'go120ld' object")
        self.offsets = struct.unpack_from(f"<{N_BLOCKS}I", head, len(MAGIC) + 12)
        self.n_self = (self.offsets[BLK_HASHED64DEF] - self.offsets[BLK_SYMDEF]) // SYM_SIZE

    def defined_name(self, index: int) -> str:
        if not 0 <= index < self.n_self:
            return ""
        with open(self.path, "rb") as fh:
            fh.seek(self.start + self.offsets[BLK_SYMDEF] + index * SYM_SIZE)
            length, off = struct.unpack("<II", fh.read(8))
            fh.seek(self.start + off)
            return fh.read(length).decode("utf-8", "replace")


def _member_start(fh, path: str) -> int:
    """Offset of the binary object in a package archive's _go_.o (fh is left there)."""
    if fh.read(8) != b"!<arch>\n":
        raise ValueError(f"{path}: not an archive")
    at = 8
    while True:
        fh.seek(at)
        header = fh.read(60)
        if len(header) < 60:
            raise ValueError(f"{path}: no _go_.o")
        size = int(header[48:58])
        if header[:16].rstrip().rstrip(b"/") == b"_go_.o":
            prefix = fh.read(min(size, 4096))
            start = prefix.find(MAGIC)
            if start < 0:
                raise ValueError(f"{path}: not a 'go120ld' object")
            fh.seek(at + 60 + start)
            return at + 60 + start
        at += 60 + size + (size & 1)


def archive_object(path: str) -> bytes:
    """The Go object file inside a package archive (or the file itself when it is one)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if data.startswith(MAGIC):
        return data
    if not data.startswith(b"!<arch>\n"):
        raise InputError(f"{path}: not a Go package archive")
    at = 8
    while at + 60 <= len(data):
        header = data[at:at + 60]
        name = header[:16].rstrip().rstrip(b"/")
        try:
            size = int(header[48:58])
        except ValueError:
            break
        body = at + 60
        if name == b"_go_.o":
            member = data[body:body + size]
            # "go object GOOS GOARCH VERSION ...\n" (and a "!\n") come before the binary part.
            start = member.find(MAGIC, 0, 4096)
            if start < 0:
                raise ToolchainError(f"{path}: the object file is not of the 'go120ld' format "
                                     "this goalloc reads")
            return member[start:]
        at = body + size + (size & 1)
    raise InputError(f"{path}: no Go object file (_go_.o) in the archive")


@functools.lru_cache(maxsize=None)
def object_format(goroot: str, goarch: str) -> ObjectFormat:
    """The builtin list and pc quantum of the toolchain at goroot, from its own sources."""
    src = os.path.join(goroot, "src", "cmd", "internal")
    builtins = _read_source(os.path.join(src, "goobj", "builtinlist.go"))
    names = tuple(re.findall(r'^\s*\{"([^"]+)",\s*-?\d+\},', builtins, re.M))
    if not names:
        raise ToolchainError(f"no builtin symbol list in {src}/goobj/builtinlist.go")
    return ObjectFormat(names, _pc_quantum(_read_source(os.path.join(src, "sys", "arch.go")),
                                           goarch))


def _read_source(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise ToolchainError(f"cannot read the toolchain's {path} ({exc.strerror}): goalloc "
                             "reads object files with the tables of the toolchain's sources") from None


def _pc_quantum(arch_go: str, goarch: str) -> int:
    """MinLC of the architecture whose Name is goarch, from cmd/internal/sys/arch.go."""
    for block in re.split(r"\n(?=var Arch\w+ = &Arch\{)", arch_go):
        name = re.search(r'\bName:\s*"([^"]+)"', block)
        quantum = re.search(r"\bMinLC:\s*(\d+)", block)
        if name and quantum and name.group(1) == goarch:
            return int(quantum.group(1))
    raise ToolchainError(f"no architecture {goarch!r} in the toolchain's cmd/internal/sys/arch.go")
