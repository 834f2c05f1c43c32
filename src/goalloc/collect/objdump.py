"""Which function each sampled call site calls, read from the program's binary.

Go's runtime/pprof removes the runtime frames above user code from heap-profile stacks
(``writeHeapProto``'s hideRuntime), so ``lines = append(lines, string(buf))`` is one frame in
the profile whatever allocated on that line. The binary still knows: the address of a sample's
innermost location is the call into the runtime, ``CALL runtime.slicebytetostring`` or
``CALL runtime.growslice``. :func:`attach_call_targets` disassembles the functions holding those
addresses with ``go tool objdump`` and records, per location, the function called there.

The binary is the one passed in (``goalloc verify`` keeps the ``go test`` binary), else found
where ``go test -memprofile`` leaves it: the profile's mapping names the binary as it ran
(``/tmp/go-build.../b001/pkg.test``, usually gone), and ``go test`` writes a copy named
``pkg.test`` into the directory it ran in, next to the profile. A candidate is used when its GNU
build ID is the one the profile recorded (ELF files), and an address is trusted only when the
instruction there is a call on the file and line the profile gives the location; one address
on another line means another build, and then nothing is read from that binary.
"""

from __future__ import annotations

import bisect
import os
import re
import struct
import subprocess

from goalloc.errors import GoallocError
from goalloc.profiles.model import Profile

_INSTRUCTION = re.compile(r"^\s+(\S+):(\d+)\s+0x([0-9a-f]+)\s+([0-9a-f]+)\s+(.*?)\s*$")
_CALL = re.compile(r"^(?:CALL|BL|JAL)\s+([^\s(]+)\(SB\)")
_BATCH = 300  # functions named in one objdump -s pattern


def attach_call_targets(prof: Profile, binary: str | os.PathLike | None = None) -> None:
    """Fill ``prof.call_targets`` (location id -> called function) and ``prof.binary`` from
    the profile's binary, when one is found and matches; otherwise leave them empty."""
    mapping = _main_mapping(prof)
    candidates = _candidates(prof, mapping, binary)
    if not candidates:
        return
    wanted = _leaf_locations(prof)
    for path in candidates:
        targets = _targets(path, prof, wanted, mapping)
        if targets is not None:
            prof.call_targets = targets
            prof.binary = path
            return


def _leaf_locations(prof: Profile) -> dict:
    """The innermost location of each stack whose innermost frame is the program's own code:
    a runtime frame in the profile names the entry point already, and a standard-library
    frame is classified by the library function (goalloc.profiles.attribution)."""
    goroots = prof.goroot_prefixes()
    out = {}
    for lid in set(prof.stack_ids.leaves()) - {0}:
        loc = prof.locations[lid]
        if not loc.lines or loc.is_folded:
            continue
        fn = prof.functions[loc.lines[0].function_id]
        if fn.name and not (goroots and fn.filename.replace("\\", "/").startswith(goroots)):
            out[lid] = loc
    return out


def _main_mapping(prof: Profile):
    """The program's own mapping: runtime/pprof writes it first; the others are the vdso and
    shared libraries, named in brackets or by a library path."""
    for m in prof.mappings.values():
        if m.filename and not m.filename.startswith("["):
            return m
    return None


def _candidates(prof: Profile, mapping, binary) -> list[str]:
    if binary is not None:
        return [os.fspath(binary)] if os.path.isfile(binary) else []
    if mapping is None or not mapping.filename or mapping.filename.startswith("["):
        return []
    name = os.path.basename(mapping.filename)
    places = [mapping.filename]
    if prof.path:
        places.append(os.path.join(os.path.dirname(os.path.abspath(prof.path)), name))
    places.append(os.path.abspath(name))
    out = []
    for p in places:
        if p not in out and os.path.isfile(p) and _same_build(p, mapping.build_id):
            out.append(p)
    return out


def _same_build(path: str, build_id: str) -> bool:
    """False only when both build IDs are known and differ."""
    if not build_id:
        return True
    found = gnu_build_id(path)
    return found is None or found == build_id.lower()


