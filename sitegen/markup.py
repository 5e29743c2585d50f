"""Markdown → HTML for case bodies, with stable heading anchors and Chinese line joining."""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pypinyin import lazy_pinyin

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Ids the page templates use themselves; a heading never takes one of them.
RESERVED_IDS = frozenset({"main", "contents", "foreword", "at-a-glance", "key-figures", "untranslated",
                          "sections-title"})
# Han ideographs, CJK punctuation and full-width forms: characters between which a
# line break in the source is not a word space.
_WIDE = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
_INLINE_TAG = r"<(?!/?(?:p|h[1-6]|ul|ol|li|dl|dt|dd|div|table|thead|tbody|tr|td|th|blockquote|pre|hr)\b)[^>]+>"
_WIDE_BREAK = re.compile(rf"([{_WIDE}])((?:{_INLINE_TAG})*)[ \t]*\n[ \t]*((?:{_INLINE_TAG})*)(?=[{_WIDE}])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Heading:
    """A heading of a body, for anchors and the section list."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """A body as HTML, with the shape the build compares across languages."""

    html: str
    blocks: tuple[str, ...]  # tag of each top-level block, in order: h2, p, ul…
    headings: tuple[Heading, ...]


def slugify(text: str) -> str:
    """Return an ASCII anchor for a heading: pinyin for Chinese, words for Latin; may be ''."""
    words = []
    for part in lazy_pinyin(text, errors=lambda chars: [chars]):
        words += re.findall(r"[a-z0-9]+", part.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 48 and slug:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


def join_wide_lines(html: str) -> str:
    """Return `html` without line breaks between two Chinese characters (they would show as spaces)."""
    return _WIDE_BREAK.sub(r"\1\2\3", html)


class _Shape(Treeprocessor):
    """Record top-level blocks and give headings anchors: given ones, explicit ones or pinyin."""

    def __init__(self, md):
        super().__init__(md)
        self.given: tuple[str, ...] | None = None
        self.blocks: list[str] = []
        self.headings: list[Heading] = []

    def start(self, given: tuple[str, ...] | None) -> None:
        """Forget the last document; the next one takes `given` anchors (None: make them)."""
        self.given, self.blocks, self.headings = given, [], []

    def run(self, root: etree.Element) -> None:
        used: set[str] = set(RESERVED_IDS)
        for child in root:
            self.blocks.append(child.tag)
            if child.tag not in HEADINGS:
                continue
            text = "".join(child.itertext()).strip()
            index = len(self.headings)
            if self.given is not None:
                anchor = self.given[index] if index < len(self.given) else f"section-{index + 1}"
            else:
                anchor = child.get("id") or slugify(text) or f"section-{index + 1}"
                base, n = anchor, 2
                while anchor in used:
                    anchor, n = f"{base}-{n}", n + 1
            used.add(anchor)
            child.set("id", anchor)
            self.headings.append(Heading(int(child.tag[1]), anchor, text))


class _ShapeExtension(Extension):
    def extendMarkdown(self, md):
        md.shape = _Shape(md)
        # After attr_list (priority 8) so an explicit {#id} is seen.
        md.treeprocessors.register(md.shape, "booklet_shape", 5)


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """Return this thread's Markdown converter: building one costs more than a conversion."""
    if not hasattr(_converters, "md"):
        _converters.md = markdown.Markdown(
            extensions=["attr_list", "tables", "sane_lists", "footnotes", _ShapeExtension()],
            output_format="html")
    return _converters.md


@lru_cache(maxsize=8192)
def render_markdown(text: str, anchors: tuple[str, ...] | None = None) -> Rendered:
    """Return the body as HTML; headings take `anchors` in order when given (a translation)."""
    md = _converter()
    md.reset()
    md.shape.start(anchors)
    html = join_wide_lines(md.convert(text))
    return Rendered(html, tuple(md.shape.blocks), tuple(md.shape.headings))


def render_version(body: str, source_body: str | None = None) -> Rendered:
    """Return a body as HTML; a translation (with its source's body) takes the source's heading anchors."""
    if source_body is None:
        return render_markdown(body)
    return render_markdown(body, tuple(h.anchor for h in render_markdown(source_body).headings))


def block_lines(text: str, first_line: int) -> list[int]:
    """Return the file line where each blank-line-separated chunk of `text` starts."""
    lines, starts, in_chunk = text.split("\n"), [], False
    for number, line in enumerate(lines, start=first_line):
        if line.strip() and not in_chunk:
            starts.append(number)
        in_chunk = bool(line.strip())
    return starts


def has_han(text: str) -> bool:
    """Return True when `text` holds at least one Chinese character."""
    return bool(_HAN.search(text))
