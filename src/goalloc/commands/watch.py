"""goalloc watch: allocation rates of running Go services, per site, with alerts."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading

from goalloc.commands import options
from goalloc.errors import EXIT_POLICY, EXIT_USAGE, UsageError

HELP = "poll running services' heap profiles: allocation rates per site, alerts, Prometheus"

EPILOG = """\
URL is a service serving net/http/pprof (and, for GC figures, expvar): http://HOST:PORT,
HOST:PORT, or NAME=URL to name it. Thresholds come from flags and from goalloc.toml [watch]
(flags win); a rule with threshold 0 is off. See docs/watch.md.

examples:
  goalloc watch localhost:6060                       # live view; Ctrl-C stops
  goalloc watch -C . api=http://10.0.0.5:6060 --interval 5
  goalloc watch localhost:6060 --duration 60 --format json -o watch.json
  goalloc watch localhost:6060 --max-objects-rate 500 --alert-kinds map-make \\
      --incidents incidents/ --on-alert 'logger -t goalloc'
  goalloc watch localhost:6060 --listen 127.0.0.1:9464   # Prometheus /metrics
  goalloc watch --alert-rules > goalloc-rules.yml        # the same thresholds, for Prometheus

with --duration, exit 1 when an alert fired."""

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?)B?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """'512', '64KiB', '10MB', '1.5GiB' -> bytes."""
    m = _SIZE.match(text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (like 1048576, 64KiB, 10MB)")
    value, unit, binary = float(m.group(1)), m.group(2).upper(), m.group(3)
    power = "KMGT".find(unit) + 1 if unit else 0
    return int(value * (1024 if binary or not unit else 1000) ** power)


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {text}")
    return value


def non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def add_http(p) -> None:
    """--header, --timeout, --max-body, --gc: how services are read (watch and canary)."""
    p.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'",
                   help="send this header with every request (repeatable; for pprof behind "
                        "auth). Its value is never printed")
    p.add_argument("--timeout", type=positive, default=5.0, metavar="S",
                   help="seconds for a whole request, body included (default 5)")
    p.add_argument("--max-body", type=parse_size, default=64 << 20, metavar="SIZE",
                   help="largest body read, and largest profile once decompressed "
                        "(default 64MiB)")
    p.add_argument("--gc", action="store_true",
                   help="poll /debug/pprof/heap?gc=1: the service runs a GC before each "
                        "profile, so counts are current (the default /allocs lags up to two "
                        "GC cycles)")
    p.add_argument("-C", "--dir", "--source", dest="source", metavar="DIR",
                   help="the services' module root: source lines, module-relative paths and "
                        "goalloc scan's cause and fix for each site")
    p.add_argument("--no-scan", action="store_true",
                   help="with -C: do not run goalloc scan to link sites to causes and fixes")


def register(subparsers) -> None:
    p = options.add_parser(subparsers, "watch", help=HELP, epilog_text=EPILOG)
    p.add_argument("urls", nargs="*", metavar="URL", help="[NAME=]URL of each service")
    p.add_argument("--interval", type=positive, default=None, metavar="S",
                   help="seconds between polls (default 10, or [watch] interval)")
    p.add_argument("--duration", type=positive, default=None, metavar="S",
                   help="stop after S seconds and print the report (default: until Ctrl-C)")
    options.add_format(p)
    options.add_output(p)
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="sites per service shown (text default 10; json default all)")
    add_http(p)
    p.add_argument("--policy", metavar="FILE",
                   help="policy file (default: goalloc.toml in -C DIR or here, if present)")
    a = p.add_argument_group("alerts (0 switches a rule off)")
    a.add_argument("--max-objects-rate", type=non_negative, metavar="N",
                   help="a site allocating more than N objects/s")
    a.add_argument("--max-bytes-rate", type=parse_size, metavar="SIZE",
                   help="a site allocating more than SIZE bytes/s")
    a.add_argument("--alert-kinds", metavar="KIND[,KIND]",
                   help="the rate rules watch only these kinds (map-make, slice-growth, ...)")
    a.add_argument("--growth", type=non_negative, metavar="K",
                   help="a site at K times its own baseline (default 10)")
    a.add_argument("--baseline", type=positive, metavar="S",
                   help="seconds of that trailing baseline (default 300)")
    a.add_argument("--min-rate", type=non_negative, metavar="N",
                   help="sites below N objects/s never alert for growth (default 100)")
    a.add_argument("--map-inuse-window", type=non_negative, metavar="S",
                   help="a map site whose in-use bytes only grew for S seconds (default off)")
    a.add_argument("--map-inuse-min", type=parse_size, metavar="SIZE",
                   help="... and by at least SIZE (default 1MiB)")
    a.add_argument("--max-gc-cpu", type=non_negative, metavar="X",
                   help="GC CPU fraction above X (default 0.25)")
    a.add_argument("--incidents", metavar="DIR",
                   help="write an incident bundle per alert into DIR (profiles, goroutines, "
                        "stacks, summary)")
    a.add_argument("--on-alert", metavar="CMD",
                   help="run CMD (with sh -c) per alert, the alert as JSON on stdin")
    m = p.add_argument_group("Prometheus")
    m.add_argument("--listen", metavar="HOST:PORT",
                   help="serve /metrics at HOST:PORT (host defaults to 127.0.0.1)")
    m.add_argument("--metrics-top", type=int, default=None, metavar="N",
                   help="sites per service with series of their own (default 20; the rest "
                        "is summed)")
    m.add_argument("--alert-rules", action="store_true",
                   help="print Prometheus alerting rules for these thresholds and exit")
    m.add_argument("--rules-window", type=positive, default=300.0, metavar="S",
                   help="rate() window of those rules in seconds (default 300)")
    m.add_argument("--rules-for", type=non_negative, default=120.0, metavar="S",
                   help="how long a condition holds before the rule fires (default 120)")
    options.add_progress(p)
    options.add_cache(p)
    p.set_defaults(func=run)


def policy_table(args):
    from goalloc import policy

    path = args.policy
    if path is None:
        path = policy.find_policy(args.source or ".")
        if path is None:
            return None
    elif not os.path.isfile(path):
        raise UsageError(f"--policy {path}: no such file")
    return policy.read_table(path, "watch", policy.WATCH_KEYS)


def _off(value):
    return None if value == 0 else value


def thresholds(args, table):
    """The alert thresholds: flags, else [watch] of the policy file, else the defaults."""
    from goalloc.profiles.attribution import MEASURED_KINDS as SITE_KINDS
    from goalloc.watch.model import Thresholds

    d = Thresholds()

    def pick(flag, key, default):
        if flag is not None:
            return flag
        if table is not None and key in table.values:
            return table.values[key]
        return default

    kinds = None
    if args.alert_kinds:
        kinds = tuple(sorted(options.split_list(args.alert_kinds, SITE_KINDS, "kind")))
    elif table is not None and "kinds" in table.values:
        bad = [k for k in table.values["kinds"] if k not in SITE_KINDS]
        if bad:
            raise table.error("kinds", f"unknown kind {', '.join(bad)}; choose from "
                                       f"{', '.join(SITE_KINDS)}")
        kinds = table.values["kinds"]
    objects = pick(args.max_objects_rate, "objects_per_second", d.objects_per_second)
    nbytes = pick(args.max_bytes_rate, "bytes_per_second", d.bytes_per_second)
    return Thresholds(
        objects_per_second=_off(objects), bytes_per_second=_off(nbytes), kinds=kinds,
        growth_factor=_off(pick(args.growth, "growth_factor", d.growth_factor)),
        baseline_seconds=pick(args.baseline, "baseline_seconds", d.baseline_seconds),
        min_objects_per_second=pick(args.min_rate, "min_objects_per_second",
                                    d.min_objects_per_second),
        map_inuse_seconds=_off(pick(args.map_inuse_window, "map_inuse_seconds",
                                    d.map_inuse_seconds)),
        map_inuse_min_bytes=pick(args.map_inuse_min, "map_inuse_min_bytes",
                                 d.map_inuse_min_bytes),
        gc_cpu_fraction=_off(pick(args.max_gc_cpu, "gc_cpu_fraction", d.gc_cpu_fraction)))


def http_settings(args):
    from goalloc.collect.http_poll import HttpSettings, check_headers

    try:
        headers = check_headers(args.header)
    except ValueError as exc:
        raise UsageError(f"--header: {exc}") from None
    return HttpSettings(timeout=args.timeout, max_body=args.max_body, headers=headers)


def check_source(args) -> None:
    if args.source and not os.path.isdir(args.source):
        raise UsageError(f"-C {args.source} is not a directory")


def run(args) -> int:
    from goalloc.report import watch_rules

    table = policy_table(args)
    limits = thresholds(args, table)
    if args.alert_rules:
        if args.urls:
            raise UsageError("--alert-rules prints rules and polls nothing; give no URL")
        timing = watch_rules.RuleTiming(window=args.rules_window, hold=args.rules_for)
        from goalloc.report.output import write_output

        write_output(watch_rules.render(limits, timing), args.output)
        return 0
    if not args.urls:
        raise UsageError("give the URL of at least one service (http://HOST:PORT)")
    if args.top is not None and args.top <= 0:
        raise UsageError("--top must be a positive number")
    options.check_output(args)
    check_source(args)
    opts = watch_options(args, table, limits)
    top_metrics = args.metrics_top or (table.get("metrics_top") if table else None) or 20
    if top_metrics <= 0:
        raise UsageError("--metrics-top must be a positive number")
    return _watch(args, opts, top_metrics)


def watch_options(args, table, limits):
    from goalloc.app.watch import WatchOptions

    interval = args.interval or (table.get("interval") if table else None) or 10.0
    incidents = args.incidents
    if incidents is None and table is not None and table.get("incidents"):
        incidents = os.path.join(os.path.dirname(os.path.abspath(table.path)),
                                 table.get("incidents"))
    on_alert = args.on_alert or (table.get("on_alert") if table else None)
    return WatchOptions(targets=list(args.urls), interval=interval, duration=args.duration,
                        force_gc=args.gc, thresholds=limits, source=args.source,
                        link_scan=not args.no_scan, incidents=incidents, on_alert=on_alert,
                        http=http_settings(args), use_cache=not args.no_cache)


def _watch(args, opts, top_metrics: int) -> int:
    from goalloc.app.watch import watch
    from goalloc.report import watch_json, watch_text
    from goalloc.report.output import write_output
    from goalloc.report.terminal import Terminal

    exporter = None
    if args.listen:
        from goalloc.report.watch_prometheus import Exporter

        exporter = Exporter(args.listen, top_metrics)
        exporter.start()
        print(f"goalloc: serving metrics on http://{exporter.host}:{exporter.port}/metrics",
              file=sys.stderr)
    live = (args.format == "text" and args.output in (None, "-") and sys.stdout.isatty())
    term = Terminal.for_output(args.output)

    def on_event(event) -> None:
        if not live or event.kind != "alert":
            print(watch_text.event_line(event), file=sys.stderr, flush=True)

    def on_poll(result) -> None:
        if exporter is not None:
            exporter.update(result)
        if live:
            sys.stdout.write("\033[H\033[2J" + watch_text.live_text(result, term,
                                                                  args.top or 10))
            sys.stdout.flush()

    # SIGTERM (a pod stopping) ends the watch like Ctrl-C: the report is still written.
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        result = watch(opts, on_poll=on_poll, on_event=on_event,
                       progress=options.progress_for(args))
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        if exporter is not None:
            exporter.close()
    if args.format == "json":
        text = watch_json.render(result, top=args.top)
    else:
        text = watch_text.summary_text(result, term, args.top or 10)
    write_output(text, args.output)
    if result.interrupted:
        return 130
    if not any(s.polls and s.snapshot is not None for s in result.services):
        print("goalloc: error: no service answered with a heap profile", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_POLICY if result.alerts else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
