"""goalloc's HTML reports opened in a real headless Chromium (the Debian `chromium` package,
driven by Playwright): counts against scan's JSON of the same run, filters, deep links, the
flame graph of a real profile, and a hostile module that must stay text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from goalloc import example_dir
from goalloc.cli import main
from goalloc.errors import GoallocError

HERE = Path(__file__).parent
HOSTILE = HERE / "testdata" / "html" / "hostile"
GCPROG = HERE / "testdata" / "gctrace" / "gcprog"
CHROMIUM = os.environ.get("GOALLOC_CHROMIUM", "/usr/bin/chromium")


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)  # CI installs both (.ci/run): a missing browser is a failure
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


class Page:
    """A page that records everything the report must never do: dialogs, console errors,
    script errors and requests for anything but the report file itself."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"),
                                          d.dismiss()))
        self.page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("request", self._request)

    def _request(self, request) -> None:
        if request.url.split("#", 1)[0] != self.url:
            self.problems.append(f"request: {request.url}")

    def open(self, file: str | None = None, line: int = 0, view: str = "overview"):
        """Go to the overview, a view (flame, gc) or a file's line, and wait until the page
        shows it: a change of the fragment alone re-renders after the navigation returns."""
        if file is not None:
            self.page.goto(self.url + fragment(file, line))
            view = f"source:{file}:{line}"
        else:
            self.page.goto(self.url + ("" if view == "overview" else "#" + view))
        self.page.wait_for_function("r => document.body.dataset.route === r", arg=view)
        return self.page

    def close(self):
        self.page.close()


@pytest.fixture
def pages(browser):
    """Opens report pages; after the test, none of them may have opened a dialog, logged an
    error or requested anything."""
    opened: list[Page] = []

    def open_page(path: Path) -> Page:
        opened.append(Page(browser, path))
        return opened[-1]

    yield open_page
    problems = [p for page in opened for p in page.problems]
    for page in opened:
        page.close()
    assert problems == []


def fragment(file: str, line: int) -> str:
    return "#" + quote(file, safe="/") + ":" + str(line)


def scan_both(directory: Path, tmp: Path) -> tuple[dict, Path]:
    """One scan, written as JSON and as HTML, so both show the same run."""
    from goalloc.app.scan import ScanOptions, scan_module
    from goalloc.report import scan_json
    from goalloc.report.html import render_scan

    result = scan_module(ScanOptions(str(directory), ["./..."], use_cache=False))
    doc = json.loads(scan_json.render(result, result.sites))
    out = tmp / "report.html"
    out.write_text(render_scan(result, result.sites), encoding="utf-8")
    return doc, out


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    try:
        return scan_both(Path(example_dir()), tmp_path_factory.mktemp("html-example"))
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")


def heap_sites(doc) -> list[dict]:
    return [s for s in doc["sites"] if s["verdict"] == "heap"]


def test_fix_first_list_and_tree_counts_match_scan_json(pages, example_report):
    doc, path = example_report
    page = pages(path)
    p = page.open()
    heap = heap_sites(doc)
    assert len(heap) >= 10
    assert p.text_content("#fixfirst-count") == str(doc["summary"]["heap"])
    assert p.locator("li.site-row").count() == min(len(heap), 100)
    # Allocating sites come before the ones that allocate nothing at run time.
    rows = p.locator("li.site-row")
    free_flags = [rows.nth(i).locator(".badge.free").count() > 0 for i in range(rows.count())]
    assert free_flags == sorted(free_flags)
    for pkg, n in doc["summary"]["by_package"].items():
        node = p.locator(f'[data-tree-package="{pkg}"]')
        assert node.get_attribute("data-heap") == str(n)
    for file, n in Counter(s["file"] for s in heap).items():
        assert p.locator(f'[data-tree-file="{file}"]').get_attribute("data-heap") == str(n)


