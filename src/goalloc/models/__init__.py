"""Exact models of what the Go runtime allocates for slice and map growth, per Go release.

Pure Python and cheap to import: no Go toolchain is needed to answer a question, only to
prove the answers (``goalloc.models.harness``).
"""

from goalloc.models.layout import TypeLayout, UnknownType, layout_of
from goalloc.models.sizeclasses import AllocSize, Heap, round_alloc_size, roundupsize
from goalloc.models.slices import SliceGrowth, SliceStep, simulate_slice, stack_buffer_note
from goalloc.models.versions import (MODELED_RANGE, GoVersion, UnsupportedVersion,
                                     parse_version, supported_versions)

__all__ = [
    "AllocSize", "GoVersion", "Heap", "MODELED_RANGE", "SliceGrowth", "SliceStep",
    "TypeLayout", "UnknownType", "UnsupportedVersion", "layout_of", "parse_version",
    "round_alloc_size", "roundupsize", "simulate_slice", "stack_buffer_note",
    "supported_versions",
]

from goalloc.models.maps import MapGrowth, MapStep, simulate_map  # noqa: E402

__all__ += ["MapGrowth", "MapStep", "simulate_map"]
