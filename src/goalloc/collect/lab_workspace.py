"""Where ``goalloc lab`` benchmarks run: a scratch module, or the user's own package.

* Without a package the generated test file goes into a new module in a temporary directory
  (``module goalloclab``, the toolchain's language version), removed afterwards.
* With ``--package`` the file joins the user's package through ``go -overlay`` (passed in
  ``GOFLAGS``, so ``go list`` and ``go test`` both see it): the benchmark is compiled as part
  of the package, unexported types and fields included, and nothing is written into the
  user's tree.

The source goes through the toolchain's gofmt first: that normalizes how the user's types
are spelled and reports a type that is not Go syntax before anything is compiled.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from goalloc.errors import GoallocError, InputError, ToolchainError
from goalloc.fsutil import atomic_write

SCRATCH_MODULE = "goalloclab"
SCRATCH_PACKAGE = "lab"


@dataclass(frozen=True)
class LabPackage:
    """The user's package a benchmark joins."""

    pattern: str  # as given, e.g. ./internal/model
    import_path: str
    name: str  # the package clause
    dir: str
    module_dir: str
    language: tuple[int, int]  # the module's go line


@dataclass(frozen=True)
class Workspace:
    cwd: str
    pattern: str  # the package to `go test`
    toolchain: object  # goalloc.collect.toolchain.Toolchain with the overlay in GOFLAGS
    file: str  # where the test file is (or appears to be, through the overlay)


