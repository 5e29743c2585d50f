"""The checks that keep the words right (issue 9): terminology, typography of every visible text,
and key figures credited, marked and dated. Each trips on a fault planted in the clean fixture."""
import pytest

import sitegen
from test_check import CASE_EN, CASE_ZH, checked, findings  # noqa: F401 (checked: a fixture)
from test_validation import edit


def only(found: list[str], *words: str) -> list[str]:
    return [f for f in found if all(w in f for w in words)]


# --- terminology ---------------------------------------------------------------------------------

def test_a_term_rendered_another_way_is_a_warning(checked):
    edit(checked, CASE_EN, "More than 1,000 homestay owners joined", "More than 1,000 guesthouse owners joined")
    assert only(findings(checked), "glossary") == [
        "cases/homestays.en.md:15: warning: the source says 民宿 here, but the en text does not say 'homestay' "
        "(use the glossary's rendering, or add this one to the entry's variants in glossary.yaml)"]


def test_an_accepted_variant_is_no_warning(checked):
    edit(checked, CASE_EN, "More than 1,000 homestay owners joined", "More than 1,000 guesthouse owners joined")
    glossary = checked / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "  variants: {en: [guesthouse]}\n", encoding="utf-8")
    assert only(findings(checked), "glossary") == []


def test_the_tooltip_finds_its_term_whatever_the_quotes(checked, tmp_path):
    glossary = checked / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("{en: homestay}", "{en: '\"homestay\" owners'}"),
                        encoding="utf-8")
    edit(checked, CASE_EN, "More than 1,000 homestay owners joined", "More than 1,000 “homestay” owners joined")
    sitegen.build(sitegen.Paths(content=checked, out=tmp_path / "out"))
    html = (tmp_path / "out/en/cases/homestays.html").read_text(encoding="utf-8")
    assert '<a class="term" href="#gloss-minsu" aria-describedby="tip-minsu">“homestay” owners</a>' in html


# --- typography of everything a reader sees ---------------------------------------------------------

def test_straight_quotes_in_chinese_data_are_reported_on_their_line(checked):
    edit(checked, "themes.yaml", "name: {zh: 旅游,", 'name: {zh: 旅游"上云",')
    assert only(findings(checked), "themes.yaml") == [
        "themes.yaml:5: warning: straight quote in Chinese text: '旅游\"上云\"' (use the full-width quotes “ ”)"]


def test_straight_quotes_in_english_are_reported(checked):
    edit(checked, CASE_EN, "The projects’ total investment", "The projects' total investment")
    assert only(findings(checked), "straight") == [
        "cases/homestays.en.md:19: warning: straight quote in English text: 'The projects' total inves' "
        "(use curly quotes “ ” and the apostrophe ’)"]


def test_a_byline_with_a_half_width_comma(checked):
    edit(checked, "foreword.zh.md", "byline: 编辑部", "byline: 通讯员 甲,记者 乙")
    assert only(findings(checked), "foreword.zh.md") == [
        "foreword.zh.md:2: warning: half-width ',' in Chinese text (use the full-width '，')"]


def test_generated_labels_are_checked_on_the_page(checked):
    (checked / "ui.yaml").write_text('zh:\n  count_one: "{n} 篇案例"\n  count_other: "{n} 篇案例"\n', encoding="utf-8")
    found = only(findings(checked), "(generated)")
    assert found and all(f.startswith("zh/") for f in found)
    assert any(f.startswith("zh/areas/index.html:") and "between Chinese and Latin or digits: '1 篇'" in f for f in found)
    assert found[0].endswith("(this booklet writes them without a space, e.g. 1000余名: in the template or "
                             "interface string that writes it)")


# --- key figures ----------------------------------------------------------------------------------

def test_a_quantity_of_the_text_that_is_no_key_figure(checked):
    edit(checked, CASE_ZH, "项目总投资3784万元。", "项目总投资3784万元，带动就业200余人。")
    edit(checked, CASE_EN, "is CNY 37.84 million.", "is CNY 37.84 million, creating more than 200 jobs.")
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert only(findings(checked), "no key figure") == [
        "cases/homestays.zh.md:31: warning: the text reports 200余人 (…784万元，带动就业200余人。 …), which no key "
        "figure holds (add it to key_figures: every quantity the text reports is a key figure (names, dates and "
        "durations are not))"]


def test_names_dates_and_durations_are_no_quantities(checked):
    edit(checked, CASE_ZH, "项目总投资3784万元。", "项目总投资3784万元。“1655工程”“1+74+N”框架于3月启动，运行4个月来效果明显。")
    edit(checked, CASE_EN, "is CNY 37.84 million.", "is CNY 37.84 million. The “1655 project” and the “1+74+N” "
         "framework started in March and have worked well in the four months since.")
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert only(findings(checked), "no key figure") == []


def test_a_projected_figure_must_be_marked_and_labelled(checked):
    edit(checked, CASE_ZH, "项目总投资3784万元。", "项目总投资预计3784万元。")
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert only(findings(checked), "projected") == [
        "cases/homestays.zh.md:8: warning: key figure 'investment' (3784万元) is one the text says could be "
        "reached ('预计…'), not one reached (projected: true, and a label that says so in every language)"]
    edit(checked, CASE_ZH, "    label: 总投资", "    label: 预计总投资\n    projected: true")
    assert only(findings(checked), "projected") == []
    rendered = sitegen.build(sitegen.Paths(content=checked, out=checked.parent / "out"))
    html = (checked.parent / "out/zh/cases/homestays.html").read_text(encoding="utf-8")
    assert '3784万元<span class="figure-note">（预期）</span>' in html and rendered


