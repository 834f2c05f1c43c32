"""Just enough of Go's syntax to place a compiler position: which function it is in, whether it
names a parameter in a signature, and whether a func literal is started by ``go`` or ``defer``.

The compiler prints byte columns (1-based), so files are read as bytes. Only files that have
diagnostics are indexed, and each at most once per scan.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# Comments, strings and runes are matched whole so that brackets inside them are ignored.
_IDENT_AT = re.compile(rb"\s*([A-Za-z_][A-Za-z0-9_]*)")
# Identifiers are not tokens (they are most of a file); names are read from the bytes.
_TOKEN = re.compile(
    rb"//[^\n]*"
    rb"|/\*.*?\*/"
    rb'|"(?:[^"\\\n]|\\.)*"'
    rb"|`[^`]*`"
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb"|\bfunc\b|\bstruct\b|\binterface\b"
    rb"|[(){}\[\]]",
    re.S,
)

_LOOP_TOKEN = re.compile(
    rb"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\bfor\b|[{}]", re.S)

_ARG_TOKEN = re.compile(
    rb"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|[()\[\]{},]", re.S)


@dataclass
class FuncSpan:
    name: str  # as the compiler names it: "F", "T.M", "(*T).M", "F.func1", "F.func1.2"
    start: int  # byte offset of the "func" keyword
    body_start: int  # offset of "{" (or -1 for a declaration without a body)
    end: int  # offset just past "}"
    literal: bool = False
    starter: str = ""  # "go" or "defer" when the literal is called by such a statement
    results: frozenset = frozenset()  # names of named results
    children: list["FuncSpan"] = field(default_factory=list)


class GoFile:
    def __init__(self, path: str, data: bytes):
        self.path = path
        self.data = data
        self._line_starts = [0]
        for m in re.finditer(rb"\n", data):
            self._line_starts.append(m.end())
        self.funcs: list[FuncSpan] = []  # top level, in order
        self.param_offsets: set[int] = set()  # offsets of identifiers declared as parameters
        self._starts: dict[int, list[int]] = {}
        self._loops: list[tuple[int, int]] | None = None  # (for keyword, past its body), lazily
        self._index()

    # -- positions ---------------------------------------------------------------------------
    def offset(self, line: int, col: int) -> int:
        if line < 1 or line > len(self._line_starts):
            return -1
        return self._line_starts[line - 1] + max(col, 1) - 1

    def line_text(self, line: int) -> str:
        if line < 1 or line > len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.data)
        return self.data[start:end].decode("utf-8", "replace")

    def text_at(self, line: int, col: int, length: int = 80) -> str:
        off = self.offset(line, col)
        if off < 0:
            return ""
        chunk = self.data[off:off + length]
        return chunk.split(b"\n", 1)[0].decode("utf-8", "replace")

    def text_before(self, line: int, col: int) -> str:
        off = self.offset(line, col)
        if off < 0:
            return ""
        start = self._line_starts[line - 1]
        return self.data[start:off].decode("utf-8", "replace")

    # -- queries -----------------------------------------------------------------------------
    def is_param(self, line: int, col: int) -> bool:
        return self.offset(line, col) in self.param_offsets

    def enclosing(self, line: int, col: int) -> list[FuncSpan]:
        """Functions containing the position, outermost first."""
        off = self.offset(line, col)
        chain: list[FuncSpan] = []
        level = self.funcs
        while True:
            starts = self._starts.get(id(level))
            if starts is None:
                starts = self._starts[id(level)] = [f.start for f in level]
            i = bisect.bisect_right(starts, off) - 1
            if i < 0 or not (level[i].start <= off < level[i].end):
                return chain
            chain.append(level[i])
            level = level[i].children

    def function_at(self, line: int, col: int) -> str:
        chain = self.enclosing(line, col)
        # package-level initializers are compiled into the package's init function
        return chain[-1].name if chain else "init"

    def literal_starter(self, line: int, col: int) -> str:
        """'go'/'defer' if the innermost func literal around the position is run by one."""
        for span in reversed(self.enclosing(line, col)):
            if span.literal:
                return span.starter
        return ""

    def loop_depth(self, line: int, col: int) -> int:
        """How many for loops of the innermost function contain the position (the compiler's
        loop depth: a func literal starts its own count)."""
        return self._loop_depth_at(self.offset(line, col))

    def declaration_depth(self, name: str, line: int, col: int) -> int | None:
        """The loop depth of the declaration of the local ``name`` seen from the position, or
        None when the innermost function does not declare it (captured from outside)."""
        off = self.offset(line, col)
        chain = self.enclosing(line, col)
        if off < 0 or not chain:
            return None
        span = chain[-1]
        pattern = re.compile(rb"(?<![\w.])" + re.escape(name.encode()) + rb"(?!\w)")
        found = None
        for m in pattern.finditer(self.data, span.start, off + len(name)):
            if m.start() in self.param_offsets or self._declares(m.start(), m.end()):
                found = m.start()
        if found is None:
            return 0 if name in span.results else None
        return self._loop_depth_at(found)

    def _declares(self, start: int, end: int) -> bool:
        line_start = self.data.rfind(b"\n", 0, start) + 1
        line_end = self.data.find(b"\n", end)
        before = self.data[line_start:start]
        after = self.data[end:line_end if line_end >= 0 else len(self.data)]
        if re.match(rb"(?:\s*,\s*\w+)*\s*:=", after) and re.search(
                rb"(?:^|[;{(]|\bfor\b|\bif\b|\bswitch\b|\bselect\b)\s*(?:\w+\s*,\s*)*$", before):
            return True
        return bool(re.search(rb"(?:\bvar\s+|^\s*)(?:\w+\s*,\s*)*$", before)
                    and (b"var" in before or self._in_var_block(line_start))
                    and re.match(rb"(?:\s*,\s*\w+)*\s+[^=:,\s]", after))

    def _in_var_block(self, line_start: int) -> bool:
        block = self.data.rfind(b"var (", 0, line_start)
        return block >= 0 and self.data.find(b")", block, line_start) < 0

    def _loop_depth_at(self, off: int) -> int:
        if off < 0:
            return 0
        chain = self._enclosing_offset(off)
        if not chain:
            return 0
        body = chain[-1]
        return sum(1 for start, end in self._loop_spans()
                   if body.start <= start and start <= off < end)

    def _enclosing_offset(self, off: int) -> list[FuncSpan]:
        line = bisect.bisect_right(self._line_starts, off)
        return self.enclosing(line, off - self._line_starts[line - 1] + 1)

    def _loop_spans(self) -> list[tuple[int, int]]:
        if self._loops is None:
            spans, stack, pending = [], [], None
            for m in _LOOP_TOKEN.finditer(self.data):
                tok = m.group()
                if tok == b"for":
                    pending = m.start()
                elif tok == b"{":
                    stack.append(pending)
                    pending = None
                elif tok == b"}" and stack:
                    start = stack.pop()
                    if start is not None:
                        spans.append((start, m.end()))
            self._loops = spans
        return self._loops

    def call_arguments(self, line: int, col: int, limit: int = 20000) -> list[str] | None:
        """The top-level argument texts of the call whose "(" is at or after the position on
        its line, or None when it cannot be read (no call there, unbalanced, too long)."""
        off = self.offset(line, col)
        if off < 0:
            return None
        open_at = self.data.find(b"(", off, off + 200)
        line_end = self.data.find(b"\n", off)
        if open_at < 0 or (0 <= line_end < open_at):
            return None
        args, depth, start = [], 0, open_at + 1
        for m in _ARG_TOKEN.finditer(self.data, open_at, min(len(self.data), open_at + limit)):
            tok = m.group()
            if tok in (b"(", b"[", b"{"):
                depth += 1
            elif tok in (b")", b"]", b"}"):
                depth -= 1
                if depth == 0:
                    last = self.data[start:m.start()].strip()
                    if last or args:
                        args.append(last.decode("utf-8", "replace"))
                    return args
            elif tok == b"," and depth == 1:
                args.append(self.data[start:m.start()].strip().decode("utf-8", "replace"))
                start = m.end()
        return None

    # -- indexing ----------------------------------------------------------------------------
    def _index(self) -> None:
        tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(self.data)
                  if m.group()[:1] not in (b"/", b'"', b"`", b"'")]
        self._tokens = tokens
        self._offsets = [off for off, _ in tokens]
        n = len(tokens)
        # Matching brackets, by a stack.
        match: dict[int, int] = {}
        stack: list[int] = []
        for i, (_, tok) in enumerate(tokens):
            if tok in (b"(", b"{", b"["):
                stack.append(i)
            elif tok in (b")", b"}", b"]"):
                if stack:
                    match[stack.pop()] = i
        self._match = match

        top: list[FuncSpan] = []
        # func spans are built recursively so that literals nest under their function
        i = 0
        while i < n:
            off, tok = tokens[i]
            if tok == b"func":
                span, i = self._func_at(i, None, top_level=True)
                if span is not None:
                    top.append(span)
                    continue
            i += 1
        self.funcs = top
        # The token lists are only needed while indexing.
        del self._tokens, self._match, self._offsets

    def _group_end(self, i: int) -> int:
        return self._match.get(i, len(self._tokens) - 1)

    def _mark_params(self, open_i: int) -> None:
        """Record identifiers that name parameters in the group starting at token open_i."""
        close = self._group_end(open_i)
        self._mark_params_text(self._tokens[open_i][0] + 1, self._tokens[close][0])

    _PARAM_ITEM = re.compile(rb"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?=[A-Za-z_*\[(.]|<-|\.\.\.|func\b|map\b|chan\b)")

    def _result_names(self, params_close: int) -> frozenset:
        """Names declared in a parenthesized result list right after the parameters."""
        j = params_close + 1
        tokens = self._tokens
        if j >= len(tokens) or tokens[j][1] != b"(":
            return frozenset()
        marked = set(self.param_offsets)
        self._mark_params(j)
        new = self.param_offsets - marked
        # results are not parameters: keep them apart
        self.param_offsets = marked
        names = set()
        for off in new:
            m = re.match(rb"[A-Za-z_][A-Za-z0-9_]*", self.data[off:off + 64])
            if m:
                names.add(m.group().decode())
        return frozenset(names)

    def _mark_params_text(self, start: int, end: int) -> None:
        text = self.data[start:end]
        if not text.strip():
            return
        if not any(c in text for c in (b"(", b"[", b"{", b"/")):
            # the common case: no nested brackets or comments, split on commas directly
            items, off = [], 0
            for chunk in text.split(b","):
                items.append((off, chunk))
                off += len(chunk) + 1
            self._mark_items(start, items)
            return
        # Split at top-level commas (brackets inside types are skipped).
        items: list[tuple[int, bytes]] = []
        depth = 0
        item_start = 0
        k = 0
        while k < len(text):
            c = text[k:k + 1]
            if c in b"([{":
                depth += 1
            elif c in b")]}":
                depth -= 1
            elif c == b"/" and text[k:k + 2] == b"//":
                nl = text.find(b"\n", k)
                k = len(text) if nl < 0 else nl
                continue
            elif c == b"/" and text[k:k + 2] == b"/*":
                e = text.find(b"*/", k + 2)
                k = len(text) if e < 0 else e + 2
                continue
            elif c == b"," and depth == 0:
                items.append((item_start, text[item_start:k]))
                item_start = k + 1
            k += 1
        items.append((item_start, text[item_start:]))
        self._mark_items(start, items)

    def _mark_items(self, start: int, items: list) -> None:
        # Go: either every item has a name, or none does. Items like "a, b int": "a" alone.
        has_names = any(self._PARAM_ITEM.match(chunk) for _, chunk in items)
        if not has_names:
            return
        for rel, chunk in items:
            m = re.match(rb"\s*([A-Za-z_][A-Za-z0-9_]*)", chunk)
            if m and m.group(1) != b"_":
                self.param_offsets.add(start + rel + m.start(1))

    def _func_at(self, i: int, parent: FuncSpan | None, top_level: bool):
        """Parse a func starting at token i; returns (span or None, next token index)."""
        tokens = self._tokens
        n = len(tokens)
        start = tokens[i][0]
        j = i + 1
        name = ""
        receiver = ""
        literal = False
        if j < n and tokens[j][1] == b"(" and self._only_space(start + 4, tokens[j][0]):
            if top_level and parent is None and self._is_method(j):
                receiver = self._receiver_name(j)
                self._mark_params(j)
                name, j = self._name_after(tokens[self._group_end(j)][0] + 1)
            else:
                literal = not top_level or parent is not None
                if top_level and parent is None:
                    # "func(" at top level outside a declaration: a func type or literal in a
                    # var initializer; treat as literal of "init"-like context.
                    literal = True
        else:
            name, j = self._name_after(start + 4)
            if not name:
                return None, i + 1
        if j < n and tokens[j][1] == b"[":  # type parameters
            j = self._group_end(j) + 1
        if j >= n or tokens[j][1] != b"(":
            return None, i + 1
        self._mark_params(j)
        results = self._result_names(self._group_end(j))
        j = self._signature_end(self._group_end(j))
        if j >= n or tokens[j][1] != b"{":
            # a declaration without a body (assembly), or a func type
            if name:
                return FuncSpan(self._qualify(name, receiver), start, -1, start + 4), j
            return None, i + 1
        body_open = j
        body_close = self._group_end(body_open)
        end = tokens[body_close][0] + 1
        if literal:
            span = FuncSpan("", start, tokens[body_open][0], end, literal=True,
                            starter=self._starter(start))
        else:
            span = FuncSpan(self._qualify(name, receiver), start, tokens[body_open][0], end)
        span.results = results
        # Nested literals, numbered in order of appearance like the compiler does.
        k = body_open + 1
        while k < body_close:
            if tokens[k][1] == b"func":
                child, k2 = self._func_at(k, span, top_level=False)
                if child is not None:
                    span.children.append(child)
                    k = k2
                    continue
            k += 1
        return span, body_close + 1

    def _line_of(self, off: int) -> int:
        return bisect.bisect_right(self._line_starts, off)

    def _signature_end(self, params_close: int) -> int:
        """Index of the body's "{" after a parameter list, or of the token that ends the
        signature. Go's semicolon rule puts the "{" on the line where the signature ends."""
        tokens = self._tokens
        n = len(tokens)
        j = params_close + 1
        line = self._line_of(tokens[params_close][0])
        while j < n and self._line_of(tokens[j][0]) == line:
            tok = tokens[j][1]
            if tok == b"{":
                return j
            if tok in (b"}", b")", b"]"):
                return j
            if tok in (b"struct", b"interface") and j + 1 < n and tokens[j + 1][1] == b"{":
                j = self._group_end(j + 1)
                line = self._line_of(tokens[j][0])
                j += 1
                continue
            if tok in (b"(", b"["):
                j = self._group_end(j)
                line = self._line_of(tokens[j][0])
            j += 1
        return j

    def _only_space(self, a: int, b: int) -> bool:
        return not self.data[a:b].strip()

    def _name_after(self, off: int) -> tuple[str, int]:
        """The identifier at off (after spaces) and the index of the first token past it."""
        m = _IDENT_AT.match(self.data, off)
        if not m:
            return "", bisect.bisect_left(self._offsets, off)
        return m.group(1).decode(), bisect.bisect_left(self._offsets, m.end())

    def _is_method(self, j: int) -> bool:
        close = self._group_end(j)
        m = _IDENT_AT.match(self.data, self._tokens[close][0] + 1)
        if not m:
            return False
        rest = self.data[m.end():m.end() + 8].lstrip()
        return rest[:1] in (b"(", b"[")

    def _receiver_name(self, j: int) -> str:
        close = self._group_end(j)
        text = self.data[self._tokens[j][0] + 1:self._tokens[close][0]].decode("utf-8", "replace")
        text = re.sub(r"\[.*\]", "", text).strip()
        parts = text.split()
        typ = parts[-1] if parts else ""
        if typ.startswith("*"):
            return f"(*{typ[1:]})"
        return typ

    @staticmethod
    def _qualify(name: str, receiver: str) -> str:
        return f"{receiver}.{name}" if receiver else name

    def _starter(self, func_off: int) -> str:
        before = self.data[max(0, func_off - 16):func_off].rstrip()
        m = re.search(rb"\b(go|defer)$", before)
        return m.group(1).decode() if m else ""


def name_literals(file: GoFile) -> None:
    """Give func literals the compiler's names: F.func1, F.func2, nested F.func1.1 ..."""
    def walk(span: FuncSpan, prefix: str, top: bool):
        count = 0
        for child in span.children:
            if child.literal:
                count += 1
                child.name = f"{prefix}.func{count}" if top else f"{prefix}.{count}"
                walk(child, child.name, False)
            else:
                walk(child, prefix, top)

    init_count = 0
    for span in file.funcs:
        if span.literal:
            init_count += 1
            span.name = f"init.func{init_count}"
            walk(span, span.name, False)
        else:
            walk(span, span.name, True)


def load(path: str) -> GoFile | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    f = GoFile(path, data)
    name_literals(f)
    return f
