"""The first edition's content: faithful to the source article, figures identical in both languages."""
import re

import pytest

import sitegen
from sitegen.figures import format_figure
from conftest import PROJECT

SOURCE = PROJECT / "docs/source-article.zh.txt"  # the article as handed over
# Known defects of the transcription that the published text corrects (see its README).
CORRECTIONS = {"新城管委会于岛街道": "新城管委会千岛街道"}


@pytest.fixture(scope="module")
def site():
    return sitegen.load_site(PROJECT / "content")


def letters(text: str) -> str:
    """Return only the letters and digits of `text`: punctuation and spacing are typesetting."""
    return re.sub(r"[\W_]+", "", text)


def without_editors_marks(body: str) -> str:
    """Return a body without what the edition adds to the article: 〔原文如此〕 marks and footnotes."""
    body = re.sub(r"^\[\^[^\]]+\]:.*$", "", body, flags=re.MULTILINE)
    return re.sub(r"〔[^〕]*〕|\[\^[^\]]+\]", "", body)


def chinese_blob(site) -> str:
    """Return the Chinese booklet as one string of letters, in reading order."""
    zh = site.config.source_language
    parts = [site.config.title[zh], site.foreword[zh].byline, site.foreword[zh].body]
    for case in site.cases:
        version = case.versions[zh]
        parts += ["".join(site.config.term("areas", a).name[zh] for a in case.areas),
                  version.title, version.lead, without_editors_marks(version.body)]
    return letters("".join(parts))


def test_no_sentence_of_the_source_is_lost_or_reordered(site):
    text = SOURCE.read_text(encoding="utf-8")
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    blob = chinese_blob(site)
    position, missing = 0, []
    for sentence in re.split(r"[。？！?\n]+", text.replace("\n\n", "")):
        piece = letters(sentence)
        if not piece:
            continue
        found = blob.find(piece, position)
        if found == -1:
            missing.append(sentence.strip())
        else:
            position = found + len(piece)
    assert missing == []


def test_chinese_uses_full_width_punctuation(site):
    zh = site.config.source_language
    for case in site.cases:
        version = case.versions[zh]
        for text in (version.title, version.lead, version.summary, version.body):
            assert not re.search(r"[\u4e00-\u9fff][,:;?!]|[,:;?!][\u4e00-\u9fff]", text), case.slug


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_key_figure_reads_the_same_in_the_text(site, lang):
    missing = []
    for case in site.cases:
        body = case.versions[lang].body.replace("\n", " ")
        for figure in case.figures:
            shown = format_figure(figure, site.config.ui[lang])
            if shown not in body:
                missing.append(f"{case.slug}: {figure.id} {shown}")
    assert missing == []


def test_every_case_has_key_figures_and_the_fifth_has_two_areas(site):
    assert all(case.figures for case in site.cases)
    assert site.cases[-1].areas == ("xincheng", "puzhu")
    assert [a.slug for a in site.config.areas] == ["dinghai", "putuo", "daishan", "shengsi", "xincheng", "puzhu"]


def test_glossary_has_the_terms_a_foreign_reader_needs(site):
    hanzi = {entry.hanzi for entry in site.config.glossary}
    assert {"三培养", "兼合式", "红色单元", "揭榜挂帅", "浙里办", "两优一先", "共同富裕"} <= hanzi
    for entry in site.config.glossary:
        assert re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", entry.pinyin), entry.hanzi


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("content") / "site"
    sitegen.build(sitegen.Paths(content=PROJECT / "content", out=out))
    return out


def test_the_known_defect_is_marked_where_readers_meet_it(site, built):
    """谈约、签约、履约、履约、评约 names one step twice: each edition marks it and says why, in a note."""
    marks = {"zh": "履约、履约〔原文如此〕<sup", "en": "fulfilling, fulfilling [sic]<sup"}
    notes = {"zh": "原文如此：原文把“履约”写了两次", "en": "[sic]: so in the original, which gives “fulfilling” twice"}
    for lang in ("zh", "en"):
        page = (built / f"{lang}/cases/xincheng-puzhu-alliances.html").read_text(encoding="utf-8")
        assert marks[lang] in page and notes[lang] in page
    booklet = (built / "booklet.html").read_text(encoding="utf-8")
    assert all(marks[lang] in booklet and notes[lang] in booklet for lang in ("zh", "en"))
    glossary = next(e for e in site.config.glossary if e.hanzi == "五约")
    assert "twice" in glossary.explanation["en"] and "两次" in glossary.explanation["zh"]


def test_readers_are_told_the_source_states_no_date(site, built):
    """The article's "this year" is not the booklet's: until the editor fills in where and when it
    appeared, every page says the source does not state it."""
    assert site.config.original_outlet is None and site.config.original_date is None
    for lang, words in (("zh", "原文未注明刊载媒体和发表日期"), ("en", "does not say where or when it was published")):
        home = (built / f"{lang}/index.html").read_text(encoding="utf-8")
        assert home.count(words) == 2  # under the foreword's byline and in the footer


def test_the_chinese_glossary_explains_in_chinese(site, built):
    page = (built / "zh/glossary.html").read_text(encoding="utf-8")
    for entry in site.config.glossary:
        assert f"<dd>{entry.explanation['zh']}</dd>" in page
        assert entry.explanation["en"] not in page
