"""The decoded contents of a pprof ``profile.proto``.

Field meanings follow the format's documentation (``profile.proto`` of google/pprof). Samples
with the same stack and the same labels are merged on reading (their values summed, their
number kept in ``count``): every report pprof and goalloc print only ever sums them, and a
large allocs profile repeats a stack many times (once per object size).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ValueType:
    type: str
    unit: str


@dataclass(frozen=True)
class Function:
    id: int
    name: str
    system_name: str
    filename: str
    start_line: int


@dataclass(frozen=True)
class Line:
    function_id: int
    line: int
    column: int = 0


@dataclass(frozen=True)
class Mapping:
    id: int
    memory_start: int
    memory_limit: int
    file_offset: int
    filename: str
    build_id: str


@dataclass(frozen=True)
class Location:
    id: int
    mapping_id: int
    address: int
    lines: tuple[Line, ...]  # innermost first: the last one is the caller the others were inlined into
    is_folded: bool = False


@dataclass(slots=True)
class Stack:
    """One distinct (stack, labels) of the profile, with the summed values of its samples."""

    location_ids: tuple[int, ...]  # leaf first
    values: list[int]  # one per sample type, summed over the merged samples
    count: int  # how many samples of the file were merged into this one
    labels: tuple[tuple[str, str], ...] = ()  # string labels (key, value)
    num_labels: tuple[tuple[str, int, str], ...] = ()  # numeric labels (key, value, unit)


@dataclass
class Profile:
    sample_types: list[ValueType]
    stacks: list[Stack]
    locations: dict[int, Location]
    functions: dict[int, Function]
    mappings: dict[int, Mapping] = field(default_factory=dict)
    period_type: ValueType | None = None
    period: int = 0
    default_sample_type: str = ""
    time_nanos: int = 0
    duration_nanos: int = 0
    drop_frames: str = ""
    keep_frames: str = ""
    comments: list[str] = field(default_factory=list)
    doc_url: str = ""
    sample_count: int = 0  # samples in the file, before merging
    path: str = ""
    decoder: str = ""  # "upb" or "python": which decoder read it
    _frames: dict | None = field(default=None, repr=False, compare=False)

    def sample_index(self, spec: str | int | None) -> int:
        """The index of a sample type, chosen like ``go tool pprof -sample_index``.

        ``spec`` is a type name (``alloc_space``), a number, or None for the profile's default
        (its ``default_sample_type``, else the last type).
        """
        from goalloc.errors import UsageError

        names = [st.type for st in self.sample_types]
        if spec is None or spec == "":
            if self.default_sample_type in names:
                return names.index(self.default_sample_type)
            return len(names) - 1
        if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
            i = int(spec)
            if 0 <= i < len(names):
                return i
            raise UsageError(f"sample index {i} out of range: the profile has {len(names)} "
                             f"sample types ({', '.join(names)})")
        spec = spec.removeprefix("sample_index=")
        if spec in names:
            return names.index(spec)
        raise UsageError(f"sample type {spec!r} is not in the profile (it has {', '.join(names)})")
