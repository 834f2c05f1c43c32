"""Read a pprof ``profile.proto`` (gzip-compressed or not) into a :class:`Profile`.

One core, two backends. The hot part of a large profile is its list of samples (millions of
them) and every sample is small: a packed list of location ids, one value per sample type and,
in heap profiles, one label (the object size). A backend hands the core, for every sample, the
raw bytes of its location-id list, the raw bytes of its labels and its values (an ``array``);
the core (:class:`_SampleFold`, the one fold over the samples) maps each distinct location-id
bytes and label bytes to an index with ``map`` over a dict, so that per sample only two machine
integers and the values are kept, no Python object. Each distinct stack and label set is
decoded once, at the end.

``upb`` (protobuf's C parser; ``protobuf`` is a dependency): two parses of the whole file, with
message types built at run time from ``descriptor_pb2`` (no protoc). One declares each sample's
``location_id`` and ``label`` as ``bytes``, so upb hands over the packed bytes as they are; the
other declares ``Profile.sample`` as a *singular* message, so that upb merges all samples into
one and their ``value`` lists come out concatenated in one C array, with the rest of the
profile (strings, locations, functions) beside them. Go writes lists of two or fewer ids
unpacked and those, like a sample with several labels, are decoded by hand. The distinct
location-id lists are decoded by upb too, all in one message.

``python``: a hand-written decoder over the bytes, used when protobuf cannot be imported or
does not work; it splits the samples itself and decodes their values in chunks.

``bench/profile_read.py`` measures both; see docs/profile.md.
"""

from __future__ import annotations

import gzip
import os
import zlib
from array import array
from itertools import accumulate
from operator import attrgetter

from goalloc.errors import InputError
from goalloc.profiles.model import (DenseIndex, Function, LabelSet, Line, Location, Mapping,
                                    Profile, Samples, StackTable, ValueType)

_NEG = 1 << 63
_MOD = 1 << 64
_CHUNK = 65536  # samples the python backend collects before decoding their values at once


class _Corrupt(Exception):
    pass


# ---------------------------------------------------------------------------- entry points

def read_profile(path: str | os.PathLike, decoder: str = "auto",
                 binary: str | os.PathLike | bool | None = None) -> Profile:
    """Read a pprof profile from ``path``.

    ``decoder`` is ``"auto"`` (upb when protobuf is importable, else python), ``"upb"`` or
    ``"python"``. ``binary`` is the program that wrote the profile (a ``go test -c`` binary),
    None to look for it where ``go test`` leaves it (see :mod:`goalloc.collect.objdump`), or
    False not to read any binary. Raises :class:`goalloc.errors.InputError` with a one-line
    message for a missing, corrupt, truncated or non-profile file.
    """
    from goalloc.fsutil import read_bytes

    prof = parse_profile(read_bytes(path, "profile"), decoder=decoder, name=str(path))
    prof.path = str(path)
    if binary is not False:
        from goalloc.collect.objdump import attach_call_targets

        attach_call_targets(prof, binary=binary or None)
    return prof


def parse_profile(data: bytes, decoder: str = "auto", name: str = "profile") -> Profile:
    """Decode the bytes of a profile (gzip-compressed or raw ``profile.proto``)."""
    if decoder not in ("auto", "upb", "python"):
        raise ValueError(f"unknown decoder {decoder!r}")
    raw = _uncompress(data, name)
    del data  # with read_profile, the compressed bytes are freed here
    if decoder != "python":
        if _upb_class("samples") is not None:
            decoder = "upb"
        elif decoder == "upb":
            raise InputError("the upb decoder needs a working protobuf package: "
                             "pip install protobuf")
        else:
            decoder = "python"
    box = [raw]
    del raw  # the backends free the bytes as soon as they no longer need them
    try:
        prof = _decode_upb(box) if decoder == "upb" else _decode_python(box)
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


def encode_varint(n: int) -> bytes:
    """The varint encoding of ``n`` (a negative int64 as its 64-bit two's complement)."""
    if n < 0:
        n += _MOD
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _signed(values: list[int]) -> list[int]:
    if values and max(values) >= _NEG:
        return [v - _MOD if v >= _NEG else v for v in values]
    return values


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


def _sample_fields(buf, s: int = 0, e: int | None = None) -> tuple[tuple, list[int], tuple]:
    """A sample in any valid encoding (packed or not, fields in any order): its location ids,
    its values and the bytes of each of its labels."""
    locs: list[int] = []
    vals: list[int] = []
    labels = []
    for fn, wt, v in _fields(buf, s, len(buf) if e is None else e):
        if fn == 1:
            locs.extend(_ints(buf, wt, v))
        elif fn == 2:
            vals.extend(_ints(buf, wt, v))
        elif fn == 3 and wt == 2:
            labels.append(bytes(buf[v[0]:v[1]]))
    return tuple(locs), _signed(vals), tuple(labels)


