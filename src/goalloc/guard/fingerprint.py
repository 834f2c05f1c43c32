"""Fingerprints: one stable name per heap site and per rule finding.

A fingerprint hashes what the site *is*, never where it happens to be:

    site:    package, function, normalized expression, kind, cause, inlined callee, ordinal
    finding: rule, package, function, normalized message, ordinal

Line and column numbers and file names are left out, so inserting lines, reordering
functions or moving a function to another file of its package changes nothing; changing the
site's function, expression, kind or cause gives it a new name. The ordinal tells identical
twins in one function apart (``b.WriteString(x)`` four times): the first in source order is 1.
docs/guard.md documents the recipe; ``VERSION`` changes whenever the recipe does.
"""

from __future__ import annotations

import hashlib
import re

VERSION = "goalloc-guard/v1"

_SPACE = re.compile(r"\s+")
# Compiler temporaries are numbered per function: the number moves with unrelated edits.
_AUTOTMP = re.compile(r"\.autotmp_\d+")
_GO_POSITION = re.compile(r"(\.go):\d+(?::\d+)?")
_LINE_WORD = re.compile(r"\bline \d+")


def normalize_expr(expr: str) -> str:
    return _AUTOTMP.sub(".autotmp_N", _SPACE.sub(" ", expr or "").strip())


def normalize_message(message: str) -> str:
    """What a finding says, without the figures after the first ': ' (modeled costs depend
    on --assume-n and the Go release) and without line numbers."""
    head = (message or "").split(": ", 1)[0]
    head = _GO_POSITION.sub(r"\1", head)
    return _SPACE.sub(" ", _LINE_WORD.sub("line N", head)).strip()


def site_key(site) -> tuple[str, ...]:
    return (site.package, site.function, normalize_expr(site.expr), site.kind,
            site.cause or "", getattr(site, "inlined_from", "") or "")


def finding_key(finding) -> tuple[str, ...]:
    return (finding.rule, finding.package or "", finding.function or "",
            normalize_message(finding.message))


def digest(kind: str, key: tuple[str, ...], ordinal: int) -> str:
    text = "\x1f".join((VERSION, kind, *key, str(ordinal)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _with_ordinals(items, key_of, kind: str) -> list[tuple[str, int]]:
    """(fingerprint, ordinal) for each item, in the items' order."""
    order = sorted(range(len(items)),
                   key=lambda i: (items[i].file, items[i].line, items[i].col))
    seen: dict[tuple, int] = {}
    out: list[tuple[str, int] | None] = [None] * len(items)
    for i in order:
        key = key_of(items[i])
        seen[key] = seen.get(key, 0) + 1
        out[i] = (digest(kind, key, seen[key]), seen[key])
    return out  # type: ignore[return-value]


def site_fingerprints(sites) -> list[tuple[str, int]]:
    """(fingerprint, ordinal) of each site; ordinals count twins among ``sites`` (pass every
    heap site of the packages concerned, before any filtering by what is allowed)."""
    return _with_ordinals(list(sites), site_key, "site")


def finding_fingerprints(findings) -> list[tuple[str, int]]:
    return _with_ordinals(list(findings), finding_key, "finding")
