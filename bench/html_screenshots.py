#!/usr/bin/env python3
"""Screenshots of the example's HTML reports, taken in headless Chromium.

    python bench/html_screenshots.py [--out DIR] [--dark]

Copies the example module to a temporary directory, writes `goalloc scan --format html` of it,
runs its benchmarks with a memory profile (`go test -bench . -memprofile -memprofilerate=1`) and
writes `goalloc profile -C ... --format html` of that profile, then saves:

    overview.png   the scan report's first screen: fix-first list, filters, package tree
    source.png     the source view of the first site of the fix-first list, its card open
    growth.png     a slice or map site with its growth picture open
    flame.png      the icicle of the measured allocation stacks (profile report)

Needs the Debian `chromium` package and `pip install playwright` (its own browser download is
not used). Prints each file it wrote with the size of the report it shows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from urllib.parse import quote

from goalloc import example_dir
from goalloc.cli import main as goalloc
from goalloc.collect.toolchain import find_toolchain

CHROMIUM = os.environ.get("GOALLOC_CHROMIUM", "/usr/bin/chromium")


def fragment(file: str, line: int) -> str:
    return "#" + quote(file, safe="/") + ":" + str(line)


def write_reports(tmp: str) -> tuple[str, str]:
    module = os.path.join(tmp, "example")
    shutil.copytree(example_dir(), module)
    scan_html = os.path.join(tmp, "scan.html")
    if goalloc(["scan", "-C", module, "--format", "html", "-o", scan_html, "--no-progress"]):
        sys.exit("goalloc scan failed")
    mem = os.path.join(tmp, "mem.out")
    run = find_toolchain().run(["test", "-run", "^$", "-bench", ".", "-benchtime", "200x",
                                "-memprofile", mem, "-memprofilerate", "1", "./shop"], cwd=module)
    if run.returncode != 0:
        sys.exit(f"go test failed:\n{run.stderr}")
    profile_html = os.path.join(tmp, "profile.html")
    if goalloc(["profile", "-C", module, mem, "--format", "html", "-o", profile_html,
                "--no-progress"]):
        sys.exit("goalloc profile failed")
    return scan_html, profile_html


def shoot(scan_html: str, profile_html: str, out: str, dark: bool) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 860},
                                color_scheme="dark" if dark else "light")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        scan_url = "file://" + os.path.abspath(scan_html)
        page.goto(scan_url)
        save(page, out, "overview.png", scan_html)

        data = json.loads(page.text_content("#goalloc-data"))
        first = data["sites"][data["order"][0]]
        page.goto(scan_url + fragment(first["file"], first["line"]))
        page.wait_for_selector(".code-line.target")
        save(page, out, "source.png", scan_html)

        grown = [s for s in data["sites"] if s["growth"] is not None]
        if grown:
            site = grown[0]
            page.goto(scan_url + fragment(site["file"], site["line"]))
            page.click(f"#site-{site['id']} details.growth > summary")
            page.locator(f"#site-{site['id']} details.growth").scroll_into_view_if_needed()
            save(page, out, "growth.png", scan_html)

        page.goto("file://" + os.path.abspath(profile_html) + "#flame")
        page.wait_for_selector("#flame")
        save(page, out, "flame.png", profile_html)
        browser.close()
        if errors:
            sys.exit("script errors in the report: " + "; ".join(errors))


def save(page, out: str, name: str, report: str) -> None:
    path = os.path.join(out, name)
    page.screenshot(path=path)
    print(f"{path}  (report {os.path.getsize(report):,} bytes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="html-screenshots", help="directory for the PNG files")
    ap.add_argument("--dark", action="store_true", help="take them in dark mode")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="goalloc-html-") as tmp:
        scan_html, profile_html = write_reports(tmp)
        shoot(scan_html, profile_html, args.out, args.dark)


if __name__ == "__main__":
    main()
