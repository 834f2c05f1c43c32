#!/usr/bin/env python3
"""Size and time of `goalloc scan --format html` on a std-sized input (the target: under 15 MB
for net/http), with the JSON report of the same scan beside it.

    python bench/html_size.py [PATTERN ...]      (default: net/http)

Prints the sites, the HTML and JSON sizes, the time to render each from one scan, and the
largest parts of the page's data (source text, sites, flows).
"""

from __future__ import annotations

import json
import sys
import time

from goalloc.app.scan import ScanOptions, scan_module
from goalloc.report import scan_json
from goalloc.report.html import render_document, script_json
from goalloc.report.html.viewmodel import scan_document

LIMIT = 15 * 1024 * 1024


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("patterns", nargs="*", default=["net/http"], metavar="PATTERN",
                    help="package patterns to scan (default net/http)")
    patterns = ap.parse_args().patterns
    start = time.perf_counter()
    result = scan_module(ScanOptions(".", patterns))
    scanned = time.perf_counter() - start
    start = time.perf_counter()
    doc = scan_document(result, result.sites)
    page = render_document(doc)
    rendered = time.perf_counter() - start
    start = time.perf_counter()
    json_text = scan_json.render(result, result.sites)
    json_seconds = time.perf_counter() - start
    size = len(page.encode("utf-8"))
    print(f"{' '.join(patterns)}: {len(result.sites):,} sites ({len(result.heap_sites):,} heap), "
          f"{len(doc['files']):,} files; scan {scanned:.1f}s")
    print(f"html  {size:>12,} bytes  rendered in {rendered:.2f}s  (limit {LIMIT:,})")
    print(f"json  {len(json_text.encode('utf-8')):>12,} bytes  rendered in {json_seconds:.2f}s")
    for key in ("files", "sites", "growth", "findings", "tree"):
        print(f"  data.{key:<9}{len(script_json(doc[key]).encode('utf-8')):>12,} bytes")
    flows = sum(len(script_json(s["flow"])) for s in doc["sites"])
    print(f"  of which flows {flows:>9,} bytes")
    return 0 if size < LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
