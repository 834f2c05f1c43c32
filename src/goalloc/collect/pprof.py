"""Read a pprof ``profile.proto`` (gzip-compressed or not) into a :class:`Profile`.

Two decoders share one design: the hot part of a large profile is the list of samples
(millions of them), so a sample's packed ``location_id`` list is never decoded on reading; its
raw bytes are the key of a dict that sums the values of every sample with the same stack and
labels. Only the distinct stacks are decoded afterwards.

``upb``: the ``protobuf`` package (upb backend) parses the file in C with message types built
at run time from ``descriptor_pb2`` (no protoc), the samples 64k at a time (the top level is
split in Python); ``Sample.location_id`` and ``Sample.label`` are declared as ``bytes`` so that
upb hands over the packed bytes as they are. Go writes lists of
two or fewer numbers unpacked: such a sample lands in upb's unknown fields and is decoded by
hand.

``python``: a hand-written decoder over the bytes, used when protobuf is not installed.

``bench/profile_read.py`` measures both; see docs/profile.md.
"""

from __future__ import annotations

import gzip
import os
import zlib

from goalloc.errors import InputError
from goalloc.profiles.model import (Function, Line, Location, Mapping, Profile, Stack,
                                    ValueType)

_NEG = 1 << 63
_MOD = 1 << 64


class _Corrupt(Exception):
    pass


# ---------------------------------------------------------------------------- entry points

def read_profile(path: str | os.PathLike, decoder: str = "auto") -> Profile:
    """Read a heap/allocs (or any) pprof profile from ``path``.

    ``decoder`` is ``"auto"`` (upb when protobuf is importable, else python), ``"upb"`` or
    ``"python"``. Raises :class:`goalloc.errors.InputError` with a one-line message for a
    missing, corrupt, truncated or non-profile file.
    """
    from goalloc.fsutil import read_bytes

    prof = parse_profile(read_bytes(path, "profile"), decoder=decoder, name=str(path))
    prof.path = str(path)
    return prof


def parse_profile(data: bytes, decoder: str = "auto", name: str = "profile") -> Profile:
    """Decode the bytes of a profile (gzip-compressed or raw ``profile.proto``)."""
    raw = _uncompress(data, name)
    del data  # with read_profile, the compressed bytes are freed here
    if decoder not in ("auto", "upb", "python"):
        raise ValueError(f"unknown decoder {decoder!r}")
    if decoder in ("auto", "upb"):
        try:
            import google.protobuf  # noqa: F401
        except ImportError:
            if decoder == "upb":
                raise InputError("the upb decoder needs protobuf: pip install "
                                 '"goalloc[profile]"') from None
            decoder = "python"
        else:
            decoder = "upb"
    try:
        if decoder == "upb":
            box = [raw]
            del raw  # _decode_upb frees the bytes once upb has parsed them
            prof = _decode_upb(box, name)
        else:
            prof = _decode_python(raw)
    except (_Corrupt, IndexError, ValueError, UnicodeDecodeError, KeyError, TypeError,
            OverflowError) as exc:
        detail = str(exc) if isinstance(exc, _Corrupt) else "truncated or malformed data"
        raise InputError(f"{name} is not a valid pprof profile: {detail}") from None
    prof.decoder = decoder
    return prof


def _uncompress(data: bytes, name: str) -> bytes:
    if not data:
        raise InputError(f"{name} is empty, not a pprof profile")
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except EOFError:
            raise InputError(f"{name} is a truncated gzip file (the profile was cut off)") from None
        except (OSError, zlib.error) as exc:
            raise InputError(f"{name} is a corrupt gzip file: {exc}") from None
    head = data[:64].lstrip()
    if head.startswith((b"heap profile:", b"--- heapz", b"--- memory profile",
                        b"heap_v2/", b"--- contention")):
        raise InputError(f"{name} is a legacy text profile; goalloc reads only profile.proto "
                         "(write it with runtime/pprof or go test -memprofile, without debug=1)")
    return data


# ---------------------------------------------------------------------------- varints

def _varint(buf, i: int) -> tuple[int, int]:
    x = 0
    shift = 0
    while True:
        b = buf[i]
        i += 1
        x |= (b & 0x7F) << shift
        if b < 0x80:
            return x, i
        shift += 7
        if shift > 63:
            raise _Corrupt("varint longer than 10 bytes")


