"""Benchmark: full build time of the real content and of 1,000- and 3,000-case corpora.

Run: python bench/build_time.py. Times are medians of a few runs in one process;
compare the ratios, not the seconds (the machine is shared).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sitegen  # noqa: E402
from sitegen.markup import render_markdown  # noqa: E402
from corpus import make_corpus  # noqa: E402


def time_build(content: Path, out: Path, runs: int) -> tuple[float, int, int]:
    """Return the median seconds of `runs` cold builds, the page count and the largest page's bytes."""
    seconds = []
    for _ in range(runs):
        render_markdown.cache_clear()  # a fresh process has no cache
        started = time.perf_counter()
        _, outputs = sitegen.build(sitegen.Paths(content=content, out=out))
        seconds.append(time.perf_counter() - started)
    pages = [o for o in outputs if o.path.endswith(".html")]
    return statistics.median(seconds), len(pages), max(len(o.text.encode()) for o in pages)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = [("real content (5 cases)", sitegen.Paths.content, 5)]
        for n in (1000, 3000):
            rows.append((f"corpus of {n} cases", make_corpus(tmp / f"corpus-{n}", n), 3 if n < 3000 else 1))
        base = None
        print(f"{'content':<26} {'median s':>9} {'pages':>7} {'largest page':>13} {'× real':>8}")
        for label, content, runs in rows:
            seconds, pages, largest = time_build(content, tmp / "out", runs)
            base = base or seconds
            print(f"{label:<26} {seconds:>9.2f} {pages:>7} {largest / 1024:>11.1f}KB {seconds / base:>8.1f}")


if __name__ == "__main__":
    main()
