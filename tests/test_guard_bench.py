"""goalloc bench run --budget / --update-budget with real benchmarks of the example."""

from __future__ import annotations

import re
import shutil

import pytest

from goalloc import example_dir
from goalloc.cli import main


@pytest.fixture
def module(tmp_path):
    root = tmp_path / "m"
    shutil.copytree(example_dir(), root)
    return root


def bench(capsys, module, *extra: str) -> tuple[int, str]:
    code = main(["bench", "run", "./shop", "-C", str(module), "--bench", "OrderIDs$",
                 "--count", "3", "--benchtime", "200x", "--no-memprofile", "--no-progress",
                 "--save", str(module / "out.txt"), *extra])
    _, err = capsys.readouterr()
    return code, err


def test_update_then_judge_budgets(module, capsys):
    budget = module / "budgets.toml"
    code, err = bench(capsys, module, "--budget", str(budget), "--update-budget",
                      "--headroom", "50")
    assert code == 0, err
    text = budget.read_text()
    assert '[budgets.benchmarks."example.com/shop/shop.BenchmarkOrderIDs"]' in text
    allocs = int(re.search(r"allocs_per_op = (\d+)", text).group(1))
    assert allocs >= 2  # OrderIDs grows its slice by appends: several allocations per op

    code, err = bench(capsys, module, "--budget", str(budget))
    assert code == 0, err
    assert "2 of 2 budget(s) held" in err

    budget.write_text(text.replace(f"allocs_per_op = {allocs}", "allocs_per_op = 1"))
    code, err = bench(capsys, module, "--budget", str(budget))
    assert code == 1
    line = next(ln for ln in err.splitlines() if ln.startswith("goalloc: budget exceeded: "))
    assert re.search(r"example\.com/shop/shop\.BenchmarkOrderIDs allocs/op: median \d+ "
                     r"\(n=3, too few runs for a 95% interval\) exceeds budget 1 "
                     r"\(\S+budgets\.toml:\d+\)", line), line


def test_policy_budgets_and_bad_budget_files(module, capsys):
    (module / "goalloc.toml").write_text(
        '[budgets.benchmarks.BenchmarkOrderIDs]\nallocs_per_op = 0\n')
    code, err = bench(capsys, module)
    assert code == 1 and "exceeds budget 0 (" in err and "goalloc.toml:1)" in err
    bad = module / "bad.toml"
    bad.write_text('[budgets.benchmarks.BenchmarkOrderIDs]\nallocs_per_op = -1\n')
    code, err = bench(capsys, module, "--budget", str(bad))
    assert code == 2 and err.strip().endswith("allocs_per_op must be a number >= 0, not -1")
    assert len(err.strip().splitlines()) == 1 and f"{bad}:2:" in err
    code, err = bench(capsys, module, "--update-budget")
    assert code == 2 and "--update-budget needs --budget FILE" in err
