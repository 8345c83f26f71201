"""Shared helpers: timing, percentiles, one-core pinning, printing."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.evaluate import percentile

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def pin_one_core() -> str:
    """Run on one core, as the targets are stated; returns what was done."""
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return f"pinned to core {min(os.sched_getaffinity(0))}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def timed(fn: Callable[[str], object], inputs: Iterable[str], repeat: int = 1) -> list[float]:
    """Per-call latency in milliseconds (each input ``repeat`` times)."""
    out = []
    for text in inputs:
        for _ in range(repeat):
            start = time.perf_counter()
            fn(text)
            out.append((time.perf_counter() - start) * 1000)
    return out


def latency_line(label: str, ms: list[float]) -> str:
    return (f"{label:<34} median {statistics.median(ms):8.3f} ms   p99 "
            f"{percentile(ms, 99):8.3f} ms   (n={len(ms)})")


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    VmHWM belongs to this process image; ru_maxrss is kept across fork and exec on Linux, so
    a child started by a large parent would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def header(title: str) -> None:
    print()
    print("=" * 78)
    print(title)
    print("=" * 78)


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"
