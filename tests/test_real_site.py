"""The first edition, built from content/: every page, link, anchor and alternate, valid HTML, any sub-path."""
import functools
import http.server
import re
import threading
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sitegen.render import plan_pages
from conftest import PROJECT, build_to
from htmlcheck import SEARCH_BUNDLE, html_files, nu_errors, read_page, tree_bytes

@pytest.fixture(scope="module")
def real(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "site"
    site, outputs = build_to(PROJECT / "content", out)
    return site, out


def test_the_first_edition_has_five_cases_in_both_languages(real):
    site, _ = real
    assert len(site.cases) == 5
    assert all(set(case.versions) == {"zh", "en"} for case in site.cases)
    assert set(site.foreword) == {"zh", "en"}
    assert [case.areas for case in site.cases][-1] == ("xincheng", "puzhu")


def test_every_planned_page_exists(real):
    site, out = real
    planned = {page.path for page in plan_pages(site)}
    # per language: home, 5 cases, areas index + 6, themes index + 7, glossary, figures, search, booklet;
    # the English side-by-side pages of the 5 cases; and the bilingual booklet
    assert len(planned) == 2 * (1 + 5 + 1 + 6 + 1 + 7 + 1 + 1 + 1 + 1) + 5 + 1
    assert planned | {"index.html", "404.html"} == {p.relative_to(out).as_posix() for p in html_files(out)}


def test_every_internal_link_and_anchor_resolves(real):
    _, out = real
    broken = []
    for path in html_files(out):
        facts = read_page(path)
        for tag, url, attrs in facts.links:
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue
            if parts.scheme or url.startswith("//"):
                # Absolute addresses are only for crawlers, the 404 page and the printed booklet's
                # "read online" captions (a PDF cannot follow a relative link), and only the site's own.
                assert url.startswith("https://booklet.example.org/zhoushan/"), f"{path}: {url}"
                assert (tag == "link" or path.name == "404.html"
                        or (path.name == "booklet.html" and attrs.get("class") == "online")), f"{path}: {tag} {url}"
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.is_file():
                broken.append(f"{path.relative_to(out)} → {url}")
            elif parts.fragment and parts.fragment not in read_page(target).ids:
                broken.append(f"{path.relative_to(out)} → {url} (no such anchor)")
    assert broken == []


def test_hreflang_alternates_are_reciprocal_and_canonical_is_self(real):
    _, out = real
    base = "https://booklet.example.org/zhoushan/"
    for path in html_files(out):
        if path.name == "404.html":
            continue
        facts = read_page(path)
        own = base + path.relative_to(out).as_posix()
        assert facts.canonical in (own, base if path.parent == out else own)
        assert "x-default" in facts.alternates
        for lang, url in facts.alternates.items():
            if lang == "x-default" or path.parent == out:
                continue
            other = read_page(out / url[len(base):])
            assert other.alternates == facts.alternates, f"{path} ↔ {url}"


def test_area_and_theme_pages_list_exactly_their_cases(real):
    site, out = real
    for lang in site.config.codes:
        for kind in ("areas", "themes"):
            for term in getattr(site.config, kind):
                expected = [f"../cases/{c.slug}.html" for c in site.cases if term.slug in getattr(c, kind)]
                assert read_page(out / lang / kind / f"{term.slug}.html").listed == expected, (lang, term.slug)
    assert "../cases/xincheng-puzhu-alliances.html" in read_page(out / "en/areas/puzhu.html").listed
    assert "../cases/xincheng-puzhu-alliances.html" in read_page(out / "en/areas/xincheng.html").listed


def test_sitemap_lists_every_language_page_with_alternates(real):
    site, out = real
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
    pages = plan_pages(site)
    assert len(locs) == len(pages)
    translated = [p for p in pages if sum(q.key == p.key for q in pages) > 1]
    assert sitemap.count('hreflang="zh-Hans"') == sitemap.count('hreflang="en"') == len(translated)
    assert len(translated) == len(locs) - 1 - len(site.cases)  # the bilingual booklet, the side-by-side pages


def test_no_request_leaves_the_site(real):
    _, out = real
    for path in list(html_files(out)) + [out / "assets/site.css"]:
        text = path.read_text(encoding="utf-8")
        assert "@import" not in text and "fonts.googleapis" not in text
        for tag, url, attrs in read_page(path).links if path.suffix == ".html" else []:
            if tag in ("script", "img", "iframe") or attrs.get("rel") in ("stylesheet", "icon", "preload"):
                assert urlsplit(url).scheme in ("", "data"), f"{path}: {url}"


def test_chinese_paragraphs_have_no_line_break_between_characters(real):
    _, out = real
    for path in (out / "zh").rglob("*.html"):
        for paragraph in re.findall(r"<p[^>]*>(.*?)</p>", path.read_text(encoding="utf-8"), re.S):
            assert not re.search(r"[\u4e00-\u9fff，。、；：？！“”]\s*\n\s*[\u4e00-\u9fff，。、；：？！“”]", paragraph), path


def test_build_is_deterministic(real, tmp_path):
    _, out = real
    build_to(PROJECT / "content", tmp_path / "again")
    assert tree_bytes(tmp_path / "again", SEARCH_BUNDLE) == tree_bytes(out, SEARCH_BUNDLE)
    assert len(tree_bytes(tmp_path / "again")) == len(tree_bytes(out))


def test_every_page_passes_the_nu_html_checker(real):
    _, out = real
    assert nu_errors(html_files(out)) == []


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the site under /showcase/ only, as a host would under a sub-path."""

    prefix = "/showcase/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_sub_path__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args):
        pass


def test_the_site_works_under_a_sub_path(real):
    _, out = real
    handler = functools.partial(_SubPathHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        start = f"http://127.0.0.1:{server.server_port}/showcase/index.html"
        seen, queue, failures = set(), [start], []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read()
                    kind = response.headers.get("Content-Type", "")
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(f"{url}: {error}")
                continue
            if "html" not in kind:
                continue
            facts = read_page_text(body.decode("utf-8"))
            for _, link, _ in facts.links:
                absolute = urljoin(url, link).split("#")[0]
                if absolute.startswith(f"http://127.0.0.1:{server.server_port}/"):
                    queue.append(absolute)
        assert failures == []
        assert all(urlsplit(u).path.startswith("/showcase/") for u in seen)
        assert len([u for u in seen if u.endswith(".html")]) == len(html_files(out)) - 1  # all but 404
    finally:
        server.shutdown()
        server.server_close()


def read_page_text(text):
    from htmlcheck import PageFacts
    facts = PageFacts()
    facts.feed(text)
    return facts


def test_english_cases_explain_glossary_terms_once(real):
    site, out = real
    html = (out / "en/cases/dinghai-three-cultivations.html").read_text(encoding="utf-8")
    assert html.count('aria-describedby="tip-san-peiyang"') == 1
    assert 'id="gloss-san-peiyang"' in html
    assert 'class="term"' not in (out / "zh/cases/dinghai-three-cultivations.html").read_text(encoding="utf-8")


def test_parallel_view_pairs_every_block(real):
    site, out = real
    html = (out / "en/parallel/putuo-e-alliance.html").read_text(encoding="utf-8")
    rows = html.count('class="parallel-row"')
    blocks = len(site.cases[1].versions["zh"].body.strip().split("\n\n"))
    assert rows == blocks + 2  # title and lead first
    assert "党建e联盟" in html and "Party-building e-Alliance" in html


def test_atom_feed_per_language(real):
    import xml.etree.ElementTree as ET
    site, out = real
    for lang in site.config.codes:
        feed = ET.parse(out / f"{lang}/feed.xml").getroot()
        ns = {"a": "http://www.w3.org/2005/Atom"}
        titles = [e.find("a:title", ns).text for e in feed.findall("a:entry", ns)]
        assert titles == [c.versions[lang].title for c in site.cases]


def test_every_page_within_budget_and_no_render_blocking_script(real):
    import sys
    sys.path.insert(0, str(PROJECT / "bench"))
    from page_weight import BUDGET, weigh
    _, out = real
    rows = weigh(out)
    assert len(rows) == len(html_files(out))
    assert [(path, size) for path, size, _ in rows if size > BUDGET] == []
    assert [(path, blocking) for path, _, blocking in rows if blocking] == []
