"""Building the fixture site: pages, pairing, language switch, indexes, determinism, atomicity."""
import errno
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import sitegen
from sitegen.errors import BuildFailed, Fault
from conftest import PROJECT, build_to
from htmlcheck import SEARCH_BUNDLE, read_page, tree_bytes


@pytest.fixture
def built(fixture_site, tmp_path):
    out = tmp_path / "out"
    build_to(fixture_site(), out)
    return out


def test_each_language_gets_its_pages(built):
    for lang in ("zh", "en"):
        for page in ("index", "areas/index", "areas/north", "areas/south", "areas/east",
                     "themes/index", "themes/alliances", "themes/tourism", "glossary", "cases/full-pair"):
            assert (built / lang / f"{page}.html").is_file(), f"{lang}/{page}.html"
    assert (built / "zh/cases/zh-only.html").is_file()
    assert not (built / "en/cases/zh-only.html").exists()
    for root_file in ("index.html", "404.html", "sitemap.xml", "robots.txt", "assets/site.css",
                      "assets/favicon.svg"):
        assert (built / root_file).is_file(), root_file


def test_html_lang_per_language(built):
    assert read_page(built / "zh/cases/full-pair.html").lang == "zh-Hans"
    assert read_page(built / "en/cases/full-pair.html").lang == "en"


def test_language_switch_lands_on_the_same_page(built):
    links = {url for tag, url, a in read_page(built / "zh/cases/full-pair.html").links if a.get("hreflang") == "en"}
    assert "../../en/cases/full-pair.html" in links


def test_language_switch_without_translation_lands_on_home_with_notice(built):
    page = read_page(built / "zh/cases/zh-only.html")
    switch = [url for tag, url, a in page.links if tag == "a" and a.get("hreflang") == "en"]
    assert switch == ["../../en/index.html#untranslated"]
    assert "untranslated" in read_page(built / "en/index.html").ids
    assert page.alternates == {"zh-Hans": "https://example.org/booklet/zh/cases/zh-only.html",
                               "x-default": "https://example.org/booklet/zh/cases/zh-only.html"}


def test_alternates_and_canonical_are_absolute(built):
    page = read_page(built / "en/cases/full-pair.html")
    assert page.canonical == "https://example.org/booklet/en/cases/full-pair.html"
    assert page.alternates == {"zh-Hans": "https://example.org/booklet/zh/cases/full-pair.html",
                               "en": "https://example.org/booklet/en/cases/full-pair.html",
                               "x-default": "https://example.org/booklet/zh/cases/full-pair.html"}


def test_a_case_in_two_areas_is_listed_under_both(built):
    assert read_page(built / "zh/areas/north.html").listed == ["../cases/full-pair.html", "../cases/zh-only.html"]
    assert read_page(built / "zh/areas/south.html").listed == ["../cases/zh-only.html"]
    assert read_page(built / "en/areas/north.html").listed == ["../cases/full-pair.html"]
    assert read_page(built / "en/areas/east.html").listed == []


def test_index_pages_give_counts(built):
    zh = (built / "zh/areas/index.html").read_text(encoding="utf-8")
    en = (built / "en/themes/index.html").read_text(encoding="utf-8")
    assert "<span class=\"count\">（2篇案例）</span>" in zh and "（0篇案例）" in zh
    assert '<span class="count"> 1 case</span>' in en


def test_chinese_line_break_does_not_become_a_space(built):
    html = (built / "zh/cases/full-pair.html").read_text(encoding="utf-8")
    assert "<p>第一段文字，跨行的中文。</p>" in html


def test_translation_shares_the_source_anchors(built):
    zh, en = (read_page(built / f"{lang}/cases/full-pair.html").ids for lang in ("zh", "en"))
    assert {"di-yi-jie-biao-ti", "di-yi-jie-biao-ti-2"} <= zh & en


def test_key_figures_in_each_language(built):
    zh = (built / "zh/cases/full-pair.html").read_text(encoding="utf-8")
    en = (built / "en/cases/full-pair.html").read_text(encoding="utf-8")
    assert "3784万元" in zh and "1000余名" in zh
    assert "CNY 37.84 million" in en and "more than 1,000" in en


