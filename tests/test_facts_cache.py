"""The facts helper's caches are only an optimisation: an unwritable cache directory, a
damaged cached binary and GOALLOC_NO_CACHE=1 all still give facts (issue 9)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import goalloc.collect.facts as cfacts
import goalloc.facts.model
from goalloc.collect.facts import collect_facts
from goalloc.collect.toolchain import find_toolchain
from goalloc.errors import ToolchainError
from goalloc.facts import FactsFormatError, Facts

SRC = Path(__file__).resolve().parents[1] / "src"

MODULE_SRC = """\
package m

func IDs(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}
"""

# Collects facts twice in one process, as a command that scans and then lints would.
TWICE = """\
import sys
from goalloc.collect.facts import collect_facts
from goalloc.collect.toolchain import find_toolchain
tc = find_toolchain()
for _ in range(2):
    facts = collect_facts(tc, sys.argv[1], ["./..."])
print(facts.packages[0].path, len(facts.packages[0].loops))
"""


@pytest.fixture(scope="module")
def toolchain():
    return find_toolchain()


@pytest.fixture(scope="module")
def module(tmp_path_factory):
    d = tmp_path_factory.mktemp("cachemod")
    (d / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (d / "m.go").write_text(MODULE_SRC)
    return d


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory, toolchain):
    """A cache directory holding a freshly built helper."""
    root = tmp_path_factory.mktemp("helper-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOALLOC_CACHE_DIR", str(root))
        mp.delenv("GOALLOC_NO_CACHE", raising=False)
        cfacts.helper_binary(toolchain)
    return root


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


def _damage(binary: Path, how: str) -> None:
    data = binary.read_bytes()
    if how == "truncated":
        binary.write_bytes(data[: len(data) // 3])
    elif how == "not-executable":
        binary.chmod(stat.S_IRUSR | stat.S_IWUSR)
    elif how == "garbage":
        binary.write_bytes(os.urandom(4096))
    elif how == "another-version":
        _script(binary, """echo '{"facts_version": 999, "packages": []}'""")
    elif how == "another-program":
        _script(binary, "echo 'segmentation fault' >&2; exit 139")
    elif how == "empty-output":
        _script(binary, "exit 0")


@pytest.mark.parametrize("how", ["truncated", "not-executable", "garbage", "another-version",
                                 "another-program", "empty-output"])
def test_a_damaged_cached_helper_is_rebuilt(how, built_cache, tmp_path, monkeypatch, toolchain,
                                            module):
    root = tmp_path / "cache"
    shutil.copytree(built_cache, root)
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(root))
    monkeypatch.delenv("GOALLOC_NO_CACHE", raising=False)
    binary = cfacts.helper_binary(toolchain)
    good_size = binary.stat().st_size
    _damage(binary, how)
    facts = collect_facts(toolchain, module, ["./..."])
    assert [p.path for p in facts.packages] == ["example.com/m"]
    assert len(facts.packages[0].loops) == 1
    assert binary.stat().st_size == good_size and os.access(binary, os.X_OK)
    again = subprocess.run([str(binary), "-go", toolchain.go, "-C", str(module), "--", "./..."],
                           capture_output=True, text=True, env=toolchain.env)
    assert again.returncode == 0 and '"facts_version":1' in again.stdout


def test_a_helper_still_broken_after_its_rebuild_is_one_clear_error(built_cache, tmp_path,
                                                                      monkeypatch, toolchain,
                                                                      module):
    root = tmp_path / "cache"
    shutil.copytree(built_cache, root)
    monkeypatch.setenv("GOALLOC_CACHE_DIR", str(root))
    monkeypatch.delenv("GOALLOC_NO_CACHE", raising=False)
    monkeypatch.setattr(goalloc.facts.model, "FACTS_VERSION", 999)
    with pytest.raises(ToolchainError) as exc:
        collect_facts(toolchain, module, ["./..."])
    msg = str(exc.value)
    assert "\n" not in msg
    assert "facts_version 1" in msg and "reads facts_version 999" in msg


def test_another_facts_version_is_refused_with_a_clear_error():
    with pytest.raises(FactsFormatError, match=r"wrote facts_version 2; this goalloc reads "
                                               r"facts_version 1"):
        Facts.from_json({"facts_version": 2, "go_version": "go1.27", "goarch": "amd64",
                         "root": "/", "packages": [], "errors": []})
    with pytest.raises(FactsFormatError, match="facts_version None"):
        Facts.from_json({"schema_version": 1, "packages": []})  # the helper before versions
    with pytest.raises(FactsFormatError, match="not facts_version 1 JSON"):
        Facts.from_json({"facts_version": 1, "go_version": "go1.27", "goarch": "amd64",
                         "root": "/", "packages": [{"path": "p"}], "errors": []})


def test_the_binary_key_covers_what_the_binary_is_built_from(tmp_path, monkeypatch):
    helper = tmp_path / "helper"
    shutil.copytree(cfacts.HELPER_DIR, helper)
    monkeypatch.setattr(cfacts, "HELPER_DIR", helper)
    files = cfacts.helper_files()
    assert files[0] == "go.mod" and "main.go" in files and "loops.go" in files
    assert not [f for f in files if f.endswith("_test.go") or "/" in f]
    first = cfacts.source_hash()
    (helper / "extra_test.go").write_text("package main\n")
    (helper / "testdata" / "src" / "loops" / "loops.go").write_text("package loops\n")
    assert cfacts.source_hash() == first  # tests and testdata change no binary
    with (helper / "loops.go").open("a") as fh:
        fh.write("\n// a change\n")
    assert cfacts.source_hash() != first


def _isolated_env(tmp_path: Path, toolchain, **extra) -> dict:
    """An environment whose home, XDG cache and temporary directories are under tmp_path;
    the go command keeps its real build and module caches. ``extra`` values of None unset."""
    go = toolchain.run(["env", "GOCACHE", "GOMODCACHE", "GOPATH"]).stdout.split("\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("GOALLOC_CACHE_DIR", "GOALLOC_NO_CACHE", "XDG_CACHE_HOME")}
    for name in ("home", "xdg", "tmp"):
        (tmp_path / name).mkdir(exist_ok=True)
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg"),
               TMPDIR=str(tmp_path / "tmp"), GOCACHE=go[0], GOMODCACHE=go[1], GOPATH=go[2],
               PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def _collect_twice(env: dict, module: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", TWICE, str(module)], env=env,
                          capture_output=True, text=True, timeout=600)


def _goalloc_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if "goalloc" in p.name)


@pytest.mark.parametrize("variable", ["GOALLOC_CACHE_DIR", "XDG_CACHE_HOME", "HOME"])
def test_an_unwritable_cache_falls_back_to_a_temporary_directory_with_one_warning(
        variable, tmp_path, toolchain, module):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a directory\n")
    unwritable = {variable: str(blocker / "sub")}
    if variable == "HOME":
        unwritable["XDG_CACHE_HOME"] = None  # else it wins over HOME
    env = _isolated_env(tmp_path, toolchain, **unwritable)
    proc = _collect_twice(env, module)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["example.com/m", "1"]
    warnings = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(warnings) == 1, proc.stderr
    assert warnings[0].startswith("goalloc: warning: cannot use the cache directory ")
    assert "using " in warnings[0] and "instead" in warnings[0]
    assert blocker.read_text() == "a file, not a directory\n"
    # The fallback is one private directory, kept so the helper is built once, not per run.
    left = [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("goalloc")]
    assert [p.name for p in left] == [f"goalloc-cache-{os.getuid()}"]
    assert left[0].stat().st_mode & 0o777 == 0o700


def test_no_cache_reads_and_writes_no_persistent_cache(tmp_path, toolchain, module):
    cache_root = tmp_path / "cache"
    planted = cache_root / "facts-helper" / f"{toolchain.version}-{cfacts.source_hash()}"
    planted.mkdir(parents=True)
    marker = tmp_path / "ran"
    _script(planted / cfacts.BINARY_NAME, f"touch {marker}; exit 1")
    env = _isolated_env(tmp_path, toolchain, GOALLOC_CACHE_DIR=str(cache_root),
                        GOALLOC_NO_CACHE="1")
    proc = _collect_twice(env, module)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["example.com/m", "1"] and proc.stderr == ""
    assert not marker.exists()  # the cached helper was not used
    assert [p.name for p in cache_root.rglob("*")] == ["facts-helper", planted.name,
                                                         cfacts.BINARY_NAME]
    assert _goalloc_files(tmp_path / "home") == [] and _goalloc_files(tmp_path / "xdg") == []
    assert not [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith("goalloc")]
