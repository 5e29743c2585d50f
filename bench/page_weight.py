"""Benchmark: what each page of the built site weighs, compressed, with the CSS and JS it loads.

Run: python bench/page_weight.py [SITE_DIR]  (default: builds the real content into a temp folder).
Counts the HTML plus every stylesheet, script and icon it links (gzip, level 9); the search index,
fetched only when someone searches, is left aside. Also lists any script that blocks rendering.
Budget: 50 KB per page.
"""
from __future__ import annotations

import gzip
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sitegen  # noqa: E402

BUDGET = 50 * 1024


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.files: list[str] = []
        self.blocking: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "link" and a.get("rel") in ("stylesheet", "icon") and not a["href"].startswith(("http", "data:")):
            self.files.append(a["href"])
        if tag == "script" and a.get("src"):
            self.files.append(a["src"])
            if self.in_head and "defer" not in a and "async" not in a and a.get("type") != "module":
                self.blocking.append(a["src"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def compressed(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def weigh(site: Path) -> list[tuple[str, int, list[str]]]:
    """Return (page, compressed bytes with its resources, render-blocking scripts) for every page."""
    rows = []
    for page in sorted(site.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        total = compressed(page)
        for href in sorted(set(parser.files)):
            target = (page.parent / href.split("#")[0]).resolve()
            if target.is_file():
                total += compressed(target)
        rows.append((page.relative_to(site).as_posix(), total, parser.blocking))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp) / "site"
        if len(sys.argv) == 1:
            sitegen.build(sitegen.Paths(out=site))
        rows = weigh(site)
        for path, total, blocking in sorted(rows, key=lambda r: -r[1]):
            flag = "OVER BUDGET" if total > BUDGET else ""
            print(f"{total / 1024:7.1f} KB  {path} {flag} {'blocking: ' + ', '.join(blocking) if blocking else ''}")
        heaviest = max(rows, key=lambda r: r[1])
        print(f"{len(rows)} pages; heaviest {heaviest[0]} at {heaviest[1] / 1024:.1f} KB compressed; "
              f"{sum(1 for r in rows if r[1] > BUDGET)} over the {BUDGET // 1024} KB budget; "
              f"{sum(1 for r in rows if r[2])} with a render-blocking script.")


if __name__ == "__main__":
    main()
