"""The stacks that allocated at an alerting site, for an incident bundle.

A stack belongs to a site when one of its frames is the site's function at the site's line in
the file the profile names. The counts of a heap profile are cumulative, so each stack's share
of the last interval is the difference with the previous poll's profile (stacks are matched by
their frames: location ids are renumbered in every profile)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_STACKS = 10


@dataclass
class StackUse:
    frames: tuple[tuple[str, str, int], ...]  # (function, file, line), innermost first
    objects: int  # allocated since the previous poll (all time without one)
    bytes: int
    objects_total: int  # since the process started
    bytes_total: int


def _frames_of(profile, location_ids) -> tuple[tuple[str, str, int], ...]:
    out = []
    for lid in location_ids:
        loc = profile.locations.get(lid)
        if loc is None:
            continue
        for ln in loc.lines:
            fn = profile.functions.get(ln.function_id)
            out.append((fn.name if fn else "?", fn.filename if fn else "", ln.line))
    return tuple(out)


def _site_stacks(profile, function: str, profile_file: str, line: int) -> dict:
    types = [st.type for st in profile.sample_types]
    oi, bi = types.index("alloc_objects"), types.index("alloc_space")
    out: dict[tuple, list[int]] = {}
    for st in profile.stacks:
        frames = _frames_of(profile, st.location_ids)
        if not any(f == function and ln == line and (not profile_file or fl == profile_file)
                   for f, fl, ln in frames):
            continue
        acc = out.setdefault(frames, [0, 0])
        acc[0] += st.values[oi]
        acc[1] += st.values[bi]
    return out


def stacks_of_site(profile, function: str, profile_file: str, line: int,
                   previous=None, limit: int = MAX_STACKS) -> list[StackUse]:
    """The stacks through the site, most bytes allocated since ``previous`` first."""
    now = _site_stacks(profile, function, profile_file, line)
    before = _site_stacks(previous, function, profile_file, line) if previous else {}
    uses = []
    for frames, (objects, nbytes) in now.items():
        o0, b0 = before.get(frames, (0, 0))
        uses.append(StackUse(frames, max(0, objects - o0), max(0, nbytes - b0), objects, nbytes))
    uses.sort(key=lambda u: (-u.bytes, -u.objects, -u.bytes_total))
    return uses[:limit]
