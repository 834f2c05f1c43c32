"""Reads `// want: cause, cause` labels of a corpus module and compares with scan results."""

from __future__ import annotations

import os
import re
from collections import defaultdict

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "escape", "corpus")
WANT = re.compile(r"// want: ([a-z-]+(?:, [a-z-]+)*)\s*$")


def read_labels(module_dir: str) -> dict[tuple[str, int], list[str]]:
    labels = {}
    for root, _, names in os.walk(module_dir):
        for name in sorted(names):
            if not name.endswith(".go"):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, module_dir)
            with open(path, encoding="utf-8") as fh:
                for i, line in enumerate(fh, 1):
                    m = WANT.search(line)
                    if m:
                        labels[(rel, i)] = [c.strip() for c in m.group(1).split(",")]
    return labels


def compare(labels, heap_sites):
    """Per labeled site: (position, wanted cause, got cause). Unlabeled heap lines count too."""
    got = defaultdict(list)
    for s in sorted(heap_sites, key=lambda s: (s.file, s.line, s.col)):
        if s.file.startswith("<") or os.path.isabs(s.file):
            continue  # instantiated generic code of other packages: nothing to label
        got[(s.file, s.line)].append(s.cause)
    rows = []
    for key in sorted(set(labels) | set(got)):
        want, have = labels.get(key, []), got.get(key, [])
        for i in range(max(len(want), len(have))):
            rows.append((key, want[i] if i < len(want) else None, have[i] if i < len(have) else None))
    return rows