class GoSyntaxError(GoallocError):
    """gofmt could not read the source; ``line`` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _version(text: str | None) -> tuple[int, int] | None:
    m = re.match(r"(?:go)?(\d+)\.(\d+)", text or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def describe_package(toolchain, directory: str, pattern: str) -> LabPackage:
    """The one package ``pattern`` names in the module at ``directory``."""
    if "..." in pattern:
        raise InputError(f"--package names one package, not a pattern: {pattern}")
    if not os.path.isdir(directory):
        raise InputError(f"directory not found: {directory}")
    proc = toolchain.run(["list", "-e", "-json=ImportPath,Name,Dir,Error,Module,Goroot,"
                          "GoFiles,CgoFiles", pattern], cwd=directory)
    if proc.returncode != 0 and not proc.stdout.strip():
        first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "go list failed")
        raise InputError(f"cannot load package {pattern}: {first.strip()}")
    try:
        info = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise InputError(f"cannot load package {pattern}: go list printed no single package") \
            from None
    err = ((info.get("Error") or {}).get("Err") or "").strip()
    if err and not (info.get("GoFiles") or info.get("CgoFiles")):
        raise InputError(f"no Go package at {pattern}: {err.splitlines()[0]}")
    module = info.get("Module") or {}
    if info.get("Goroot") or not module.get("Dir"):
        raise InputError(f"--package {pattern} is not a package of a module on disk "
                         f"({info.get('ImportPath', pattern)}): name one of your module's "
                         "packages, e.g. ./internal/model")
    language = _version(module.get("GoVersion")) or toolchain.release
    return LabPackage(pattern, info.get("ImportPath", ""), info.get("Name", ""),
                      info.get("Dir", ""), module["Dir"], language)


def gofmt(toolchain, text: str) -> str:
    """``text`` as gofmt writes it; GoSyntaxError when it is not Go."""
    binary = os.path.join(toolchain.goroot, "bin", "gofmt")
    if not os.path.isfile(binary):
        raise ToolchainError(f"no gofmt in {toolchain.goroot}/bin")
    try:
        proc = subprocess.run([binary], input=text, text=True, capture_output=True,
                              env=toolchain.env, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolchainError(f"cannot run {binary}: {exc}") from None
    if proc.returncode == 0:
        return proc.stdout
    first = next((ln for ln in proc.stderr.splitlines() if ln.strip()), "gofmt failed")
    m = re.match(r"<standard input>:(\d+):(?:\d+:)?\s*(.*)", first)
    if m:
        raise GoSyntaxError(int(m.group(1)), m.group(2))
    raise GoSyntaxError(0, first)


def _free_name(directory: str, file_name: str) -> str:
    stem, ext = file_name[:-len("_test.go")], "_test.go"
    candidate, i = file_name, 1
    while os.path.exists(os.path.join(directory, candidate)):
        candidate = f"{stem}_{i}{ext}"
        i += 1
    return candidate


@contextmanager
def workspace(toolchain, text: str, file_name: str, package: LabPackage | None):
    """Yield a Workspace in which ``go test`` sees the test file ``text``; everything it
    made is removed on the way out."""
    with tempfile.TemporaryDirectory(prefix="goalloc-lab-") as tmp:
        if package is None:
            major, minor = toolchain.release
            atomic_write(os.path.join(tmp, "go.mod"),
                         f"module {SCRATCH_MODULE}\n\ngo {major}.{minor}\n")
            atomic_write(os.path.join(tmp, "doc.go"),
                         f"// Package {SCRATCH_PACKAGE} holds what goalloc lab generated.\n"
                         f"package {SCRATCH_PACKAGE}\n")
            path = os.path.join(tmp, file_name)
            atomic_write(path, text)
            yield Workspace(tmp, ".", toolchain, path)
            return
        flags = toolchain.env.get("GOFLAGS", "")
        if "-overlay" in flags:
            raise InputError("GOFLAGS already sets -overlay; goalloc lab --package adds its "
                             "own: unset it for this run")
        real = os.path.join(tmp, file_name)
        atomic_write(real, text)
        seen = os.path.join(package.dir, _free_name(package.dir, file_name))
        overlay = os.path.join(tmp, "overlay.json")
        atomic_write(overlay, json.dumps({"Replace": {seen: real}}))
        env = dict(toolchain.env)
        env["GOFLAGS"] = (flags + " " if flags else "") + f"-overlay={overlay}"
        yield Workspace(package.module_dir, package.dir,
                        dataclasses.replace(toolchain, env=env), seen)


class DeadlineToolchain:
    """A toolchain whose ``go`` processes are stopped at ``deadline`` (a time.monotonic()
    value). ``go test -timeout`` does not cover benchmarks, so the stop comes from here:
    each process runs in its own process group, which gets SIGINT at the deadline (and
    SIGKILL if it lingers), so the test binary stops with the go command. ``fired`` says
    whether that happened. Everything else is the wrapped toolchain's."""

    def __init__(self, toolchain, deadline: float):
        self._toolchain = toolchain
        self.deadline = deadline
        self.fired = False

    def __getattr__(self, name):
        return getattr(self._toolchain, name)

    def popen(self, args, **kwargs):
        kwargs["start_new_session"] = True  # the runner may ask for it too
        group = _ProcessGroup(self._toolchain.popen(args, **kwargs))
        group.timer = threading.Timer(max(0.0, self.deadline - time.monotonic()),
                                      self._stop, (group,))
        group.timer.daemon = True
        group.timer.start()
        return group

    def _stop(self, group: "_ProcessGroup") -> None:
        if group.poll() is None:
            self.fired = True
            group.kill()


class _ProcessGroup:
    """A Popen whose kill() ends its whole process group (the go command and the test
    binary it started), as Ctrl-C would have if the group were in the foreground."""

    def __init__(self, proc: subprocess.Popen):
        self._proc = proc
        self.timer = None

    def __getattr__(self, name):
        return getattr(self._proc, name)

    def wait(self, timeout=None):
        try:
            return self._proc.wait(timeout)
        finally:
            if self.timer is not None and self._proc.returncode is not None:
                self.timer.cancel()

    def kill(self) -> None:
        for sig, grace in ((signal.SIGINT, 5.0), (signal.SIGKILL, None)):
            try:
                os.killpg(self._proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                return
            if grace is None:
                return
            try:
                self._proc.wait(grace)
                return
            except subprocess.TimeoutExpired:
                continue
