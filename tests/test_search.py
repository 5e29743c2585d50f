"""What Pagefind is given to index (sitegen/search.py): Chinese as code words of its pairs of
characters, joined English words with their parts, filters with their values; one bundle per
language. The browser tests ask the index built from it (test_browser.py)."""
import html
import json

import pytest
from hypothesis import given, settings, strategies as st

from conftest import FIXTURES, build_to
from sitegen.search import code_word, index_copy, is_spelled, spelled, with_parts


def test_chinese_is_indexed_as_pairs_of_characters_then_the_last_alone():
    assert spelled("定海区") == f"{code_word('定', '海')} {code_word('海', '区')} {code_word('区')}"
    assert code_word("定", "海") == "u05b9a06d77" and code_word("定") == "u05b9a"
    assert code_word("定", "海").startswith(code_word("定"))  # a lone character finds its pairs


def test_ascii_words_punctuation_and_spaces_keep_their_place():
    assert spelled("5A景点，Party建设 好") == (
        f"5A {code_word('景', '点')} {code_word('点')} ， Party {code_word('建', '设')} {code_word('设')} "
        f"\ue002 {code_word('好')}")
    assert spelled("𠀋字") == f"{code_word('𠀋', '字')} {code_word('字')}"  # beyond the BMP: one character


def test_a_page_is_copied_with_its_text_spelled_and_its_tags_as_they_are():
    page = ('<html lang="zh-Hans"><script>var a = "定<海";</script><a href="x" data-pagefind-filter="地区">'
            '定海区</a><h1 data-pagefind-meta="title">党建 &amp; 联盟</h1></html>')
    copy = index_copy(page, spell=True)
    assert '<script>var a = "定<海";</script>' in copy
    assert f'data-pagefind-filter="地区:定海区"> {spelled("定海区")} </a>' in copy  # the value, as shown
    assert f'<h1 data-pagefind-meta="title"> {spelled("党建 & 联盟").replace("&", "&amp;")} </h1>' in copy


def test_english_words_joined_by_a_dash_or_quote_are_also_indexed_in_parts():
    assert with_parts("has mentor–apprentice pairs") == "has mentor–apprentice \ue000 mentor apprentice \ue001 pairs"
    assert with_parts("the “area-wide” plan") == "the “area-wide” \ue000 area wide \ue001 plan"
    assert with_parts("no joins here") == "no joins here"
    assert index_copy('<p title="a–b">x–y</p>', spell=False) == '<p title="a–b">x–y \ue000 x y \ue001</p>'


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["mentor", "–", "—", "“", "”", "‘", "’", "s", " ", "\n", "\u3000", "-", "_",
                                 "x", "中", "&amp;", ",", "9"]), max_size=16).map("".join))
def test_every_whole_word_with_a_joiner_gets_its_parts(text):
    """with_parts finds its words where they start: the same words a search from every position
    found (each whole run of non-spaces holding a quote or dash)."""
    import re
    words = list(re.finditer(r"\S*[“”‘’–—]\S*", text))
    expected, position = [], 0
    for word in words:
        parts = [p for p in re.findall(r"[^\W_]+", html.unescape(word.group())) if p != word.group()]
        expected.append(text[position:word.start()])
        expected.append(f"{word.group()} \ue000 {' '.join(parts)} \ue001" if parts else word.group())
        position = word.end()
    assert with_parts(text) == "".join(expected) + text[position:]


def test_languages_written_without_spaces():
    assert is_spelled("zh-Hans") and is_spelled("ja") and is_spelled("th")
    assert not is_spelled("en") and not is_spelled("zh2")


@pytest.fixture(scope="module")
def built_bilingual(tmp_path_factory):
    out = tmp_path_factory.mktemp("search") / "site"
    build_to(FIXTURES / "bilingual", out)
    return out


def test_one_bundle_per_language(built_bilingual):
    out = built_bilingual
    for lang, language in (("zh", "zxx"), ("en", "en")):
        entry = json.loads((out / f"pagefind/{lang}/pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == [language]
        assert (out / f"pagefind/{lang}/pagefind-ui.js").is_file()
    assert 'src="../pagefind/zh/pagefind-ui.js"' in (out / "zh/search.html").read_text(encoding="utf-8")