# ---------------------------------------------------------------------------- the fold

class _SampleFold:
    """The pass over the samples, the same for both backends.

    A stack key is the packed location-id bytes of a sample, or a tuple of ids for a sample
    decoded by hand. A label key is the bytes of the sample's one label message, or a tuple of
    label messages (empty for none); ``b""`` also means none.
    """

    def __init__(self):
        self.stacks = DenseIndex()
        self.labels = DenseIndex()
        self.labels[()]  # index 0: no labels
        self.labels[b""] = 0
        self.stack = array("l")
        self.label_set = array("l")
        self.values = array("q")

    def add(self, stack_keys, label_keys, values) -> None:
        """Append samples: their stack keys, label keys and flat values, as iterables."""
        self.stack.extend(map(self.stacks.__getitem__, stack_keys))
        self.label_set.extend(map(self.labels.__getitem__, label_keys))
        self.values.extend(values)

    def replace(self, position: int, stack_key, label_key) -> None:
        """Correct one sample that a backend could only decode by hand."""
        self.stack[position] = self.stacks[stack_key]
        self.label_set[position] = self.labels[label_key]

    def positions(self, stack_key) -> list[int]:
        """The positions of the samples with this stack key."""
        index = self.stacks.get(stack_key)
        out = []
        if index is None:
            return out
        i = -1
        try:
            while True:
                i = self.stack.index(index, i + 1)
                out.append(i)
        except ValueError:
            return out

    def finish(self, meta: "_Meta", upb: bool) -> Profile:
        return _build(meta, self, upb)


# ---------------------------------------------------------------------------- small messages

class _Meta:
    """Everything but the samples, as both backends read it."""

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


# ---------------------------------------------------------------------------- python backend

def _decode_python(box: list) -> Profile:
    buf = box.pop()
    meta = _Meta()
    fold = _SampleFold()
    n = len(buf)
    i = 0
    varint = _varint
    # The samples of the current chunk: their stack keys, label keys, and the packed bytes of
    # their values (decoded together, one call per chunk), or decoded values for a sample
    # that had to be decoded by hand.
    locs: list = []
    labs: list = []
    vals: list = []

    def flush():
        if all(isinstance(v, bytes) for v in vals):
            values = _signed(packed_varints(b"".join(vals)))
        else:
            values = []
            for v in vals:
                values.extend(_signed(packed_varints(v)) if isinstance(v, bytes) else v)
        fold.add(locs, labs, values)
        locs.clear()
        labs.clear()
        vals.clear()

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
                    ids, values, labels = _sample_fields(buf, i, end)
                    locs.append(ids)
                    labs.append(labels)
                    vals.append(values)
                else:
                    if vb and vb[-1] >= 0x80:
                        raise _Corrupt("a sample's value list ends inside a number")
                    locs.append(loc)
                    vals.append(vb)
                    if j == end:
                        labs.append(b"")
                    elif buf[j] == 0x1A and buf[j + 1] == end - j - 2:
                        labs.append(buf[j + 2:end])  # one label, under 128 bytes
                    else:
                        labs.append(_split_labels(buf[j:end]))
                if len(locs) >= _CHUNK:
                    flush()
            elif fn == 4:
                meta.locations.append(_location(buf, i, end))
            elif fn == 6:
                meta.strings.append(buf[i:end].decode("utf-8"))
            elif fn == 5:
                meta.functions.append(_function(buf, i, end))
            elif fn == 1:
                meta.sample_types.append(_value_type(buf, i, end))
            elif fn == 3:
                meta.mappings.append(_mapping(buf, i, end))
            elif fn == 11:
                meta.period_type = _value_type(buf, i, end)
            elif fn == 13:
                meta.comments.extend(packed_varints(buf[i:end]))
            i = end
        elif wt == 0:
            v, i = varint(buf, i)
            if fn == 12:
                meta.period = v - _MOD if v >= _NEG else v
            elif fn == 14:
                meta.default_sample_type = v
            elif fn == 9:
                meta.time_nanos = v - _MOD if v >= _NEG else v
            elif fn == 10:
                meta.duration_nanos = v - _MOD if v >= _NEG else v
            elif fn == 7:
                meta.drop_frames = v
            elif fn == 8:
                meta.keep_frames = v
            elif fn == 13:
                meta.comments.append(v)
            elif fn == 15:
                meta.doc_url = v
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
    del buf
    flush()
    return fold.finish(meta, upb=False)


