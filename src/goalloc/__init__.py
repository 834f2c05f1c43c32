"""goalloc: where Go slices and maps are allocated, what their growth costs, how to keep it down."""

__version__ = "0.1.0"


def example_dir() -> str:
    """The example Go module shipped inside goalloc (``--example``)."""
    from importlib import resources

    return str(resources.files("goalloc") / "example")
