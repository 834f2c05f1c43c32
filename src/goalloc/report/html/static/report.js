(function () {
  "use strict";
  // Every string below comes from the scanned code or the profile: it is only ever put into
  // the page as a text node or an attribute value, never parsed as markup.
  var DATA = JSON.parse(document.getElementById("goalloc-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var LIST_PAGE = 100;
  var main = document.getElementById("main");

  function add(node, kids) {
    for (var i = 0; i < kids.length; i++) {
      var k = kids[i];
      if (k === null || k === undefined || k === false) continue;
      if (Array.isArray(k)) { add(node, k); continue; }
      node.appendChild(typeof k === "object" ? k : document.createTextNode(String(k)));
    }
    return node;
  }
  function setAttrs(node, attrs) {
    for (var key in attrs || {}) {
      var v = attrs[key];
      if (v === null || v === undefined || v === false) continue;
      if (key === "class") node.setAttribute("class", v);
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), v);
      else node.setAttribute(key, v === true ? "" : String(v));
    }
    return node;
  }
  function el(tag, attrs) {
    return add(setAttrs(document.createElement(tag), attrs), Array.prototype.slice.call(arguments, 2));
  }
  function sv(tag, attrs) {
    return add(setAttrs(document.createElementNS(SVGNS, tag), attrs), Array.prototype.slice.call(arguments, 2));
  }
  function bytes(n) {
    if (n === null || n === undefined) return "";
    var units = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0, v = Math.abs(n);
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (n < 0 ? "-" : "") + (i ? v.toFixed(v < 10 ? 1 : 0) : String(v)) + " " + units[i];
  }
  function num(n) { return Number(n).toLocaleString("en-US"); }

  // ------------------------------------------------------------------ links and state
  function hashFor(file, line) {
    return "#" + encodeURIComponent(file).replace(/%2F/g, "/") + ":" + line;
  }
  function parseHash() {
    var raw = location.hash.slice(1);
    var text;
    try { text = decodeURIComponent(raw); } catch (e) { text = raw; }
    if (!text || text === "overview") return { view: "overview" };
    if (text === "flame" || text === "gc" || text === "measured") return { view: text };
    var m = /^(.*):(\d+)$/.exec(text);
    if (m && Object.prototype.hasOwnProperty.call(DATA.files, m[1])) {
      return { view: "source", file: m[1], line: parseInt(m[2], 10) };
    }
    return { view: "overview", missing: text };
  }

  var sites = DATA.sites;
  var findings = DATA.findings;
  var byLine = {};      // "file\u0000line" -> [site]
  var copiesOf = {};    // origin "file\u0000line\u0000col" -> [inlined copy]
  sites.forEach(function (s) {
    var k = s.file + "\u0000" + s.line;
    (byLine[k] = byLine[k] || []).push(s);
    if (s.origin) {
      var o = s.origin.join("\u0000");
      (copiesOf[o] = copiesOf[o] || []).push(s);
    }
  });
  var findingsByLine = {};
  findings.forEach(function (f) {
    var k = f.file + "\u0000" + f.line;
    (findingsByLine[k] = findingsByLine[k] || []).push(f);
  });
  function rulesOf(s) {
    var r = s.findings.map(function (i) { return findings[i].rule; });
    return r.length ? r : ["(none)"];
  }
  var DIMENSIONS = [
    { key: "cause", label: "Cause", values: function (s) { return [s.cause || "other"]; } },
    { key: "kind", label: "Kind", values: function (s) { return [s.kind]; } },
    { key: "priority", label: "Priority", values: function (s) { return [s.priority || "(none)"]; } },
    { key: "package", label: "Package", values: function (s) { return [s.package]; } },
    { key: "rule", label: "Rule", values: rulesOf }
  ];
  var state = { filters: {}, search: "", shown: LIST_PAGE };
  DIMENSIONS.forEach(function (d) { state.filters[d.key] = {}; });

  function matches(s) {
    for (var i = 0; i < DIMENSIONS.length; i++) {
      var d = DIMENSIONS[i], chosen = state.filters[d.key];
      if (!Object.keys(chosen).length) continue;
      if (!d.values(s).some(function (v) { return chosen[v]; })) return false;
    }
    if (state.search) {
      var q = state.search.toLowerCase();
      var hay = [s.expr, s.function, s.file, s.package, s.cause || "", s.kind, s.explanation,
                 s.suggestion].join("\n").toLowerCase();
      if (hay.indexOf(q) < 0) return false;
    }
    return true;
  }

  // ------------------------------------------------------------------ shared pieces
  function verdictBadge(s) {
    if (s.verdict === "heap" && s.free) return el("span", { class: "badge free", title: s.note }, "heap, free");
    return el("span", { class: "badge " + s.verdict }, s.verdict);
  }
  function siteBadges(s) {
    return [verdictBadge(s), el("span", { class: "badge" }, s.kind),
      s.cause ? el("span", { class: "badge" }, s.cause) : null,
      s.priority ? el("span", { class: "badge prio-" + s.priority }, "priority " + s.priority) : null,
      s.runtime_cost ? el("span", { class: "badge" }, "runtime cost " + s.runtime_cost) : null,
      s.measured ? el("span", { class: "badge heap" }, "measured " + bytes(s.measured[0])) : null];
  }
  function siteLink(s, text) {
    return el("a", { href: hashFor(s.file, s.line) }, text || (s.file + ":" + s.line + ":" + s.col));
  }

  function renderSummary() {
    var box = document.getElementById("summary");
    var m = DATA.meta, parts = [];
    function item(label, value) { parts.push(el("span", null, label + " ", el("b", null, value))); }
    if (DATA.mode === "gctrace") {
      item("collections", num(m.cycles)); item("source", m.source);
    } else {
      var heap = sites.filter(function (s) { return s.verdict === "heap"; });
      item("sites", num(sites.length)); item("heap", num(heap.length));
      item("stack", num(sites.length - heap.length));
      item("free heap", num(heap.filter(function (s) { return s.free; }).length));
      item("findings", num(findings.length));
      if (m.go) item("Go", m.go);
      if (m.totals && m.sample_type) item(m.sample_type, num(m.totals[m.sample_type] || 0));
      if (m.totals && m.totals.alloc_space !== undefined && DATA.mode === "verify") item("measured", bytes(m.totals.alloc_space));
      if (m.failed_packages && m.failed_packages.length) item("packages that do not compile", num(m.failed_packages.length));
    }
    add(box, parts);
  }

  function renderTabs(current) {
    var tabs = document.getElementById("tabs");
    tabs.textContent = "";
    var list = [];
    if (DATA.mode !== "gctrace") list.push(["#", "Overview", "overview"]);
    if (DATA.flame) list.push(["#flame", "Flame graph", "flame"]);
    if (DATA.gc) list.push(["#gc", "Heap over time", "gc"]);
    if (current.view === "source") list.push([hashFor(current.file, current.line), current.file.split("/").pop(), "source"]);
    list.forEach(function (t) {
      tabs.appendChild(el("a", { href: t[0], "aria-current": t[2] === current.view ? "page" : null }, t[1]));
    });
  }

  // ------------------------------------------------------------------ overview
  function renderFilters(box) {
    box.textContent = "";
    var heap = sites.filter(function (s) { return s.verdict === "heap"; });
    DIMENSIONS.forEach(function (d) {
      var counts = {};
      heap.forEach(function (s) { d.values(s).forEach(function (v) { counts[v] = (counts[v] || 0) + 1; }); });
      var values = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
      var group = el("div", { class: "group", role: "group", "aria-label": "Filter by " + d.label });
      group.appendChild(el("h3", null, d.label));
      if (d.key === "priority" && values.length === 1 && values[0] === "(none)") {
        group.appendChild(el("div", { class: "muted" }, "no priorities in this report"));
        box.appendChild(group);
        return;
      }
      var chips = el("div", { class: "chips" });
      values.forEach(function (v) {
        var on = !!state.filters[d.key][v];
        chips.appendChild(el("button", {
          class: "chip", type: "button", "aria-pressed": on ? "true" : "false",
          "data-filter": d.key, "data-value": v, title: v,
          onclick: function () {
            if (state.filters[d.key][v]) delete state.filters[d.key][v]; else state.filters[d.key][v] = true;
            state.shown = LIST_PAGE;
            renderFilters(box); renderList();
          }
        }, v, el("span", { class: "n" }, String(counts[v]))));
      });
      group.appendChild(chips);
      box.appendChild(group);
    });
    var any = DIMENSIONS.some(function (d) { return Object.keys(state.filters[d.key]).length; });
    if (any) {
      box.appendChild(el("button", { class: "link", type: "button", id: "clear-filters", onclick: function () {
        DIMENSIONS.forEach(function (d) { state.filters[d.key] = {}; });
        renderFilters(box); renderList();
      } }, "Clear filters"));
    }
  }

  function listRow(s, position) {
    var fs = s.findings.map(function (i) { return findings[i]; });
    var fix = fs.length && fs[0].fix ? fs[0].fix : s.suggestion;
    return el("li", { class: "site-row", "data-site": s.id },
      el("span", { class: "rank" }, String(position + 1)),
      el("div", { class: "where" }, siteLink(s), " ", el("span", { class: "muted" }, "in " + s.function)),
      el("div", null, el("code", null, s.expr), " ", siteBadges(s),
        fs.map(function (f) { return el("span", { class: "badge" }, f.rule); })),
      el("div", { class: "why" }, s.free ? s.note : s.explanation),
      fix ? el("div", { class: "fix" }, "Fix: " + fix) : null);
  }

  function renderList() {
    var holder = document.getElementById("fixfirst");
    if (!holder) return;
    var order = DATA.order.map(function (i) { return sites[i]; }).filter(matches);
    document.getElementById("fixfirst-count").textContent = num(order.length);
    holder.textContent = "";
    order.slice(0, state.shown).forEach(function (s, i) { holder.appendChild(listRow(s, i)); });
    var more = document.getElementById("fixfirst-more");
    more.textContent = "";
    if (order.length > state.shown) {
      more.appendChild(el("button", { class: "link", type: "button", onclick: function () {
        state.shown += LIST_PAGE * 5; renderList();
      } }, "Show more (" + num(order.length - state.shown) + " left)"));
    }
  }

  function firstLine(file) {
    var best = null;
    sites.forEach(function (s) {
      if (s.file === file && (best === null || (s.verdict === "heap" && best.verdict !== "heap") ||
          (s.verdict === best.verdict && s.line < best.line))) best = s;
    });
    return best ? best.line : 1;
  }
  function countSpan(node) {
    return el("span", { class: "count" }, el("span", { class: "h" }, num(node.heap) + " heap"), " · " + num(node.stack) + " stack");
  }
  function renderTree() {
    var root = el("ul");
    DATA.tree.forEach(function (mod, mi) {
      var pkgs = el("ul");
      mod.packages.forEach(function (pkg) {
        var files = el("ul");
        pkg.files.forEach(function (f) {
          files.appendChild(el("li", { "data-tree-file": f.name, "data-heap": f.heap },
            el("a", { href: hashFor(f.name, firstLine(f.name)) }, f.name.split("/").pop()), countSpan(f)));
        });
        pkgs.appendChild(el("li", { "data-tree-package": pkg.name, "data-heap": pkg.heap },
          el("details", { open: mod.packages.length <= 8 ? true : null },
            el("summary", null, pkg.name, countSpan(pkg)), files)));
      });
      root.appendChild(el("li", { "data-tree-module": mod.name, "data-heap": mod.heap },
        el("details", { open: true }, el("summary", null, el("b", null, mod.name), countSpan(mod)), pkgs)));
    });
    return el("nav", { class: "tree", id: "tree", "aria-label": "Modules, packages and files" }, root);
  }

  function renderMeasured() {
    if (!DATA.measured || !DATA.measured.length) return null;
    var rows = DATA.measured.slice(0, 30).map(function (m) {
      var s = m.site !== null ? sites[m.site] : null;
      var files = DATA.files;
      var where = Object.prototype.hasOwnProperty.call(files, m.file)
        ? el("a", { href: hashFor(m.file, m.line) }, m.file + ":" + m.line) : (m.file + ":" + m.line);
      return el("tr", { class: "measured-row" },
        el("td", { class: "num" }, bytes(m.bytes)), el("td", { class: "num" }, num(m.objects)),
        el("td", { class: "num" }, (m.share * 100).toFixed(1) + "%"),
        el("td", null, where), el("td", null, m.function),
        el("td", null, m.kind + (m.callee ? " via " + m.callee : "")),
        el("td", null, s ? (s.cause || s.verdict) : ""));
    });
    return el("section", null, el("h2", null, "Measured allocations"),
      el("table", { class: "measured" },
        el("thead", null, el("tr", null, el("th", { class: "num" }, "bytes"), el("th", { class: "num" }, "objects"),
          el("th", { class: "num" }, "share"), el("th", null, "where"), el("th", null, "function"),
          el("th", null, "kind"), el("th", null, "cause"))),
        el("tbody", null, rows)));
  }

  function renderOverview(route) {
    var filters = el("aside", { class: "filters", id: "filters", "aria-label": "Filters" });
    var heapCount = sites.filter(function (s) { return s.verdict === "heap"; }).length;
    var content = el("section", { class: "list" },
      route.missing ? el("p", { class: "muted" }, "No file " + route.missing + " in this report.") : null,
      DATA.mode === "profile" && !DATA.meta.scanned ? el("p", { class: "muted" },
        "No escape sites: run goalloc profile with -C DIR to link the measured lines to the compiler's decisions.") : null,
      renderMeasured(),
      el("h2", null, "Fix first: ", el("span", { id: "fixfirst-count" }, ""), " of " + num(heapCount) + " heap sites"),
      el("ol", { class: "fixfirst", id: "fixfirst" }),
      el("div", { class: "more", id: "fixfirst-more" }));
    var side = el("div", null, filters, el("h2", null, "Packages"), renderTree());
    main.appendChild(el("div", { class: "overview" }, side, content));
    renderFilters(filters);
    renderList();
  }

  // ------------------------------------------------------------------ source view
  function definitionList(pairs) {
    var dl = el("dl");
    pairs.forEach(function (p) { if (p[1] !== null && p[1] !== undefined && p[1] !== "" && !(Array.isArray(p[1]) && !p[1].length)) add(dl, [el("dt", null, p[0]), el("dd", null, p[1])]); });
    return dl;
  }
  function findingBlock(f) {
    var est = f.estimate;
    var cost = est ? ("at n=" + num(est.n) + ": " + num(est.before.allocations) + " allocations, " + bytes(est.before.bytes) +
      (est.after ? " → " + num(est.after.allocations) + " allocations, " + bytes(est.after.bytes) + " after the fix" : "")) : null;
    return el("div", { class: "finding" }, el("b", null, f.rule), ": " + f.message,
      f.replacement ? el("div", null, "Replace with ", el("code", null, f.replacement)) : null,
      cost ? el("div", { class: "muted" }, cost) : null);
  }
  function flowBlock(s) {
    if (!s.flow.length) return null;
    var ol = el("ol");
    var lastHeader = null;
    s.flow.forEach(function (st) {
      if (st[5] !== lastHeader) { lastHeader = st[5]; ol.appendChild(el("li", { class: "muted" }, "flow: " + st[5])); }
      ol.appendChild(el("li", null, Object.prototype.hasOwnProperty.call(DATA.files, st[0])
        ? el("a", { href: hashFor(st[0], st[1]) }, st[0] + ":" + st[1] + ":" + st[2]) : st[0] + ":" + st[1] + ":" + st[2],
        " (" + st[3] + ") ", el("code", null, st[4])));
    });
    return el("details", { class: "flow" }, el("summary", null, "The compiler's flow (" + s.flow.length + " steps)"), ol);
  }
  function growthBlock(s) {
    if (s.growth === null) return null;
    var g = DATA.growth[s.growth];
    var box = el("details", { class: "growth" }, el("summary", null,
      "Growth of " + g.type + " to " + num(g.n) + (g.kind === "map" ? " entries" : " elements") +
      " (Go " + g.go + "): " + num(g.allocations) + " allocations, " + bytes(g.bytes)));
    box.addEventListener("toggle", function () {
      if (box.open && box.childNodes.length === 1) box.appendChild(g.kind === "map" ? mapChart(g) : sliceChart(g));
    });
    return box;
  }
  function copiesBlock(s) {
    var copies = copiesOf[[s.file, s.line, s.col].join("\u0000")] || [];
    if (!copies.length) return null;
    return el("div", { class: "copies" }, "Inlined copies (" + copies.length + "): ",
      copies.map(function (c, i) { return [i ? ", " : "", siteLink(c, c.file + ":" + c.line + " in " + c.function), " (" + c.verdict + ")"]; }));
  }
  function siteCard(s, open) {
    var fs = s.findings.map(function (i) { return findings[i]; });
    var calls = s.runtime_calls.map(function (c) { return c.runtime + (c.in_loop ? " (in a loop)" : ""); }).join(", ");
    return el("details", { class: "site-card " + s.verdict + (matches(s) ? "" : " filtered-out"), id: "site-" + s.id, open: open ? true : null, "data-site": s.id },
      el("summary", null, siteBadges(s), " ", el("code", null, s.expr), el("span", { class: "muted" }, " col " + s.col + " in " + s.function)),
      definitionList([
        ["Why", s.explanation], ["Fix", s.suggestion], ["Fix kind", s.fix_kind],
        ["Priority", s.priority ? [s.priority, s.priority_reasons.length ? " — " + s.priority_reasons.join("; ") : ""] : null],
        ["Runtime cost", s.runtime_cost], ["Runtime calls", calls],
        ["Measured", s.measured ? bytes(s.measured[0]) + " in " + num(s.measured[1]) + " objects" : null],
        ["Note", s.note], ["Compiler", s.diagnostic],
        ["Inlined", s.inlined_from ? ["copy of ", s.inlined_from, s.origin ? [" from ",
          Object.prototype.hasOwnProperty.call(DATA.files, s.origin[0]) ? el("a", { href: hashFor(s.origin[0], s.origin[1]) }, s.origin.join(":")) : s.origin.join(":")] : null] : null],
        ["Findings", fs.length ? fs.map(findingBlock) : null]
      ]),
      copiesBlock(s), flowBlock(s), growthBlock(s));
  }

  function renderSource(route) {
    var text = DATA.files[route.file];
    var fileSites = sites.filter(function (s) { return s.file === route.file; });
    var heap = fileSites.filter(function (s) { return s.verdict === "heap"; }).length;
    main.appendChild(el("div", { class: "source-head" },
      el("h2", { id: "source-file" }, route.file),
      el("span", { class: "count" }, el("span", { class: "h", id: "source-heap" }, num(heap) + " heap"), " · " + num(fileSites.length - heap) + " stack"),
      fileSites.length ? el("span", { class: "muted" }, fileSites[0].package) : null));
    if (text === null) {
      main.appendChild(el("p", { class: "muted" }, "The source of this file could not be read when the report was written."));
      fileSites.forEach(function (s) { main.appendChild(siteCard(s, s.line === route.line)); });
      return;
    }
    var code = el("div", { class: "code", role: "list" });
    var lines = text.split("\n");
    var target = null;
    for (var i = 0; i < lines.length; i++) {
      var n = i + 1, key = route.file + "\u0000" + n;
      var here = byLine[key] || [];
      var cls = "code-line";
      var mark = "";
      if (here.length) {
        var heapHere = here.filter(function (s) { return s.verdict === "heap"; });
        var costly = heapHere.filter(function (s) { return !s.free; });
        cls += costly.length ? " heap" : heapHere.length ? " free" : " stack";
        mark = costly.length ? "●" : heapHere.length ? "◐" : "○";
      }
      if (n === route.line) cls += " target";
      var row = el("div", { class: cls, id: "L" + n, "data-line": n, role: "listitem" },
        el("a", { class: "num", href: hashFor(route.file, n), "aria-label": "line " + n }, String(n)),
        el("span", { class: "mark", title: here.length ? here.map(function (s) { return s.verdict + " " + s.kind; }).join(", ") : null }, mark),
        el("code", null, lines[i]));
      code.appendChild(row);
      if (n === route.line) target = row;
      var lineFindings = (findingsByLine[key] || []).filter(function (f) {
        return !here.some(function (s) { return s.findings.indexOf(f.id) >= 0; });
      });
      if (here.length || lineFindings.length) {
        code.appendChild(el("div", { class: "notes", "data-notes": n },
          here.map(function (s) { return siteCard(s, n === route.line); }),
          lineFindings.map(findingBlock)));
      }
    }
    main.appendChild(code);
    if (target) {
      target.scrollIntoView({ block: "center" });
      var link = target.querySelector("a.num");
      if (link) link.focus({ preventScroll: true });
    }
  }

  // ------------------------------------------------------------------ charts
  function axes(g, w, h, pad, xmax, ymax, xlabel, yfmt) {
    g.appendChild(sv("line", { class: "axis", x1: pad.l, y1: h - pad.b, x2: w - pad.r, y2: h - pad.b }));
    g.appendChild(sv("line", { class: "axis", x1: pad.l, y1: pad.t, x2: pad.l, y2: h - pad.b }));
    for (var i = 0; i <= 4; i++) {
      var yv = ymax * i / 4, y = h - pad.b - (h - pad.t - pad.b) * i / 4;
      g.appendChild(sv("text", { x: pad.l - 4, y: y + 4, "text-anchor": "end" }, yfmt(yv)));
      var xv = xmax * i / 4, x = pad.l + (w - pad.l - pad.r) * i / 4;
      g.appendChild(sv("text", { x: x, y: h - pad.b + 14, "text-anchor": "middle" }, xv >= 100 ? num(Math.round(xv)) : String(Math.round(xv * 100) / 100)));
    }
    g.appendChild(sv("text", { x: w - pad.r, y: h - 2, "text-anchor": "end" }, xlabel));
  }
  function sliceChart(g) {
    var w = 640, h = 220, pad = { l: 60, r: 12, t: 12, b: 30 };
    var steps = g.steps.filter(function (s) { return s[2] > 0; });
    var xmax = Math.max(g.n, 1), ymax = Math.max(g.final, 1);
    var X = function (v) { return pad.l + (w - pad.l - pad.r) * v / xmax; };
    var Y = function (v) { return h - pad.b - (h - pad.t - pad.b) * v / ymax; };
    var svg = sv("svg", { class: "chart", viewBox: "0 0 " + w + " " + h, role: "img",
      "aria-label": "capacity of " + g.type + " as it grows to " + g.n + " elements" });
    axes(svg, w, h, pad, xmax, ymax, "len (elements appended)", function (v) { return num(Math.round(v)); });
    var pts = [[0, g.start]];
    steps.forEach(function (s) { pts.push([s[0], s[1]]); pts.push([s[0], s[2]]); });
    pts.push([g.n, g.final]);
    svg.appendChild(sv("polyline", { class: "cap", points: pts.map(function (p) { return X(p[0]) + "," + Y(p[1]); }).join(" ") }));
    steps.forEach(function (s) {
      svg.appendChild(sv("circle", { class: "dot", cx: X(s[0]), cy: Y(s[2]), r: 3 },
        sv("title", null, "at len " + num(s[0]) + ": cap " + num(s[1]) + " → " + num(s[2]) + ", " + bytes(s[3]) + " allocated")));
    });
    var table = el("table", { class: "steps" }, el("tr", null, el("th", null, "at len"), el("th", null, "cap"), el("th", null, "allocated")));
    steps.forEach(function (s) { table.appendChild(el("tr", null, el("td", null, num(s[0])), el("td", null, num(s[1]) + " → " + num(s[2])), el("td", null, bytes(s[3])))); });
    return el("div", null, svg, el("p", { class: "muted" }, num(g.allocations) + " allocations, " + bytes(g.bytes) +
      " allocated, " + bytes(g.copied) + " copied" + (g.start ? " (capacity " + num(g.start) + " given at make)." :
      "; make it with capacity " + num(g.n) + " for one allocation.")), table);
  }
  function mapChart(g) {
    var w = 640, h = 220, pad = { l: 60, r: 12, t: 12, b: 30 };
    var total = 0, pts = [[0, 0]];
    g.steps.forEach(function (s) { total += s[3]; pts.push([s[0], total]); });
    var xmax = Math.max(g.n, 1), ymax = Math.max(total, 1);
    var X = function (v) { return pad.l + (w - pad.l - pad.r) * v / xmax; };
    var Y = function (v) { return h - pad.b - (h - pad.t - pad.b) * v / ymax; };
    var svg = sv("svg", { class: "chart", viewBox: "0 0 " + w + " " + h, role: "img",
      "aria-label": "bytes allocated by " + g.type + " as it grows to " + g.n + " entries" });
    axes(svg, w, h, pad, xmax, ymax, "entries inserted", bytes);
    var line = [];
    pts.forEach(function (p, i) { if (i) line.push(X(p[0]) + "," + Y(pts[i - 1][1])); line.push(X(p[0]) + "," + Y(p[1])); });
    line.push(X(g.n) + "," + Y(total));
    svg.appendChild(sv("polyline", { class: "cap", points: line.join(" ") }));
    g.steps.forEach(function (s, i) {
      svg.appendChild(sv("circle", { class: "dot", cx: X(s[0]), cy: Y(pts[i + 1][1]), r: 3 },
        sv("title", null, "at " + num(s[0]) + " entries: " + s[1] + ", " + num(s[2]) + " allocations, " + bytes(s[3]))));
    });
    var table = el("table", { class: "steps" }, el("tr", null, el("th", null, "at entries"), el("th", null, "what"), el("th", null, "allocated")));
    g.steps.forEach(function (s) { table.appendChild(el("tr", null, el("td", null, num(s[0])), el("td", null, s[1]), el("td", null, bytes(s[3])))); });
    return el("div", null, svg, el("p", { class: "muted" }, (g.implementation || "") + " map: " + num(g.allocations) +
      " allocations, " + bytes(g.bytes) + " in all" + (g.start ? " (size hint " + num(g.start) + " given at make)." :
      "; a size hint of " + num(g.n) + " allocates the table up front.")), table);
  }

  function renderFlame() {
    var f = DATA.flame;
    var w = 1200, rowH = 18, depth = 0;
    f.nodes.forEach(function (n) { depth = Math.max(depth, n[1]); });
    var h = (depth + 1) * rowH;
    var svg = sv("svg", { class: "flame", id: "flame", viewBox: "0 0 " + w + " " + h, role: "img",
      "aria-label": "allocation icicle graph: callers on top, width is " + f.sample_type });
    var fmt = /bytes/.test(f.unit) ? bytes : num;
    f.nodes.forEach(function (n) {
      var x = n[2] / f.total * w, width = Math.max(n[3] / f.total * w, 0.5), y = n[1] * rowH;
      var name = n[0], file = n[4], line = n[5];
      var cls = /^runtime\./.test(name) ? "rt" : file ? "user" : "std";
      var label = name + (line ? ":" + line : "");
      var shortLabel = name.replace(/^.*\//, "") + (line ? ":" + line : "");
      var g = sv("g", { class: cls + (file ? " linked" : ""), "data-file": file, "data-line": file ? line : null,
        tabindex: file ? 0 : null, role: file ? "link" : null, "aria-label": file ? label + ", " + fmt(n[3]) : null },
        sv("title", null, label + " — " + fmt(n[3]) + " (" + (n[3] / f.total * 100).toFixed(1) + "%)"),
        sv("rect", { x: x, y: y, width: width, height: rowH - 1 }));
      if (width > 36) {
        var chars = Math.floor((width - 6) / 6.6);
        g.appendChild(sv("text", { x: x + 3, y: y + 13 }, shortLabel.length > chars ? shortLabel.slice(0, Math.max(chars - 1, 1)) + "…" : shortLabel));
      }
      if (file) {
        var go = function () { location.hash = hashFor(file, line).slice(1); };
        g.addEventListener("click", go);
        g.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
      }
      svg.appendChild(g);
    });
    main.appendChild(el("h2", null, "Where the measured " + f.sample_type + " was allocated (" + fmt(f.total) + ")"));
    main.appendChild(el("p", { class: "legend muted" },
      el("span", null, el("i", { style: "background: var(--flame-user)" }), "this module (click for the source line)"),
      el("span", null, el("i", { style: "background: var(--flame-std)" }), "other Go code"),
      el("span", null, el("i", { style: "background: var(--flame-rt)" }), "runtime")));
    main.appendChild(svg);
  }

  function renderGC() {
    main.appendChild(el("h2", null, "Heap over time"));
    DATA.gc.series.forEach(function (s) {
      var w = 900, h = 280, pad = { l: 60, r: 12, t: 12, b: 30 };
      var pts = s.points;
      if (!pts.length) return;
      var tmax = Math.max.apply(null, pts.map(function (p) { return p[0]; })) || 1;
      var ymax = Math.max.apply(null, pts.map(function (p) { return Math.max(p[1], p[2], p[3], p[4]); })) || 1;
      var X = function (v) { return pad.l + (w - pad.l - pad.r) * v / tmax; };
      var Y = function (v) { return h - pad.b - (h - pad.t - pad.b) * v / ymax; };
      var svg = sv("svg", { class: "chart gc", id: "gc-" + s.process, viewBox: "0 0 " + w + " " + h, role: "img",
        "aria-label": "heap size over time of process " + s.process });
      axes(svg, w, h, pad, tmax, ymax, "seconds", function (v) { return Math.round(v) + " MB"; });
      [[1, "l1", "heap at start"], [2, "l2", "heap at end"], [3, "l3", "live heap"], [4, "l4", "goal"]].forEach(function (c) {
        svg.appendChild(sv("polyline", { class: c[1], points: pts.map(function (p) { return X(p[0]) + "," + Y(p[c[0]]); }).join(" ") },
          sv("title", null, c[2])));
      });
      main.appendChild(el("h3", null, "process " + s.process + ": " + num(pts.length) + " collections"));
      main.appendChild(svg);
    });
    main.appendChild(el("p", { class: "legend muted" },
      el("span", null, el("i", { style: "background: var(--chart-a)" }), "heap at start of GC"),
      el("span", null, el("i", { style: "background: var(--chart-b)" }), "heap at end"),
      el("span", null, el("i", { style: "background: var(--chart-c)" }), "live heap"),
      el("span", null, el("i", { style: "background: var(--chart-d)" }), "goal")));
    if (DATA.summary_text) main.appendChild(el("pre", { class: "text" }, DATA.summary_text));
  }

  // ------------------------------------------------------------------ router
  function route() {
    var r = parseHash();
    if (DATA.mode === "gctrace" && r.view === "overview") r = { view: "gc" };
    if (r.view === "flame" && !DATA.flame) r = { view: "overview" };
    main.textContent = "";
    renderTabs(r);
    if (r.view === "source") renderSource(r);
    else if (r.view === "flame") renderFlame();
    else if (r.view === "gc") renderGC();
    else { renderOverview(r); window.scrollTo(0, 0); }
    document.body.setAttribute("data-view", r.view);
    // What is on screen, for tests and tools that wait for a view after a hash change.
    document.body.setAttribute("data-route", r.view === "source" ? "source:" + r.file + ":" + r.line : r.view);
  }

  var search = document.getElementById("search");
  if (DATA.mode === "gctrace") search.parentNode.style.display = "none";
  search.addEventListener("input", function () {
    state.search = search.value.trim();
    state.shown = LIST_PAGE;
    if (parseHash().view !== "overview") { location.hash = ""; } else renderList();
  });
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((e.target && e.target.tagName) || "");
    if (e.key === "/" && !typing) { e.preventDefault(); search.focus(); }
    else if (e.key === "Escape" && !typing && location.hash) { location.hash = ""; }
  });
  window.addEventListener("hashchange", route);
  renderSummary();
  route();
})();
