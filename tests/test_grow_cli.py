"""`goalloc grow` as a user and a script see it: text, JSON, query files, plots, errors."""

import json
import subprocess
import sys

import pytest

from goalloc.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_slice_text_shows_steps_totals_and_exact_advice(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")  # the advice sentence is checked whole, unwrapped
    code, out, _ = run(capsys, "grow", "slice", "--elem", "int64", "--n", "1000", "--go", "1.27")
    assert code == 0
    assert "Go 1.27: 1,000 elements of int64 (8 B, no pointers)" in out
    assert "allocations      12" in out
    assert "bytes allocated  25,216 B (24.6 KiB)" in out
    assert "bytes copied     14,968 B (14.6 KiB)" in out
    assert "make([]int64, 0, 1000): 1 allocation instead of 12, 8.0 KiB allocated instead of " \
           "25 KiB, 0 B copied instead of 15 KiB" in out
    steps = [row.split() for row in out.splitlines() if row.strip().split(" ")[0].isdigit()]
    old_caps = [int(r[3].replace(",", "")) for r in steps]
    new_caps = [int(r[4].replace(",", "")) for r in steps]
    allocated = [int(r[6].replace(",", "")) for r in steps]
    copied = [int(r[-1].replace(",", "")) for r in steps]
    # doubling up to 512, then the size classes of 6,784 and 10,240 bytes give 848 and 1,280
    assert new_caps == [1 << i for i in range(10)] + [848, 1280]
    assert old_caps == [0] + new_caps[:-1]
    # the first 8 bytes take a fresh 16-byte tiny block; each later array is exactly its cap
    assert allocated == [16] + [8 * c for c in new_caps[1:]]
    assert copied == [8 * c for c in old_caps]
    assert sum(allocated) == 25216 and sum(copied) == 14968


def test_slice_json_is_versioned(capsys):
    code, out, _ = run(capsys, "grow", "slice", "--elem-size", "12", "--n", "1000", "--go",
                       "go1.27.3", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["schema_version"] == 2 and doc["command"] == "grow"
    assert doc["go"]["version"] == "go1.27" and doc["release"] == "1.27"
    assert doc["final_cap"] == 1365 and doc["caps"][0] == 0
    assert doc["preallocated"]["allocations"] == 1


def test_map_text_and_hint_advice(capsys):
    code, out, _ = run(capsys, "grow", "map", "--key", "string", "--value", "int", "--n", "5000",
                       "--go", "1.27")
    assert code == 0
    assert "Swiss tables, 200 B per group of 8 slots" in out
    assert "make(map[string]int, 5000): 18 allocations instead of 48" in out
    code, out, _ = run(capsys, "grow", "map", "--key", "int", "--value", "int", "--n", "100",
                       "--go", "1.23", "--delete-all")
    assert code == 0 and "hmap with buckets of 8" in out and "never shrink" in out


def test_queries_answer_in_order(tmp_path, capsys):
    qf = tmp_path / "q.json"
    qf.write_text(json.dumps([
        {"kind": "slice", "go": "1.27", "elem_size": 12, "pointers": False, "n": 1000,
         "start_cap": 0},
        {"kind": "map", "go": "1.27", "key": "string", "value": "int", "n": 5000,
         "hint": None, "delete_all": False},
        {"kind": "slice", "go": "1.21", "elem_size": 8, "pointers": True, "n": 577},
    ]))
    code, out, _ = run(capsys, "grow", "--queries", str(qf), "--format", "json")
    res = json.loads(out)
    assert all(r["schema_version"] == 2 and r["command"] == "grow" for r in res)
    assert code == 0 and [r["kind"] for r in res] == ["slice", "map", "slice"]
    assert res[0]["final_cap"] == 1365 and res[0]["caps"][-1] == 1365
    assert res[1]["allocations"] == 48 and res[1]["live_bytes"] == 218480
    assert [r["release"] for r in res] == ["1.27", "1.27", "1.21"]


@pytest.mark.parametrize("argv,message", [
    (["grow", "slice", "--elem", "foo", "--n", "3", "--go", "1.27"], "unknown Go type"),
    (["grow", "slice", "--elem-size", "8", "--n", "-3", "--go", "1.27"], ">= 0"),
    (["grow", "slice", "--elem-size", "8", "--n", str(10**15), "--go", "1.27"], "absurd"),
    (["grow", "slice", "--elem-size", "8", "--n", "3", "--go", "1.19"], "1.21 through 1.27"),
    (["grow", "map", "--key", "int", "--value", "nope", "--n", "3", "--go", "1.27"], "nope"),
    (["grow", "slice", "--elem-size", "8", "--n", "3", "--go", "1.27", "--plot", "x.gif"],
     ".svg or .png"),
    (["grow"], "say what to model"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and message in err
    assert err.count("\n") == 1 and err.startswith("goalloc: error:")


@pytest.mark.parametrize("content,message", [
    ("{not json", "not JSON"),
    ('{"kind": "slice"}', "JSON list"),
    ('[{"kind": "vector", "n": 1}]', "query 0: 'kind'"),
    ('[{"kind": "slice", "go": "1.27", "elem_size": 8, "n": "ten"}]', "'n' must be int"),
    ('[{"kind": "slice", "go": "1.27", "elem_size": 8, "n": 1, "colour": 3}]', "unknown field"),
    ('[{"kind": "map", "go": "1.30", "key": "int", "value": "int", "n": 1}]', "query 0: Go 1.30"),
])
def test_malformed_query_files(tmp_path, capsys, content, message):
    qf = tmp_path / "q.json"
    qf.write_text(content)
    code, _, err = run(capsys, "grow", "--queries", str(qf), "--format", "json")
    assert code == 2 and message in err and err.count("\n") == 1


def test_missing_query_file(capsys, tmp_path):
    code, _, err = run(capsys, "grow", "--queries", str(tmp_path / "none.json"))
    assert code == 2 and "not found" in err


def test_no_traceback_from_the_real_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "goalloc", "grow", "map", "--key", "int",
                           "--value", "int", "--n", "-1", "--go", "1.27"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0


def test_plots_png_and_svg(tmp_path, capsys):
    png, svg = tmp_path / "s.png", tmp_path / "m.svg"
    assert run(capsys, "grow", "slice", "--elem-size", "24", "--n", "3000", "--go", "1.27",
               "--plot", str(png))[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run(capsys, "grow", "map", "--key", "int", "--value", "int", "--n", "2000",
               "--go", "1.27", "--plot", str(svg))[0] == 0
    text = svg.read_text()
    assert "<svg" in text and "make(map[int]int, N)" in text
