"""The policy file ``goalloc.toml``: one table per command that reads it.

A command declares the keys of its table (a ``dict`` of :class:`Key`) and reads the table with
:func:`read_table`; every problem is one line that names ``file:line``. To give another
command a table, declare its keys next to :data:`WATCH_KEYS` and call :func:`read_table` with
them. Only ``[watch]`` exists so far::

    [watch]
    objects_per_second = 500      # a site making more objects per second alerts
    kinds = ["map-make", "map-growth"]
    growth_factor = 10            # ... or 10x its own baseline (0 switches a rule off)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from goalloc.errors import InputError

FILE_NAME = "goalloc.toml"


@dataclass(frozen=True)
class Key:
    kind: str  # "number" (int or float), "integer", "string", "strings" (a list of strings)
    doc: str
    minimum: float | None = None
    maximum: float | None = None


WATCH_KEYS: dict[str, Key] = {
    "interval": Key("number", "seconds between polls", minimum=0.05),
    "objects_per_second": Key("number", "alert when a site allocates more objects per second",
                              minimum=0),
    "bytes_per_second": Key("number", "alert when a site allocates more bytes per second",
                            minimum=0),
    "kinds": Key("strings", "the rate alerts apply only to sites of these kinds"),
    "growth_factor": Key("number", "alert when a site's rate is this many times its own "
                         "baseline (0: off)", minimum=0),
    "baseline_seconds": Key("number", "length of that trailing baseline", minimum=0.001),
    "min_objects_per_second": Key("number", "sites slower than this never alert for growth",
                                  minimum=0),
    "map_inuse_seconds": Key("number", "alert when a map site's in-use bytes only grew for "
                             "this long (0: off)", minimum=0),
    "map_inuse_min_bytes": Key("integer", "... by at least this many bytes", minimum=0),
    "gc_cpu_fraction": Key("number", "alert when the GC CPU fraction is above this (0: off)",
                           minimum=0, maximum=1),
    "incidents": Key("string", "folder for incident bundles (relative to this file)"),
    "on_alert": Key("string", "command run on each alert, the alert as JSON on stdin"),
    "metrics_top": Key("integer", "sites per service exported to Prometheus", minimum=1),
}


@dataclass
class Table:
    """The validated keys of one table, with the line each came from."""

    path: Path
    name: str
    values: dict
    lines: dict[str, int]

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def where(self, key: str) -> str:
        return f"{self.path}:{self.lines.get(key, 1)}"

    def error(self, key: str, message: str) -> InputError:
        """An error about one key's value, for checks only its reader can make."""
        return InputError(f"{self.where(key)}: [{self.name}] {key}: {message}")


def find_policy(directory: str | Path) -> Path | None:
    """``goalloc.toml`` in ``directory``, when there is one."""
    path = Path(directory) / FILE_NAME
    return path if path.is_file() else None


def _toml():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise InputError(f"reading {FILE_NAME} needs Python 3.11, or the tomli package "
                             "on Python 3.10") from None
    return tomllib


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def read_table(path: str | Path, name: str, keys: dict[str, Key]) -> Table:
    """The table ``[name]`` of the policy file at ``path`` (empty when the file has none)."""
    from goalloc.fsutil import read_text

    path = Path(path)
    text = read_text(path, "policy file")
    tomllib = _toml()
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _AT.search(msg)
        if m:
            raise InputError(f"{path}:{m.group(1)}: not valid TOML: {msg[:m.start()]} "
                             f"(column {m.group(2)})") from None
        line = text.count("\n") + 1 if _AT_END.search(msg) else 1
        raise InputError(f"{path}:{line}: not valid TOML: {_AT_END.sub('', msg)}") from None
    raw = doc.get(name, {})
    lines = _key_lines(text, name)
    if not isinstance(raw, dict):
        raise InputError(f"{path}:{_first_line(text, name)}: {name} must be a table "
                         f"([{name}])")
    table = Table(path, name, {}, lines)
    for key, value in raw.items():
        spec = keys.get(key)
        if spec is None:
            near = difflib.get_close_matches(key, list(keys), n=1)
            hint = f"; did you mean {near[0]}?" if near else \
                f"; the keys are {', '.join(sorted(keys))}"
            raise InputError(f"{table.where(key)}: [{name}] has no key {key}{hint}")
        table.values[key] = _check(table, key, spec, value)
    return table


def _check(table: Table, key: str, spec: Key, value):
    if spec.kind == "strings":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise table.error(key, "must be a list of strings, like [\"map-make\"]")
        return tuple(value)
    if spec.kind == "string":
        if not isinstance(value, str):
            raise table.error(key, "must be a string")
        return value
    integer = spec.kind == "integer"
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        raise table.error(key, f"must be {'an integer' if integer else 'a number'}")
    if spec.minimum is not None and value < spec.minimum:
        raise table.error(key, f"must be at least {spec.minimum:g}, not {value}")
    if spec.maximum is not None and value > spec.maximum:
        raise table.error(key, f"must be at most {spec.maximum:g}, not {value}")
    return value


_HEADER = re.compile(r"^\s*\[\s*([^\]\[]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+|\"[^\"]*\")\s*=")


def _key_lines(text: str, table: str) -> dict[str, int]:
    """Line numbers of the keys written directly in ``[table]`` (tomllib gives none)."""
    out: dict[str, int] = {}
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line)
        if m:
            current = m.group(1).strip()
            if current.startswith(table + "."):  # [watch.x] is key x of [watch]
                out.setdefault(current[len(table) + 1:].split(".")[0].strip(), number)
            continue
        m = _KEY.match(line)
        if m and current == table:
            out.setdefault(m.group(1).strip('"'), number)
    return out


def _first_line(text: str, name: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith((name, f"[{name}")):
            return number
    return 1
