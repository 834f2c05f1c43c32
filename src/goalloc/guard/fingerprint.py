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
            site.cause or "other", getattr(site, "inlined_from", "") or "")


def finding_key(finding) -> tuple[str, ...]:
    return (finding.rule, finding.package or "", finding.function or "",
            normalize_message(finding.message))


def digest(kind: str, key: tuple[str, ...], ordinal: int) -> str:
    text = "\x1f".join((VERSION, kind, *key, str(ordinal)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def context(line_text: str) -> str:
    """A short digest of a site's source line (spaces collapsed). Not part of the
    fingerprint: it tells which of several twins is the one that was added or removed."""
    text = _SPACE.sub(" ", line_text or "").strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8] if text else ""


Previous = dict  # key -> [(ordinal, context)] of a baseline's twins


def _assign(items, key_of, kind: str, contexts: list[str] | None,
            previous: Previous | None) -> list[tuple[str, int]]:
    """(fingerprint, ordinal) for each item, in the items' order.

    Twins are numbered in source order. Against a baseline (``previous``) a twin keeps the
    ordinal of the baseline twin on a line that reads the same, then of any baseline twin
    left, in order; only the twins left over get new ordinals. So a twin added above an old
    one is the new one, not the old one pushed down."""
    contexts = contexts or [""] * len(items)
    groups: dict[tuple, list[int]] = {}
    for i in sorted(range(len(items)), key=lambda i: (items[i].file, items[i].line,
                                                     items[i].col)):
        groups.setdefault(key_of(items[i]), []).append(i)
    out: list = [None] * len(items)
    for key, members in groups.items():
        for i, ordinal in _ordinals(members, contexts, (previous or {}).get(key, [])).items():
            out[i] = (digest(kind, key, ordinal), ordinal)
    return out


def _ordinals(members: list[int], contexts: list[str], before: list[tuple[int, str]]
              ) -> dict[int, int]:
    if not before:
        return {i: n for n, i in enumerate(members, 1)}
    free = sorted(before)
    taken: dict[int, int] = {}
    for i in members:  # the same line text first
        match = next((b for b in free if b[1] and b[1] == contexts[i]), None)
        if match is not None:
            taken[i] = match[0]
            free.remove(match)
    for i in members:  # then whatever is left, in order
        if i not in taken and free:
            taken[i] = free.pop(0)[0]
    next_ordinal = max([o for o, _ in before] + list(taken.values())) + 1
    for i in members:
        if i not in taken:
            taken[i] = next_ordinal
            next_ordinal += 1
    return taken


def site_fingerprints(sites, contexts: list[str] | None = None,
                      previous: Previous | None = None) -> list[tuple[str, int]]:
    """(fingerprint, ordinal) of each site; ordinals count twins among ``sites`` (pass every
    heap site of the packages concerned, before any filtering by what is allowed), matched
    to the ``previous`` baseline's twins when given."""
    return _assign(list(sites), site_key, "site", contexts, previous)


def finding_fingerprints(findings, contexts: list[str] | None = None,
                         previous: Previous | None = None) -> list[tuple[str, int]]:
    return _assign(list(findings), finding_key, "finding", contexts, previous)
