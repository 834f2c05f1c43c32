"""Every output format of goalloc check, from one real check with something of each kind
(new site and finding, unchanged and absent sites, a broken and a stale contract, an exceeded
budget), checked against its schema or parsed by a reader of the consuming tool's format."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import junitparser
import pytest

from goalloc import example_dir
from goalloc.cli import main


FORMATS = ("text", "sarif", "github", "markdown", "junit", "codeclimate")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "1000")  # one line per item: the test reads lines
        return _reports(tmp_path_factory.mktemp("formats"))


def _reports(root: Path) -> dict:
    repo = root / "repo"
    shutil.copytree(example_dir(), repo)
    (repo / "goalloc.toml").write_text('[budgets.packages]\n"example.com/shop/cmd/..." = 1\n')
    assert main(["baseline", "-C", str(repo), "--no-progress", "--no-cache"]) == 0
    order = repo / "shop" / "order.go"
    edit(order, "\treturn ids\n}\n", "\treturn ids\n}\n\n// Squares lists the squares.\n"
                "func Squares(xs []int) []int {\n\tvar out []int\n\tfor _, x := range xs {\n"
                "\t\tout = append(out, x*x) // a | pipe for the markdown\n\t}\n\treturn out\n}\n")
    edit(order, "\to := Order{ID: id, Customer: customer}\n",
         "\to := Order{ID: id, Customer: customer} //goalloc:noescape\n")
    edit(order, "\tvar b strings.Builder\n", "\tvar b strings.Builder //goalloc:noescape\n")
    edit(repo / "shop" / "cache.go", "make([]int64, 1<<16)", "make([]int64, 1<<4)")  # gone
    paths = {fmt: str(root / f"check.{fmt}") for fmt in FORMATS}
    code = main(["check", "-C", str(repo), "--no-progress", "--no-cache", "--format", "json",
                 "-o", str(root / "check.json"),
                 *[f"--report={fmt}={path}" for fmt, path in paths.items()]])
    assert code == 1
    out = {fmt: Path(path).read_text() for fmt, path in paths.items()}
    out["json"] = json.loads((root / "check.json").read_text())
    return out


def test_the_check_has_something_of_each_kind(reports):
    s = reports["json"]["summary"]
    assert s["failing_sites"] >= 1 and s["failing_findings"] >= 1
    assert s["unchanged_sites"] > 30 and s["absent_sites"] == 1
    assert s["broken_contracts"] == 1 and s["stale_contracts"] == 1
    assert s["budgets_exceeded"] == 1 and s["passed"] is False


def test_sarif_is_valid_and_carries_fingerprints_and_baseline_state(reports, sarif_schema):
    log = json.loads(reports["sarif"])
    jsonschema.validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    doc = reports["json"]
    expected = {i["fingerprint"]: i for i in doc["sites"] + doc["findings"]}
    seen = {}
    for r in results:
        print_ = r["partialFingerprints"]["goallocGuard/v1"]
        seen[print_] = r.get("baselineState")
    for print_, item in expected.items():
        state = item["state"] if item["state"] != "untracked" else None
        assert seen[print_] == state
    absent = [r for r in results if r.get("baselineState") == "absent"]
    assert [r["partialFingerprints"]["goallocGuard/v1"] for r in absent] == \
        [e["fingerprint"] for e in doc["absent"]["sites"]]
    failing = {i["fingerprint"] for i in expected.values() if i["fails"]}
    assert {r["partialFingerprints"]["goallocGuard/v1"] for r in results
            if r["level"] == "error"} == failing


def test_github_annotations_name_new_sites_only(reports):
    doc = reports["json"]
    lines = reports["github"].splitlines()
    pattern = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+)(?:,col=\d+)?,title=[^:]+::")
    annotations = [pattern.match(line) for line in lines[:-1]]
    assert all(annotations), lines
    places = {(m.group(2), int(m.group(3))) for m in annotations if m.group(1) == "error"}
    for item in doc["sites"]:
        site = item["site"]
        if item["fails"]:
            assert (site["file"], site["line"]) in places
    unchanged = {(i["site"]["file"], i["site"]["line"]) for i in doc["sites"]
                 if i["state"] == "unchanged"} - {(i["site"]["file"], i["site"]["line"])
                                                  for i in doc["sites"] if i["fails"]}
    contract_lines = {(c["file"], c["line"]) for c in doc["contracts"]}
    assert not (places & unchanged - contract_lines)
    assert lines[-1].startswith("goalloc check: FAIL")


def test_markdown_summary(reports):
    md = reports["markdown"]
    assert md.startswith("### :x: goalloc check: FAIL")
    table = md.split("#### New heap sites", 1)[1].split("####", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| `")]
    assert len(rows) == reports["json"]["summary"]["failing_sites"]
    header_cells = table.splitlines()[2].count(" | ") + 1
    for row in rows:  # escaped pipes keep the columns
        assert len(re.split(r"(?<!\\)\|", row)) - 2 == header_cells
    assert "#### Contracts" in md and "violated" in md and "#### Budgets exceeded" in md


def test_junit_parses_and_follows_the_junit_schema(reports):
    xml = junitparser.JUnitXml.fromstring(reports["junit"])
    cases = [case for suite in xml for case in suite]
    failed = [c for c in cases if any(isinstance(r, junitparser.Failure) for r in c.result)]
    doc = reports["json"]["summary"]
    assert len(failed) == (doc["failing_sites"] + doc["failing_findings"]
                           + doc["broken_contracts"] + doc["budgets_exceeded"])
    assert xml.failures == len(failed) and xml.tests == len(cases)
    # The shape of the JUnit XSD (Jenkins junit-10.xsd, which GitLab reads).
    root = ET.fromstring(reports["junit"].split("\n", 1)[1])
    assert root.tag == "testsuites"
    for suite in root:
        assert suite.tag == "testsuite" and suite.get("name")
        for attr in ("tests", "failures", "errors", "skipped"):
            assert suite.get(attr).isdigit()
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        for case in suite:
            assert case.tag == "testcase" and case.get("name") and case.get("classname")
            float(case.get("time"))
            for outcome in case:
                assert outcome.tag in ("failure", "error", "skipped")
                if outcome.tag != "skipped":
                    assert outcome.get("message") and outcome.get("type")
    assert {s.get("name") for s in root} >= {"example.com/shop/shop", "contracts", "budgets"}


def test_codeclimate_has_gitlabs_fields(reports):
    issues = json.loads(reports["codeclimate"])
    assert isinstance(issues, list) and issues
    doc = reports["json"]["summary"]
    assert len(issues) == (doc["failing_sites"] + doc["failing_findings"]
                           + doc["broken_contracts"] + doc["budgets_exceeded"])
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        path = issue["location"]["path"]
        assert isinstance(path, str) and not os.path.isabs(path)
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert any(i["location"]["path"] == "goalloc.toml" for i in issues)


def test_text_prints_only_what_fails(reports):
    text = reports["text"]
    doc = reports["json"]
    printed = re.findall(r"^  (\S+\.go):(\d+):\d+: ", text, re.M)
    failing = [(i["site"]["file"], str(i["site"]["line"])) for i in doc["sites"] if i["fails"]]
    failing += [(i["finding"]["file"], str(i["finding"]["line"]))
                for i in doc["findings"] if i["fails"]]
    assert sorted(printed) == sorted(failing)
