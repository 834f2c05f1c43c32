"""Progress on stderr for work that can take more than a second.

Shown only on a terminal (and never with --no-progress): one line, rewritten in place, that
names the phase and its elapsed time, erased when the phase ends so the report stays clean."""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager


class Progress:
    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self._lock = threading.Lock()
        self._shown = 0

    @contextmanager
    def phase(self, text: str):
        """Show ``goalloc: TEXT (N.Ns)`` while the block runs, ticking every half second."""
        if not self.enabled:
            yield
            return
        start = time.monotonic()
        done = threading.Event()

        def tick() -> None:
            while not done.wait(0.5):
                self._show(f"goalloc: {text} ({time.monotonic() - start:.0f}s)")

        self._show(f"goalloc: {text}")
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()
            self.clear()

    def _show(self, line: str) -> None:
        with self._lock:
            line = line[:99]
            try:
                self.stream.write("\r" + line.ljust(self._shown) + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                self.enabled = False
            self._shown = len(line)

    def clear(self) -> None:
        if not self.enabled or not self._shown:
            return
        with self._lock:
            try:
                self.stream.write("\r" + " " * self._shown + "\r")
                self.stream.flush()
            except (OSError, ValueError):
                self.enabled = False
            self._shown = 0


NO_PROGRESS = Progress(enabled=False)
