"""Small readers of built HTML for tests: links, ids, alternates."""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path


class PageFacts(HTMLParser):
    """Collect what tests ask of a page: links by tag, ids, hreflang alternates, <html lang>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, dict]] = []  # (tag, url, attributes)
        self.ids: set[str] = set()
        self.alternates: dict[str, str] = {}
        self.canonical = None
        self.lang = None
        self._in_list = 0
        self.listed: list[str] = []  # hrefs inside <ol class="case-list">

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "ol" and "case-list" in (a.get("class") or ""):
            self._in_list += 1
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.links.append((tag, a[key], a))
        if tag == "a" and self._in_list and a.get("href"):
            self.listed.append(a["href"])
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]

    def handle_endtag(self, tag):
        if tag == "ol" and self._in_list:
            self._in_list -= 1


def read_page(path: Path) -> PageFacts:
    facts = PageFacts()
    facts.feed(path.read_text(encoding="utf-8"))
    return facts


def html_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def tree_bytes(root: Path, without: str | None = None) -> dict[str, bytes]:
    """Return every file under root by relative path (except those under `without`), to compare builds."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    return {path: data for path, data in files.items() if not (without and path.startswith(without))}


# Pagefind 1.5 writes its filter chunks and entry file from hash maps: the search bundle's
# bytes differ between runs of the same input. Determinism is checked on everything else.
SEARCH_BUNDLE = "pagefind/"


VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"


def nu_errors(pages) -> list[str]:
    """Return the errors the Nu Html Checker finds in `pages` (it must be installed: in CI a
    missing checker fails the test)."""
    from conftest import need
    need("java", shutil.which("java") is not None, "install a Java runtime (Debian: default-jre-headless)")
    need("vnu.jar", VNU_JAR.is_file(), "run 'npm install' to fetch the Nu Html Checker (vnu-jar)")
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                             *[str(p) for p in pages]], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').rsplit('/', 2)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error"]
    return errors + ([] if result.returncode == 0 else [f"vnu exited with {result.returncode}"])