def test_metadata_is_escaped(fixture_site, tmp_path):
    content = fixture_site()
    path = content / "cases/zh-only.zh.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 只有中文", "title: <b>只有</b> & 中文"),
                    encoding="utf-8")
    build_to(content, tmp_path / "out")
    html = (tmp_path / "out/zh/cases/zh-only.html").read_text(encoding="utf-8")
    assert ">&lt;b&gt;只有&lt;/b&gt; &amp; 中文</h1>" in html and "<b>只有" not in html


def test_two_builds_are_byte_identical(fixture_site, tmp_path):
    content = fixture_site()
    build_to(content, tmp_path / "one")
    build_to(content, tmp_path / "two")
    assert tree_bytes(tmp_path / "one", SEARCH_BUNDLE) == tree_bytes(tmp_path / "two", SEARCH_BUNDLE)
    assert len(tree_bytes(tmp_path / "one")) == len(tree_bytes(tmp_path / "two"))


def test_invalid_content_leaves_the_previous_site_untouched(fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out)
    (content / "cases/zh-only.zh.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_to(content, out)
    assert tree_bytes(out) == before


def test_an_unchanged_page_keeps_its_file(fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    dates = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*.html")}
    edit_case = content / "cases/zh-only.zh.md"
    edit_case.write_text(edit_case.read_text(encoding="utf-8").replace("只有中文的正文", "改过的正文"), encoding="utf-8")
    build_to(content, out)
    after = {p.relative_to(out): p.stat().st_mtime_ns for p in out.rglob("*.html")}
    changed = {path for path in after if after[path] != dates.get(path)}
    assert Path("zh/cases/zh-only.html") in changed and Path("zh/glossary.html") not in changed
    assert len(changed) < len(after) / 2


def test_failure_while_writing_leaves_the_previous_site_and_no_debris(fixture_site, tmp_path, monkeypatch):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out)
    (content / "cases/zh-only.zh.md").write_text(
        (content / "cases/zh-only.zh.md").read_text(encoding="utf-8").replace("只有中文的正文", "改过的正文"),
        encoding="utf-8")
    real_write, calls = Path.write_bytes, []

    def failing_write(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 10:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, *args, **kwargs)

    def no_link(*args):  # a full disk has no room for links either: every file is written
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    monkeypatch.setattr("sitegen.write.os.link", no_link)
    with pytest.raises(Fault) as fault:
        build_to(content, out)
    monkeypatch.undo()
    assert fault.value.report() == (f"Cannot write the site to {out}: the disk is full (free some disk space, "
                                    "then build again; the site built last was left as it was)")
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilingual", "out"]


def test_refuses_to_replace_a_folder_it_did_not_make(fixture_site, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "letter.txt").write_text("keep me")
    with pytest.raises(BuildFailed) as failure:
        build_to(fixture_site(), out)
    assert "exists and was not made by this tool" in str(failure.value.problems[0])
    assert (out / "letter.txt").read_text() == "keep me"


def test_adding_a_language_needs_only_config_and_content(fixture_site, tmp_path):
    content = fixture_site()
    site_yaml = content / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    for key, ja in (("title", "テスト冊子"), ("subtitle", "テスト用"), ("credits", "テスト編集部")):
        text = text.replace(f"{key}: {{zh:", f"{key}: {{ja: {ja}, zh:")
    text += "  - {code: ja, html_lang: ja, name: 日本語}\n"
    site_yaml.write_text(text, encoding="utf-8")
    for data in ("areas.yaml", "themes.yaml"):
        path = content / data
        path.write_text(path.read_text(encoding="utf-8").replace("{zh: ", "{ja: 日本語, zh: "), encoding="utf-8")
    glossary = content / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("{en: ", "{ja: 日本語, en: ")
                        .replace(", en: A small", ", ja: 日本語, en: A small"),
                        encoding="utf-8")
    en_ui = sitegen.interface.DEFAULT_UI["en"]
    import yaml
    (content / "ui.yaml").write_text(yaml.safe_dump({"ja": en_ui}, allow_unicode=True), encoding="utf-8")
    (content / "cases/full-pair.ja.md").write_text(
        (content / "cases/full-pair.en.md").read_text(encoding="utf-8").replace("title: A Full Pair", "title: 完全な組"),
        encoding="utf-8")
    out = tmp_path / "out"
    build_to(content, out)
    page = read_page(out / "ja/cases/full-pair.html")
    assert page.lang == "ja"
    assert set(page.alternates) == {"zh-Hans", "en", "ja", "x-default"}
    assert "../../ja/cases/full-pair.html" in {u for t, u, a in read_page(out / "en/cases/full-pair.html").links}


