"""The printable booklet in volumes (issue 10): past site.yaml's booklet_volume_size, a booklet
comes as one volume per area (in parts when an area has more), with a list of them in its place,
and the PDF editions follow the volumes."""
import re

from conftest import problems_of
import sitegen
from sitegen.render import booklet_editions, booklet_volumes, plan_pages


def _with_volume_size(content, size, extra_cases=0):
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"booklet_volume_size: {size}\n", encoding="utf-8")
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
