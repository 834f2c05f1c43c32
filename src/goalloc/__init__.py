"""goalloc: where Go slices and maps are allocated, what their growth costs, how to keep it down."""

__version__ = "0.1.0"