def test_help_explains_commands_and_options():
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for word in ("build", "--content", "--out", "--quiet"):
        assert word in result.stdout


def test_command_line_build_says_where_the_site_is(fixture_site, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--content", str(fixture_site()),
                             "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Built 2 cases in 2 languages" in result.stdout
    assert str(out / "index.html") in result.stdout


@pytest.mark.parametrize("source, target, expected", [
    ("zh/cases/a.html", "zh/cases/b.html", "b.html"),
    ("zh/cases/a.html", "en/cases/a.html", "../../en/cases/a.html"),
    ("zh/index.html", "zh/areas/index.html", "areas/index.html"),
    ("index.html", "zh/index.html", "zh/index.html"),
    ("zh/areas/x.html", "assets/site.css", "../../assets/site.css"),
    ("zh/cases/a.html", "zh/index.html", "../index.html"),
])
def test_relative_urls(source, target, expected):
    from sitegen.urls import relative_url
    import posixpath
    assert relative_url(source, target) == expected
    assert relative_url(source, target) == posixpath.relpath(target, posixpath.dirname(source) or ".")


def test_drafts_are_left_out_of_a_publishing_build(built):
    assert not (built / "zh/cases/draft-case.html").exists()
    assert "draft-case" not in (built / "zh/areas/north.html").read_text(encoding="utf-8")


def test_drafts_are_in_the_preview_marked_as_drafts(fixture_site):
    site = sitegen.load_site(fixture_site(), preview=True)
    assert [c.slug for c in site.cases] == ["full-pair", "zh-only", "draft-case"]
    from sitegen.render import render_site
    pages = {o.path: o.text for o in render_site(site, PROJECT / "templates")}
    assert '<span class="draft-badge">草稿</span>' in pages["zh/cases/draft-case.html"]
    assert '<span class="draft-badge">草稿</span>' in pages["zh/areas/north.html"]


def test_case_links_and_images_become_relative(built):
    html = (built / "zh/cases/zh-only.html").read_text(encoding="utf-8")
    assert '<a href="full-pair.html#di-yi-jie-biao-ti">完整的一对</a>' in html
    assert '<img alt="北区地图" src="../../images/map.svg"' in html
    assert (built / "images/map.svg").is_file()


def test_glossary_term_explained_at_first_use_in_english(built):
    html = (built / "en/cases/full-pair.html").read_text(encoding="utf-8")
    assert html.count('class="term"') == 0  # the fixture's English never says "homestay"


def test_explain_terms_marks_only_the_first_use_in_running_text():
    from sitegen.config import GlossaryEntry
    from sitegen.reading import explain_terms
    entry = GlossaryEntry("minsu", "民宿", "mínsù", {"en": "homestay"}, {"en": "A guesthouse."})
    html = '<h2 id="h">Homestays</h2>\n<p>See <a href="x">homestays</a>. Homestays grow; homestay owners.</p>'
    marked, used = explain_terms(html, (entry,), "en")
    assert used == [entry]
    assert marked.count('class="term"') == 1
    assert '<a class="term" href="#gloss-minsu" aria-describedby="tip-minsu">Homestays</a>' in marked
    assert '<h2 id="h">Homestays</h2>' in marked and '<a href="x">homestays</a>' in marked


def test_the_quick_test_for_a_term_never_hides_a_spelling_the_pattern_finds():
    from sitegen.config import GlossaryEntry
    from sitegen.reading import explain_terms
    from sitegen.terminology import may_hold, term_pattern
    entry = GlossaryEntry("lianmeng", "联盟", "liánméng", {"en": "Party-building alliance (PBA)"},
                          {"en": "A compact."}, {"en": ("“red” partnership",)})
    pattern = term_pattern(entry, "en")
    for text in ("PARTY BUILDING ALLIANCES", "party-building alliance", "a \"Red\" Partnership here",
                 "‘red’ partnerships", "Party‐building", "no term at all", "Party-buildingalliance"):
        found = pattern.search(text) is not None
        assert may_hold(entry, "en", text.casefold()) or not found, text
        marked, used = explain_terms(f"<p>{text}</p>", (entry,), "en")
        assert (used == [entry]) == found, text


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["party building", "Party-Building alliances", "“red” partnership", "‘RED’",
                                 "Party", " ", "-", "x", "_", "é", "中", "9", "s", "es"]),
                max_size=8).map("".join))
