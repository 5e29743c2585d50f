"""Markdown bodies: anchors for Chinese headings, no stray spaces from line breaks."""
from hypothesis import given, settings, strategies as st

from sitegen.markup import join_wide_lines, render_markdown, slugify


def test_chinese_heading_gets_a_pinyin_anchor():
    rendered = render_markdown("## 统筹谋划，明晰培养方向\n\n正文。\n")
    assert rendered.headings[0].anchor == "tong-chou-mou-hua-ming-xi-pei-yang-fang-xiang"
    assert '<h2 id="tong-chou-mou-hua-ming-xi-pei-yang-fang-xiang">' in rendered.html


def test_repeated_headings_and_template_ids_get_distinct_anchors():
    rendered = render_markdown("## 标题\n\n## 标题\n\n## Key figures\n")
    assert [h.anchor for h in rendered.headings] == ["biao-ti", "biao-ti-2", "key-figures-2"]


def test_explicit_anchor_wins_and_a_translation_takes_given_anchors():
    assert render_markdown("## 标题 {#own}\n").headings[0].anchor == "own"
    translated = render_markdown("## Title\n\ntext\n\n## Other\n", ("a", "b"))
    assert [h.anchor for h in translated.headings] == ["a", "b"]
    assert translated.blocks == ("h2", "p", "h2")


def test_line_break_inside_a_chinese_paragraph_is_not_a_space():
    html = render_markdown("第一行的文字，\n第二行**加粗**\n继续。\n\nEnglish words\nstay apart.\n").html
    assert "<p>第一行的文字，第二行<strong>加粗</strong>继续。</p>" in html
    assert "English words\nstay apart." in html


def test_line_breaks_between_blocks_are_kept():
    assert join_wide_lines("<h2>标题</h2>\n<p>正文</p>") == "<h2>标题</h2>\n<p>正文</p>"


@given(st.text(min_size=1, max_size=20))
def test_slugify_is_ascii_and_idempotent(text):
    slug = slugify(text)
    assert slug == slugify(slug)
    assert slug == "" or all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12))
def test_slugify_never_empty_for_chinese(text):
    assert slugify(text)


def test_footnotes_do_not_leak_between_documents():
    first = render_markdown("正文[^1]。\n\n[^1]: 注释一。\n").html
    second = render_markdown("另一篇正文。\n").html
    assert "注释一" in first and "注释一" not in second and "footnote" not in second


# Plain words, and each inline construct whole (so that a paragraph holds one alone often).
_PIECES = ["中文", "word", " ", "\n", "_em_", "__strong__", "*em*", "**strong**", "`code`", "\\*", "[a](b)",
           "![i](s)", "[r]", "[r][]", "\n\n[r]: http://x\n", "[^1]", "\n\n[^1]: note\n", "<b>x</b>",
           "<!-- c -->", "&amp;", "&copy;", "line  \nbreak", "<http://a.b>", "<a@b.c>", "## ", "- ", "1. ",
           "> ", "|", "---", "{: #x}", "\n\n    code *x*\n", "_", "*", "[", "<", "&", "\\", "`"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), max_size=5).map("\n\n".join))
def test_texts_left_to_themselves_render_as_markdown_would(text):
    """The texts marked done before the inline step (no inline pattern could match in them)
    render as they did when every pattern was tried on every text."""
    from sitegen import markup
    md = markup._converter()
    plain = md.treeprocessors["plain_text"]
    try:
        md.treeprocessors.deregister("plain_text")
        md.reset(), md.shape.start(None)
        tried = md.convert(text)
    finally:
        md.treeprocessors.register(plain, "plain_text", 21)
    md.reset(), md.shape.start(None)
    assert md.convert(text) == tried


def test_a_pattern_it_does_not_know_of_turns_the_shortcut_off():
    """Another extension's inline pattern may match anywhere: then no text is marked done."""
    import markdown
    from markdown.inlinepatterns import SimpleTagInlineProcessor
    from sitegen import markup
    md = markdown.Markdown(extensions=[markup._ShapeExtension()])
    md.inlinePatterns.register(SimpleTagInlineProcessor(r"()==(.+?)==", "mark"), "mark", 5)
    md.shape.start(None)
    assert md.convert("a ==b== c") == "<p>a <mark>b</mark> c</p>"
