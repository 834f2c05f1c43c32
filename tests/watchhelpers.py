"""The Go service the watch and canary tests observe (tests/testdata/watch/service), built once
per session and run on 127.0.0.1 with a port of its own choosing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SERVICE_DIR = Path(__file__).parent / "testdata" / "watch" / "service"


def build_service(out_dir: Path) -> Path:
    from goalloc.collect.toolchain import find_toolchain

    binary = out_dir / "watchsvc"
    proc = find_toolchain().run(["build", "-o", str(binary), "."], cwd=str(SERVICE_DIR),
                                timeout=300)
    assert proc.returncode == 0, proc.stderr
    return binary


class Service:
    """One running copy of the service."""

    def __init__(self, binary: Path, *args: str, addr: str = "127.0.0.1:0"):
        self.binary, self.args = binary, args
        self.proc = subprocess.Popen([str(binary), "-addr", addr, *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("listening on "), f"service did not start: {line!r}"
        self.addr = line.split()[-1]
        self.url = f"http://{self.addr}"

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return resp.read()

    def storm(self, on: bool) -> None:
        self.get(f"/storm?on={int(on)}")

    def counter(self, name: str = "storm_maps") -> tuple[float, int]:
        """(monotonic time, value) of one of the service's own expvar counters."""
        value = json.loads(self.get("/debug/vars"))[name]
        return time.monotonic(), value

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        self.proc.stdout.close()

    def restart(self) -> "Service":
        """A new process on the same address (a deploy, or a crash and a restart)."""
        self.stop()
        return Service(self.binary, *self.args, addr=self.addr)


def goalloc(*args: str, **kwargs) -> subprocess.Popen:
    """``python -m goalloc ARGS`` from this tree, as a separate process."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent / "src"))
    return subprocess.Popen([sys.executable, "-m", "goalloc", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kwargs)
