"""The baseline: every heap site and rule finding of a module at one moment, by fingerprint,
and its comparison with a later scan.

Entries carry no line numbers: the file is sorted by package, function and fingerprint, so
it changes in review only where the sites themselves changed. ``body()`` is the document
after the envelope (``goalloc.report.guard_json`` adds it); ``from_document`` reads one back
and says in one line what is wrong with a file that is not a baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalloc.errors import InputError
from goalloc.guard import fingerprint as fp

SCHEMA_VERSION = 1


@dataclass
class SiteEntry:
    fingerprint: str
    package: str
    function: str
    file: str
    expr: str
    kind: str
    cause: str
    ordinal: int = 1
    inlined_from: str = ""
    context: str = ""  # digest of the source line: tells twins apart (fingerprint.context)

    @property
    def key(self) -> tuple[str, ...]:
        return (self.package, self.function, self.expr, self.kind, self.cause,
                self.inlined_from)

    def to_json(self) -> dict:
        return {"fingerprint": self.fingerprint, "package": self.package,
                "function": self.function, "file": self.file, "expr": self.expr,
                "kind": self.kind, "cause": self.cause, "ordinal": self.ordinal,
                "inlined_from": self.inlined_from or None, "context": self.context}

    def sort_key(self) -> tuple:
        return (self.package, self.function, self.file, self.expr, self.ordinal,
                self.fingerprint)


@dataclass
class FindingEntry:
    fingerprint: str
    rule: str
    package: str
    function: str
    file: str
    message: str  # the normalized message the fingerprint hashes
    ordinal: int = 1
    context: str = ""

    @property
    def key(self) -> tuple[str, ...]:
        return (self.rule, self.package, self.function, self.message)

    def to_json(self) -> dict:
        return {"fingerprint": self.fingerprint, "rule": self.rule, "package": self.package,
                "function": self.function, "file": self.file, "message": self.message,
                "ordinal": self.ordinal, "context": self.context}

    def sort_key(self) -> tuple:
        return (self.package, self.function, self.rule, self.file, self.message, self.ordinal,
                self.fingerprint)


@dataclass
class Baseline:
    packages: list[str]  # import paths that were scanned (and compiled)
    sites: list[SiteEntry] = field(default_factory=list)
    findings: list[FindingEntry] = field(default_factory=list)
    rules: list[str] | None = None  # rules whose findings are recorded; None: rules were off
    patterns: list[str] = field(default_factory=list)
    shard: str | None = None
    go: dict | None = None  # the envelope's go block, when read from a document
    source: str = ""  # where it was read from, for messages

    def body(self) -> dict:
        return {"fingerprint": fp.VERSION,
                "patterns": list(self.patterns),
                "shard": self.shard,
                "packages": sorted(set(self.packages)),
                "rules": sorted(self.rules) if self.rules is not None else None,
                "summary": {"sites": len(self.sites), "findings": len(self.findings)},
                "sites": [e.to_json() for e in sorted(self.sites, key=SiteEntry.sort_key)],
                "findings": [e.to_json() for e in sorted(self.findings,
                                                        key=FindingEntry.sort_key)]}

    @classmethod
    def from_document(cls, doc, source: str) -> "Baseline":
        def bad(why: str) -> InputError:
            return InputError(f"{source} is not a goalloc baseline: {why} "
                              "(make one with 'goalloc baseline')")

        if not isinstance(doc, dict):
            raise bad("not a JSON object")
        if doc.get("command") != "baseline":
            raise bad(f"its command is {doc.get('command')!r}")
        if doc.get("schema_version") != SCHEMA_VERSION:
            raise bad(f"schema_version {doc.get('schema_version')!r}, this goalloc reads "
                      f"{SCHEMA_VERSION}")
        if doc.get("fingerprint") != fp.VERSION:
            raise InputError(f"{source} was made with fingerprints {doc.get('fingerprint')!r}; "
                             f"this goalloc uses {fp.VERSION}: run 'goalloc baseline' again")
        try:
            sites = [SiteEntry(e["fingerprint"], e["package"], e["function"], e["file"],
                               e["expr"], e["kind"], e["cause"], int(e.get("ordinal", 1)),
                               e.get("inlined_from") or "", e.get("context") or "")
                     for e in doc["sites"]]
            findings = [FindingEntry(e["fingerprint"], e["rule"], e["package"], e["function"],
                                     e["file"], e["message"], int(e.get("ordinal", 1)),
                                     e.get("context") or "")
                        for e in doc["findings"]]
            packages = [str(p) for p in doc["packages"]]
            rules = doc.get("rules")
            if rules is not None:
                rules = [str(r) for r in rules]
        except (KeyError, TypeError, ValueError) as exc:
            raise bad(f"an entry lacks or mistypes {exc}") from None
        return cls(packages, sites, findings, rules, list(doc.get("patterns") or []),
                   doc.get("shard"), doc.get("go") if isinstance(doc.get("go"), dict) else None,
                   source)


    def previous(self, kind: str) -> fp.Previous:
        """Its twins by key, for fingerprinting a later scan against it."""
        out: fp.Previous = {}
        for e in self.sites if kind == "site" else self.findings:
            out.setdefault(e.key, []).append((e.ordinal, e.context))
        return out


def site_entries(sites, contexts: list[str]) -> list[SiteEntry]:
    """Entries of heap ``sites`` (fingerprints with ordinals among them); ``contexts`` are
    the digests of their source lines."""
    out = []
    for site, context, (print_, ordinal) in zip(sites, contexts,
                                                fp.site_fingerprints(sites, contexts)):
        package, function, expr, kind, cause, inlined_from = fp.site_key(site)
        out.append(SiteEntry(print_, package, function, site.file, expr, kind, cause, ordinal,
                             inlined_from, context))
    return out


def finding_entries(findings, contexts: list[str]) -> list[FindingEntry]:
    out = []
    for f, context, (print_, ordinal) in zip(findings, contexts,
                                             fp.finding_fingerprints(findings, contexts)):
        rule, package, function, message = fp.finding_key(f)
        out.append(FindingEntry(print_, rule, package, function, f.file, message, ordinal,
                                context))
    return out


def merge(baselines: list[Baseline]) -> Baseline:
    """One baseline of shards that cover different packages (InputError if two overlap)."""
    owner: dict[str, str] = {}
    for b in baselines:
        for p in b.packages:
            if p in owner:
                raise InputError(f"package {p} is in both {owner[p]} and {b.source}: "
                                 "shards must not overlap")
            owner[p] = b.source
    rule_sets = {tuple(sorted(b.rules)) if b.rules is not None else None for b in baselines}
    if len(rule_sets) > 1:
        raise InputError("the baselines were made with different rules; make them alike")
    return Baseline(sorted(owner), [e for b in baselines for e in b.sites],
                    [e for b in baselines for e in b.findings],
                    baselines[0].rules if baselines else None,
                    sorted({p for b in baselines for p in b.patterns}), None,
                    baselines[0].go if baselines else None, "+".join(b.source for b in baselines))
