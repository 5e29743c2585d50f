"""Each class of bad input gets one clear message: file:line: field: what is wrong (what was expected)."""
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT, problems_of


def edit(content, relative, old, new):
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_fixture_itself_is_clean(fixture_site):
    import sitegen
    site = sitegen.load_site(fixture_site())
    assert [c.slug for c in site.cases] == ["full-pair", "zh-only"]


def test_malformed_yaml(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "areas: [north]", "areas: [north")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:5: YAML: syntax error: the list that opens here with '[' is never "
        "closed with ']' (did not find expected ',' or ']') "
        "(check indentation, the ':' after each key, and quote text that starts with a special "
        "character such as : [ { \" ' * & ! | > % @)"]


def test_missing_required_field(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "title: 完整的一对\n", "")
    assert problems_of(content) == [f"{content}/cases/full-pair.zh.md:2: title: missing (the case's title)"]


def test_empty_required_field(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "title: 完整的一对", "title:")
    assert problems_of(content) == [f"{content}/cases/full-pair.zh.md:2: title: is empty (the case's title)"]


def test_wrong_type(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "order: 1", "order: first")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:7: order: expected a whole number, got text ('first') "
        "(the case's position in the booklet: 1, 2, 3…)"]


def test_unknown_area_lists_the_known_ones(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "areas: [north]", "areas: [北区]")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:5: areas: '北区' is not a known area "
        "(a list of areas from: north, south, east)"]


def test_unknown_theme_lists_the_known_ones(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "themes: [alliances]", "themes: [alliance]")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:6: themes: 'alliance' is not a known theme "
        "(a list of themes from: alliances, tourism)"]


def test_duplicate_slug_names_both_files(fixture_site):
    content = fixture_site()
    (content / "cases/2023").mkdir()
    shutil.copy(content / "cases/zh-only.zh.md", content / "cases/2023/zh-only.zh.md")
    assert problems_of(content) == [
        f"{content}/cases/2023/zh-only.zh.md:1: file name: 'zh-only' is also the slug of "
        "cases/zh-only.zh.md (a different file name, or a 'slug:' of its own)",
        f"{content}/cases/zh-only.zh.md:1: file name: 'zh-only' is also the slug of "
        "cases/2023/zh-only.zh.md (a different file name, or a 'slug:' of its own)"]


def test_a_slug_field_taken_by_another_file_is_reported_on_its_line(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "order: 1\n", "order: 1\nslug: zh-only\n")
    problems = problems_of(content)
    assert f"{content}/cases/full-pair.zh.md:8: slug: 'zh-only' is also the slug of cases/zh-only.zh.md " \
           "(a different file name, or a 'slug:' of its own)" in problems


def test_translation_of_a_missing_source(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.en.md", "translation_of: full-pair", "translation_of: full-pear")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.en.md:2: translation_of: 'full-pear' is not a case in zh "
        "(the slug of an existing source case: draft-case, full-pair, zh-only)"]


def test_slug_that_would_escape_the_site(fixture_site):
    content = fixture_site()
    edit(content, "cases/zh-only.zh.md", "order: 2", "order: 2\nslug: ../../etc")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:8: slug: '../../etc' would lead outside its folder "
        "(lowercase ASCII letters, digits and single hyphens, e.g. 'dinghai-three-cultivations')"]


def test_area_slug_that_would_escape_the_site(fixture_site):
    content = fixture_site()
    edit(content, "areas.yaml", "slug: east", "slug: ../east")
    assert problems_of(content) == [
        f"{content}/areas.yaml:8: slug: '../east' would lead outside its folder "
        "(lowercase ASCII letters, digits and single hyphens, e.g. 'dinghai-three-cultivations')"]


def test_file_that_is_not_utf8(fixture_site):
    content = fixture_site()
    path = content / "cases/zh-only.zh.md"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:2: file: is not UTF-8 (byte 0xD3 cannot be read) "
        "(save the file with the encoding 'UTF-8' in your editor)"]


