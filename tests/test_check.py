"""`check`: each editorial check finds its planted fault, and the clean fixture gives nothing."""
import json
import subprocess
import sys

import pytest

import sitegen
from conftest import PROJECT, run_main
from test_validation import edit

CASE_ZH, CASE_EN = "cases/homestays.zh.md", "cases/homestays.en.md"


@pytest.fixture
def checked(fixture_site):
    return fixture_site("checked")


def findings(content):
    found, _ = sitegen.check(content)
    return [str(f).replace(f"{content}/", "") for f in found]


def run_check(content, *options):
    return run_main("check", "--content", str(content), *options)


def test_clean_fixture_has_no_findings(checked):
    assert findings(checked) == []
    # the command itself, once: the other tests of check run its main() in this process
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--content", str(checked),
                             "--strict"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.strip() == "0 errors, 0 warnings, 0 notes for editors."


def test_stale_translation_names_the_paragraph_and_shows_the_change(checked):
    edit(checked, CASE_ZH, "民宿业主加入联盟", "民宿业主陆续加入联盟")
    assert findings(checked) == [
        "cases/homestays.en.md:15: warning: the source's paragraph 3 (block 6) was changed since the "
        "translation was reviewed: 1000余名民宿业主{+陆续+}加入联盟，共设立12个党支部。 "
        "(update the translation, then run: python build.py review homestays --lang en)"]


def test_review_clears_the_stale_state(checked):
    edit(checked, CASE_ZH, "北区以党建联盟带动民宿业发展。", "北区以党建联盟推动民宿业发展。")
    assert len(findings(checked)) == 1
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert findings(checked) == []


def test_key_figure_missing_from_the_translation(checked):
    edit(checked, CASE_EN, "CNY 37.84 million", "CNY 37.8 million")
    assert findings(checked) == [
        "cases/homestays.en.md:6: error: key figure 'investment' (CNY 37.84 million) does not appear "
        "in the text (make the text and the figure say the same)",
        "cases/homestays.en.md:11: warning: the Chinese text has the number 37,840,000 but the English "
        "does not (check that the figure is translated and identical)"]


def test_number_of_the_chinese_missing_from_the_english(checked):
    edit(checked, CASE_ZH, "北区以党建联盟带动民宿业发展。", "北区自3月起以党建联盟带动民宿业发展。")
    assert [f for f in findings(checked) if "number" in f] == [
        "cases/homestays.en.md:11: warning: the Chinese text has the number 3 but the English does not "
        "(check that the figure is translated and identical)"]


def test_numbers_are_compared_after_normalising():
    from sitegen.keyfigures import numbers_en, numbers_zh
    from decimal import Decimal
    assert numbers_zh("走访群众1.63万人次，总投资3784万元，40%～50%") == [
        Decimal("16300"), Decimal("37840000"), Decimal(40), Decimal(50)]
    assert set(numbers_en("16,300 visits, CNY 37.84 million, 40%–50%, in March, four months")) >= {
        Decimal("16300"), Decimal("37840000"), Decimal(40), Decimal(50), Decimal(3), Decimal(4)}


SLIPS = """---
title: 排版
lead: 有错吗？
summary: 用来检查排版。
areas: [north]
themes: [tourism]
order: 2
---
{body}
"""


@pytest.mark.parametrize("body, line, message", [
    ("北区以党建联盟带动民宿业发展,成效明显。", 9,
     "warning: half-width ',' in Chinese text (use the full-width '，')"),
    ("1000 余名民宿业主加入联盟。", 9,
     "warning: space between Chinese and Latin or digits: '1000 余' "
     "(this booklet writes them without a space, e.g. 1000余名)"),
    ("共设立12个党支部党支部。", 9, "warning: doubled words: '党支部党支部' (delete one of them)"),
    ("北区以党建联盟带动\n民宿业发展。", 9,
     "warning: paragraph broken over 2 lines (join the lines: a line break inside Chinese text is not needed)"),
    ("北区以党建联盟带动民宿\n\n业发展。", 9,
     "warning: paragraph ends mid-sentence: '…党建联盟带动民宿' (a stray blank line? join it with the next paragraph)"),
])
def test_typographic_slips(checked, body, line, message):
    (checked / "cases/slips.zh.md").write_text(SLIPS.format(body=body), encoding="utf-8")
    slips = [f for f in findings(checked) if f.startswith("cases/slips.zh.md") and "translation" not in f
             and "key figure" not in f]
    assert slips == [f"cases/slips.zh.md:{line}: {message}"]