def packed_varints(data) -> list[int]:
    """Decode a packed list of unsigned varints."""
    out = []
    append = out.append
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        i += 1
        if b < 0x80:
            append(b)
            continue
        x = b & 0x7F
        shift = 7
        while True:
            b = data[i]
            i += 1
            x |= (b & 0x7F) << shift
            if b < 0x80:
                break
            shift += 7
            if shift > 63:
                raise _Corrupt("varint longer than 10 bytes")
        append(x)
    return out


def _signed(values: list[int]) -> list[int]:
    return [v - _MOD if v >= _NEG else v for v in values]


def _fields(buf, i: int, end: int):
    """Yield (field number, wire type, value) of one message; value is an int for varints and
    fixed-size fields, a (start, end) pair for length-delimited ones."""
    while i < end:
        tag, i = _varint(buf, i)
        fn, wt = tag >> 3, tag & 7
        if fn == 0:
            raise _Corrupt("field number 0")
        if wt == 0:
            v, i = _varint(buf, i)
            yield fn, 0, v
        elif wt == 2:
            ln, i = _varint(buf, i)
            if i + ln > end:
                raise _Corrupt("a field runs past the end of its message (truncated?)")
            yield fn, 2, (i, i + ln)
            i += ln
        elif wt == 1:
            if i + 8 > end:
                raise _Corrupt("truncated fixed64 field")
            yield fn, 1, int.from_bytes(buf[i:i + 8], "little")
            i += 8
        elif wt == 5:
            if i + 4 > end:
                raise _Corrupt("truncated fixed32 field")
            yield fn, 5, int.from_bytes(buf[i:i + 4], "little")
            i += 4
        else:
            raise _Corrupt(f"invalid wire type {wt}")
    if i != end:
        raise _Corrupt("a message runs past its end")


def _ints(buf, wt, v) -> list[int]:
    """A repeated integer field occurrence: packed (wire type 2) or a single varint."""
    if wt == 0:
        return [v]
    if wt == 2:
        return packed_varints(buf[v[0]:v[1]])
    raise _Corrupt("integer field with a wrong wire type")


# ---------------------------------------------------------------------------- small messages

class _Raw:
    """What both decoders collect before building the Profile."""

    def __init__(self):
        self.strings: list[str] = []
        self.sample_types: list[tuple[int, int]] = []
        self.period_type: tuple[int, int] | None = None
        self.period = 0
        self.default_sample_type = 0
        self.time_nanos = 0
        self.duration_nanos = 0
        self.drop_frames = 0
        self.keep_frames = 0
        self.doc_url = 0
        self.comments: list[int] = []
        self.locations: list[Location] = []
        self.functions: list[tuple[int, int, int, int, int]] = []
        self.mappings: list[tuple] = []
        # loc -> {labels -> [v0, v1, ..., count]}: loc is the packed bytes (or a tuple of ids
        # for the rare unpacked sample), labels the raw bytes of the label fields (b"" for none)
        # or a tuple of each label's bytes. Two levels keep one copy of each stack's bytes.
        self.stacks: dict = {}
        self.sample_count = 0


def _value_type(buf, s, e) -> tuple[int, int]:
    t = u = 0
    for fn, wt, v in _fields(buf, s, e):
        if fn == 1 and wt == 0:
            t = v
        elif fn == 2 and wt == 0:
            u = v
    return t, u


def _location(buf, s, e) -> Location:
    lid = mid = addr = 0
    folded = False
    lines = []
    for fn, wt, v in _fields(buf, s, e):
        if wt == 0:
            if fn == 1:
                lid = v
            elif fn == 2:
                mid = v
            elif fn == 3:
                addr = v
            elif fn == 5:
                folded = bool(v)
        elif fn == 4 and wt == 2:
            fid = ln = col = 0
            for fn2, wt2, v2 in _fields(buf, v[0], v[1]):
                if wt2 == 0:
                    if fn2 == 1:
                        fid = v2
                    elif fn2 == 2:
                        ln = v2 - _MOD if v2 >= _NEG else v2
                    elif fn2 == 3:
                        col = v2 - _MOD if v2 >= _NEG else v2
            lines.append(Line(fid, ln, col))
    return Location(lid, mid, addr, tuple(lines), folded)