def test_empty_file(fixture_site):
    content = fixture_site()
    (content / "cases/zh-only.zh.md").write_text("\n")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:1: file: is empty (write the file's fields and text, or delete the file)"]


def test_unknown_front_matter_key_suggests_the_likely_one(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "order: 1", "order: 1\nthemse: [tourism]")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:8: themse: unknown field (did you mean 'themes'? known fields: "
        "slug, title, lead, summary, editor_note, areas, themes, order, date, key_figures, draft)"]


def test_translation_out_of_step_with_the_source(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.en.md", "## The first section\n", "The first section\n")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.en.md:13: body: block 2 is a paragraph but in cases/full-pair.zh.md "
        "it is a level-2 heading (the same headings and paragraphs as the source, in the same order)"]


def test_translation_missing_a_paragraph(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.en.md", "A second section with the same Chinese heading.\n", "")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.en.md:17: body: has 4 blocks but cases/full-pair.zh.md has 5 "
        "(one paragraph or heading for each of the source's, in the same order)"]


def test_translation_without_a_figure_label(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.en.md", "  people: people taking part\n", "")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.en.md:6: key_figures: no label for: people "
        "(one 'figure-id: label' line for each key figure of the source)"]


def test_language_that_is_not_configured(fixture_site):
    content = fixture_site()
    shutil.copy(content / "cases/zh-only.zh.md", content / "cases/zh-only.fr.md")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.fr.md:1: file name: 'fr' is not a language of this booklet "
        "(one of: zh, en, as set in site.yaml)"]


def test_data_file_without_a_translation(fixture_site):
    content = fixture_site()
    edit(content, "areas.yaml", "name: {zh: 北区, en: North District}", "name: {zh: 北区}")
    assert problems_of(content) == [
        f"{content}/areas.yaml:2: name: no text for en (one text per language (zh, en))"]


def test_every_problem_of_the_run_is_listed(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "order: 1", "order: first")
    edit(content, "cases/zh-only.zh.md", "areas: [south, north]", "areas: [west]")
    (content / "cases/empty.zh.md").write_text("")
    problems = problems_of(content)
    assert [p.split(":")[0].rsplit("/", 1)[-1] for p in problems] == [
        "empty.zh.md", "full-pair.zh.md", "zh-only.zh.md"]


def test_command_line_prints_problems_without_a_traceback(fixture_site, tmp_path):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "order: 1", "order: first")
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--content", str(content),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "full-pair.zh.md:7: order: expected a whole number" in result.stderr
    assert result.stderr.strip().endswith("Stopped: 1 problem found; nothing was written.")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("missing", ["site.yaml", "areas.yaml", "themes.yaml"])
def test_missing_data_file(fixture_site, missing):
    content = fixture_site()
    (content / missing).unlink()
    assert problems_of(content) == [f"{content}/{missing}:1: file: missing (the file {missing}, in the content folder)"]


def test_duplicate_figure_id(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "  - id: people", "  - id: money")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:13: key_figures[2].id: 'money' is used twice (each id once)"]


def test_figure_with_an_unknown_unit(fixture_site):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "unit: people", "unit: persons")
    problems = problems_of(content)
    assert len(problems) == 1
    assert problems[0].startswith(f"{content}/cases/full-pair.zh.md:16: key_figures[2].unit: "
                                  "'persons' is not a known unit (one of: cases, events,")


def test_link_to_a_case_that_does_not_exist(fixture_site):
    content = fixture_site()
    edit(content, "cases/zh-only.zh.md", "case:full-pair#", "case:full-paire#")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:9: link: case:full-paire is not a case "
        "(case:SLUG with the slug of a published case, e.g. case:full-pair)"]


def test_link_to_a_draft_from_a_published_case(fixture_site):
    content = fixture_site()
    edit(content, "cases/zh-only.zh.md", "case:full-pair#di-yi-jie-biao-ti", "case:draft-case")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:9: link: case:draft-case is a draft, not published "
        "(case:SLUG with the slug of a published case, e.g. case:full-pair)"]


def test_link_to_a_section_that_does_not_exist(fixture_site):
    content = fixture_site()
    edit(content, "cases/zh-only.zh.md", "#di-yi-jie-biao-ti", "#no-such-section")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:9: link: case:full-pair#no-such-section: no such section "
        "(the anchor of one of that case's headings)"]


def test_missing_image(fixture_site):
    content = fixture_site()
    (content / "images/map.svg").unlink()
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:11: image: 'images/map.svg' does not exist "
        "(a file in content/images/, written images/NAME)"]


def test_map_label_is_above_or_below(fixture_site):
    content = fixture_site()
    edit(content, "areas.yaml", "- slug: north\n", "- slug: north\n  map: [40, 50]\n  map_label: left\n")
    assert problems_of(content) == [
        f"{content}/areas.yaml:3: map_label: expected 'above' or 'below', got text ('left') "
        "('above' or 'below' (the default): where the name goes on the map, clear of its neighbours)"]