def test_source_view_marks_every_site_of_the_file(pages, example_report):
    doc, path = example_report
    file = heap_sites(doc)[0]["file"]
    in_file = [s for s in doc["sites"] if s["file"] == file]
    page = pages(path)
    p = page.open(file, in_file[0]["line"])
    assert p.text_content("#source-file") == file
    assert p.text_content("#source-heap") == f"{sum(s['verdict'] == 'heap' for s in in_file)} heap"
    assert p.locator(".site-card").count() == len(in_file)
    marked = {int(x) for x in p.locator(".code-line.heap, .code-line.free").evaluate_all(
        "els => els.map(e => e.dataset.line)")}
    assert marked == {s["line"] for s in in_file if s["verdict"] == "heap"}
    with open(os.path.join(example_dir(), file), encoding="utf-8") as fh:
        assert p.locator(".code-line").count() == len(fh.read().split("\n"))


def test_filter_click_changes_the_list(pages, example_report):
    doc, path = example_report
    cause, n = next(iter(doc["summary"]["by_cause"].items()))
    page = pages(path)
    p = page.open()
    before = p.locator("li.site-row").count()
    p.click(f'button[data-filter="cause"][data-value="{cause}"]')
    assert p.get_attribute(f'button[data-filter="cause"][data-value="{cause}"]',
                           "aria-pressed") == "true"
    assert p.text_content("#fixfirst-count") == str(n)
    assert p.locator("li.site-row").count() == n < before
    badges = p.locator("li.site-row").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('.badge')).map(b => b.textContent))")
    assert all(cause in b for b in badges)
    # A second dimension narrows further; clearing brings everything back.
    kind = Counter(s["kind"] for s in heap_sites(doc) if s["cause"] == cause).most_common(1)[0]
    p.click(f'button[data-filter="kind"][data-value="{kind[0]}"]')
    assert p.text_content("#fixfirst-count") == str(kind[1])
    p.click("#clear-filters")
    assert p.locator("li.site-row").count() == before
    # Search by function name.
    fn = heap_sites(doc)[0]["function"]
    p.fill("#search", fn)
    expected = sum(1 for s in heap_sites(doc) if fn.lower() in "\n".join(
        [s["expr"], s["function"], s["file"], s["package"], s["cause"] or "", s["kind"],
         s["explanation"], s["suggestion"]]).lower())
    assert p.text_content("#fixfirst-count") == str(expected)


def test_deep_link_opens_its_line_and_survives_reload(pages, example_report):
    doc, path = example_report
    site = heap_sites(doc)[-1]
    page = pages(path)
    p = page.open(site["file"], site["line"])
    target = p.locator(".code-line.target")
    assert target.count() == 1 and target.get_attribute("data-line") == str(site["line"])
    assert target.is_visible() and target.evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    p.reload()
    p.wait_for_selector(".code-line.target")
    assert p.get_attribute(".code-line.target", "data-line") == str(site["line"])


def test_why_and_fix_one_click_from_the_first_screen(pages, example_report):
    doc, path = example_report
    page = pages(path)
    p = page.open()
    row = p.locator("li.site-row").first
    index = row.get_attribute("data-site")
    site = doc["sites"][int(index)]
    row.locator(".where a").click()
    card = p.locator(f"#site-{index}")
    card.wait_for()
    assert card.evaluate("e => e.open")
    text = card.text_content()
    assert "Why" in text and site["explanation"] in text
    assert "Fix" in text and site["suggestion"] in text
    # The compiler's flow is one more click away.
    if site["flow"]:
        card.locator("details.flow > summary").click()
        assert card.locator("details.flow li").count() >= len(site["flow"])
    # Back to the overview with the keyboard.
    p.keyboard.press("Escape")
    p.wait_for_selector("#fixfirst")


