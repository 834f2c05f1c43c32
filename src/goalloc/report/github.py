"""GitHub Actions workflow commands: one annotation per heap site (and per finding)."""

from __future__ import annotations


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, file: str, line: int, col: int, title: str, message: str) -> str:
    props = [f"file={_prop(file)}"]
    if line:
        props.append(f"line={line}")
    if col:
        props.append(f"col={col}")
    props.append(f"title={_prop(title)}")
    return f"::{level} {','.join(props)}::{_data(message)}"


def render(result, sites) -> str:
    lines = []
    for s in sites:
        if s.verdict != "heap" or s.file.startswith("<") or s.file.startswith("/"):
            continue
        title = f"heap allocation ({s.cause}): {s.expr}"
        msg = s.explanation + (f"\nFix: {s.suggestion}" if s.suggestion else "")
        if s.note:
            msg += f"\nNote: {s.note}"
        lines.append(annotation("notice", s.file, s.line, s.col, title, msg))
    for f in result.findings:
        lines.append(annotation("warning", f.file, f.line, f.col, f"goalloc {f.rule}", f.message))
    for e in result.errors:
        if e.file:
            lines.append(annotation("error", e.file, e.line, e.col, "compile error", e.message))
    lines.append(f"goalloc: {result.go_version}: {sum(1 for s in sites if s.verdict == 'heap')} "
                 f"heap sites annotated")
    return "\n".join(lines) + "\n"
