"""The policy file, ``goalloc.toml`` next to ``go.mod``: the written contract a team reviews
(docs/guard.md has every key).

    [scope]                 which packages the gate looks at
    [baseline]              where the baseline lives
    [fail]                  what new items fail the gate
    [budgets.packages]      at most N heap sites per package (glob -> N)
    [budgets.functions]     at most N heap sites per function (PKG.FUNC glob -> N)
    [budgets.benchmarks]    allocs/op and B/op ceilings per benchmark (goalloc bench run)
    [[allow]]               accepted sites and findings, each with a reason (and an expiry)
    [watch]                 thresholds of goalloc watch's alerts (docs/watch.md)

Each top-level table has a validator registered in ``SECTIONS`` (``register_section``); a
table nobody registered is an unknown key. Every error is one line naming file:line and ends
the command with exit 2 (``PolicyError``, an InputError). Model layer: it knows no rules or
causes of its own; the caller passes the names it accepts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from goalloc.errors import InputError

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

FILE_NAME = "goalloc.toml"


class PolicyError(InputError):
    """A policy file that cannot be used: ``FILE:LINE: what is wrong``."""


# --- where keys are: tomllib keeps no positions, so the text is read once more -------------

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY_PART = re.compile(rf"\s*({_BARE}|{_BASIC}|{_LITERAL})\s*")


def _key_parts(text: str) -> tuple[list[str], str] | None:
    """Dotted key at the start of ``text``: (parts, rest after it), or None."""
    parts, pos = [], 0
    while True:
        m = _KEY_PART.match(text, pos)
        if not m:
            return None
        raw = m.group(1)
        if raw.startswith('"'):
            try:
                raw = tomllib.loads(f"k = {raw}")["k"]
            except tomllib.TOMLDecodeError:
                return None
        elif raw.startswith("'"):
            raw = raw[1:-1]
        parts.append(raw)
        pos = m.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, text[pos:]


class KeyLines:
    """Line numbers of the keys and tables of a TOML text, by path: ("fail", "kinds"),
    ("allow", 0, "expires"). Keys inside inline tables or multi-line values get the line of
    the key that holds them."""

    def __init__(self, text: str):
        self.lines: dict[tuple, int] = {}
        arrays: dict[tuple, int] = {}
        prefix: tuple = ()
        open_brackets = 0
        in_multiline: str | None = None
        for number, line in enumerate(text.splitlines(), 1):
            if in_multiline:
                if in_multiline in line:
                    in_multiline = None
                continue
            if open_brackets > 0:
                open_brackets += _bracket_balance(line)
                continue
            stripped = line.strip()
            if stripped.startswith("[["):
                parsed = _key_parts(stripped[2:])
                if parsed:
                    path = tuple(parsed[0])
                    arrays[path] = arrays.get(path, -1) + 1
                    prefix = path + (arrays[path],)
                    self.lines.setdefault(path, number)
                    self.lines[prefix] = number
                continue
            if stripped.startswith("["):
                parsed = _key_parts(stripped[1:])
                if parsed:
                    prefix = tuple(parsed[0])
                    self.lines[prefix] = number
                continue
            parsed = _key_parts(line)
            if not parsed or not parsed[1].lstrip().startswith("="):
                continue
            self.lines[prefix + tuple(parsed[0])] = number
            value = parsed[1].lstrip()[1:]
            for quote in ('"""', "'''"):
                if value.count(quote) % 2 == 1:
                    in_multiline = quote
            open_brackets = max(0, _bracket_balance(value))

    def line_of(self, path: tuple) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def _bracket_balance(text: str) -> int:
    text = re.sub(rf"{_BASIC}|{_LITERAL}", "", text.split("#", 1)[0])
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