def test_growth_picture_of_a_slice_site(pages, example_report):
    doc, path = example_report
    page = pages(path)
    p = page.open()
    data = json.loads(p.text_content("#goalloc-data"))
    with_growth = [s for s in data["sites"] if s["growth"] is not None]
    assert with_growth, "the example has slice and map sites the models can draw"
    site = with_growth[0]
    picture = data["growth"][site["growth"]]
    page.open(site["file"], site["line"])
    card = p.locator(f"#site-{site['id']}")
    card.locator("details.growth > summary").click()
    card.locator("details.growth svg.chart").wait_for()  # drawn on the toggle event
    assert card.locator("details.growth svg.chart").count() == 1
    assert card.locator("details.growth svg circle").count() == len(
        [st for st in picture["steps"] if picture["kind"] == "map" or st[2] > 0])


def test_hostile_module_stays_text(pages, tmp_path):
    try:
        doc, path = scan_both(HOSTILE, tmp_path)
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    raw = path.read_text(encoding="utf-8")
    # The two script elements are the only places '</script' appears: the data block holds
    # none, whatever the scanned code says.
    assert raw.lower().count("</script") == 2
    assert "<img" not in raw and "\u2028" not in raw and "\u2029" not in raw
    hostile_file = next(s["file"] for s in doc["sites"])
    assert "<img" in hostile_file
    page = pages(path)
    p = page.open()
    assert p.locator("li.site-row").count() == len(heap_sites(doc))
    p.locator("li.site-row .where a").first.click()
    p.wait_for_selector(".code-line.target")
    for box in p.locator("details").all():
        box.evaluate("d => d.open = true")
    p.wait_for_timeout(100)
    code = p.locator(".code").text_content()
    assert "</script><script>alert('x')</script>" in code
    assert "<img src=x onerror=alert(4)>" in code and "ünïcødé \u2028 ☃ \u2029" in code
    assert p.text_content("#source-file") == hostile_file
    assert '"</script><img src=x onerror=alert(6)>" + v' in "".join(
        p.locator(".notes").all_text_contents())
    assert p.locator("img").count() == 0
    assert p.locator("script").count() == 2
    # Deep link to the hostile file name itself, and the tree link to it.
    page.open(hostile_file, 18)
    assert p.get_attribute(".code-line.target", "data-line") == "18"
    page.open()
    p.locator("[data-tree-file] a").first.click()
    assert p.text_content("#source-file") == hostile_file


@pytest.fixture(scope="module")
def example_profile(tmp_path_factory):
    """A memory profile of the example's benchmarks, measured now."""
    from goalloc.collect.toolchain import find_toolchain

    try:
        tc = find_toolchain()
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    tmp = tmp_path_factory.mktemp("html-profile")
    module = tmp / "example"
    shutil.copytree(example_dir(), module)
    mem = tmp / "mem.out"
    run = tc.run(["test", "-run", "^$", "-bench", ".", "-benchtime", "100x",
                  "-memprofile", str(mem), "-memprofilerate", "1", "./shop"], cwd=module)
    assert run.returncode == 0, run.stderr
    return module, mem


def test_profile_flame_graph_links_to_source(pages, example_profile, tmp_path):
    module, mem = example_profile
    out = tmp_path / "profile.html"
    assert main(["profile", "-C", str(module), str(mem), "--format", "html", "-o", str(out),
                 "--no-progress"]) == 0
    page = pages(out)
    p = page.open(view="flame")
    data = json.loads(p.text_content("#goalloc-data"))
    assert data["flame"]["total"] > 0
    assert p.locator("#flame g").count() == len(data["flame"]["nodes"])
    linked = p.locator("#flame g.linked")
    assert linked.count() >= 1
    node = linked.first
    file, line = node.get_attribute("data-file"), node.get_attribute("data-line")
    node.focus()
    p.keyboard.press("Enter")
    p.wait_for_selector(".code-line.target")
    assert p.text_content("#source-file") == file
    assert p.get_attribute(".code-line.target", "data-line") == line
    # The measured table on the overview names the heaviest line.
    page.open()
    assert p.locator("tr.measured-row").count() == min(len(data["measured"]), 30)


