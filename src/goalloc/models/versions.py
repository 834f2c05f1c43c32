"""Which Go releases goalloc models, and what changed between them.

Every flag here was read from that release's own runtime and compiler sources
(``$GOROOT/src/runtime``, ``internal/runtime/maps``, ``cmd/compile``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from goalloc.errors import InputError

FIRST_MINOR = 21
LAST_MINOR = 27
MODELED_RANGE = f"1.{FIRST_MINOR} through 1.{LAST_MINOR}"


class UnsupportedVersion(InputError):
    """A Go version outside the modeled range (or not a version at all)."""


@dataclass(frozen=True)
class GoVersion:
    minor: int

    @property
    def name(self) -> str:
        return f"1.{self.minor}"

    @property
    def malloc_header(self) -> bool:
        # 1.22 moved the pointer bitmap of objects > 512 bytes into an 8-byte header
        # (GOEXPERIMENT=allocheaders, on by default); 1.21 kept a side bitmap.
        return self.minor >= 22

    @property
    def swiss_maps(self) -> bool:
        # 1.24 replaced hmap/buckets with Swiss tables (internal/runtime/maps).
        return self.minor >= 24

    @property
    def stack_append_buffer(self) -> bool:
        # 1.25: an append whose result does not escape starts in a 32-byte stack buffer
        # (cmd/compile VariableMakeThreshold = 32).
        return self.minor >= 25

    @property
    def move2heap(self) -> bool:
        # 1.26: a slice that escapes only through `return` is grown on the stack first
        # and copied to the heap once (cmd/compile/internal/slice, runtime.moveSlice).
        return self.minor >= 26


_VERSION_RE = re.compile(r"^(?:go)?1\.(\d+)(?:\.\d+)?(?:(?:rc|beta)\d+)?$")


def parse_version(go: str | GoVersion) -> GoVersion:
    """'1.27', 'go1.27.3' -> GoVersion(27); anything outside the modeled range is an error."""
    if isinstance(go, GoVersion):
        return go
    text = str(go).strip()
    m = _VERSION_RE.match(text)
    if not m:
        raise UnsupportedVersion(
            f"cannot read a Go version from {text!r}; goalloc models Go {MODELED_RANGE}")
    minor = int(m.group(1))
    if not FIRST_MINOR <= minor <= LAST_MINOR:
        raise UnsupportedVersion(
            f"Go 1.{minor} is not modeled; goalloc models Go {MODELED_RANGE}")
    return GoVersion(minor)


def supported_versions() -> list[str]:
    return [f"1.{m}" for m in range(FIRST_MINOR, LAST_MINOR + 1)]
