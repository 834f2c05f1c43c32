"""What every report says about the Go it describes: version, GOOS and GOARCH."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GoInfo:
    """The Go toolchain (or, for ``grow``, the release modeled) a document is about."""

    version: str | None
    goos: str | None = None
    goarch: str | None = None

    @classmethod
    def of(cls, toolchain) -> "GoInfo":
        if toolchain is None:
            return cls(None)
        return cls(toolchain.version, toolchain.goos, toolchain.goarch)

    def to_json(self) -> dict:
        return {"version": self.version, "goos": self.goos, "goarch": self.goarch}