# ---------------------------------------------------------------------------- upb backend

_UPB_CLASSES: dict | None = None


def _upb_class(which: str):
    """The message class ``which`` ("samples", "merged", "ids" or "raw"), or None when
    protobuf is missing or does not work (the python backend then reads the file)."""
    global _UPB_CLASSES
    if _UPB_CLASSES is None:
        try:
            _UPB_CLASSES = _upb_build()
        except Exception:  # an ImportError, or a protobuf too old or broken to build them
            _UPB_CLASSES = {}
    return _UPB_CLASSES.get(which)


def _upb_build() -> dict:
    """Views of profile.proto, from descriptors written here (no protoc): ``samples`` sees
    only each sample's location ids and label as raw bytes; ``merged`` sees everything else,
    with the samples as one merged message whose ``value`` list is every sample's values in
    file order; ``ids`` is a packed list of location ids (to decode stacks in C); ``raw`` sees
    each sample as bytes, for the few decoded by hand."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    from google.protobuf.internal import api_implementation

    if api_implementation.Type() not in ("upb", "cpp"):
        # protobuf's pure-Python parser is slower than the hand-written decoder here.
        raise ImportError(f"protobuf uses its {api_implementation.Type()} implementation")
    F = descriptor_pb2.FieldDescriptorProto
    REP, OPT = F.LABEL_REPEATED, F.LABEL_OPTIONAL
    I64, U64, B, BYTES, MSG = (F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_BOOL, F.TYPE_BYTES,
                               F.TYPE_MESSAGE)
    pool = descriptor_pool.DescriptorPool()

    def proto(package: str, *messages) -> None:
        fdp = descriptor_pb2.FileDescriptorProto(name=f"goalloc_{package}.proto",
                                                 package=f"goalloc.{package}", syntax="proto3")
        for name, fields in messages:
            m = fdp.message_type.add(name=name)
            for fname, num, ftype, label, type_name in fields:
                f = m.field.add(name=fname, number=num, type=ftype, label=label)
                if type_name:
                    f.type_name = f".goalloc.{package}.{type_name}"
        pool.Add(fdp)

    # One label per sample is what Go writes; "label" as a singular bytes field keeps the
    # last one, and the merged view counts them all to tell when that is not the case.
    proto("samples",
          ("Sample", [("location_id", 1, BYTES, OPT, None), ("label", 3, BYTES, OPT, None)]),
          ("Profile", [("sample", 2, MSG, REP, "Sample")]),
          ("Ids", [("id", 1, U64, REP, None)]),
          ("Raw", [("sample", 2, BYTES, REP, None)]))
    # string_table as bytes: a profile with bad UTF-8 is still read (decoded with replacement).
    proto("merged",
          ("ValueType", [("type", 1, I64, OPT, None), ("unit", 2, I64, OPT, None)]),
          ("Samples", [("value", 2, I64, REP, None), ("label", 3, BYTES, REP, None)]),
          ("Mapping", [("id", 1, U64, OPT, None), ("memory_start", 2, U64, OPT, None),
                       ("memory_limit", 3, U64, OPT, None), ("file_offset", 4, U64, OPT, None),
                       ("filename", 5, I64, OPT, None), ("build_id", 6, I64, OPT, None)]),
          ("Line", [("function_id", 1, U64, OPT, None), ("line", 2, I64, OPT, None),
                    ("column", 3, I64, OPT, None)]),
          ("Location", [("id", 1, U64, OPT, None), ("mapping_id", 2, U64, OPT, None),
                        ("address", 3, U64, OPT, None), ("line", 4, MSG, REP, "Line"),
                        ("is_folded", 5, B, OPT, None)]),
          ("Function", [("id", 1, U64, OPT, None), ("name", 2, I64, OPT, None),
                        ("system_name", 3, I64, OPT, None), ("filename", 4, I64, OPT, None),
                        ("start_line", 5, I64, OPT, None)]),
          ("Profile", [("sample_type", 1, MSG, REP, "ValueType"),
                       ("sample", 2, MSG, OPT, "Samples"),
                       ("mapping", 3, MSG, REP, "Mapping"), ("location", 4, MSG, REP, "Location"),
                       ("function", 5, MSG, REP, "Function"),
                       ("string_table", 6, BYTES, REP, None), ("drop_frames", 7, I64, OPT, None),
                       ("keep_frames", 8, I64, OPT, None), ("time_nanos", 9, I64, OPT, None),
                       ("duration_nanos", 10, I64, OPT, None),
                       ("period_type", 11, MSG, OPT, "ValueType"), ("period", 12, I64, OPT, None),
                       ("comment", 13, I64, REP, None),
                       ("default_sample_type", 14, I64, OPT, None),
                       ("doc_url", 15, I64, OPT, None)]))
    get = message_factory.GetMessageClass
    return {"samples": get(pool.FindMessageTypeByName("goalloc.samples.Profile")),
            "merged": get(pool.FindMessageTypeByName("goalloc.merged.Profile")),
            "ids": get(pool.FindMessageTypeByName("goalloc.samples.Ids")),
            "raw": get(pool.FindMessageTypeByName("goalloc.samples.Raw"))}


def _upb_parse(which: str, data: bytes):
    from google.protobuf.message import DecodeError

    pb = _upb_class(which)()
    try:
        pb.ParseFromString(data)
    except DecodeError as exc:
        raise _Corrupt(f"protobuf decoding failed ({exc})" if str(exc) else
                       "protobuf decoding failed (truncated or not a profile)") from None
    return pb


def _decode_upb(box: list) -> Profile:
    buf = box[0]
    fold = _SampleFold()
    merged = _upb_parse("merged", buf)
    meta = _upb_meta(merged)
    values = array("q", merged.sample.value)
    labels_in_file = len(merged.sample.label)
    del merged
    pb = _upb_parse("samples", buf)
    samples = pb.sample
    fold.add(map(attrgetter("location_id"), samples), map(attrgetter("label"), samples),
             values)
    del values
    # Samples upb could not hand over as they are: an empty location_id (Go writes lists of
    # one or two ids unpacked, which upb keeps as unknown fields), or more than one label
    # (the singular field keeps the last: then the labels in the file outnumber the samples
    # with one). They are decoded by hand from their bytes.
    if labels_in_file == len(samples) - fold.label_set.count(0):
        by_hand = fold.positions(b"")
    else:
        by_hand = range(len(samples))
    del pb, samples
    if by_hand:
        raw_samples = _upb_parse("raw", buf).sample
        for i in by_hand:
            ids, _values, labels = _sample_fields(raw_samples[i])
            fold.replace(i, ids, labels)
        del raw_samples
    box.clear()
    del buf
    return fold.finish(meta, upb=True)


def _upb_meta(pb) -> _Meta:
    meta = _Meta()
    meta.strings = [b.decode("utf-8", "replace") for b in pb.string_table]
    meta.sample_types = [(st.type, st.unit) for st in pb.sample_type]
    if pb.HasField("period_type"):
        meta.period_type = (pb.period_type.type, pb.period_type.unit)
    meta.period = pb.period
    meta.default_sample_type = pb.default_sample_type
    meta.time_nanos = pb.time_nanos
    meta.duration_nanos = pb.duration_nanos
    meta.drop_frames = pb.drop_frames
    meta.keep_frames = pb.keep_frames
    meta.doc_url = pb.doc_url
    meta.comments = list(pb.comment)
    meta.locations = [
        Location(loc.id, loc.mapping_id, loc.address,
                 tuple(Line(ln.function_id, ln.line, ln.column) for ln in loc.line),
                 loc.is_folded)
        for loc in pb.location]
    meta.functions = [(f.id, f.name, f.system_name, f.filename, f.start_line)
                      for f in pb.function]
    meta.mappings = [(m.id, m.memory_start, m.memory_limit, m.file_offset, m.filename,
                      m.build_id) for m in pb.mapping]
    return meta


# ---------------------------------------------------------------------------- building

_HIGH_BYTES = bytes(range(0x80, 0x100))  # deleted from a packed list, leaves one byte per varint
_LENGTHS = [encode_varint(n) for n in range(1 << 14)]


def _build(meta: _Meta, fold: _SampleFold, upb: bool) -> Profile:
    strings = meta.strings
    ns = len(strings)

    def s(i: int) -> str:
        if not 0 <= i < ns:
            raise _Corrupt(f"string index {i} out of range (the table has {ns})")
        return strings[i]

    if ns == 0 or strings[0] != "":
        raise _Corrupt("no string table (string 0 must be empty)")
    sample_types = [ValueType(s(t), s(u)) for t, u in meta.sample_types]
    if not sample_types:
        raise _Corrupt("no sample types")
    width = len(sample_types)
    if len(fold.values) != width * len(fold.stack):
        raise _Corrupt(f"the samples have {len(fold.values)} values for {len(fold.stack)} "
                       f"samples of {width} sample types")
    functions = {}
    for fid, name, sysname, filename, start in meta.functions:
        functions[fid] = Function(fid, s(name), s(sysname), s(filename), start)
    mappings = {}
    for mid, start, limit, offset, filename, build_id in meta.mappings:
        mappings[mid] = Mapping(mid, start, limit, offset, s(filename), s(build_id))
    locations = {loc.id: loc for loc in meta.locations}
    for loc in meta.locations:
        for ln in loc.lines:
            if ln.function_id not in functions:
                raise _Corrupt(f"location {loc.id} refers to function {ln.function_id}, which "
                               "the profile does not define")
    if 0 in locations:
        raise _Corrupt("a location has id 0")
    keys = fold.stacks.keys
    # upb hands over b"" for the samples it then leaves to be decoded by hand: once they all
    # are, no sample is left on that stack.
    empty = fold.stacks.get(b"")
    unused = int(empty is not None and empty not in fold.stack)
    fold.stacks.clear()
    fold.stacks.keys = []
    stack_ids = _decode_stacks(keys, locations, upb)
    del keys
    label_sets = [_label_set(key, s) for key in fold.labels.keys]
    return Profile(
        sample_types=sample_types,
        stack_ids=stack_ids,
        label_sets=label_sets,
        samples=Samples(fold.stack, fold.label_set, fold.values, width),
        locations=locations,
        functions=functions,
        mappings=mappings,
        period_type=ValueType(*(s(x) for x in meta.period_type)) if meta.period_type else None,
        period=meta.period,
        default_sample_type=s(meta.default_sample_type),
        time_nanos=meta.time_nanos,
        duration_nanos=meta.duration_nanos,
        drop_frames=s(meta.drop_frames),
        keep_frames=s(meta.keep_frames),
        comments=[s(c) for c in meta.comments],
        doc_url=s(meta.doc_url),
        unused_stacks=unused,
    )


def _decode_stacks(keys: list, locations: dict, upb: bool) -> StackTable:
    """The location ids of each stack key, into one array. With upb the packed lists are
    decoded in C: each key becomes one occurrence of a packed field, and upb concatenates the
    occurrences of a repeated field."""
    keys = [k if isinstance(k, bytes) else b"".join(map(encode_varint, k)) for k in keys]
    counts = [len(k.translate(None, _HIGH_BYTES)) for k in keys]  # one last byte per varint
    if upb:
        lengths = _LENGTHS
        buf = b"".join([b"\x0a" + (lengths[len(k)] if len(k) < 16384 else encode_varint(len(k)))
                        + k for k in keys])
        del keys
        found = _upb_parse("ids", buf).id
        del buf
    else:
        found = []
        for k in keys:
            found.extend(packed_varints(k))
        del keys
    ids = _id_array(found)
    del found
    if len(ids) != sum(counts):
        raise _Corrupt("a location-id list ends inside a number")
    bad = _undefined_location(ids, locations)
    if bad is not None:
        raise _Corrupt(f"a sample refers to location {bad}, which the profile does not define")
    return StackTable(ids, array("q", accumulate(counts, initial=0)))


def _id_array(ids) -> array:
    """The ids in the narrowest unsigned array that holds them (Go numbers its locations
    from 1, so a few bytes each)."""
    for code in ("H", "I", "Q"):
        try:
            return array(code, ids)
        except OverflowError:
            continue
    raise _Corrupt("a location id does not fit in 64 bits")


def _undefined_location(ids: array, locations: dict) -> int | None:
    """An id of ``ids`` the profile does not define, or None."""
    if not ids:
        return None
    if min(locations, default=0) == 1 and max(locations) == len(locations):
        # Go's ids are 1..N: no 0 (four zero bytes at an item boundary) and nothing above N.
        raw = ids.tobytes()
        zero = bytes(ids.itemsize)
        at = raw.find(zero)
        while at >= 0:
            if at % ids.itemsize == 0:
                return 0
            at = raw.find(zero, at + 1)
        top = max(ids)
        return top if top > len(locations) else None
    missing = set(ids).difference(locations)
    return min(missing) if missing else None


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


def _label_set(key, s) -> LabelSet:
    parts = (key,) if isinstance(key, bytes) else key
    decoded = [_label(lb, s) for lb in parts if lb is not None]
    return LabelSet(tuple(sorted((k, v) for kind, k, v, u in decoded if kind == "s")),
                    tuple(sorted((k, v, u) for kind, k, v, u in decoded if kind == "n")))


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