def gnu_build_id(path: str) -> str | None:
    """The GNU build ID (hex) of an ELF file, as runtime/pprof records it in a mapping; None
    for other files or when it has none."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
            if len(head) < 52 or head[:4] != b"\x7fELF" or head[4] not in (1, 2):
                return None
            end = "<" if head[5] == 1 else ">"
            if head[4] == 2:
                shoff, = struct.unpack_from(end + "Q", head, 0x28)
                shentsize, shnum = struct.unpack_from(end + "HH", head, 0x3A)
                header, fields = end + "IIQQQQ", (1, 4, 5)
            else:
                shoff, = struct.unpack_from(end + "I", head, 0x20)
                shentsize, shnum = struct.unpack_from(end + "HH", head, 0x2E)
                header, fields = end + "IIIIII", (1, 4, 5)
            if not shoff or shnum > 4096 or shentsize < struct.calcsize(header):
                return None
            fh.seek(shoff)
            table = fh.read(shentsize * shnum)
            for k in range(shnum):
                sh = struct.unpack_from(header, table, k * shentsize)
                sh_type, offset, size = (sh[i] for i in fields)
                if sh_type != 7 or size > 1 << 16:  # SHT_NOTE
                    continue
                fh.seek(offset)
                note = fh.read(size)
                i = 0
                while i + 12 <= len(note):
                    namesz, descsz, ntype = struct.unpack_from(end + "III", note, i)
                    name_at = i + 12
                    desc_at = name_at + (namesz + 3) // 4 * 4
                    if ntype == 3 and note[name_at:name_at + namesz] == b"GNU\x00":
                        return note[desc_at:desc_at + descsz].hex()
                    i = desc_at + (descsz + 3) // 4 * 4
    except (OSError, struct.error):
        return None
    return None


def _targets(path: str, prof: Profile, wanted: dict, mapping) -> dict[int, str] | None:
    """Location id -> called function for the wanted locations found in ``path``; None when
    the binary cannot be read or is not the one that wrote the profile."""
    if not wanted:
        return None
    names = set()
    for loc in wanted.values():
        names.add(prof.functions[loc.lines[-1].function_id].name)
    code = _disassemble(path, sorted(names))
    if not code:
        return None
    starts = [ins[0] for ins in code]
    # Non-PIE binaries run at their link addresses; a PIE one is moved by its mapping.
    shifts = [0]
    if mapping is not None and mapping.memory_start > mapping.file_offset:
        shifts.append(mapping.memory_start - mapping.file_offset)
    for shift in shifts:
        found = _match(code, starts, prof, wanted, shift)
        if found is not None:
            return found
    return None


def _match(code, starts, prof, wanted, shift) -> dict[int, str] | None:
    out = {}
    matched = 0
    for lid, loc in wanted.items():
        addr = loc.address - shift
        k = bisect.bisect_right(starts, addr) - 1
        if k < 0 or addr >= code[k][1]:
            continue  # not in a disassembled function
        ins = code[k]
        if ins[4] is None and ins[0] == addr and k > 0:
            ins = code[k - 1]  # the address is the return address, just past the call
        inner = loc.lines[0]
        fn = prof.functions[inner.function_id]
        if (ins[2], ins[3]) != (os.path.basename(fn.filename), inner.line):
            return None  # another build of the program
        matched += 1
        if ins[4] is not None:
            out[lid] = ins[4]
    return out if matched else None


def _disassemble(path: str, functions: list[str]) -> list[tuple] | None:
    """(start, end, file, line, called function or None) of every instruction of the named
    functions, by address; None when go tool objdump cannot read the file."""
    from goalloc.collect.toolchain import find_toolchain

    try:
        toolchain = find_toolchain()
    except GoallocError:
        return None  # no toolchain: the kinds come from the source, as without a binary
    out = []
    for at in range(0, len(functions), _BATCH):
        # A generic function is named pkg.F[...] in profiles, with its shape in the binary.
        pattern = "^(?:" + "|".join(re.escape(f).replace(r"\[\.\.\.\]", r"\[.*\]")
                                    for f in functions[at:at + _BATCH]) + ")$"
        try:
            # Go 1.24+ compiles objdump on its first use (and after the build cache dropped
            # it): the timeout leaves room for that build.
            proc = toolchain.run(["tool", "objdump", "-s", pattern, path], timeout=900)
        except (GoallocError, OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode != 0:
            return None
        for line in proc.stdout.splitlines():
            m = _INSTRUCTION.match(line)
            if m:
                start = int(m.group(3), 16)
                call = _CALL.match(m.group(5))
                out.append((start, start + len(m.group(4)) // 2, m.group(1), int(m.group(2)),
                            call.group(1) if call else None))
    out.sort()
    return out