def _function(buf, s, e) -> tuple[int, int, int, int, int]:
    f = [0, 0, 0, 0, 0]
    for fn, wt, v in _fields(buf, s, e):
        if wt == 0 and 1 <= fn <= 5:
            f[fn - 1] = v
    return tuple(f)  # id, name, system_name, filename, start_line


def _mapping(buf, s, e) -> tuple:
    m = [0] * 6
    for fn, wt, v in _fields(buf, s, e):
        if wt == 0 and 1 <= fn <= 6:
            m[fn - 1] = v
    return tuple(m)  # id, start, limit, offset, filename, build_id


def _add(stacks: dict, loc, lab, vals: list[int]) -> None:
    inner = stacks.get(loc)
    if inner is None:
        inner = stacks[loc] = {}
    acc = inner.get(lab)
    if acc is None:
        vals.append(1)
        inner[lab] = vals
    else:
        for k, v in enumerate(vals):
            acc[k] += v
        acc[-1] += 1


def _sample_slow(buf, s, e, stacks: dict) -> None:
    """A sample in any valid encoding (packed or not, labels anywhere)."""
    locs: list[int] = []
    vals: list[int] = []
    labels = []
    for fn, wt, v in _fields(buf, s, e):
        if fn == 1:
            locs.extend(_ints(buf, wt, v))
        elif fn == 2:
            vals.extend(_ints(buf, wt, v))
        elif fn == 3 and wt == 2:
            labels.append(bytes(buf[v[0]:v[1]]))
    _add(stacks, tuple(locs), tuple(labels), _signed(vals))


# ---------------------------------------------------------------------------- python decoder

def _decode_python(buf: bytes) -> Profile:
    raw = _Raw()
    stacks = raw.stacks
    labels: dict = {}  # one copy of each distinct label run
    value_cache: dict[bytes, list[int]] = {}
    n = len(buf)
    i = 0
    varint = _varint
    while i < n:
        tag = buf[i]
        if tag < 0x80:
            i += 1
        else:
            tag, i = varint(buf, i)
        fn = tag >> 3
        wt = tag & 7
        if wt == 2:
            ln = buf[i]
            if ln < 0x80:
                i += 1
            else:
                ln, i = varint(buf, i)
            end = i + ln
            if end > n:
                raise _Corrupt("truncated (a field runs past the end of the file)")
            if fn == 2:
                raw.sample_count += 1
                # The usual layout (Go, pprof): packed locations, packed values, labels last.
                j = i
                loc = vb = None
                if j < end and buf[j] == 0x0A:
                    l2 = buf[j + 1]
                    if l2 < 0x80:
                        j += 2
                    else:
                        l2, j = varint(buf, j + 1)
                    loc = buf[j:j + l2]
                    j += l2
                if loc is not None and j < end and buf[j] == 0x12:
                    l2 = buf[j + 1]
                    if l2 < 0x80:
                        j += 2
                    else:
                        l2, j = varint(buf, j + 1)
                    vb = buf[j:j + l2]
                    j += l2
                if vb is None or j > end:
                    _sample_slow(buf, i, end, stacks)
                else:
                    vals = value_cache.get(vb)
                    if vals is None:
                        vals = value_cache[vb] = _signed(packed_varints(vb))
                    lab = buf[j:end] if j != end else b""
                    inner = stacks.get(loc)
                    if inner is None:
                        inner = stacks[loc] = {}
                    acc = inner.get(lab)
                    if acc is None:
                        inner[labels.setdefault(lab, lab)] = vals + [1]
                    elif len(vals) == 4:
                        acc[0] += vals[0]
                        acc[1] += vals[1]
                        acc[2] += vals[2]
                        acc[3] += vals[3]
                        acc[4] += 1
                    else:
                        for k, v in enumerate(vals):
                            acc[k] += v
                        acc[-1] += 1
            elif fn == 4:
                raw.locations.append(_location(buf, i, end))
            elif fn == 6:
                raw.strings.append(buf[i:end].decode("utf-8"))
            elif fn == 5:
                raw.functions.append(_function(buf, i, end))
            elif fn == 1:
                raw.sample_types.append(_value_type(buf, i, end))
            elif fn == 3:
                raw.mappings.append(_mapping(buf, i, end))
            elif fn == 11:
                raw.period_type = _value_type(buf, i, end)
            elif fn == 13:
                raw.comments.extend(packed_varints(buf[i:end]))
            i = end
        elif wt == 0:
            v, i = varint(buf, i)
            if fn == 12:
                raw.period = v - _MOD if v >= _NEG else v
            elif fn == 14:
                raw.default_sample_type = v
            elif fn == 9:
                raw.time_nanos = v - _MOD if v >= _NEG else v
            elif fn == 10:
                raw.duration_nanos = v - _MOD if v >= _NEG else v
            elif fn == 7:
                raw.drop_frames = v
            elif fn == 8:
                raw.keep_frames = v
            elif fn == 13:
                raw.comments.append(v)
            elif fn == 15:
                raw.doc_url = v
            elif fn == 0:
                raise _Corrupt("field number 0")
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        else:
            raise _Corrupt(f"invalid wire type {wt} at byte {i}")
    if i != n:
        raise _Corrupt("truncated (the last field is cut off)")
    return _build(raw)


