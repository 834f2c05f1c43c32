"""Go type layout for the types users type on the command line."""

import pytest

from goalloc.errors import InputError
from goalloc.models import TypeLayout, layout_of


@pytest.mark.parametrize("expr,size,align,pointers", [
    ("bool", 1, 1, False), ("int32", 4, 4, False), ("int", 8, 8, False),
    ("complex64", 8, 4, False), ("string", 16, 8, True), ("[]byte", 24, 8, True),
    ("map[string]int", 8, 8, True), ("*int", 8, 8, True), ("any", 16, 8, True),
    ("interface{ String() string }", 16, 8, True), ("chan int", 8, 8, True),
    ("func(int) (string, error)", 8, 8, True), ("[16]byte", 16, 1, False),
    ("[0]*int", 0, 8, False), ("struct{}", 0, 1, False),
    ("struct{a int8; b int64; c int8}", 24, 8, False),
    ("struct{a int64; b struct{}}", 16, 8, False),  # trailing zero-size field is padded
    ("struct{a, b int32; s string}", 24, 8, True),
    ("[3]struct{x int32; y byte}", 24, 4, False),
])
def test_layouts(expr, size, align, pointers):
    for arch in ("amd64", "arm64"):
        assert layout_of(expr, arch) == TypeLayout(size, align, pointers)


@pytest.mark.parametrize("bad", ["", "foo", "[x]int", "map[int", "struct{a int", "int int"])
def test_unknown_types_are_usage_errors(bad):
    with pytest.raises(InputError):
        layout_of(bad)


def test_unknown_arch():
    with pytest.raises(InputError, match="amd64"):
        layout_of("int", "386")
