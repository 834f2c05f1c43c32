"""Line charts saved as SVG or PNG (matplotlib, an optional dependency: goalloc[plot])."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field

from goalloc.errors import InputError
from goalloc.fsutil import atomic_write

FORMATS = (".svg", ".png")


@dataclass
class Series:
    label: str
    x: list[float]
    y: list[float]
    step: bool = False  # draw as a staircase (values that jump, like bytes allocated)
    style: str = "-"


@dataclass
class Panel:
    title: str
    ylabel: str
    series: list[Series] = field(default_factory=list)
    yformat: str | None = None  # "bytes" labels the y axis in KiB/MiB/GiB
    ylog: bool = False  # a logarithmic y axis (values that span orders of magnitude)


def check_plot_path(path: str) -> str:
    """Validate the output name before any work is done; returns the format."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise InputError(f"--plot {path}: the file name must end in .svg or .png")
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        raise InputError(f"--plot {path}: directory {directory} does not exist")
    return ext[1:]


def _bytes_formatter():
    from matplotlib.ticker import FuncFormatter

    def fmt(value, _pos):
        for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
            if abs(value) >= size:
                return f"{value / size:.3g} {unit}"
        return f"{value:g} B"

    return FuncFormatter(fmt)


def save_panels(path: str, title: str, xlabel: str, panels: list[Panel],
                xlog: bool = False) -> None:
    """Draw panels stacked vertically, sharing the x axis (logarithmic with ``xlog``), and
    save to ``path`` atomically."""
    fmt = check_plot_path(path)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError('--plot needs matplotlib: pip install "goalloc[plot]"') from None

    fig, axes = plt.subplots(len(panels), 1, sharex=True,
                             figsize=(8, 2.8 * len(panels) + 0.8), squeeze=False)
    for ax, panel in zip(axes[:, 0], panels):
        for s in panel.series:
            if s.step:
                ax.step(s.x, s.y, where="post", label=s.label, linestyle=s.style)
            else:
                ax.plot(s.x, s.y, label=s.label, linestyle=s.style)
        ax.set_title(panel.title, fontsize=10)
        ax.set_ylabel(panel.ylabel)
        if panel.ylog:
            ax.set_yscale("log")
        if xlog:
            ax.set_xscale("log")
        if panel.yformat == "bytes":
            ax.yaxis.set_major_formatter(_bytes_formatter())
        ax.grid(True, alpha=0.3)
        if len(panel.series) > 1:
            ax.legend(fontsize=8)
    axes[-1, 0].set_xlabel(xlabel)
    fig.suptitle(title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    plt.close(fig)
    atomic_write(path, buf.getvalue())
