"""Reader pages within budget however many cases (issue 10): past site.yaml's booklet_volume_size
the printable booklet comes as one volume per area (in parts when an area has more), with a list
of them in its place and the PDF editions following; past list_page_size the home page lists the
first cases, an area's or theme's page lists them in pages, the key figures page the largest of
each kind, and the news feed the newest."""
import re

from conftest import problems_of
from htmlcheck import nu_errors
import sitegen
from sitegen.render import booklet_editions, booklet_volumes, plan_pages


def _with_volume_size(content, size, extra_cases=0, setting="booklet_volume_size"):
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"{setting}: {size}\n", encoding="utf-8")
    source = (content / "cases/zh-only.zh.md").read_text(encoding="utf-8")
    for n in range(extra_cases):  # more cases in the south
        (content / f"cases/south-{n}.zh.md").write_text(source.replace("order: 2", f"order: {n + 10}"), encoding="utf-8")
    return content


def test_a_small_booklet_is_one_volume_as_before(fixture_site):
    site = sitegen.load_site(fixture_site())
    assert [(v.slug, len(v.cases)) for v in booklet_volumes(site, None)] == [("", 2)]
    assert set(booklet_editions(site)) == {"zh", "en", "bilingual"}


def test_a_large_booklet_comes_in_volumes_by_area_each_case_in_one(fixture_site, tmp_path):
    content = _with_volume_size(fixture_site(), 2, extra_cases=2)
    site = sitegen.load_site(content)
    volumes = booklet_volumes(site, "zh")
    # north: full-pair; south: zh-only and two more, in two parts; east has no case, so no volume
    assert [(v.slug, [c.slug for c in v.cases]) for v in volumes] == [
        ("north", ["full-pair"]), ("south-1", ["zh-only", "south-0"]), ("south-2", ["south-1"])]
    assert [v.slug for v in booklet_volumes(site, "en")] == [""]  # one English case: one booklet
    assert set(booklet_editions(site)) == {"zh-north", "zh-south-1", "zh-south-2", "en", "bilingual-north",
                                           "bilingual-south-1", "bilingual-south-2"}
    out = tmp_path / "out"
    sitegen.build(sitegen.Paths(content=content, out=out))
    listing = (out / "zh/booklet.html").read_text(encoding="utf-8")
    assert re.findall(r'href="(booklet/[^"]+)"', listing) == ["booklet/north.html", "booklet/south-1.html",
                                                             "booklet/south-2.html"]
    assert "南区（2）" in listing and "3篇案例" not in listing and "2篇案例" in listing
    printed = {}
    for page in sorted((out / "zh/booklet").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        printed[page.stem] = re.findall(r'<article class="case-print" id="([^"]+)-zh"', text)
    assert printed == {"north": ["full-pair"], "south-1": ["zh-only", "south-0"], "south-2": ["south-1"]}
    assert 'class="cover-volume">南区（1）<' in (out / "zh/booklet/south-1.html").read_text(encoding="utf-8")
    bilingual = (out / "booklet/north.html").read_text(encoding="utf-8")
    assert 'id="full-pair-zh"' in bilingual and 'id="full-pair-en"' in bilingual
    assert (out / "en/booklet.html").read_text(encoding="utf-8").count('class="case-print"') == 1
    planned = {p.path for p in plan_pages(site)}
    assert {"booklet.html", "booklet/north.html", "zh/booklet/south-2.html"} <= planned


def test_a_volume_size_must_be_a_whole_number_from_one(fixture_site):
    content = _with_volume_size(fixture_site(), 0)
    assert any("site.yaml" in p and "booklet_volume_size" in p and "from 1" in p for p in problems_of(content))


def test_long_lists_come_in_pages_and_the_home_page_lists_the_first(fixture_site, tmp_path):
    content = _with_volume_size(fixture_site(), 2, extra_cases=3, setting="list_page_size")
    out = tmp_path / "out"
    sitegen.build(sitegen.Paths(content=content, out=out))
    # south: zh-only and three more, two to a page
    first, second = (out / "zh/areas/south.html").read_text("utf-8"), (out / "zh/areas/south/2.html").read_text("utf-8")
    assert re.findall(r'href="../cases/([^".]+)\.html"', first)[:2] == ["zh-only", "south-0"]
    assert re.findall(r'href="../../cases/([^".]+)\.html"', second)[:2] == ["south-1", "south-2"]
    assert "4篇案例" in first and "4篇案例" in second  # the whole count on every page
    assert '<a rel="next" href="south/2.html">' in first and '<a rel="prev" href="../south.html">' in second
    assert 'start="3"' in second and "第2页，共2页" in second
    assert not (out / "zh/areas/south/3.html").exists()  # north has all five: three pages
    assert (out / "zh/areas/north/3.html").exists() and not (out / "zh/areas/north/4.html").exists()
    home = (out / "zh/index.html").read_text("utf-8")
    assert len(re.findall(r'<li>\s*<a href="cases/', home)) == 2 and "这里列出前2篇，共5篇" in home
    figures = (out / "zh/figures.html").read_text("utf-8")
    assert figures.count('class="bar"') <= 2 * figures.count('class="figure-group"')
    assert (out / "zh/feed.xml").read_text("utf-8").count("<entry>") == 2
    # the pages only a large booklet has are valid HTML too
    assert nu_errors([out / "zh/areas/south/2.html", out / "zh/index.html", out / "zh/figures.html"]) == []


def test_the_list_of_volumes_and_a_volume_are_valid_html(fixture_site, tmp_path):
    content = _with_volume_size(fixture_site(), 2, extra_cases=2)
    out = tmp_path / "out"
    sitegen.build(sitegen.Paths(content=content, out=out))
    assert nu_errors([out / "zh/booklet.html", out / "zh/booklet/south-1.html", out / "booklet.html",
                      out / "booklet/north.html"]) == []
