"""The facts helper as Go code: gofmt- and vet-clean, its own go tests pass, and it ships in
the package so that an installed goalloc builds it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from goalloc.collect.facts import HELPER_DIR, helper_files
from goalloc.collect.toolchain import find_toolchain

ROOT = Path(__file__).resolve().parents[1]
# A module of its own, whatever the environment says.
GO_ENV = {"GOFLAGS": "-mod=mod", "GOWORK": "off", "GO111MODULE": "on", "CGO_ENABLED": "0"}


@pytest.fixture(scope="module")
def toolchain():
    return find_toolchain()


def test_gofmt_lists_no_file(toolchain):
    gofmt = Path(toolchain.goroot) / "bin" / "gofmt"
    proc = subprocess.run([str(gofmt), "-l", "."], cwd=HELPER_DIR, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "", f"not gofmt-formatted:\n{proc.stdout}"


def test_go_vet_is_clean(toolchain):
    proc = toolchain.run(["vet", "./..."], cwd=HELPER_DIR, env=GO_ENV)
    assert proc.returncode == 0, proc.stderr


def test_go_test_passes(toolchain):
    proc = toolchain.run(["test", "-count=1", "./..."], cwd=HELPER_DIR, env=GO_ENV, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("ok "), proc.stdout


@pytest.mark.slow
def test_an_installed_goalloc_builds_and_runs_the_helper(tmp_path, toolchain):
    """The wheel holds what the binary is built from, and a goalloc installed from it (not
    this source tree) builds the helper and collects facts of the shipped example."""
    wheels = tmp_path / "wheels"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--quiet", "-w", str(wheels), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = wheels.glob("goalloc-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in helper_files():
        assert f"goalloc/facts/helper/{name}" in names
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                           "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    script = ("import sys, goalloc.collect.facts as f\n"
              "from goalloc.collect.toolchain import find_toolchain\n"
              "from goalloc.collect.facts import collect_facts\n"
              "assert f.HELPER_DIR.is_relative_to(sys.argv[1]), f.HELPER_DIR\n"
              "example = f.HELPER_DIR.parent.parent / 'example'\n"
              "facts = collect_facts(find_toolchain(), example, ['./...'])\n"
              "print(sum(len(p.loops) for p in facts.packages))\n")
    env = {**os.environ, "PYTHONPATH": str(target), "GOALLOC_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", script, str(target)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 0
    assert list((tmp_path / "cache" / "facts-helper").glob("*/factshelper"))