def test_gctrace_heap_over_time(pages, tmp_path):
    from goalloc.collect.toolchain import find_toolchain

    try:
        tc = find_toolchain()
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    binary = tmp_path / "gcprog"
    assert tc.run(["build", "-o", str(binary), "."], cwd=GCPROG).returncode == 0
    env = dict(os.environ, GODEBUG="gctrace=1", GOMAXPROCS="2")
    proc = subprocess.run([str(binary)], env=env, text=True, capture_output=True, timeout=60)
    log = tmp_path / "gc.log"
    log.write_text(proc.stderr[: proc.stderr.rfind("\n") + 1])
    out = tmp_path / "gc.html"
    assert main(["gctrace", str(log), "--format", "html", "-o", str(out)]) == 0
    page = pages(out)
    p = page.open(view="gc")
    data = json.loads(p.text_content("#goalloc-data"))
    points = data["gc"]["series"][0]["points"]
    assert len(points) == data["meta"]["cycles"] >= 2 or len(data["gc"]["series"]) > 1
    line = p.locator("#gc-1 polyline").first
    assert len(line.get_attribute("points").split()) == len(points)


def test_scan_command_writes_html(tmp_path, capsys):
    out = tmp_path / "r.html"
    try:
        code = main(["scan", "--example", "--format", "html", "-o", str(out), "--no-progress"])
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and 'id="goalloc-data"' in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


def test_script_json_escapes_what_ends_a_script():
    from goalloc.report.html import script_json

    text = script_json({"a": "</script><!--&\u2028\u2029'\""})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!--&\u2028\u2029'\""}


def test_verify_report_puts_measured_sites_first(pages, tmp_path):
    out = tmp_path / "verify.html"
    try:
        code = main(["verify", "--example", "--benchtime", "20x", "--format", "html", "-o",
                     str(out), "--no-progress"])
    except GoallocError as exc:
        pytest.skip(f"no Go toolchain: {exc}")
    assert code == 0
    page = pages(out)
    p = page.open()
    data = json.loads(p.text_content("#goalloc-data"))
    assert data["measured"] and p.locator("tr.measured-row").count() == min(
        len(data["measured"]), 30)
    measured_sites = [s for s in data["sites"] if s["measured"] and s["verdict"] == "heap"]
    heaviest = max(measured_sites, key=lambda s: s["measured"][0])
    first = p.locator("li.site-row").first
    assert first.get_attribute("data-site") == str(heaviest["id"])
    assert "measured" in first.text_content()


def test_growth_model_reads_the_code_not_the_fix():
    """An `append` site takes its type from the finding's message, whose make() is the fix:
    the picture is of the code as it is (growing from nil), a sized make is drawn as sized."""
    from goalloc.escape.model import Site
    from goalloc.report.html.viewmodel import GrowthModels

    models = GrowthModels("1.27")
    append = Site("p", "f.go", 3, 9, "F", "append", "slice", "heap", "returned")
    fix = ("this loop appends len(xs) times to ids ([]int64): make([]int64, 0, len(xs)) saves",)
    grown = models.for_site(append, "ids = append(ids, x)", 1000, fix)
    assert grown["type"] == "[]int64" and grown["start"] == 0 and grown["allocations"] > 5
    sized = Site("p", "f.go", 2, 9, "F", "make([]int64, 0, len(xs))", "slice", "heap", "returned")
    one = models.for_site(sized, "ids := make([]int64, 0, len(xs))", 1000)
    assert one["allocations"] == 1 and 8000 <= one["bytes"] < 9000  # one size class up
    hinted = Site("p", "f.go", 2, 9, "F", "make(map[string]*T, 64)", "map", "heap", "returned")
    assert models.for_site(hinted, "", 1000)["start"] == 64
