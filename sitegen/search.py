"""Full-text search: Pagefind indexes the written site (its extended build segments Chinese)."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from .errors import BuildFailed, Fault, Problem

log = logging.getLogger(__name__)
BUNDLE = "pagefind"  # the folder Pagefind writes in the site: index, search script, UI
CASE_PAGES = "*/cases/*.html"


def index_site(folder: Path) -> None:
    """Write the search index of the site in `folder` into folder/pagefind/."""
    # Only case pages are indexed (they carry data-pagefind-body); reading the others, the
    # booklets above all, would only cost time.
    command = [sys.executable, "-m", "pagefind", "--site", str(folder), "--output-subdir", BUNDLE,
               "--glob", CASE_PAGES, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        raise BuildFailed([Problem("search", 1, "pagefind", f"could not run: {error}",
                                   "pip install -r requirements.txt")]) from error
    empty = [p.name for p in (folder / BUNDLE).rglob("*") if p.is_file() and p.stat().st_size == 0]
    if empty and result.returncode == 0:  # Pagefind does not say when a write failed
        raise Fault(f"The search index could not be written in full ({len(empty)} of its files came out empty, "
                    f"e.g. {empty[0]})", "check that the disk has free space, then build again; the site built "
                    "last was left as it was")
    if result.returncode != 0 or not (folder / BUNDLE / "pagefind.js").is_file():
        said = (result.stderr or result.stdout).strip().splitlines()
        missing = any("No module named" in line for line in said)
        raise BuildFailed([Problem("search", 1, "pagefind", said[-1] if said else "no index was written",
                                   "pip install -r requirements.txt (the package 'pagefind[extended]')"
                                   if missing else "report this with the message above; the site built "
                                   "last was left as it was")])
