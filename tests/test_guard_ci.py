"""What ships for CI runs as written: the composite action's check step (run with bash, with a
goalloc on PATH), the pre-commit hook's entry, and every goalloc command of the guard
documentation parses with goalloc's own parser."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from goalloc import example_dir
from goalloc.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent


def parses(command: str) -> None:
    argv = shlex.split(command)
    assert argv[0] == "goalloc", command
    args = build_parser().parse_args(argv[1:])
    assert getattr(args, "func", None), command


def test_pre_commit_hook():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "goalloc-check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and re.search(hook["files"], "pkg/a.go")
    parses(hook["entry"])


def test_action_check_step_runs_goalloc_check(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = {s.get("name"): s for s in action["runs"]["steps"]}
    assert "${{ github.action_path }}" in steps["Install goalloc"]["env"].values()
    step = steps["goalloc check"]
    module = tmp_path / "m"
    shutil.copytree(example_dir(), module)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "goalloc"  # the goalloc of this tree
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m goalloc \"$@\"\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT / "src"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "NEW_FROM_REV": "", "ARGS": "./shop/...", "SARIF": str(tmp_path / "g.sarif")}
    subprocess.run(["goalloc", "baseline", "--no-progress"], cwd=module, env=env, check=True,
                   capture_output=True)
    text = (module / "shop" / "order.go").read_text()
    (module / "shop" / "order.go").write_text(text.replace(
        "\treturn ids\n", "\tids = append(ids, int64(len(fmt.Sprint(len(ids)))))\n\treturn ids\n",
        1))
    proc = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=module, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert re.search(r"^::error file=shop/order\.go,line=\d+", proc.stdout, re.M)
    assert (tmp_path / "summary.md").read_text().startswith("### :x: goalloc check: FAIL")
    assert '"baselineState": "new"' in (tmp_path / "g.sarif").read_text()


def test_documented_commands_parse():
    commands = []
    for doc in (ROOT / "docs" / "guard.md", ROOT / "README.md"):
        text = doc.read_text()
        if doc.name == "README.md":
            text = text.split("## A CI gate", 1)[1].split("\n## ", 1)[0]
        for block in re.findall(r"```(?:sh|yaml)\n(.*?)```", text, re.S):
            for line in block.splitlines():
                found = re.search(r"(?:run: |- |^)(goalloc (?:baseline|check|merge|bench run)"
                                  r"[^#|]*?)(?:\s+#.*|\s*\|\|.*)?$", line.strip())
                synopsis = found and (re.search(r"\s\[", found.group(1))
                                      or "..." in found.group(1).replace("./...", ""))
                if found and not synopsis:
                    commands.append(found.group(1).replace("${{ github.base_ref }}", "main")
                                    .replace("${{ matrix.shard }}", "1"))
    assert len(commands) >= 8
    for command in commands:
        parses(command.split(" && ")[0].split("; ")[0])
