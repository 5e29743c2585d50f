"""Benchmark: `build.py pdf` against a plain build, on the real content and a 50-case corpus.

Run: python bench/pdf_time.py. Reports seconds, the PDFs' sizes and page counts; compare the
ratio of the PDF build to the plain build in the same run.
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sitegen  # noqa: E402
from sitegen.markup import render_markdown  # noqa: E402
from corpus import make_corpus  # noqa: E402


def timed(content: Path, out: Path, paper: str | None) -> float:
    render_markdown.cache_clear()
    started = time.perf_counter()
    sitegen.build(sitegen.Paths(content=content, out=out), pdf_paper=paper)
    return time.perf_counter() - started


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, content in (("real content (5 cases)", sitegen.Paths.content),
                               ("corpus of 50 cases", make_corpus(tmp / "corpus", 50))):
            plain = timed(content, tmp / "plain", None)
            for paper in ("a4", "a5"):
                seconds = timed(content, tmp / f"pdf-{paper}", paper)
                print(f"{label}, {paper}: {seconds:.1f} s with PDFs, {plain:.2f} s without "
                      f"(× {seconds / plain:.0f})")
                for pdf in sorted((tmp / f"pdf-{paper}" / "downloads").glob("*.pdf")):
                    print(f"    {pdf.name:<28} {pdf.stat().st_size / 1024:7.0f} KB {pages(pdf):5d} pages")


if __name__ == "__main__":
    main()
