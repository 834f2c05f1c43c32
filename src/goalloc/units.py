"""Byte counts for people: one formatter for every report."""

from __future__ import annotations

_UNITS = (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10))


def short_bytes(n: float) -> str:
    """'512 B', '1.5 KiB', '31 KiB', '2.4 MiB': two or three significant digits."""
    for unit, size in _UNITS:
        if abs(n) >= size:
            value = n / size
            return f"{value:.0f} {unit}" if abs(value) >= 10 else f"{value:.1f} {unit}"
    return f"{n:.0f} B"


def human_bytes(n: int) -> str:
    """Exact bytes, with a binary-unit figure when it helps: '38,904 B (38.0 KiB)'."""
    for unit, size in _UNITS:
        if n >= size:
            return f"{n:,} B ({n / size:.1f} {unit})"
    return f"{n:,} B"
