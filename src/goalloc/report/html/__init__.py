"""Self-contained HTML reports: one file, its script and styles inline, its data in a
``<script type="application/json">`` block the script reads with JSON.parse and renders with
textContent only, so no text of the scanned code can become markup or script.

    render_scan(result, sites)            goalloc scan --format html
    render_verify(verify_result)          goalloc verify --format html
    render_profile(profile_result, path)  goalloc profile --format html
    render_gctrace(trace, summary, text)  goalloc gctrace --format html

jinja2 (the ``html`` extra) is imported only when a report is rendered.
"""

from __future__ import annotations

import json
from importlib import resources

from goalloc.errors import GoallocError
from goalloc.report.html import viewmodel

__all__ = ["render_scan", "render_verify", "render_profile", "render_gctrace", "script_json"]

_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                   "\u2029": "\\u2029"}
_SCRIPT_TABLE = str.maketrans(_SCRIPT_ESCAPES)


def script_json(data) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' (so no '</script>' or
    '<!--'), and no U+2028/2029; each is a \\u escape, which JSON.parse reads back."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_TABLE)


def _static(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def _environment():
    try:
        import jinja2
    except ImportError:
        raise GoallocError("the HTML report needs jinja2: pip install 'goalloc[html]'") from None
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_document(doc: dict) -> str:
    """The page for a view-model document (see viewmodel.py)."""
    from markupsafe import Markup

    template = _environment().get_template("report.html.j2")
    # The three inline blocks are trusted package data or script_json output, which holds
    # no '<': marking them safe keeps jinja from turning their quotes into entities.
    return template.render(title=doc["title"], mode=doc["mode"],
                           style=Markup(_static("report.css")),
                           script=Markup(_static("report.js")),
                           data=Markup(script_json(doc)))


def render_scan(result, sites, filters: dict | None = None) -> str:
    return render_document(viewmodel.scan_document(result, sites, filters))


def render_verify(result) -> str:
    return render_document(viewmodel.verify_document(result))


def render_profile(result, path: str, source_root: str | None = None,
                   base: str | None = None) -> str:
    return render_document(viewmodel.profile_document(result, path, source_root, base))


def render_gctrace(trace, summary: dict, text: str) -> str:
    return render_document(viewmodel.gctrace_document(trace, summary, text))