def test_a_figure_marked_projected_that_the_text_reports_as_reached(checked):
    edit(checked, CASE_ZH, "    label: 总投资", "    label: 总投资\n    projected: true")
    assert only(findings(checked), "projected") == [
        "cases/homestays.zh.md:8: warning: key figure 'investment' is marked projected, but the text reports it "
        "as reached (delete 'projected: true')"]


def test_a_label_must_give_the_time_frame_the_text_gives(checked):
    edit(checked, CASE_ZH, "1000余名民宿业主加入联盟", "今年以来，1000余名民宿业主加入联盟")
    edit(checked, CASE_EN, "More than 1,000 homestay owners joined", "Since the start of the year, more than 1,000 "
         "homestay owners have joined")
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert only(findings(checked), "dates it") == [
        f"cases/homestays.en.md:{line}: warning: key figure '{figure}': the text dates it ('今年以来') but the label "
        "does not (say the time frame in the label, e.g. since launch, since the start of the year, so far)"
        for figure, line in (("owners", 8), ("branches", 9))] + [
        f"cases/homestays.zh.md:8: warning: key figure '{figure}': the text dates it ('今年以来') but its label "
        "does not (say the time frame in the label, e.g. 上线以来…, 今年以来…, 目前…)" for figure in ("branches", "owners")]
    edit(checked, CASE_ZH, "    label: 参与的民宿业主", "    label: 今年以来加入联盟的民宿业主")
    edit(checked, CASE_ZH, "    label: 设立的党支部", "    label: 今年以来设立的党支部")
    edit(checked, CASE_EN, "  owners: homestay owners taking part", "  owners: homestay owners who joined this year")
    edit(checked, CASE_EN, "  branches: Party branches set up", "  branches: Party branches set up this year")
    assert only(findings(checked), "dates it") == []


def test_a_figure_of_a_case_in_two_areas_names_its_area(checked, tmp_path):
    edit(checked, CASE_ZH, "areas: [north]", "areas: [north, south]")
    assert only(findings(checked), "belongs") == [
        f"cases/homestays.zh.md:8: warning: key figure '{figure}' does not say which of the case's areas it "
        "belongs to (area: one of north, south)" for figure in ("branches", "investment", "owners")]
    for label, area in (("总投资", "south"), ("参与的民宿业主", "north"), ("设立的党支部", "north")):
        edit(checked, CASE_ZH, f"    label: {label}\n", f"    label: {label}\n    area: {area}\n")
    assert only(findings(checked), "belongs") == []
    sitegen.build(sitegen.Paths(content=checked, out=tmp_path / "out"))
    figures = (tmp_path / "out/zh/figures.html").read_text(encoding="utf-8")
    assert '">南区</a>：总投资<strong>3784万元</strong>' in figures
    assert '<div class="figure-area">南区</div>' in (tmp_path / "out/zh/index.html").read_text(encoding="utf-8")


def test_an_area_that_is_not_the_case_s_is_refused(checked):
    edit(checked, CASE_ZH, "    label: 总投资\n", "    label: 总投资\n    area: east\n")
    with pytest.raises(sitegen.errors.BuildFailed) as failure:
        sitegen.load_site(checked)
    assert [p.reported().replace(f"{checked}/", "") for p in failure.value.problems] == [
        "cases/homestays.zh.md:13: key_figures[1].area: 'east' is not one of this case's areas (the area the figure "
        "belongs to, one of the case's areas: north)"]


# --- what the reader is told about the source ------------------------------------------------------

def test_the_source_note_says_what_the_editor_has_filled_in(checked, tmp_path):
    def footer(lang):
        sitegen.build(sitegen.Paths(content=checked, out=tmp_path / "out"))
        return (tmp_path / f"out/{lang}/index.html").read_text(encoding="utf-8")

    assert "原文未注明刊载媒体和发表日期" in footer("zh")
    edit(checked, "site.yaml", "base_url:", "original_outlet: {zh: 舟山日报, en: Zhoushan Daily}\nbase_url:")
    assert "原文刊于舟山日报，未注明发表日期" in footer("zh")
    edit(checked, "site.yaml", "base_url:", "original_date: 2023-06-30\nbase_url:")
    assert "<p>原文刊于舟山日报，2023年6月30日。</p>" in footer("zh")
    assert "<p>The original article appeared in Zhoushan Daily on 30 June 2023.</p>" in footer("en")


def test_month_names_must_be_twelve(checked):
    (checked / "ui.yaml").write_text("en:\n  month_names: January February\n", encoding="utf-8")
    assert only(findings(checked), "month") == [
        "ui.yaml:2: error: en.month_names: expected the twelve month names, separated by spaces or '、' "
        "(e.g. 'January February March April May June July August September October November December')"]


def test_a_footnote_goes_back_to_the_text_in_the_page_language(checked, tmp_path):
    edit(checked, CASE_ZH, "项目总投资3784万元。", "项目总投资3784万元〔原文如此〕[^n]。\n\n[^n]: 原文如此。")
    edit(checked, CASE_EN, "CNY 37.84 million.", "CNY 37.84 million [sic][^n].\n\n[^n]: So in the original.")
    list(sitegen.mark_reviewed(checked, ["homestays"], "en", False))
    assert findings(checked) == []
    sitegen.build(sitegen.Paths(content=checked, out=tmp_path / "out"))
    for lang, title in (("zh", "返回正文"), ("en", "Back to the text")):
        page = (tmp_path / f"out/{lang}/cases/homestays.html").read_text(encoding="utf-8")
        assert f'class="footnote-backref" href="#fnref:n" title="{title}">↩\ufe0e</a>' in page


def test_two_straight_quotes_on_a_line_are_one_warning(checked):
    edit(checked, CASE_EN, "The projects’ total investment", "The \"projects\" total investment")
    assert len(only(findings(checked), "straight quote in English")) == 1
