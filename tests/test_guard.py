"""goalloc baseline / check / merge end to end, with the real compiler, in a git repository
holding a copy of the example module."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from goalloc import example_dir
from goalloc.cli import main

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None and os.environ.get("CI") != "true",
                                reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # one line per item: the tests read lines


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(example_dir(), root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "example")
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    scans = argv[0] in ("baseline", "check", "scan")
    code = main([*argv, *(["--no-progress", "--no-cache"] if scans else [])])
    out, err = capsys.readouterr()
    return code, out, err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def check_json(capsys, repo: Path, *extra: str) -> tuple[int, dict]:
    code, out, err = run(capsys, "check", "-C", str(repo), "--format", "json", *extra)
    assert code in (0, 1), err
    return code, json.loads(out)


def heap_lines(capsys, repo: Path, file: str) -> dict[int, int]:
    """Heap sites per line of ``file``, as goalloc scan reports them."""
    code, out, _ = run(capsys, "scan", "-C", str(repo), "--format", "json", "--heap-only",
                       "--no-rules")
    doc = json.loads(out)
    counts: dict[int, int] = {}
    for s in doc["sites"]:
        if s["file"] == file:
            counts[s["line"]] = counts.get(s["line"], 0) + 1
    return counts


ORDER = "shop/order.go"
NEW_LINE = "\tlines = append(lines, fmt.Sprint(len(orders)))\n"


def add_allocating_line(repo: Path) -> int:
    edit(repo / ORDER, "\tlines := make([]string, 0, len(orders))\n\tfor _, o := range orders {\n"
                       "\t\tlines = append(lines, fmt.Sprintf(",
         "\tlines := make([]string, 0, len(orders))\n" + NEW_LINE
         + "\tfor _, o := range orders {\n\t\tlines = append(lines, fmt.Sprintf(")
    return line_of(repo / ORDER, NEW_LINE.strip())


def test_baseline_then_check_passes(repo, capsys):
    code, _, err = run(capsys, "baseline", "-C", str(repo))
    assert code == 0, err
    path = repo / ".goalloc" / "baseline.json"
    doc = json.loads(path.read_text())
    assert doc["command"] == "baseline" and doc["schema_version"] == 1
    assert doc["packages"] == ["example.com/shop/cmd/shopd", "example.com/shop/shop"]
    assert doc["summary"]["sites"] == len(doc["sites"]) > 30
    keys = [(e["package"], e["function"], e["file"], e["expr"], e["ordinal"])
            for e in doc["sites"]]
    assert keys == sorted(keys)
    assert all("line" not in e for e in doc["sites"] + doc["findings"])
    # One entry per line: a site that comes or goes is one line of the diff.
    assert sum(1 for line in path.read_text().splitlines() if line.lstrip().startswith('{"fingerprint": ')) \
        == len(doc["sites"]) + len(doc["findings"])
    twins = [e for e in doc["sites"] if e["function"] == "Order.Summary" and e["expr"] == "append"]
    assert sorted(e["ordinal"] for e in twins) == [1, 2, 3, 4]
    assert len({e["fingerprint"] for e in doc["sites"]}) == len(doc["sites"])

    code, out, err = run(capsys, "check", "-C", str(repo))
    assert code == 0, out + err
    assert out.startswith("goalloc check: ok")


def test_one_added_line_fails_with_exactly_that_site(repo, capsys):
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    line = add_allocating_line(repo)
    expected = heap_lines(capsys, repo, ORDER).get(line, 0)
    assert expected >= 1
    code, out, err = run(capsys, "check", "-C", str(repo))
    assert code == 1, err
    printed = re.findall(r"^  (\S+\.go):(\d+):\d+: ", out, re.M)
    assert printed == [(ORDER, str(line))] * expected
    assert "fix: " in out and "why: " in out and "interface-conversion" in out

    code, doc = check_json(capsys, repo)
    failing = [i for i in doc["sites"] + doc["findings"] if i["fails"]]
    assert all(i["site"]["file"] == ORDER and i["site"]["line"] == line for i in failing)
    assert doc["summary"]["unchanged_sites"] == len(doc["sites"]) - expected
    assert doc["summary"]["absent_sites"] == 0 and doc["summary"]["passed"] is False


def test_edits_elsewhere_change_nothing(repo, capsys):
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    order = repo / ORDER
    edit(order, "import (", "\n\n\n// blank lines and a comment above everything\n\nimport (")
    text = order.read_text()
    start = text.index("// Describe formats every order")
    end = text.index("// DescribeFast formats")
    moved, text = text[start:end], text[:start] + text[end:]
    order.write_text(text)
    cache = repo / "shop" / "cache.go"
    edit(cache, 'import "sync"', 'import (\n\t"fmt"\n\t"sync"\n)')
    cache.write_text(cache.read_text() + "\n" + moved)
    git(repo, "mv", "shop/cache.go", "shop/store.go")  # the neighbour file gets a new name
    code, doc = check_json(capsys, repo)
    assert code == 0
    assert doc["summary"]["new_sites"] == doc["summary"]["new_findings"] == 0
    assert doc["summary"]["absent_sites"] == doc["summary"]["absent_findings"] == 0
    moved_sites = [i for i in doc["sites"] if i["site"]["function"] == "Describe"]
    assert moved_sites and {i["site"]["file"] for i in moved_sites} == {"shop/store.go"}


def test_new_from_rev_gives_the_same_answers(repo, capsys):
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    code, out, err = run(capsys, "check", "-C", str(repo), "--new-from-rev", "HEAD")
    assert code == 0, err
    assert "git revision HEAD" in out
    add_allocating_line(repo)
    _, from_file = check_json(capsys, repo)
    code, from_rev = check_json(capsys, repo, "--new-from-rev", "HEAD")
    assert code == 1
    for key in ("sites", "findings"):
        assert [(i["fingerprint"], i["state"], i["fails"]) for i in from_rev[key]] == \
            [(i["fingerprint"], i["state"], i["fails"]) for i in from_file[key]]
    assert from_rev["summary"] == from_file["summary"]
    # The temporary worktree is gone.
    assert git(repo, "worktree", "list").count("\n") == 1


def test_contracts(repo, capsys):
    order = repo / ORDER
    edit(order, "\to := Order{ID: id, Customer: customer}\n",
         "\to := Order{ID: id, Customer: customer} //goalloc:noescape\n")
    edit(order, "// DescribeFast formats without boxing, into one reused buffer.\n",
         "// DescribeFast formats without boxing, into one reused buffer.\n//\n"
         "//goalloc:noalloc\n")
    edit(order, "\tvar b strings.Builder\n", "\tvar b strings.Builder\n\t//goalloc:noescape\n"
                                              "\tn := len(o.Items)\n\t_ = n\n")
    edit(order, "\t\tcounts[string(n)]++\n",
         "\t\tcounts[string(n)]++ //goalloc:ignore stored-in-heap the map owns its keys\n")
    edit(order, "func Banner(w io.Writer) {\n", "func Banner(w io.Writer) {\n"
                                                "\t//goalloc:ignore interface-conversion\n")
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    code, out, err = run(capsys, "check", "-C", str(repo))
    assert code == 1, err
    noescape = line_of(order, "customer} //goalloc:noescape")
    noalloc = line_of(order, "//goalloc:noalloc")
    missing_reason = line_of(order, "//goalloc:ignore interface-conversion")
    stale = line_of(order, "\t//goalloc:noescape")
    assert f"{ORDER}:{noescape}: //goalloc:noescape violated: {ORDER}:{noescape}:2: o " in out
    assert "is returned at" in out  # the compiler's reason, as scan explains it
    assert f"{ORDER}:{noalloc}: //goalloc:noalloc (DescribeFast) violated:" in out
    assert f"{ORDER}:{missing_reason}: //goalloc:ignore interface-conversion malformed: " \
           "needs a reason" in out
    assert f"{ORDER}:{stale}: //goalloc:noescape stale: no allocation on line {stale + 1}" in out
    _, doc = check_json(capsys, repo)
    by_line = {c["line"]: c for c in doc["contracts"]}
    assert by_line[noescape]["status"] == "violated" and by_line[noalloc]["status"] == "violated"
    assert by_line[stale]["status"] == "stale"
    ignore = by_line[line_of(order, "stored-in-heap the map")]
    assert ignore["status"] == "ok" and ignore["sites"]
    allowed = [i for i in doc["sites"] if i["allowed"]]
    assert [i["site"]["expr"] for i in allowed] == ["string(n)"]
    assert doc["summary"]["broken_contracts"] == 3

    # scan checks the same contracts: exit 1, with the lines on stderr.
    code, _, err = run(capsys, "scan", "-C", str(repo), "--no-rules")
    assert code == 1
    assert f"goalloc: error: {ORDER}:{noalloc}: //goalloc:noalloc" in err
    assert f"goalloc: warning: {ORDER}:{stale}: //goalloc:noescape stale" in err


def test_ignore_comment_silences_new_sites_of_its_causes_only(repo, capsys):
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    order = repo / ORDER
    edit(order, "\tlines := make([]string, 0, len(orders))\n",
         "\tlines := make([]string, 0, len(orders))\n\tlines = append(lines, "
         "fmt.Sprint(len(orders))) //goalloc:ignore interface-conversion one header line\n")
    line = line_of(order, "one header line")
    code, doc = check_json(capsys, repo)
    assert code == 1  # the line's append (returned) is not covered
    assert [(i["site"]["line"], i["site"]["cause"]) for i in doc["sites"] if i["fails"]] == \
        [(line, "returned")]
    assert [(i["site"]["cause"], i["allowed"]) for i in doc["sites"] if i["allowed"]] == \
        [("interface-conversion", {"by": f"{ORDER}:{line}", "reason": "one header line"})]
    edit(order, "//goalloc:ignore interface-conversion", "//goalloc:ignore interface-conversion,returned")
    code, doc = check_json(capsys, repo)
    assert code == 0 and doc["summary"]["allowed"] == 2


def test_allow_list_silences_exactly_its_entries(repo, capsys):
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    order = repo / ORDER
    line = add_allocating_line(repo)
    edit(order, "\tcounts := make(map[string]int, len(notes))\n",
         "\tcounts := make(map[string]int, len(notes))\n\tcounts[fmt.Sprint(len(notes))] = 0\n")
    second = line_of(order, "counts[fmt.Sprint(len(notes))]")
    _, doc = check_json(capsys, repo)
    failing = {(i["site"]["line"], i["fingerprint"]) for i in doc["sites"] if i["fails"]}
    assert {ln for ln, _ in failing} == {line, second}
    chosen = sorted(fp for ln, fp in failing if ln == line)
    policy = "".join(f'[[allow]]\nfingerprint = "{fp}"\nreason = "the header is built once"\n'
                     f"expires = 2999-01-01\n\n" for fp in chosen)
    (repo / "goalloc.toml").write_text(policy)
    code, doc = check_json(capsys, repo)
    assert code == 1
    assert {i["site"]["line"] for i in doc["sites"] if i["fails"]} == {second}
    assert sorted(i["fingerprint"] for i in doc["sites"] if i["allowed"]) == chosen
    assert all(i["allowed"]["reason"] == "the header is built once"
               for i in doc["sites"] if i["allowed"])
    # By what the site is: the function and cause of the second line.
    (repo / "goalloc.toml").write_text(policy + '[[allow]]\npackage = "example.com/shop/..."\n'
                                       'function = "Tags"\ncause = "interface-conversion"\n'
                                       'reason = "counted once"\n')
    code, out, err = run(capsys, "check", "-C", str(repo))
    assert code == 0, out + err
    # An entry that matches nothing is pointed out.
    (repo / "goalloc.toml").write_text(policy + '[[allow]]\nfunction = "NoSuchFunction"\n'
                                       'reason = "left over"\n')
    code, out, err = run(capsys, "check", "-C", str(repo))
    assert code == 1
    assert "goalloc.toml:" in err and "matches nothing" in err


def test_policy_fail_selection_and_budgets(repo, capsys):
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    add_allocating_line(repo)
    (repo / "goalloc.toml").write_text('[fail]\nkinds = ["map"]\nrules = []\n')
    code, doc = check_json(capsys, repo)
    assert code == 0 and doc["summary"]["new_sites"] >= 1  # new, but [fail] does not select it
    (repo / "goalloc.toml").write_text(
        '[fail]\nkinds = []\n\n[budgets.packages]\n"example.com/shop/shop" = 10\n\n'
        '[budgets.functions]\n"example.com/shop/shop.Describe" = 99\n')
    code, out, err = run(capsys, "check", "-C", str(repo))
    assert code == 1
    assert re.search(r"example\.com/shop/shop: \d+ heap sites, budget 10 \(package budget at "
                     r"\S*goalloc\.toml:5\)", out), out
    _, doc = check_json(capsys, repo)
    functions = [b for b in doc["budgets"] if b["scope"] == "function"]
    assert functions == [{**functions[0], "name": "example.com/shop/shop.Describe",
                          "limit": 99, "exceeded": False}]


def test_shards_merged_equal_the_whole(repo, capsys, tmp_path):
    tally = repo / "tally"
    tally.mkdir()
    (tally / "tally.go").write_text(
        "package tally\n\n// Count returns counts per word.\nfunc Count(words []string) "
        "map[string]int {\n\tm := map[string]int{}\n\tfor _, w := range words {\n"
        "\t\tm[w]++\n\t}\n\treturn m\n}\n")
    paths = {}
    for i in (1, 2):
        paths[i] = str(tmp_path / f"baseline{i}.json")
        assert run(capsys, "baseline", "-C", str(repo), "--shard", f"{i}/2", "-o",
                   paths[i])[0] == 0
    shard_packages = [json.loads(Path(paths[i]).read_text())["packages"] for i in (1, 2)]
    assert shard_packages[0] and shard_packages[1]  # the split is real
    merged = str(tmp_path / "merged.json")
    assert run(capsys, "merge", paths[1], paths[2], "-o", merged)[0] == 0
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    whole = json.loads((repo / ".goalloc" / "baseline.json").read_text())
    joined = json.loads(Path(merged).read_text())
    for key in ("packages", "sites", "findings", "rules", "summary"):
        assert joined[key] == whole[key], key

    add_allocating_line(repo)
    edit(tally / "tally.go", "\tm := map[string]int{}\n",
         "\tm := map[string]int{}\n\tkeys := make([]string, 0, len(words))\n"
         "\tkeys = append(keys, words...)\n\t_ = fmtKeys(keys)\n")
    (tally / "fmt.go").write_text("package tally\n\nvar last []string\n\n"
                                  "func fmtKeys(k []string) int { last = k; return len(k) }\n")
    reports = []
    for i in (1, 2):
        out_path = str(tmp_path / f"check{i}.json")
        code, _, err = run(capsys, "check", "-C", str(repo), "--shard", f"{i}/2", "--format",
                           "json", "-o", out_path)
        assert code == 1, err
        reports.append(out_path)
    code, out, _ = run(capsys, "merge", *reports, "--format", "json")
    assert code == 1
    merged_check = json.loads(out)
    _, full = check_json(capsys, repo)

    def items(doc, key):
        return [(i["fingerprint"], i["state"], i["fails"], json.dumps(i["allowed"]),
                 json.dumps(i.get("site") or i.get("finding"), sort_keys=True))
                for i in doc[key]]

    for key in ("sites", "findings"):
        assert items(merged_check, key) == items(full, key), key
    for key in ("absent", "contracts", "budgets", "summary", "packages", "errors"):
        assert merged_check[key] == full[key], key
    assert any(i["fails"] and i["site"]["package"] == "example.com/shop/tally"
               for i in merged_check["sites"])
    # The merged report renders like a fresh one.
    code, text, _ = run(capsys, "merge", *reports)
    assert code == 1
    code, md, _ = run(capsys, "merge", *reports, "--format", "markdown")
    assert "#### New heap sites" in md


def test_bad_inputs_are_one_line_and_exit_2(repo, capsys, tmp_path):
    def fails(*argv: str) -> str:
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("goalloc: error: "), err
        assert "Traceback" not in err
        return lines[0]

    where = ["-C", str(repo)]
    assert "baseline not found:" in fails("check", *where)
    bad = repo / "bad.json"
    bad.write_text('{"sites": [')
    assert "is not valid JSON (line 1" in fails("check", *where, "--baseline", str(bad))
    bad.write_text('{"command": "scan", "schema_version": 1}')
    assert "is not a goalloc baseline" in fails("check", *where, "--baseline", str(bad))
    assert "revision 'no-such-rev' does not exist" in fails("check", *where,
                                                            "--new-from-rev", "no-such-rev")
    plain = tmp_path / "plain"
    shutil.copytree(example_dir(), plain)
    assert "is not in a git repository" in fails("check", "-C", str(plain),
                                                 "--new-from-rev", "HEAD")

    policy = repo / "goalloc.toml"
    cases = {
        '[fail]\nkind = ["slice"]\n': ("goalloc.toml:2:", "unknown key 'kind'"),
        '[scope]\npackages = ["example.com/[shop"]\n': ("goalloc.toml:2:", "unclosed ["),
        '[nosuch]\nx = 1\n': ("goalloc.toml:1:", "unknown table or key 'nosuch'"),
        '[[allow]]\nfunction = "Describe"\nreason = "r"\nexpires = 2001-01-01\n':
            ("goalloc.toml:4:", "expired on 2001-01-01"),
        '\n[[allow]]\nfunction = "Describe"\n': ("goalloc.toml:2:", "needs a reason"),
        '[fail]\ncauses = ["returned", "nosuch"]\n': ("goalloc.toml:2:", "unknown causes"),
        '[fail\n': ("goalloc.toml:1:", "not valid TOML"),
        '[budgets.packages]\n"example.com/shop/shop" = -1\n': ("goalloc.toml:2:", ">= 0"),
    }
    for text, (location, message) in cases.items():
        policy.write_text(text)
        line = fails("check", *where)
        assert location in line and message in line, (text, line)
    policy.unlink()

    # A baseline is never half-written: compile errors leave the old one as it was.
    assert run(capsys, "baseline", *where)[0] == 0
    path = repo / ".goalloc" / "baseline.json"
    before = path.read_bytes()
    edit(repo / ORDER, "func OrderIDs(", "func OrderIDs(broken ")
    code, _, err = run(capsys, "baseline", *where)
    assert code == 3 and "no baseline written" in err
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["baseline.json"]
    assert "does not exist" in fails("baseline", *where, "-o", str(tmp_path / "no" / "b.json"))


def test_unresolved_conflicts_stop_new_from_rev(repo, capsys):
    order = repo / ORDER
    git(repo, "checkout", "-qb", "other")
    edit(order, "// Package shop is", "// Package shop (other) is")
    git(repo, "commit", "-qam", "other")
    git(repo, "checkout", "-q", "-")
    edit(order, "// Package shop is", "// Package shop (main) is")
    git(repo, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=repo, capture_output=True)
    code, _, err = run(capsys, "check", "-C", str(repo), "--new-from-rev", "HEAD")
    assert code == 2 and "unresolved conflicts (shop/order.go)" in err


def test_compile_errors_exit_3_and_do_not_count_as_gone(repo, capsys, tmp_path):
    (repo / "tally").mkdir()
    (repo / "tally" / "tally.go").write_text(
        "package tally\n\nfunc Keys(n int) []int { return make([]int, n) }\n")
    assert run(capsys, "baseline", "-C", str(repo))[0] == 0
    edit(repo / ORDER, "func OrderIDs(", "func OrderIDs(broken ")
    out_path = tmp_path / "check.json"
    code, _, err = run(capsys, "check", "-C", str(repo), "--format", "json", "-o", str(out_path))
    assert code == 3 and "package(s) do not compile" in err
    doc = json.loads(out_path.read_text())
    assert doc["failed_packages"] == ["example.com/shop/shop"]
    assert doc["errors"] and doc["errors"][0]["file"] == ORDER
    assert doc["summary"]["absent_sites"] == 0  # not gone: not compiled
    assert [i["site"]["package"] for i in doc["sites"]] == ["example.com/shop/tally"]
    assert doc["summary"]["unchanged_sites"] == 1  # what compiled is still checked
    code, out, err = run(capsys, "merge", str(out_path), "--format", "text")
    assert code == 3 and f"{ORDER}:" in out


def test_new_from_rev_cleans_up_when_the_module_is_not_at_the_revision(repo, capsys):
    import tempfile

    sub = repo / "newmod"
    sub.mkdir()
    (sub / "go.mod").write_text("module example.com/newmod\n\ngo 1.21\n")
    (sub / "a.go").write_text("package newmod\n\nfunc F(n int) []int { return make([]int, n) }\n")
    before = {p.name for p in Path(tempfile.gettempdir()).glob("goalloc-rev-*")}
    code, _, err = run(capsys, "check", "-C", str(sub), "--new-from-rev", "HEAD")
    assert code == 2 and "newmod does not exist at HEAD" in err
    assert {p.name for p in Path(tempfile.gettempdir()).glob("goalloc-rev-*")} == before
    assert git(repo, "worktree", "list").count("\n") == 1
