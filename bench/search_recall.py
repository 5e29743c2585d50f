"""Search recall on the real content: does the search find every case that holds what a reader types?

Run: python bench/search_recall.py [SITE_DIR]  (default: builds the real content into a temp folder).
Serves the site on 127.0.0.1, asks each query in Chromium the way the search page does, and prints
the recall per language with every miss. tests/test_browser.py runs the same and wants 100%.

Chinese words are what a segmenter (jieba, through rjieba) cuts from a case's body, in its plain
and its search mode (which also yields the parts of compounds: 共同富裕 → 共同, 富裕), plus the
names a reader types (areas, glossary terms, quoted names) and their parts. English words are
every word of three letters or more of a body, also asked in capitals and, for words of four
letters or more, in the other number (alliance ↔ alliances).

A case should be found for a query when its indexed text holds the word: as written for Chinese,
by stem for English (Pagefind stems English words, so "communities" also finds "community").
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
import sys

HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,4}")
QUOTED = re.compile(r"“([^”]{2,12})”")
ENGLISH_WORD = re.compile(r"[A-Za-z]+")


class _Indexed(HTMLParser):
    """Collect the text Pagefind indexes: inside data-pagefind-body, not in hidden hints or
    data-pagefind-ignore."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.skip, self.parts = 0, 0, []

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def handle_starttag(self, tag, attrs):
        given = dict(attrs)
        if tag in self.VOID:
            return
        if self.depth or "data-pagefind-body" in given:
            self.depth += 1
            if self.skip or "data-pagefind-ignore" in given or "search-hints" in (given.get("class") or ""):
                self.skip += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1
            if self.skip:
                self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def indexed_text(page_html: str) -> str:
    reader = _Indexed()
    reader.feed(page_html)
    return " ".join(reader.parts)


def body_text(rendered_html: str) -> str:
    """Return the words of a rendered body: no markup, no footnote numbers."""
    return html.unescape(re.sub(r"<sup[^>]*>.*?</sup>|<[^>]+>", " ", rendered_html))


def chinese_queries(body: str, names: list[str]) -> set[str]:
    """Return the Chinese words of 2–4 characters a reader may look for in `body`: the words and
    compound parts a segmenter cuts, the names, and every part of a word or name of three
    characters or more (朱家尖 → 朱家, 家尖)."""
    import rjieba
    candidates = rjieba.cut(body) + rjieba.cut_for_search(body)
    for name in names + QUOTED.findall(body):
        candidates += [name] + rjieba.cut_for_search(name)
    for word in list(candidates):
        candidates += [word[i:j] for i in range(len(word)) for j in range(i + 2, len(word)) if len(word) > 2]
    return {w for w in candidates if HAN_WORD.fullmatch(w) and w in body}