def test_typography_of_clean_chinese_is_quiet(checked):
    (checked / "cases/slips.zh.md").write_text(SLIPS.format(body="北区以党建联盟带动民宿业发展，成效明显。\n\n"
                                                             "## 小节\n\n“党建e联盟”上线4个月来，满意率达100%。"),
                                               encoding="utf-8")
    assert [f for f in findings(checked) if "translation" not in f and "key figure" not in f] == []


def test_image_without_alt_text(checked):
    (checked / "images").mkdir()
    (checked / "images/map.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    edit(checked, CASE_ZH, "项目总投资3784万元。", "项目总投资3784万元。\n\n![地图](images/map.svg)")
    edit(checked, CASE_EN, "CNY 37.84 million.", "CNY 37.84 million.\n\n![](images/map.svg)")
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert findings(checked) == [
        "cases/homestays.en.md:21: error: image 'images/map.svg' has no alt text "
        "(describe the image between the brackets: ![description](…))"]


def test_glossary_term_never_used_and_chinese_left_in_english(checked):
    with (checked / "glossary.yaml").open("a", encoding="utf-8") as glossary:
        glossary.write("- slug: weixinyuan\n  hanzi: 微心愿\n  pinyin: wēi xīnyuàn\n"
                       "  translation: {en: micro-wish}\n  explanation: {zh: 小心愿。, en: A small wish.}\n")
    edit(checked, CASE_EN, "homestay owners joined", "业主 joined")
    assert findings(checked) == [
        "cases/homestays.en.md:15: warning: Chinese '业主' in the en text is not in the glossary "
        "(add it to glossary.yaml, or translate it)",
        "cases/homestays.en.md:15: warning: the source says 民宿 here, but the en text does not say 'homestay' "
        "(use the glossary's rendering, or add this one to the entry's variants in glossary.yaml)",
        "glossary.yaml:1: warning: '微心愿' is never used in the cases (remove the entry, or check its spelling)"]


def test_missing_translation_and_status_table(checked):
    (checked / CASE_EN).unlink()
    result = run_check(checked, "--status")
    assert result.returncode == 0  # a warning does not fail without --strict
    assert "homestays  en        missing" in result.stdout
    assert "cases/homestays.zh.md:1: warning: no en translation (translate it as cases/homestays.en.md)" in result.stdout
    assert run_check(checked, "--strict").returncode == 1


def test_json_output_for_tools(checked):
    edit(checked, CASE_EN, "CNY 37.84 million", "CNY 37.8 million")
    result = run_check(checked, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["counts"] == {"error": 1, "warning": 1, "note": 0}
    assert [(f["severity"], f["line"]) for f in report["findings"]] == [("error", 6), ("warning", 11)]


def test_build_errors_are_check_errors(checked):
    edit(checked, CASE_ZH, "order: 1", "order: one")
    result = run_check(checked)
    assert result.returncode == 1
    assert "cases/homestays.zh.md:7: error: order: expected a whole number" in result.stdout


def test_real_content_is_clean():
    found, statuses = sitegen.check(PROJECT / "content")
    assert [str(f) for f in found if f.severity != "note"] == []
    assert {s.state for s in statuses} == {"up to date"}


def test_review_of_an_unknown_case(checked):
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "review", "nope", "--content",
                             str(checked)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "review:1: SLUG: 'nope' is not a case (one or more of: homestays; or --all)" in result.stderr


def test_generated_text_is_read_on_every_core_as_on_one():
    """A large site's pages are read for typography on several processes: every page once,
    each slip reported as one process reports it, and what the content holds left out."""
    from sitegen.typography import check_page_typography
    pages = {f"zh/p{n:03d}.html": f'<html lang="zh-Hans"><body><p>页面{n}：共有 4 个案例</p>'
                                  f'{"<p>写在内容里 5 处</p>" if n % 3 else ""}</body></html>' for n in range(260)}
    alone = check_page_typography(pages, "zh", "写在内容里 5 处")
    shared = check_page_typography(pages, "zh", "写在内容里 5 处", workers=2)
    assert sorted(map(str, shared)) == sorted(map(str, alone))
    assert sorted(f.path for f in shared) == sorted(pages)  # each page's one generated slip, once
