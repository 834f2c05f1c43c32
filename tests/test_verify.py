"""goalloc verify end to end on the example module: real benchmarks, real profile."""

from __future__ import annotations

import json

import pytest

from goalloc.cli import main


def test_verify_example_ties_measured_bytes_to_sites(capsys):
    code = main(["verify", "--example", "--benchtime", "50x", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["go"]["version"].startswith("go1.")
    names = {b["name"].split("-")[0] for b in doc["benchmarks"]}
    assert {"OrderIDs", "ByCustomer", "Describe", "DescribeFast", "Banner"} <= names
    assert all("B/op" in b["values"] and "allocs/op" in b["values"] for b in doc["benchmarks"])
    measured = doc["measured"]
    assert measured == sorted(measured, key=lambda m: -m["bytes"])
    ids = next(m for m in measured if m["function"].endswith(".OrderIDs"))
    assert ids["kind"] == "slice-growth" and ids["bytes"] > 0 and ids["objects"] > 0
    assert ids["escape"]["cause"] == "returned" and ids["escape"]["suggestion"]
    # A share is of every byte the package's benchmarks allocated (the profile's alloc_space,
    # here one package: the totals), and that includes the benchmark code's own bytes and the
    # testing package's: the user sites' shares add up to their bytes over the total, below 1.
    total = doc["totals"]["alloc_space"]
    for m in measured:
        assert m["share"] == pytest.approx(m["bytes"] / total, abs=1e-6)
    user = sum(m["bytes"] for m in measured)
    assert user + doc["test_code_bytes"] <= total
    assert sum(m["share"] for m in measured) == pytest.approx(user / total, abs=1e-6 * len(measured))
    # The boxed constants of Banner are heap verdicts that the run shows cost nothing.
    free = [s for s in doc["no_cost"] if s["function"] == "Banner"]
    assert {s["expr"] for s in free} == {'"shop"', "1", "true"}
    assert all(s["note"].startswith("allocates nothing") for s in free)
    assert doc["packages_without_benchmarks"] == ["example.com/shop/cmd/shopd"]


def test_verify_text(capsys):
    code = main(["verify", "--example", "--benchtime", "20x", "--bench", "OrderIDs|Banner"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "Where the memory went" in out
    assert "why: `append` is returned at shop/order.go" in out
    assert "cost nothing in these runs" in out


def test_verify_without_benchmarks(tmp_path, capsys):
    (tmp_path / "go.mod").write_text("module m\n\ngo 1.21\n")
    (tmp_path / "m.go").write_text("package m\n\nfunc F() []int { return make([]int, 3) }\n")
    code = main(["verify", "-C", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("goalloc: error:") and err.count("\n") == 1


def test_verify_bad_flags(capsys):
    assert main(["verify", "--count", "0", "--example"]) == 2
    assert "--count" in capsys.readouterr().err


def test_profile_source_links_escape_sites(tmp_path, capsys):
    """goalloc profile --source runs scan of the module and shows each site's cause and fix."""
    import os
    import subprocess

    from goalloc.commands.scan import example_dir
    from goalloc.collect.toolchain import find_toolchain

    tc = find_toolchain()
    mem = tmp_path / "mem.out"
    proc = subprocess.run([tc.go, "test", "-run=^$", "-bench=OrderIDs", "-benchtime=20x",
                           "-memprofilerate=1", f"-memprofile={mem}", "-o",
                           str(tmp_path / "shop.test"), "./shop"],
                          cwd=example_dir(), env=tc.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    code = main(["profile", str(mem), "--source", example_dir(), "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    site = next(s for s in json.loads(out)["sites"] if s["function"].endswith(".OrderIDs"))
    assert site["escape"]["expr"] == "append" and site["escape"]["cause"] == "returned"
    code = main(["profile", str(mem), "--source", example_dir(), "--no-scan", "--format", "json"])
    out, _ = capsys.readouterr()
    site = next(s for s in json.loads(out)["sites"] if s["function"].endswith(".OrderIDs"))
    assert site["escape"] is None
    assert not os.path.exists(os.path.join(example_dir(), "shop.test"))