# ---------------------------------------------------------------------------- upb decoder

_UPB_CLASS = None


def _upb_class():
    """The Profile message class, built once from a descriptor written here (no protoc)."""
    global _UPB_CLASS
    if _UPB_CLASS is not None:
        return _UPB_CLASS
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    F = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="goalloc_pprof.proto", package="goalloc.pprof",
                                             syntax="proto3")

    def msg(name, *fields):
        m = fdp.message_type.add(name=name)
        for fname, num, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=num, type=ftype, label=label)
            if type_name:
                f.type_name = f".goalloc.pprof.{type_name}"

    REP, OPT = F.LABEL_REPEATED, F.LABEL_OPTIONAL
    I64, U64, B, BYTES, MSG, STR = (F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_BOOL, F.TYPE_BYTES,
                                   F.TYPE_MESSAGE, F.TYPE_STRING)
    msg("ValueType", ("type", 1, I64, OPT, None), ("unit", 2, I64, OPT, None))
    # location_id as raw bytes on purpose: it is decoded only for distinct stacks.
    msg("Sample", ("location_id", 1, BYTES, OPT, None), ("value", 2, I64, REP, None),
        ("label", 3, BYTES, REP, None))
    msg("Mapping", ("id", 1, U64, OPT, None), ("memory_start", 2, U64, OPT, None),
        ("memory_limit", 3, U64, OPT, None), ("file_offset", 4, U64, OPT, None),
        ("filename", 5, I64, OPT, None), ("build_id", 6, I64, OPT, None))
    msg("Line", ("function_id", 1, U64, OPT, None), ("line", 2, I64, OPT, None),
        ("column", 3, I64, OPT, None))
    msg("Location", ("id", 1, U64, OPT, None), ("mapping_id", 2, U64, OPT, None),
        ("address", 3, U64, OPT, None), ("line", 4, MSG, REP, "Line"),
        ("is_folded", 5, B, OPT, None))
    msg("Function", ("id", 1, U64, OPT, None), ("name", 2, I64, OPT, None),
        ("system_name", 3, I64, OPT, None), ("filename", 4, I64, OPT, None),
        ("start_line", 5, I64, OPT, None))
    # string_table as bytes: a profile with bad UTF-8 is still read (decoded with replacement).
    msg("Profile", ("sample_type", 1, MSG, REP, "ValueType"), ("sample", 2, MSG, REP, "Sample"),
        ("mapping", 3, MSG, REP, "Mapping"), ("location", 4, MSG, REP, "Location"),
        ("function", 5, MSG, REP, "Function"), ("string_table", 6, BYTES, REP, None),
        ("drop_frames", 7, I64, OPT, None), ("keep_frames", 8, I64, OPT, None),
        ("time_nanos", 9, I64, OPT, None), ("duration_nanos", 10, I64, OPT, None),
        ("period_type", 11, MSG, OPT, "ValueType"), ("period", 12, I64, OPT, None),
        ("comment", 13, I64, REP, None), ("default_sample_type", 14, I64, OPT, None),
        ("doc_url", 15, I64, OPT, None))
    del STR
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    _UPB_CLASS = message_factory.GetMessageClass(pool.FindMessageTypeByName("goalloc.pprof.Profile"))
    return _UPB_CLASS


_CHUNK = 65536  # samples parsed by upb at a time


