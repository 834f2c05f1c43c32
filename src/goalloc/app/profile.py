"""The profile use case: read a heap or allocs profile, attribute every sample to the user
code that allocated, and link each measured site to scan's escape site, cause and fix."""

from __future__ import annotations

import os
from dataclasses import dataclass

from goalloc.errors import InputError
from goalloc.goinfo import GoInfo


@dataclass
class ProfileOptions:
    path: str
    source: str | None = None  # module root: source lines, module-relative paths, scan
    sample_index: str | None = None
    base: str | None = None  # subtract this profile
    link_scan: bool = True
    decoder: str = "auto"
    use_cache: bool = True


@dataclass
class ProfileResult:
    attribution: object  # goalloc.profiles.attribution.Attribution
    go: GoInfo  # the toolchain that scanned --source; unknown otherwise (profiles do not say)
    scanned: bool


def profile(options: ProfileOptions, progress=None, warn=None) -> ProfileResult:
    from goalloc.collect.pprof import read_profile
    from goalloc.profiles.attribution import attribute, diff
    from goalloc.profiles.link import link_sites

    if options.source and not os.path.isdir(options.source):
        raise InputError(f"source directory {options.source} is not a directory")
    prof = read_profile(options.path, decoder=options.decoder)
    result = attribute(prof, options.sample_index, source_root=options.source)
    if options.base:
        old = read_profile(options.base, decoder=options.decoder)
        result = diff(result, attribute(old, result.sample_type, source_root=options.source))
    go, scanned = GoInfo(None), False
    if options.source and options.link_scan:
        sites, go = escape_sites(options.source, options.use_cache, progress, warn)
        if sites:
            link_sites(result.sites, sites)
            scanned = True
    return ProfileResult(result, go, scanned)


def escape_sites(directory: str, use_cache: bool, progress, warn):
    """The escape sites of the module at ``directory`` (goalloc scan, cached), or None when
    it cannot be scanned: the profile report stands without them, and ``warn`` says why."""
    from goalloc.app.scan import scan
    from goalloc.collect.toolchain import find_toolchain
    from goalloc.errors import GoallocError

    try:
        toolchain = find_toolchain()
        result = scan(["./..."], directory, toolchain=toolchain,
                      progress=bool(progress and progress.enabled), use_cache=use_cache)
    except GoallocError as exc:
        if warn:
            warn(f"no escape sites to link ({exc})")
        return None, GoInfo(None)
    if result.errors and warn:
        warn(f"{len(result.failed_packages)} package(s) of {directory} do not compile; "
             "their sites are not linked")
    return result.sites, GoInfo.of(toolchain)
