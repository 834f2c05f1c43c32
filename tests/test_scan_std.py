"""On standard-library packages, every escape diagnostic of the compiler lands in exactly one
entry of sites or params, and the heap/stack decisions are the compiler's, one for one.

The expected side is read straight from `go build -gcflags=-m=2` with a parser written here,
independent of goalloc's."""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter

import pytest

from goalloc.app.scan import scan

SUMMARY = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<msg>"
                     r"moved to heap: \S+|.+ escapes to heap|.+ does not escape"
                     r"|leaking param(?: content)?: .+|assuming .+ is unsafe uintptr"
                     r"|marking .+ as escaping (?:\.\.\.)?uintptr)$")


def compiler_decisions(tc, pkg, cwd):
    proc = subprocess.run([tc.go, "build", "-gcflags=-m=2", "-o", os.devnull, pkg], cwd=cwd,
                          env=tc.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-500:]
    got = Counter()
    for line in proc.stderr.splitlines():
        m = SUMMARY.match(line)
        if m and not m.group("msg").endswith(" in"):
            path = m.group("file")
            if not path.startswith("<") and not os.path.isabs(path):
                local = os.path.normpath(os.path.join(cwd, path))
                path = local if os.path.exists(local) else os.path.normpath(
                    os.path.join(tc.goroot, "src", path))
            got[(path, int(m.group("line")), int(m.group("col") or 0), m.group("msg"))] += 1
    return got


@pytest.mark.slow  # builds std packages and their dependencies (minutes on a cold cache)
@pytest.mark.parametrize("pkg", ["fmt", "encoding/json", "regexp", "strings", "net/http"])
def test_std_package_decisions_one_for_one(pkg, tmp_path, go_bin):
    tc = go_bin
    expected = compiler_decisions(tc, pkg, str(tmp_path))
    result = scan([pkg], str(tmp_path), toolchain=tc, progress=False)
    assert result.packages == [pkg]
    got = Counter()
    for s in result.sites:
        if "explained only" in s.diagnostic:
            continue
        got[(s.file, s.line, s.col, s.diagnostic)] += 1
    for p in result.params:
        if "explained only" in p.diagnostic:
            continue
        got[(p.file, p.line, p.col, p.diagnostic)] += 1
    assert sum(expected.values()) > 50
    assert got - expected == Counter(), "reported but not printed by the compiler"
    assert expected - got == Counter(), "printed by the compiler but not reported"
    # verdicts: heap sites are exactly the "escapes to heap"/"moved to heap" summaries
    heap = Counter((s.file, s.line, s.col) for s in result.sites
                   if s.verdict == "heap" and "explained only" not in s.diagnostic)
    want_heap = Counter()
    for (f, ln, c, msg), n in expected.items():
        if msg.endswith("escapes to heap") or msg.startswith("moved to heap"):
            want_heap[(f, ln, c)] += n
    assert heap == want_heap
    # parameters never count as sites
    assert not any(s.diagnostic.startswith("leaking param") for s in result.sites)
    # every position names a file that exists, and every site knows its function
    assert all(os.path.isfile(s.file) for s in result.sites if not s.file.startswith("<"))
    assert all(s.function for s in result.sites)