def _decode_upb(box: list, name: str) -> Profile:
    """Parse with upb, the samples in chunks of ``_CHUNK``: a parsed message costs several
    times its bytes, and only the sums of the samples are kept."""
    from google.protobuf.message import DecodeError

    cls = _upb_class()
    buf = box.pop()
    raw = _Raw()
    stacks = raw.stacks
    labels: dict = {}  # one copy of each distinct label set

    def parse(data: bytes):
        pb = cls()
        try:
            pb.ParseFromString(data)
        except DecodeError as exc:
            raise _Corrupt(f"protobuf decoding failed ({exc})" if str(exc) else
                           "protobuf decoding failed (truncated or not a profile)") from None
        return pb

    def add_samples(data: bytes) -> None:
        samples = parse(data).sample
        raw.sample_count += len(samples)
        for s in samples:
            loc = s.location_id
            if not loc:
                # Lists of two or fewer ids are written unpacked: upb keeps them as unknown
                # fields.
                one = s.SerializeToString()
                _sample_slow(one, 0, len(one), stacks)
                continue
            vals = list(s.value)
            lab = s.label
            lab = labels.setdefault(lab := tuple(lab), lab) if lab else b""
            inner = stacks.get(loc)
            if inner is None:
                inner = stacks[loc] = {}
            acc = inner.get(lab)
            if acc is None:
                inner[lab] = vals + [1]
            elif len(vals) == 4:
                acc[0] += vals[0]
                acc[1] += vals[1]
                acc[2] += vals[2]
                acc[3] += vals[3]
                acc[4] += 1
            else:
                for k, v in enumerate(vals):
                    acc[k] += v
                acc[-1] += 1

    # Split the top level: runs of sample fields (tag 0x12) go to upb chunk by chunk, the rest
    # (types, locations, functions, strings) is parsed as one message.
    rest = []
    n = len(buf)
    i = 0
    run_start = -1
    run = 0
    varint = _varint
    while i < n:
        start = i
        tag = buf[i]
        if tag < 0x80:
            i += 1
        else:
            tag, i = varint(buf, i)
        wt = tag & 7
        if wt == 2:
            ln = buf[i]
            if ln < 0x80:
                i += 1
            else:
                ln, i = varint(buf, i)
            i += ln
        elif wt == 0:
            _v, i = varint(buf, i)
        elif wt == 1:
            i += 8
        elif wt == 5:
            i += 4
        else:
            raise _Corrupt(f"invalid wire type {wt} at byte {start}")
        if tag >> 3 == 0:
            raise _Corrupt("field number 0")
        if tag == 0x12:
            if run_start < 0:
                run_start = start
            run += 1
            if run >= _CHUNK:
                add_samples(buf[run_start:min(i, n)])
                run_start, run = -1, 0
        else:
            if run_start >= 0:
                add_samples(buf[run_start:start])
                run_start, run = -1, 0
            rest.append(buf[start:i])
    if i > n:
        raise _Corrupt("truncated (the last field is cut off)")
    if run_start >= 0:
        add_samples(buf[run_start:i])
    del buf
    pb = parse(b"".join(rest))
    del rest
    raw.strings = [b.decode("utf-8", "replace") for b in pb.string_table]
    raw.sample_types = [(st.type, st.unit) for st in pb.sample_type]
    if pb.HasField("period_type"):
        raw.period_type = (pb.period_type.type, pb.period_type.unit)
    raw.period = pb.period
    raw.default_sample_type = pb.default_sample_type
    raw.time_nanos = pb.time_nanos
    raw.duration_nanos = pb.duration_nanos
    raw.drop_frames = pb.drop_frames
    raw.keep_frames = pb.keep_frames
    raw.doc_url = pb.doc_url
    raw.comments = list(pb.comment)
    raw.locations = [
        Location(loc.id, loc.mapping_id, loc.address,
                 tuple(Line(ln.function_id, ln.line, ln.column) for ln in loc.line),
                 loc.is_folded)
        for loc in pb.location]
    raw.functions = [(f.id, f.name, f.system_name, f.filename, f.start_line) for f in pb.function]
    raw.mappings = [(m.id, m.memory_start, m.memory_limit, m.file_offset, m.filename, m.build_id)
                    for m in pb.mapping]
    del pb
    return _build(raw)


# ---------------------------------------------------------------------------- building

