"""`build.py new`: a scaffold in every language that builds, and passes check but for what it asks for."""
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

import sitegen
from conftest import PROJECT, run_main
from sitegen.scaffold import suggest_slug


def new(content, *options, answers=None, itself=False):
    """Run `new` (its main() in this process, or build.py `itself`)."""
    if not itself:
        return run_main("new", "--content", str(content), *options, stdin=answers or "")
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), "new", "--content", str(content), *options],
                          input=answers or "", capture_output=True, text=True)


def test_slug_suggested_from_the_chinese_title():
    assert suggest_slug("党建联盟红色引领 助力民宿业发展") == "dang-jian-lian-meng-hong-se"
    assert suggest_slug("“红色单元·共富联盟” 激活村级集体经济") == "hong-se-dan-yuan-gong-fu"


def test_new_case_from_options_builds_and_asks_only_for_its_text(fixture_site, tmp_path):
    content = fixture_site("checked")
    result = new(content, "--title", "民宿产业的新探索", "--areas", "north,south", "--themes", "tourism", itself=True)
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


TRICKY_TITLES = ["党建: 联盟", "[红色] 单元", "#共富", "null", "true", "2024-01-01", "'引号'", '"双引号"',
                 "- 列表", "*星", "&锚", "!标签", "%百分", "@符号", "{花括号}", "a: b: c", "? 问", "| 竖线", "> 大于",
                 "  前后空格  ", "123", "~", "标题 # 注释"]


def test_a_title_yaml_would_misread_is_written_quoted_and_builds(fixture_site):
    from sitegen.scaffold import render_case
    from sitegen.yamltext import parse_yaml, split_front_matter
    for title in TRICKY_TITLES:
        text = render_case("zh", "zh", "x", title, ["north"], ["tourism"], 3)
        document, _ = split_front_matter(text, "x.zh.md")
        meta, problems = parse_yaml(document.meta_text, "x.zh.md")
        assert problems == [] and meta["title"] == title, title
        assert meta["areas"] == ["north"] and meta["order"] == 3


def test_new_with_a_title_that_needs_quoting_makes_a_case_that_loads(fixture_site):
    content = fixture_site("checked")
    result = new(content, "--title", "党建: 联盟 #1", "--areas", "north", "--themes", "tourism", "--slug", "colon")
    assert result.returncode == 0, result.stderr
    site = sitegen.load_site(content, preview=True)
    assert site.cases[-1].versions["zh"].title == "党建: 联盟 #1"


@pytest.mark.parametrize("title", ["第一行\ntitle: 注入", "响铃\x07", "回车\r"])
def test_new_refuses_a_title_of_more_than_one_line(fixture_site, title):
    content = fixture_site("checked")
    result = new(content, "--title", title, "--areas", "north", "--themes", "tourism", "--slug", "two-lines")
    assert result.returncode == 1
    assert "--title: must be one line of text, without line breaks or control characters" in result.stderr
    assert not list((content / "cases").glob("two-lines*"))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
       .filter(lambda t: t.strip()))
def test_any_one_line_title_survives_the_round_trip(title):
    from sitegen.scaffold import render_case
    from sitegen.yamltext import parse_yaml, split_front_matter
    document, _ = split_front_matter(render_case("zh", "zh", "x", title, ["a"], ["b"], 1), "x.zh.md")
    meta, problems = parse_yaml(document.meta_text, "x.zh.md")
    assert problems == [] and meta["title"] == title
