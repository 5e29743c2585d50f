"""`build.py new`: a scaffold in every language that builds, and passes check but for what it asks for."""
import subprocess
import sys

import sitegen
from conftest import PROJECT
from sitegen.scaffold import suggest_slug


def new(content, *options, answers=None):
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), "new", "--content", str(content), *options],
                          input=answers or "", capture_output=True, text=True)


def test_slug_suggested_from_the_chinese_title():
    assert suggest_slug("党建联盟红色引领 助力民宿业发展") == "dang-jian-lian-meng-hong-se"
    assert suggest_slug("“红色单元·共富联盟” 激活村级集体经济") == "hong-se-dan-yuan-gong-fu"


def test_new_case_from_options_builds_and_asks_only_for_its_text(fixture_site, tmp_path):
    content = fixture_site("checked")
    result = new(content, "--title", "民宿产业的新探索", "--areas", "north,south", "--themes", "tourism")
    assert result.returncode == 0, result.stderr
    zh, en = (content / f"cases/min-su-chan-ye-de-xin.{lang}.md" for lang in ("zh", "en"))
    assert f"Created {zh}" in result.stdout and f"Created {en}" in result.stdout
    assert "Next:" in result.stdout
    assert "areas: [north, south]" in zh.read_text(encoding="utf-8")
    assert "order: 2" in zh.read_text(encoding="utf-8")
    site = sitegen.load_site(content, preview=True)
    assert site.cases[-1].slug == "min-su-chan-ye-de-xin" and site.cases[-1].draft
    assert sitegen.load_site(content).cases[-1].slug == "homestays"  # a draft is not published
    found, _ = sitegen.check(content)
    left = [f for f in found if "min-su-chan-ye-de-xin" in f.path]
    assert left and all("text still to write" in f.message or "never marked as reviewed" in f.message
                        for f in left), [str(f) for f in left]
    assert [f for f in found if "min-su-chan-ye-de-xin" not in f.path] == []


def test_new_case_by_answering_questions(fixture_site):
    content = fixture_site("checked")
    result = new(content, answers="测试标题\nsouth\nalliances, tourism\nmy-test\n")
    assert result.returncode == 0, result.stderr
    assert "themes: [alliances, tourism]" in (content / "cases/my-test.zh.md").read_text(encoding="utf-8")


def test_new_refuses_to_overwrite(fixture_site):
    content = fixture_site("checked")
    before = (content / "cases/homestays.zh.md").read_text(encoding="utf-8")
    result = new(content, "--title", "民宿", "--areas", "north", "--themes", "tourism", "--slug", "homestays")
    assert result.returncode == 1
    assert "--slug: 'homestays' is taken by" in result.stderr and "nothing was written" in result.stderr
    assert (content / "cases/homestays.zh.md").read_text(encoding="utf-8") == before


def test_new_validates_areas_and_themes(fixture_site):
    content = fixture_site("checked")
    result = new(content, "--title", "民宿", "--areas", "west", "--themes", "tourism")
    assert result.returncode == 1
    assert "--areas: 'west' is not known (one or more of: north, south, east)" in result.stderr
    assert not list((content / "cases").glob("min-su*"))
