"""Writing user files: atomic for regular files, in place for devices."""

from __future__ import annotations

import os
import stat

import pytest

from goalloc.errors import InputError
from goalloc.fsutil import atomic_write


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
    with pytest.raises(InputError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "f.txt", "x")
    with pytest.raises(InputError, match="is a directory"):
        atomic_write(tmp_path, "x")