# --- globs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Glob:
    """An import path glob: ``*`` and ``...`` match any text, ``?`` one character,
    ``[abc]`` a class; ``x/...`` also matches ``x`` itself, as in go's patterns."""

    pattern: str
    regex: re.Pattern = field(compare=False, repr=False)

    @classmethod
    def compile(cls, pattern: str) -> "Glob":
        problem = _glob_problem(pattern)
        if problem:
            raise ValueError(problem)
        out, i = [], 0
        while i < len(pattern):
            if pattern.startswith("...", i):
                out.append(".*")
                i += 3
            elif pattern[i] == "*":
                out.append(".*")
                i += 1
            elif pattern[i] == "?":
                out.append(".")
                i += 1
            elif pattern[i] == "[":
                end = _class_end(pattern, i)
                body = pattern[i + 1:end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
                i = end + 1
            else:
                out.append(re.escape(pattern[i]))
                i += 1
        regex = "".join(out)
        if pattern.endswith("/..."):
            regex = f"(?:{regex}|{re.escape(pattern[:-4])})"
        return cls(pattern, re.compile(regex + r"\Z", re.S))

    def matches(self, text: str) -> bool:
        return bool(self.regex.match(text or ""))

    def __str__(self) -> str:
        return self.pattern


def _glob_problem(pattern) -> str:
    if not isinstance(pattern, str) or not pattern.strip():
        return "an empty glob"
    if pattern != pattern.strip():
        return f"glob {pattern!r} has spaces around it"
    if pattern.startswith(("./", "../")) or pattern in (".", ".."):
        return f"glob {pattern!r} is a directory; write an import path (example.com/m/pkg/...)"
    i = 0
    while i < len(pattern):
        if pattern[i] == "[":
            i = _class_end(pattern, i)
            if i < 0:
                return f"glob {pattern!r} has an unclosed ["
        elif pattern[i] == "]":
            return f"glob {pattern!r} has a ] without ["
        i += 1
    return ""


def _class_end(pattern: str, start: int) -> int:
    """Index of the ] closing the class opened at ``start`` (-1 if none); as in fnmatch, a ]
    right after [ or [! belongs to the class."""
    i = start + 1
    if pattern[i:i + 1] in ("!", "^"):
        i += 1
    if pattern[i:i + 1] == "]":
        i += 1
    return pattern.find("]", i)


# --- the parts of a policy -----------------------------------------------------------------

@dataclass
class Scope:
    packages: list[Glob] = field(default_factory=list)  # empty: every scanned package
    exclude: list[Glob] = field(default_factory=list)

    def contains(self, import_path: str) -> bool:
        if self.packages and not any(g.matches(import_path) for g in self.packages):
            return False
        return not any(g.matches(import_path) for g in self.exclude)


@dataclass
class FailSelection:
    """What new items fail the gate. None: any value; an empty set: none."""

    kinds: frozenset | None = None
    causes: frozenset | None = None
    priorities: frozenset | None = None
    runtime_cost: frozenset | None = None
    rules: frozenset | None = None

    def site_fails(self, site) -> bool:
        for wanted, value in ((self.kinds, site.kind), (self.causes, site.cause or "other"),
                              (self.priorities, getattr(site, "priority", None)),
                              (self.runtime_cost, getattr(site, "runtime_cost", None))):
            if wanted is not None and value not in wanted:
                return False
        return True

    def finding_fails(self, finding) -> bool:
        return self.rules is None or finding.rule in self.rules


@dataclass
class SiteBudget:
    scope: str  # "package" or "function"
    pattern: Glob
    limit: int
    where: str  # file:line of its key


@dataclass
class BenchBudget:
    name: str  # BenchmarkX/sub or PKG.BenchmarkX/sub; * ? [..] match as in fnmatch
    allocs_per_op: float | None
    bytes_per_op: float | None
    where: str

    def matches(self, package: str, name: str) -> bool:
        """``name`` as go test prints it, with the Benchmark prefix, without -N."""
        return any(self.name == n or fnmatch.fnmatchcase(n, self.name)
                   for n in (name, f"{package}.{name}"))


@dataclass
class AllowEntry:
    reason: str
    where: str
    fingerprint: str | None = None
    package: Glob | None = None
    function: Glob | None = None
    file: Glob | None = None
    expr: str | None = None
    kind: str | None = None
    cause: str | None = None
    rule: str | None = None
    expires: dt.date | None = None

    @property
    def for_sites(self) -> bool:
        return self.rule is None

    @property
    def for_findings(self) -> bool:
        return self.expr is None and self.kind is None and self.cause is None

    def _common(self, fingerprint: str, package: str, function: str, file: str) -> bool:
        return ((self.fingerprint is None or self.fingerprint == fingerprint)
                and (self.package is None or self.package.matches(package))
                and (self.function is None or self.function.matches(function))
                and (self.file is None or self.file.matches(file)))

    def matches_site(self, site, fingerprint: str, normalized_expr: str) -> bool:
        return (self.for_sites and self._common(fingerprint, site.package, site.function,
                                                site.file)
                and (self.expr is None or self.expr == normalized_expr)
                and (self.kind is None or self.kind == site.kind)
                and (self.cause is None or self.cause == (site.cause or "other")))

    def matches_finding(self, finding, fingerprint: str) -> bool:
        return (self.for_findings and self._common(fingerprint, finding.package or "",
                                                   finding.function or "", finding.file)
                and (self.rule is None or self.rule == finding.rule))


@dataclass
class Policy:
    path: str | None = None  # None: no policy file, the defaults
    scope: Scope = field(default_factory=Scope)
    baseline_file: str | None = None  # absolute, when [baseline] file is set
    fail: FailSelection = field(default_factory=FailSelection)
    site_budgets: list[SiteBudget] = field(default_factory=list)
    bench_budgets: list[BenchBudget] = field(default_factory=list)
    allow: list[AllowEntry] = field(default_factory=list)
    sections: dict[str, object] = field(default_factory=dict)  # every table's parsed value


@dataclass
class Vocabulary:
    """The names a policy may use, given by the caller (the model layer knows none)."""

    kinds: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    priorities: tuple[str, ...] | None = None  # None: any string
    runtime_costs: tuple[str, ...] | None = None


class Reader:
    """What a section validator gets: the file, key lines, the vocabulary and ``fail``."""

    def __init__(self, path: str, keys: KeyLines, vocabulary: Vocabulary, today: dt.date):
        self.path = path
        self.keys = keys
        self.vocabulary = vocabulary
        self.today = today

    def where(self, *path) -> str:
        return f"{self.path}:{self.keys.line_of(tuple(path))}"

    def fail(self, path: tuple, message: str) -> PolicyError:
        return PolicyError(f"{self.where(*path)}: {message}")

    def table(self, value, path: tuple, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(path, f"[{'.'.join(map(str, path))}] must be a table")
        for key in value:
            if key not in allowed:
                raise self.fail(path + (key,), f"unknown key {key!r} in "
                                f"[{'.'.join(map(str, path))}] (known: {', '.join(allowed)})")
        return value

    def mapping(self, value, path: tuple) -> dict:
        """A table whose keys are the user's own (globs, benchmark names)."""
        if not isinstance(value, dict):
            raise self.fail(path, f"[{'.'.join(map(str, path))}] must be a table")
        return value

    def string(self, value, path: tuple) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"{path[-1]} must be a non-empty string")
        return value

    def strings(self, value, path: tuple) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(path, f"{path[-1]} must be a list of strings")
        return value

    def names(self, value, path: tuple, known: tuple[str, ...] | None) -> frozenset:
        items = self.strings(value, path)
        if known is not None:
            bad = [v for v in items if v not in known]
            if bad:
                raise self.fail(path, f"unknown {path[-1]} {', '.join(map(repr, bad))} "
                                f"(known: {', '.join(known)})")
        return frozenset(items)

    def glob(self, value, path: tuple) -> Glob:
        try:
            return Glob.compile(value)
        except ValueError as exc:
            raise self.fail(path, str(exc)) from None

    def count(self, value, path: tuple) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(path, f"{path[-1]!r} must be a whole number >= 0, not {value!r}")
        return value


Validator = Callable[[object, Reader, Policy], None]
SECTIONS: dict[str, Validator] = {}


def register_section(name: str) -> Callable[[Validator], Validator]:
    """Add a top-level table: ``validator(value, reader, policy)`` checks ``value`` (raising
    ``reader.fail(...)``) and stores what it means on ``policy``."""
    def add(validator: Validator) -> Validator:
        SECTIONS[name] = validator
        return validator
    return add


@register_section("scope")
def _scope(value, r: Reader, policy: Policy) -> None:
    t = r.table(value, ("scope",), ("packages", "exclude"))
    policy.scope = Scope(
        [r.glob(g, ("scope", "packages")) for g in r.strings(t.get("packages", []),
                                                             ("scope", "packages"))],
        [r.glob(g, ("scope", "exclude")) for g in r.strings(t.get("exclude", []),
                                                            ("scope", "exclude"))])


@register_section("baseline")
def _baseline(value, r: Reader, policy: Policy) -> None:
    t = r.table(value, ("baseline",), ("file",))
    if "file" in t:
        name = r.string(t["file"], ("baseline", "file"))
        policy.baseline_file = os.path.join(os.path.dirname(os.path.abspath(r.path)), name)


@register_section("fail")
def _fail(value, r: Reader, policy: Policy) -> None:
    t = r.table(value, ("fail",), ("kinds", "causes", "priorities", "runtime_cost", "rules"))
    v = r.vocabulary

    def pick(key, known):
        return r.names(t[key], ("fail", key), known) if key in t else None

    policy.fail = FailSelection(pick("kinds", v.kinds), pick("causes", v.causes),
                                pick("priorities", v.priorities),
                                pick("runtime_cost", v.runtime_costs), pick("rules", v.rules))


@register_section("budgets")
def _budgets(value, r: Reader, policy: Policy) -> None:
    t = r.table(value, ("budgets",), ("packages", "functions", "benchmarks"))
    for key, scope in (("packages", "package"), ("functions", "function")):
        limits = r.mapping(t.get(key, {}), ("budgets", key))
        for pattern, limit in limits.items():
            path = ("budgets", key, pattern)
            policy.site_budgets.append(SiteBudget(scope, r.glob(pattern, path),
                                                  r.count(limit, path), r.where(*path)))
    benches = r.mapping(t.get("benchmarks", {}), ("budgets", "benchmarks"))
    policy.bench_budgets += read_bench_budgets(benches, r)


def read_bench_budgets(benches: dict, r: Reader) -> list[BenchBudget]:
    out = []
    for name, ceilings in benches.items():
        path = ("budgets", "benchmarks", name)
        c = r.table(ceilings, path, ("allocs_per_op", "bytes_per_op"))
        if not c:
            raise r.fail(path, f"budget {name!r} sets neither allocs_per_op nor bytes_per_op")
        values = {}
        for key in ("allocs_per_op", "bytes_per_op"):
            if key in c:
                v = c[key]
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    raise r.fail(path + (key,), f"{key} must be a number >= 0, not {v!r}")
                values[key] = float(v)
        out.append(BenchBudget(name, values.get("allocs_per_op"),
                               values.get("bytes_per_op"), r.where(*path)))
    return out


_ALLOW_KEYS = ("reason", "expires", "fingerprint", "package", "function", "file", "expr",
               "kind", "cause", "rule")


@register_section("allow")
def _allow(value, r: Reader, policy: Policy) -> None:
    if not isinstance(value, list):
        raise r.fail(("allow",), "allow entries are written [[allow]], one table per entry")
    for i, entry in enumerate(value):
        policy.allow.append(_allow_entry(entry, r, ("allow", i)))


def _allow_entry(entry, r: Reader, path: tuple) -> AllowEntry:
    t = r.table(entry, path, _ALLOW_KEYS)
    if not isinstance(t.get("reason"), str) or not t["reason"].strip():
        raise r.fail(path + (("reason",) if "reason" in t else ()),
                     "every [[allow]] entry needs a reason (reason = \"...\")")
    selectors = [k for k in _ALLOW_KEYS[2:] if k in t]
    if not selectors:
        raise r.fail(path, "an [[allow]] entry needs at least one of "
                     + ", ".join(_ALLOW_KEYS[2:]))
    a = AllowEntry(t["reason"].strip(), r.where(*path))
    v = r.vocabulary
    for key in selectors:
        kpath = path + (key,)
        if key in ("package", "function", "file"):
            setattr(a, key, r.glob(r.string(t[key], kpath), kpath))
        elif key == "kind":
            a.kind = next(iter(r.names([r.string(t[key], kpath)], kpath, v.kinds)))
        elif key == "cause":
            a.cause = next(iter(r.names([r.string(t[key], kpath)], kpath, v.causes)))
        elif key == "rule":
            a.rule = next(iter(r.names([r.string(t[key], kpath)], kpath, v.rules)))
        else:
            setattr(a, key, r.string(t[key], kpath).strip())
    if a.rule is not None and not a.for_findings:
        raise r.fail(path, "an [[allow]] entry names either a rule (findings) or "
                     "expr/kind/cause (heap sites), not both")
    if "expires" in t:
        a.expires = _date(t["expires"], r, path + ("expires",))
        if a.expires < r.today:
            raise r.fail(path + ("expires",), f"allow entry expired on {a.expires.isoformat()} "
                         f"(reason: {a.reason}); fix the site or extend the date")
    return a


def _date(value, r: Reader, path: tuple) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise r.fail(path, f"expires must be a date such as 2027-01-31, not {value!r}")


@register_section("watch")
def _watch(value, r: Reader, policy: Policy) -> None:
    """[watch] is read by goalloc watch (read_table below); here it is only checked, so that
    a policy file shared by check and watch is valid for both."""
    t = r.table(value, ("watch",), tuple(WATCH_KEYS))
    for key, v in t.items():
        problem = _problem(WATCH_KEYS[key], v)
        if problem:
            raise r.fail(("watch", key), f"[watch] {key}: {problem}")


# --- loading -------------------------------------------------------------------------------

def find(module_root: str | None) -> str | None:
    """``goalloc.toml`` next to go.mod, when there is one."""
    if not module_root:
        return None
    path = os.path.join(module_root, FILE_NAME)
    return path if os.path.isfile(path) else None


def parse(text: str, path: str, vocabulary: Vocabulary,
          today: dt.date | None = None, sections: tuple[str, ...] | None = None) -> Policy:
    """A Policy from TOML text. ``sections`` limits which tables may appear (a budget file
    holds only [budgets]); by default every registered one."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        where = f"{path}:{m.group(1)}" if m else path
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if m:
            message += f" (column {m.group(2)})"
        raise PolicyError(f"{where}: not valid TOML: {message}") from None
    reader = Reader(path, KeyLines(text), vocabulary, today or dt.date.today())
    allowed = sections if sections is not None else tuple(SECTIONS)
    policy = Policy(path)
    for name, value in data.items():
        if name not in allowed:
            raise reader.fail((name,), f"unknown table or key {name!r} "
                              f"(known: {', '.join(allowed)})")
        SECTIONS[name](value, reader, policy)
        policy.sections[name] = value
    return policy


def load(path: str, vocabulary: Vocabulary, today: dt.date | None = None,
         sections: tuple[str, ...] | None = None) -> Policy:
    from goalloc.fsutil import read_text

    return parse(read_text(path, "policy file"), path, vocabulary, today, sections)


# --- one table for one command (goalloc watch) --------------------------------------------

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


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def read_table(path: str | Path, name: str, keys: dict[str, Key]) -> Table:
    """The table ``[name]`` of the policy file at ``path`` (empty when the file has none)."""
    from goalloc.fsutil import read_text

    path = Path(path)
    text = read_text(path, "policy file")
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


def _problem(spec: Key, value) -> str | None:
    """What is wrong with ``value`` for a key of ``spec``, or None."""
    if spec.kind == "strings":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of strings, like [\"map-make\"]"
        return None
    if spec.kind == "string":
        return None if isinstance(value, str) else "must be a string"
    integer = spec.kind == "integer"
    if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
        return f"must be {'an integer' if integer else 'a number'}"
    if spec.minimum is not None and value < spec.minimum:
        return f"must be at least {spec.minimum:g}, not {value}"
    if spec.maximum is not None and value > spec.maximum:
        return f"must be at most {spec.maximum:g}, not {value}"
    return None


def _check(table: Table, key: str, spec: Key, value):
    problem = _problem(spec, value)
    if problem:
        raise table.error(key, problem)
    return tuple(value) if spec.kind == "strings" else value


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
