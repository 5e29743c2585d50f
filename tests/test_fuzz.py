"""Whatever an author types, the build gives a site or messages, never a traceback.

The load, check and render steps are pure functions of the files' texts, so Hypothesis can try
thousands of front matters, bodies and data files without touching the disk.
"""
import datetime as dt
import os

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import FIXTURES, PROJECT
from sitegen.check import run_checks
from sitegen.config import parse_config
from sitegen.content import decode
from sitegen.errors import Problem
from sitegen.model import build_site
from sitegen.render import render_site
from sitegen.review import translation_status

TEXTS = {path.relative_to(FIXTURES / "bilingual").as_posix(): path.read_text(encoding="utf-8")
         for path in sorted((FIXTURES / "bilingual").rglob("*")) if path.is_file() and path.suffix in (".md", ".yaml")}
CASE = "cases/full-pair.zh.md"
# FUZZ_EXAMPLES=3000 tries harder, for a session hunting bugs rather than CI.
SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_check_render(texts: dict[str, str | None], reported: bool = False) -> list[Problem]:
    """Run the whole pipeline but for writing; return the problems (none: the site rendered).

    `reported`: a file could not be decoded, which was reported already.
    """
    config, problems = parse_config({p: t for p, t in texts.items() if t is not None}, set(texts))
    if config is None:
        assert problems or reported, "no config and no problem"
        return problems
    site, problems = build_site(texts, config, {}, preview=True)
    if site is None:
        assert problems or reported, "no site and no problem"
        return problems
    run_checks(site, translation_status(site, {}))
    render_site(site, PROJECT / "templates")
    return []


def with_field(text: str, key: str, value) -> str:
    """Return a case file with one front matter field set to `value` (added if absent)."""
    head, body = text[4:].split("\n---\n", 1)
    lines = [line for line in head.split("\n") if not line.startswith(f"{key}:")]
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=True).strip()
    return "---\n" + "\n".join(lines + [dumped.strip("{}")]) + "\n---\n" + body


scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                    st.text(max_size=12), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)
fields = st.sampled_from(["title", "lead", "summary", "areas", "themes", "order", "date", "key_figures",
                          "draft", "slug", "editor_note", "translation_of", "byline", "extra"])


@SETTINGS
@given(st.lists(st.tuples(fields, values), min_size=1, max_size=3))
def test_any_front_matter_gives_a_site_or_messages(changes):
    texts = dict(TEXTS)
    for key, value in changes:
        texts[CASE] = with_field(texts[CASE], key, value)
    load_check_render(texts)


FIGURE_VALUES = st.one_of(values, st.lists(st.one_of(st.integers(-5, 10**20), st.floats(allow_nan=True)),
                                           min_size=2, max_size=2))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["id", "value", "unit", "approx", "label"]), FIGURE_VALUES, max_size=5))
def test_any_key_figure_gives_a_site_or_messages(figure):
    texts = dict(TEXTS)
    texts[CASE] = with_field(texts[CASE], "key_figures", [figure])
    load_check_render(texts)


# Pieces that each reach a different part of Markdown, HTML and our own syntax.
PIECES = ["## ", "### ", "\n\n", "\n", "- ", "1. ", "> ", "| a | b |\n|---|---|\n| 1 | 2 |", "**", "*", "`",
          "```\n", "[x](", "![alt](", ")", "[r]: ", "[^1]", "[^1]: note", "case:full-pair", "case:zh-only#",
          "case:nope", "images/map.svg", "images/", "http://x.example/a.png", "http://[::1", "%zz", "file:///etc/x",
          "javascript:", "<script>", "</script>", "<img src='http://[::1'>", "<a href='case:'>",
          "<img src=x onerror=y>", "<a href='case:full-pair'>", "</a>", "{: #id .class onclick=x }", "{#main}",
          "&amp;", "&#0;", "&lt;", "<!--", "-->", "\x02wzxhzdk:0\x03", "第一节", "English", "“引号”", "，", "。",
          "\t", "    code", "<div>", "</div>", "<h2>", "<", ">", "\\", "[", "]", "#", "\u3000", "\ufeff"]


@SETTINGS
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.booleans())
def test_any_body_gives_a_site_or_messages(pieces, in_translation):
    texts = dict(TEXTS)
    path = "cases/full-pair.en.md" if in_translation else CASE
    head, _ = texts[path][4:].split("\n---\n", 1)
    texts[path] = "---\n" + head + "\n---\n" + "".join(pieces)
    load_check_render(texts)


DATA_PIECES = ["- slug: ", "north", "index", "assets", "  name: ", "{zh: 名, en: Name}", "  description: ",
               "{zh: 说明, en: text}", "  map: ", "[10, 20]", "[200, -1]", "  map_label: ", "above", "\n", ": ",
               "&a ", "*a", "[", "]", "{", "}", "'", '"', "!!int ", "!!timestamp ", "2026-02-30", "null", "- ",
               "  full_name: ", "en: ", "zh: ", "code: ", "languages:", "source_language: ", "count_one: '{n}'",
               "'{x}'", "units: ", "figure: ", "\t"]


@SETTINGS
@given(st.sampled_from(["areas.yaml", "themes.yaml", "glossary.yaml", "site.yaml", "ui.yaml"]),
       st.lists(st.sampled_from(DATA_PIECES), max_size=30), st.booleans())
def test_any_data_file_gives_a_site_or_messages(name, pieces, replace):
    texts = dict(TEXTS)
    texts[name] = ("" if replace else texts.get(name, "")) + "".join(pieces)
    load_check_render(texts)


@SETTINGS
@given(st.binary(max_size=200), st.sampled_from(sorted(TEXTS)))
def test_any_bytes_in_any_file_give_a_site_or_messages(raw, name):
    text, problems = decode(raw, name)
    texts = dict(TEXTS)
    texts[name] = text
    if text is None:
        assert problems
    load_check_render(texts, reported=text is None)