def _build(raw: _Raw) -> Profile:
    strings = raw.strings
    ns = len(strings)

    def s(i: int) -> str:
        if not 0 <= i < ns:
            raise _Corrupt(f"string index {i} out of range (the table has {ns})")
        return strings[i]

    if ns == 0 or strings[0] != "":
        raise _Corrupt("no string table (string 0 must be empty)")
    sample_types = [ValueType(s(t), s(u)) for t, u in raw.sample_types]
    if not sample_types:
        raise _Corrupt("no sample types")
    nvals = len(sample_types)
    functions = {}
    for fid, name, sysname, filename, start in raw.functions:
        functions[fid] = Function(fid, s(name), s(sysname), s(filename), start)
    mappings = {}
    for mid, start, limit, offset, filename, build_id in raw.mappings:
        mappings[mid] = Mapping(mid, start, limit, offset, s(filename), s(build_id))
    locations = {loc.id: loc for loc in raw.locations}
    known_locations = set(locations)
    for loc in raw.locations:
        for ln in loc.lines:
            if ln.function_id not in functions:
                raise _Corrupt(f"location {loc.id} refers to function {ln.function_id}, which "
                               "the profile does not define")

    # Decode each distinct stack once. popitem() frees the raw dict as it goes. Two raw keys
    # decode to the same ids or labels only for non-canonical encodings; the Stacks then stay
    # apart, which every consumer (they all sum) handles.
    label_cache: dict = {}
    raw_stacks = raw.stacks
    raw.stacks = {}
    stacks = []
    append = stacks.append
    while raw_stacks:
        loc, inner = raw_stacks.popitem()
        ids = loc if isinstance(loc, tuple) else tuple(packed_varints(loc))
        if not known_locations.issuperset(ids):
            missing = next(i for i in ids if i not in locations)
            raise _Corrupt(f"a sample refers to location {missing}, which the profile "
                           "does not define")
        for labraw, acc in inner.items():
            labs = label_cache.get(labraw)
            if labs is None:
                parts = _split_labels(labraw) if isinstance(labraw, bytes) else labraw
                decoded = [_label(lb, s) for lb in parts]
                labs = label_cache[labraw] = (
                    tuple(sorted((k, v) for kind, k, v, u in decoded if kind == "s")),
                    tuple(sorted((k, v, u) for kind, k, v, u in decoded if kind == "n")))
            if len(acc) - 1 != nvals:
                raise _Corrupt(f"a sample has {len(acc) - 1} values for {nvals} sample types")
            count = acc.pop()
            append(Stack(ids, acc, count, labs[0], labs[1]))
    del raw_stacks, label_cache
    stacks.reverse()
    return Profile(
        sample_types=sample_types,
        stacks=stacks,
        locations=locations,
        functions=functions,
        mappings=mappings,
        period_type=ValueType(*(s(x) for x in raw.period_type)) if raw.period_type else None,
        period=raw.period,
        default_sample_type=s(raw.default_sample_type),
        time_nanos=raw.time_nanos,
        duration_nanos=raw.duration_nanos,
        drop_frames=s(raw.drop_frames),
        keep_frames=s(raw.keep_frames),
        comments=[s(c) for c in raw.comments],
        doc_url=s(raw.doc_url),
        sample_count=raw.sample_count,
    )


def _split_labels(data: bytes) -> tuple[bytes, ...]:
    """The label fields of the tail of a sample (what follows its packed ids and values)."""
    out = []
    for fn, wt, v in _fields(data, 0, len(data)):
        if fn == 3 and wt == 2:
            out.append(bytes(data[v[0]:v[1]]))
        elif fn in (1, 2):
            raise _Corrupt("a sample repeats its location or value list after its labels")
        # other field numbers: unknown to this reader, skipped as protobuf requires
    return tuple(out)


def _label(data: bytes, s) -> tuple:
    key = st = num = unit = 0
    has_num = False
    for fn, wt, v in _fields(data, 0, len(data)):
        if wt != 0:
            continue
        if fn == 1:
            key = v
        elif fn == 2:
            st = v
        elif fn == 3:
            num = v - _MOD if v >= _NEG else v
            has_num = True
        elif fn == 4:
            unit = v
    if st or not has_num:
        return ("s", s(key), s(st), "")
    return ("n", s(key), num, s(unit))