def test_a_term_is_found_where_a_lookbehind_pattern_finds_it(text):
    """TermPattern tests 'not within a word' itself, at each match: it finds what the one
    expression with (?<![\\w-]) in front found, at the same place."""
    import re
    from sitegen.config import GlossaryEntry
    from sitegen.terminology import term_pattern
    entry = GlossaryEntry("lianmeng", "联盟", "liánméng", {"en": "Party-building alliance (PBA)"},
                          {"en": "A compact."}, {"en": ("party building", "“red” partnership")})
    pattern = term_pattern(entry, "en")
    whole = re.compile(rf"(?<![\w-]){pattern.regex.pattern}", re.IGNORECASE)
    found, expected = pattern.search(text), whole.search(text)
    assert (found and found.span()) == (expected and expected.span()), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["中", "文", "。", "“", "a", "Z", "5", "%", " ", "<p>", "</p>", "<b>", "</b>",
                                 "x", "<", "/", "p", ">"]), max_size=40).map("".join))
def test_keep_tails_binds_what_one_pattern_over_the_page_would(html):
    import re
    from sitegen.booklet import keep_tails
    whole = re.compile(r"([\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’…—%0-9A-Za-z]{2,4})(</p>)")
    assert keep_tails(html) == whole.sub(r'<span class="keep">\1</span>\2', html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(['id="', 'data-id="', 'xid="', "-", " ", "<p ", ">", '"', "a", "中", "_",
                                 'href="#', "é", "id"]), max_size=14).map("".join))
def test_booklet_ids_are_prefixed_where_a_word_starts_with_id(html):
    """Every id="…" (not data-id or xid) and every in-page link, as a \\b pattern finds them."""
    import re
    from sitegen.booklet import prefix_ids
    expected = re.sub(r'\bid="([^"]+)"', r'id="P-\1"', html)
    assert prefix_ids(html, "P-") == re.sub(r'href="#([^"]+)"', r'href="#P-\1"', expected)


@pytest.mark.parametrize("url", ["https://example.org/", "https://example.org/zh/cases/a-long-case-name-0123.html",
                                 "https://example.org/en/cases/" + "x" * 120 + ".html"])
def test_a_qr_code_svg_reads_back_as_its_address(url):
    """The strokes of the SVG, drawn as pixels, make a code a reader decodes: the runs are
    where the code's dark modules are (row and column offsets, the border)."""
    import re
    import zxingcpp
    from PIL import Image, ImageDraw
    from sitegen.booklet import QR_BORDER, _draw_qr
    svg = _draw_qr(url, "label")
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    scale = 6
    image = Image.new("L", ((size + 4) * scale, (size + 4) * scale), 255)  # 2 more light modules each side
    draw = ImageDraw.Draw(image)
    strokes = re.findall(r"M(\d+) (\d+)\.5h(\d+)", svg)
    assert strokes and min(int(x) for x, _, _ in strokes) == QR_BORDER
    for x, y, width in strokes:
        left, top = (int(x) + 2) * scale, (int(y) + 2) * scale
        draw.rectangle([left, top, left + int(width) * scale - 1, top + scale - 1], fill=0)
    assert zxingcpp.read_barcode(image).text == url

def test_parallel_blocks_pair_up():
    from sitegen.reading import split_blocks
    assert split_blocks('<p>a</p>\n<ul>\n<li>b</li>\n</ul>\n<hr>\n<h2 id="x">c</h2>') == [
        "<p>a</p>", "<ul>\n<li>b</li>\n</ul>", "<hr>", '<h2 id="x">c</h2>']
