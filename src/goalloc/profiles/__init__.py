"""Tie each measured allocation of a Go heap or allocs profile to its source site.

Reading the profile's bytes is a collector's job (goalloc.collect.pprof); this package is the
model and the analysis of what was read. Light to import.

    from goalloc.collect.pprof import read_profile
    from goalloc.profiles import attribute, link_sites
    prof = read_profile("mem.out")                 # Profile (collect/pprof.py, model.py)
    result = attribute(prof, "alloc_space", source_root=".")  # Attribution (attribution.py)
    link_sites(result.sites, escape_sites)         # escape sites from goalloc scan (link.py)
"""

from __future__ import annotations

__all__ = ["attribute", "attribute_sites", "diff",
           "function_table", "link_sites", "source_kind", "MEASURED_KINDS", "Profile", "Stack",
           "ProfileSite", "Attribution", "FunctionRow"]


def __getattr__(name):
    if name in ("Profile", "Stack"):
        from goalloc.profiles import model
        return getattr(model, name)
    if name in ("attribute", "attribute_sites", "diff", "function_table", "source_kind",
                "MEASURED_KINDS", "ProfileSite", "Attribution", "FunctionRow"):
        from goalloc.profiles import attribution
        return getattr(attribution, name)
    if name == "link_sites":
        from goalloc.profiles.link import link_sites
        return link_sites
    raise AttributeError(f"module 'goalloc.profiles' has no attribute {name!r}")
