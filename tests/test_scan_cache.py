"""The scan result cache: same answers from the cache, and stale entries are not used."""

from __future__ import annotations

import os
import textwrap

from goalloc import cache
from goalloc.app.scan import scan

SRC = textwrap.dedent("""\
    package m

    func Ret() []int {
    	s := make([]int, 8)
    	return s // the flow quotes this line
    }
    """)


def _module(tmp_path):
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.21\n")
    (tmp_path / "m.go").write_text(SRC)
    return str(tmp_path)


def _entries(root):
    return [f for _, _, files in os.walk(root) for f in files]


def test_cached_scan_is_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "mod").mkdir()
    d = _module(tmp_path / "mod")
    first = scan(["./..."], d, progress=False)
    assert len(_entries(cache.cache_dir())) == 1
    hits = []
    load = cache.load

    def recording_load(store, *args):
        value = load(store, *args)
        if store == cache.cache_dir():  # the scan's own entries, not the objects reading's
            hits.append(value)
        return value

    monkeypatch.setattr(cache, "load", recording_load)
    second = scan(["./..."], d, progress=False)
    assert len(hits) == 1 and hits[0] is not None  # the package came from the cache
    assert [s.to_json() for s in second.sites] == [s.to_json() for s in first.sites]
    assert [p.to_json() for p in second.params] == [p.to_json() for p in first.params]
    off = scan(["./..."], d, progress=False, use_cache=False)
    assert [s.to_json() for s in off.sites] == [s.to_json() for s in first.sites]


def test_changed_source_is_not_served_from_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "mod").mkdir()
    d = _module(tmp_path / "mod")
    first = scan(["./..."], d, progress=False)
    step = next(st for s in first.sites for st in s.flow if st.reason == "return")
    assert "the flow quotes this line" in step.text
    # Same positions, so the same compiler output, but the quoted line has changed.
    (tmp_path / "mod" / "m.go").write_text(SRC.replace("the flow quotes this line", "edited"))
    second = scan(["./..."], d, progress=False)
    step = next(st for s in second.sites for st in s.flow if st.reason == "return")
    assert "edited" in step.text


def test_no_cache_env(tmp_path, monkeypatch):
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GOALLOC_NO_CACHE", "1")
    (tmp_path / "mod").mkdir()
    scan(["./..."], _module(tmp_path / "mod"), progress=False)
    assert not (tmp_path / "cache").exists()
