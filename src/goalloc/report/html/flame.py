"""An icicle of a profile's measured stacks: the callers on top, each frame as wide as the
value of the samples under it, laid out here so the page only draws rectangles."""

from __future__ import annotations

import os

MAX_DEPTH = 96
MIN_SHARE = 0.001  # frames narrower than this share of the total are folded into their parent


def _frames_of(prof) -> dict[int, list[tuple[str, str, int]]]:
    """Location id -> its frames (function, file, line), outermost caller first."""
    out = {}
    for loc_id, loc in prof.locations.items():
        frames = []
        for ln in reversed(loc.lines):  # a location's lines are innermost first
            fn = prof.functions.get(ln.function_id)
            if fn is not None:
                frames.append((fn.name, fn.filename, ln.line))
        out[loc_id] = frames
    return out


def _report_path(filename: str, source_root: str | None, known: set[str]) -> str | None:
    """The report's name for a profile's file name, when the report shows that file."""
    if filename in known:
        return filename
    if source_root:
        root = os.path.abspath(source_root) + os.sep
        if filename.startswith(root) and filename[len(root):] in known:
            return filename[len(root):]
    for path in known:
        if not os.path.isabs(path) and filename.endswith("/" + path):
            return path
    return None


def flame_graph(prof, index: int, source_root: str | None, known_files: set[str]) -> dict | None:
    """Nodes as [name, depth, x, value, file, line] with x and value (the width) in sample units,
    parents before children; None when the profile has no positive values."""
    frames_of = _frames_of(prof)
    root: dict = {"value": 0, "children": {}}
    for stack in prof.stacks:
        value = stack.values[index] if index < len(stack.values) else 0
        if value <= 0:
            continue
        root["value"] += value
        node = root
        path = []
        for loc_id in reversed(stack.location_ids):  # leaf first in the profile
            path.extend(frames_of.get(loc_id, ()))
        for name, filename, line in path[:MAX_DEPTH]:
            key = (name, filename, line)
            child = node["children"].get(key)
            if child is None:
                child = node["children"][key] = {"value": 0, "children": {}}
            child["value"] += value
            node = child
    total = root["value"]
    if total <= 0:
        return None
    nodes: list[list] = [["all", 0, 0, total, None, 0]]
    resolved: dict[str, str | None] = {}
    work = [(root, 1, 0)]
    while work:
        node, depth, x = work.pop()
        for (name, filename, line), child in sorted(node["children"].items(),
                                                    key=lambda kv: -kv[1]["value"]):
            if child["value"] < total * MIN_SHARE:
                continue
            if filename not in resolved:
                resolved[filename] = _report_path(filename, source_root, known_files)
            nodes.append([name, depth, x, child["value"], resolved[filename], line])
            work.append((child, depth + 1, x))
            x += child["value"]
    unit = prof.sample_types[index].unit if index < len(prof.sample_types) else ""
    sample = prof.sample_types[index].type if index < len(prof.sample_types) else ""
    return {"total": total, "unit": unit, "sample_type": sample, "nodes": nodes}
