"""Read Go heap and allocs profiles and tie each measured allocation to its source site.

Light to import: protobuf is loaded only when a profile is decoded with it.

    from goalloc.profiles import read_profile, attribute, link_sites
    prof = read_profile("mem.out")                 # Profile (collect/pprof.py, model.py)
    result = attribute(prof, "alloc_space", source_root=".")  # Attribution (attribution.py)
    link_sites(result.sites, escape_sites)         # escape sites from goalloc scan (link.py)
"""

from __future__ import annotations

__all__ = ["read_profile", "parse_profile", "attribute", "attribute_sites", "diff",
           "function_table", "link_sites", "source_kind", "MEASURED_KINDS", "Profile", "Stack",
           "ProfileSite", "Attribution", "FunctionRow"]


def __getattr__(name):
    if name in ("read_profile", "parse_profile"):
        from goalloc.collect import pprof as decode
        return getattr(decode, name)
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
