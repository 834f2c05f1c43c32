"""goalloc canary on copies of the real Go service: one with a regression (main.labelsFor
builds sixteen times as many labels), one the same as the baseline. Each verdict is asked five
times: a gate that is right only on average is wrong."""

from __future__ import annotations

import json

import pytest

from goalloc.cli import main
from watchhelpers import SERVICE_DIR, Service, build_service

FAST = ["--duration", "3", "--interval", "0.25", "--gc", "--no-progress"]


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    binary = build_service(tmp_path_factory.mktemp("watchsvc"))
    base = Service(binary, "-memprofilerate", "512")
    same = Service(binary, "-memprofilerate", "512")
    worse = Service(binary, "-memprofilerate", "512", "-regress")
    yield base, same, worse
    for svc in (base, same, worse):
        svc.stop()


def _run(tmp_path, *args):
    out = tmp_path / "canary.json"
    rc = main(["canary", *args, "--format", "json", "-o", str(out)])
    return rc, json.loads(out.read_text())


def _regressed_sites(doc) -> set:
    return {(r["site"]["function"], r["site"]["kind"]) for r in doc["rows"]
            if r["verdict"] == "regression" and r["site"]}


@pytest.mark.parametrize("attempt", range(5))
def test_a_regression_exits_1_and_names_the_site(copies, tmp_path, attempt):
    base, _same, worse = copies
    rc, doc = _run(tmp_path, f"base={base.url}", f"canary={worse.url}", *FAST)
    assert rc == 1 and doc["verdict"] == "regression", doc["reasons"]
    assert _regressed_sites(doc) == {("main.labelsFor", "slice-growth")}
    assert doc["windows"] == {"base": 12, "canary": 12}


@pytest.mark.parametrize("attempt", range(5))
def test_equal_copies_pass(copies, tmp_path, attempt):
    base, same, _worse = copies
    rc, doc = _run(tmp_path, base.url, same.url, *FAST)
    assert rc == 0 and doc["verdict"] == "pass", [
        (r["metric"], r["site"] and (r["site"]["function"], r["site"]["line"], r["site"]["kind"]),
         r["base"], r["canary"], r["p_adjusted"]) for r in doc["rows"] if r["verdict"] != "same"]
    assert any(r["site"] and r["site"]["function"] == "main.labelsFor" for r in doc["rows"])


def test_without_forced_gc_and_with_causes(copies, tmp_path):
    """Windows from the runtime's own GC cycles; -C ties the site to scan's cause and fix."""
    base, _same, worse = copies
    rc, doc = _run(tmp_path, base.url, worse.url, "--duration", "8", "--interval", "0.5",
                   "-C", str(SERVICE_DIR), "--no-progress")
    assert rc == 1 and _regressed_sites(doc) == {("main.labelsFor", "slice-growth")}
    [row] = [r for r in doc["rows"] if r["verdict"] == "regression"
             and r["metric"] == "objects_per_second" and r["site"]]
    assert row["site"]["file"] == "main.go" and row["site"]["cause"] == "returned"
    assert row["ratio"] > 1.2 and row["p_adjusted"] <= 0.05
    assert doc["command"] == "canary" and doc["go"]["version"]


def test_text_and_markdown(copies, tmp_path, capsys):
    base, _same, worse = copies
    assert main(["canary", base.url, worse.url, *FAST, "--format", "markdown"]) == 1
    md = capsys.readouterr().out
    assert md.startswith("### goalloc canary: REGRESSION")
    assert "| **regression** | `main.labelsFor" in md
    assert main(["canary", base.url, worse.url, *FAST]) == 1
    text = capsys.readouterr().out
    assert "regression: main.labelsFor" in text and "| labels = append(labels, \"label\")" in text


def test_inconclusive_and_its_exit_code(copies, tmp_path):
    base, _same, worse = copies
    # two windows cannot show a difference at alpha 0.05 over a dozen rows
    args = [base.url, worse.url, "--duration", "0.5", "--interval", "0.25", "--gc",
            "--no-progress", "--min-rate", "1e9"]
    rc, doc = _run(tmp_path, *args)
    assert (rc, doc["verdict"]) == (1, "inconclusive") and "needed" in doc["reasons"][-1]
    rc, doc = _run(tmp_path, *args, "--inconclusive=pass")
    assert (rc, doc["verdict"]) == (0, "inconclusive")


def test_a_service_that_never_answers_is_an_error(copies, capsys):
    base, _same, _worse = copies
    assert main(["canary", base.url, "http://127.0.0.1:1", "--duration", "1", "--interval",
                 "0.5", "--timeout", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("goalloc: error: 127.0.0.1:1 never answered")
    assert main(["canary", base.url, base.url, "--duration", "1", "--interval", "0.5"]) == 2
    assert "same service" in capsys.readouterr().err
    assert main(["canary", base.url, "ftp://x", "--duration", "1", "--interval", "0.5"]) == 2
    assert "only http and https" in capsys.readouterr().err
    assert main(["canary", base.url, base.url, "--duration", "1", "--interval", "1"]) == 2
    assert "fewer than two windows" in capsys.readouterr().err
