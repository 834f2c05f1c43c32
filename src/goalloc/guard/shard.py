"""Shards: a deterministic split of a module's packages for CI matrices.

A package belongs to shard ``I`` of ``N`` when the SHA-256 of its import path, read as a
number, is ``I - 1`` modulo ``N``: every runner computes the same split from the package list
alone, and a package keeps its shard when others come and go. Every heap site, finding,
contract and budget belongs to one package, so shard reports merge into the whole.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_SPEC = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    total: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """``I/N`` with 1 <= I <= N (ValueError otherwise)."""
        m = _SPEC.match(text.strip())
        if not m:
            raise ValueError(f"--shard {text!r}: expected I/N, such as 1/4")
        index, total = int(m.group(1)), int(m.group(2))
        if total < 1 or not 1 <= index <= total:
            raise ValueError(f"--shard {text!r}: I must be between 1 and N")
        return cls(index, total)

    def owns(self, import_path: str) -> bool:
        digest = hashlib.sha256(import_path.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.total == self.index - 1

    def select(self, packages: list[str]) -> list[str]:
        return [p for p in packages if self.owns(p)]

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"
