"""Writing user files: atomic for regular files, through symlinks to their targets, in place
for devices, pipes and our own descriptors; modes as a plain open() would leave them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from goalloc.errors import GoallocError, OutputError
from goalloc.fsutil import FALLBACK_ERRORS, atomic_open, atomic_write, resolve_destination

SRC = str(Path(__file__).resolve().parents[1] / "src")


def test_replaces_regular_file_without_leftovers(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_device_is_written_not_replaced():
    before = os.stat(os.devnull)
    atomic_write(os.devnull, "x" * 100)
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_missing_directory_and_directory_target(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "f.txt", "x")
    with pytest.raises(OutputError, match="is a directory"):
        atomic_write(tmp_path, "x")


def test_symlink_to_a_file_writes_the_target_and_keeps_the_link(tmp_path):
    report = tmp_path / "report-1.json"
    report.write_text("old")
    latest = tmp_path / "latest.json"
    latest.symlink_to(report.name)  # relative, as `ln -s report-1.json latest.json` makes it
    atomic_write(latest, "new")
    assert latest.is_symlink() and os.readlink(latest) == report.name
    assert report.read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["latest.json", "report-1.json"]


def test_chain_of_links_through_a_linked_directory(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f.txt").write_text("old")
    (tmp_path / "dirlink").symlink_to(tmp_path / "real")
    (tmp_path / "hop").symlink_to("dirlink/f.txt")
    (tmp_path / "start").symlink_to("hop")
    atomic_write(tmp_path / "start", "new")
    assert (tmp_path / "real" / "f.txt").read_text() == "new"
    assert all((tmp_path / n).is_symlink() for n in ("dirlink", "hop", "start"))


def test_dangling_link_creates_its_target(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "made.json")
    atomic_write(link, "{}")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "{}"


def test_link_loop_is_one_error(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OutputError, match="symbolic links"):
        atomic_write(tmp_path / "a", "x")


def test_links_to_our_own_descriptors_are_recognised(tmp_path):
    out = tmp_path / "out"
    out.symlink_to("/dev/stdout")
    assert resolve_destination(out).descriptor == 1
    fd = tmp_path / "fd"
    fd.symlink_to("/dev/fd/2")
    assert resolve_destination(fd).descriptor == 2
    proc = tmp_path / "proc"
    proc.symlink_to(f"/proc/{os.getpid()}/fd/1")
    assert resolve_destination(proc).descriptor == 1


def test_output_through_a_link_to_stdout_reaches_the_redirected_file(tmp_path):
    """`-o LINK` with LINK -> /dev/stdout and stdout appended to a file: the report is
    appended (not truncating what was there), and the link stays a link."""
    link = tmp_path / "out.json"
    link.symlink_to("/dev/stdout")
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with open(log, "a") as fh:
        proc = subprocess.run(
            [sys.executable, "-m", "goalloc", "grow", "slice", "--elem", "int64", "--n", "100",
             "--go", "1.27", "--format", "json", "-o", str(link)],
            stdout=fh, stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=SRC))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"
    text = log.read_text()
    assert text.startswith("earlier line\n")
    json.loads(text.split("\n", 1)[1])


def test_new_file_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o640


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_existing_file_keeps_its_mode(tmp_path, mode):
    target = tmp_path / "f.txt"
    target.write_text("old")
    os.chmod(target, mode)
    atomic_write(target, "new")
    assert stat.S_IMODE(os.stat(target).st_mode) == mode and target.read_text() == "new"


def test_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(Path(fifo).read_text()))
    reader.start()
    atomic_write(fifo, "through the pipe")
    reader.join(timeout=10)
    assert got == ["through the pipe"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_full_device_is_one_error():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with pytest.raises(OutputError, match="No space left on device"):
        atomic_write("/dev/full", "x" * 100_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_failure_inside_the_block_keeps_the_old_file(tmp_path):
    target = tmp_path / "keep.json"
    target.write_text("precious")
    with pytest.raises(RuntimeError):
        with atomic_open(target) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert target.read_text() == "precious"
    assert os.listdir(tmp_path) == ["keep.json"]


def test_write_error_keeps_the_old_file(tmp_path):
    """EFBIG from a file size limit is a real failed write of a regular file."""
    target = tmp_path / "keep.txt"
    target.write_text("precious")
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
            "from goalloc.fsutil import atomic_write\n"
            "from goalloc.errors import OutputError\n"
            "try:\n"
            f"    atomic_write({str(target)!r}, 'x' * 100000)\n"
            "except OutputError as exc:\n"
            "    print(exc)\n"
            "    sys.exit(2)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=SRC))
    assert proc.returncode == 2, proc.stderr
    assert "File too large" in proc.stdout
    assert target.read_text() == "precious" and os.listdir(tmp_path) == ["keep.txt"]


def test_unwritable_directory_is_one_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(GoallocError, match="cannot write"):
        atomic_write(blocker / "sub" / "out.txt", "x")


def test_fallback_characters():
    text = "█ ← … 10⁹ é 😀"
    assert text.encode("ascii", FALLBACK_ERRORS).decode() == \
        "# <- ... 10^9 \\u00e9 \\ud83d\\ude00"
    assert text.encode("latin-1", FALLBACK_ERRORS).decode("latin-1") == \
        "# <- ... 10^9 é \\ud83d\\ude00"
    # Escapes inside a JSON string decode to the original text.
    doc = json.dumps({"k": "a ¿ é 😀"}, ensure_ascii=False)
    assert json.loads(doc.encode("ascii", FALLBACK_ERRORS).decode()) == {"k": "a ¿ é 😀"}