def other_number(word: str) -> str:
    """Return a word in its other number, as a reader might type it: alliance ↔ alliances."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word[:-1] + "ies" if word.endswith("y") and word[-2] not in "aeiou" else word + "s"


def english_queries(body: str) -> set[str]:
    queries = set()
    for word in {w for w in ENGLISH_WORD.findall(body) if len(w) >= 3}:
        queries |= {word, word.lower(), word.capitalize(), word.upper()}
        if len(word) >= 4:
            queries.add(other_number(word.lower()))
    return queries


Wanted = dict[str, tuple[set[str], int]]  # query → (the cases to find, how many cases hold it)


def expected_chinese(texts: dict[str, str], queries: set[str]) -> Wanted:
    """A case holds a Chinese query when its text has what was typed, as written."""
    wanted = {}
    for query in queries:
        holders = {slug for slug, text in texts.items() if query in text}
        wanted[query] = (holders, len(holders))
    return wanted


def expected_english(texts: dict[str, str], queries: set[str]) -> Wanted:
    """A case must be found for an English query when it has a word of the same stem; for the
    top-three rule, a case holds the query when one of its words begins with the query's stem
    (the search finds words by their beginning: "all" is also in "alliance")."""
    import snowballstemmer
    stem = snowballstemmer.stemmer("english").stemWord
    stems = {slug: {stem(w.lower()) for w in ENGLISH_WORD.findall(text)} for slug, text in texts.items()}
    wanted = {}
    for query in queries:
        root = stem(query.lower())
        wanted[query] = ({slug for slug, found in stems.items() if root in found},
                         sum(1 for found in stems.values() if any(s.startswith(root) for s in found)))
    return wanted


def score(results: dict[str, list[str]], wanted: Wanted, ranked: bool = True) -> tuple[int, int, list[str]]:
    """Return (hits, total, misses). A hit is a case found for a query that should find it, and,
    when `ranked`, among the first three results when at most three cases hold the query."""
    hits, total, misses = 0, 0, []
    for query, (slugs, holders) in sorted(wanted.items()):
        found = results.get(query, [])
        for slug in sorted(slugs):
            total += 1
            if slug in (found[:3] if ranked and holders <= 3 else found):
                hits += 1
            else:
                misses.append(f"{query} → {slug} (found: {', '.join(found[:5]) or 'nothing'})")
    return hits, total, misses


# --- asking the search, in a browser ------------------------------------------------------------

ASK = """async (queries) => {
  const box = document.getElementById("search");
  const asked = window.bookletSearch || {term: q => q, options: {}};  // a site built before them
  const pagefind = await import(new URL((box.dataset.bundle || "../pagefind/") + "pagefind.js", location.href).href);
  await pagefind.options(asked.options);
  for (const other of (box.dataset.merge || "").split(" ").filter(Boolean)) {
    await pagefind.mergeIndex(new URL(other, location.href).href, asked.options);
  }
  const found = {};
  for (const query of queries) {
    const search = await pagefind.search(asked.term(query));
    const pages = await Promise.all(search.results.map(r => r.data()));
    found[query] = pages.map(p => p.url.replace(/^.*\\/cases\\//, "").replace(/\\.html$/, ""));
  }
  return found;
}"""


def queries_and_cases(site, out: Path, lang: str) -> Wanted:
    """Return each query of `lang` with the cases (slugs) that should be found for it."""
    from sitegen.markup import render_markdown
    texts = {c.slug: indexed_text((out / f"{lang}/cases/{c.slug}.html").read_text(encoding="utf-8"))
             for c in site.cases if lang in c.versions}
    bodies = [body_text(render_markdown(c.versions[lang].body).html) for c in site.cases if lang in c.versions]
    if lang == site.config.source_language:
        names = [t.name[lang] for t in site.config.areas] + [e.hanzi for e in site.config.glossary]
        return expected_chinese(texts, set().union(*(chinese_queries(b, names) for b in bodies)))
    return expected_english(texts, set().union(*(english_queries(b) for b in bodies)))


def ask(page, base: str, lang: str, queries: list[str]) -> dict[str, list[str]]:
    """Return, for each query, the slugs of the cases the search page's index finds, best first."""
    page.goto(f"{base}/{lang}/search.html")
    page.wait_for_load_state("load")
    return page.evaluate(ASK, queries)


def main() -> None:
    import functools
    import http.server
    import os
    import tempfile
    import threading
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import sitegen
    from playwright.sync_api import sync_playwright

    content = Path(__file__).resolve().parent.parent / "content"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "site"
    if not out.exists():
        sitegen.build(sitegen.Paths(content=content, out=out))
    site = sitegen.load_site(content)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    os.environ["HOME"] = tempfile.mkdtemp()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        print("| language | queries | case hits | recall |\n|---|---:|---:|---:|")
        misses = []
        for lang in site.config.codes:
            wanted = queries_and_cases(site, out, lang)
            hits, total, missed = score(ask(page, f"http://127.0.0.1:{server.server_port}", lang, sorted(wanted)), wanted)
            print(f"| {lang} | {len(wanted)} | {hits}/{total} | {hits / total:.2%} |")
            misses += [f"{lang}: {m}" for m in missed]
        browser.close()
    server.shutdown()
    print("\n".join(misses) or "No misses.")


if __name__ == "__main__":
    main()
