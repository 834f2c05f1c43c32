"""Just enough of Go's lexical structure to read contract comments: the comments of a file,
and its top-level function declarations with their doc comments and body lines.

Strings, raw strings and runes are skipped properly, so a ``//`` or a brace inside a literal
is not mistaken for a comment or a block. Type literals in a signature (``interface{}``,
``struct{ ... }``) are not taken for the body. Pure functions of the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    line: int
    col: int
    text: str  # without the // or /* */ markers
    own_line: bool  # nothing but spaces before it on its line
    block: bool = False


@dataclass(frozen=True)
class FuncDecl:
    name: str  # as the compiler prints it: Describe, (*Cache).Snapshot, Order.Summary
    line: int  # the line of the func keyword
    body_start: int  # the line of the body's {  (0 for a declaration without a body)
    body_end: int  # the line of the body's }
    doc: tuple[Comment, ...] = ()  # the doc comment: // lines right above the func line


@dataclass(frozen=True)
class _Token:
    kind: str  # "ident", "lit", "punct", "nl"
    value: str
    line: int


@dataclass
class GoFileText:
    comments: list[Comment]
    funcs: list[FuncDecl]


def read(text: str) -> GoFileText:
    tokens, comments = _tokenize(text)
    return GoFileText(comments, _functions(tokens, comments))


def _tokenize(text: str) -> tuple[list[_Token], list[Comment]]:
    tokens: list[_Token] = []
    comments: list[Comment] = []
    i, n, line, line_start = 0, len(text), 1, 0
    while i < n:
        c = text[i]
        if c == "\n":
            tokens.append(_Token("nl", "\n", line))
            line += 1
            i += 1
            line_start = i
        elif c in " \t\r\f\ufeff":
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            own = not text[line_start:i].strip()
            comments.append(Comment(line, i - line_start + 1, text[i + 2:end], own))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end
            own = not text[line_start:i].strip()
            body = text[i + 2:end]
            comments.append(Comment(line, i - line_start + 1, body, own, block=True))
            newlines = body.count("\n")
            if newlines:
                tokens.append(_Token("nl", "\n", line))
                line += newlines
                line_start = i + 2 + body.rfind("\n") + 1
            i = end + 2
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            tokens.append(_Token("lit", text[i:j + 1], line))
            i = j + 1
        elif c == "`":
            end = text.find("`", i + 1)
            end = n if end < 0 else end
            raw = text[i:end + 1]
            tokens.append(_Token("lit", raw, line))
            if "\n" in raw:
                line += raw.count("\n")
                line_start = i + raw.rfind("\n") + 1
            i = end + 1
        elif c.isalpha() or c == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            tokens.append(_Token("ident", text[i:j], line))
            i = j
        elif c.isdigit():
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "._"):
                j += 1
            tokens.append(_Token("lit", text[i:j], line))
            i = j
        else:
            tokens.append(_Token("punct", c, line))
            i += 1
    return tokens, comments


_RECEIVER = re.compile(r"^\s*(?:\w+\s+)?(\*?)\s*(\w+)\s*(\[.*\])?\s*$", re.S)
_ENDS_STATEMENT = {")", "]", "}"}


def _functions(tokens: list[_Token], comments: list[Comment]) -> list[FuncDecl]:
    doc_lines = {c.line: c for c in comments if c.own_line and not c.block}
    out = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "punct" and tok.value in "([{":
            i = _skip_balanced(tokens, i)  # declarations are at the top level only
        elif tok.kind == "ident" and tok.value == "func":
            decl, i = _function(tokens, i, doc_lines)
            if decl is not None:
                out.append(decl)
        else:
            i += 1
    return out


def _skip_balanced(tokens: list[_Token], i: int) -> int:
    """Index after the bracket that closes the one at ``i``."""
    depth = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "punct" and tok.value in "([{":
            depth += 1
        elif tok.kind == "punct" and tok.value in ")]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def _function(tokens: list[_Token], i: int, doc_lines: dict) -> tuple[FuncDecl | None, int]:
    func_line = tokens[i].line
    i += 1
    receiver = ""
    if i < len(tokens) and tokens[i].value == "(":
        end = _skip_balanced(tokens, i)
        receiver = " ".join(t.value for t in tokens[i + 1:end - 1])
        i = end
    if i >= len(tokens) or tokens[i].kind != "ident":
        return None, i  # not a declaration (cannot happen at top level in valid Go)
    name = _display_name(receiver, tokens[i].value)
    i += 1
    previous = None
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "punct" and tok.value in "([":
            i = _skip_balanced(tokens, i)
            previous = tokens[i - 1]
            continue
        if tok.kind == "punct" and tok.value == "{":
            if previous is not None and previous.value in ("interface", "struct"):
                i = _skip_balanced(tokens, i)
                previous = tokens[i - 1]
                continue
            end = _skip_balanced(tokens, i)
            body_end = tokens[end - 1].line if end - 1 < len(tokens) else tok.line
            return FuncDecl(name, func_line, tok.line, body_end, _doc(func_line, doc_lines)), end
        if tok.kind == "nl" and previous is not None and (
                previous.kind in ("ident", "lit") or previous.value in _ENDS_STATEMENT):
            break  # no body: an assembly or linkname declaration
        if tok.kind != "nl":
            previous = tok
        i += 1
    return FuncDecl(name, func_line, 0, 0, _doc(func_line, doc_lines)), i


def _display_name(receiver: str, name: str) -> str:
    if not receiver:
        return name
    m = _RECEIVER.match(receiver)
    if not m:
        return name
    star, type_name, params = m.group(1), m.group(2), m.group(3)
    shown = type_name + ("[...]" if params else "")
    return f"(*{shown}).{name}" if star else f"{shown}.{name}"


def _doc(func_line: int, doc_lines: dict) -> tuple[Comment, ...]:
    out = []
    line = func_line - 1
    while line in doc_lines:
        out.append(doc_lines[line])
        line -= 1
    return tuple(reversed(out))
