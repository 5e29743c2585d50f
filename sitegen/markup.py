"""Markdown → HTML for case bodies: sanitised, with stable heading anchors and Chinese line joining."""
from __future__ import annotations

import functools
import html as htmllib
import re
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass, replace
from typing import Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import render_inner_html
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .cache import Cache, compute_all, key as cache_key

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Ids the page templates use themselves; a heading never takes one of them.
RESERVED_IDS = frozenset({"main", "contents", "foreword", "at-a-glance", "key-figures", "untranslated",
                          "sections-title"})
# Han ideographs, CJK punctuation and full-width forms: characters between which a
# line break in the source is not a word space.
_WIDE = r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
_INLINE_TAG = r"<(?!/?(?:p|h[1-6]|ul|ol|li|dl|dt|dd|div|table|thead|tbody|tr|td|th|blockquote|pre|hr)\b)[^>]+>"
_WIDE_BREAK = re.compile(rf"([{_WIDE}])((?:{_INLINE_TAG})*)[ \t]*\n[ \t]*((?:{_INLINE_TAG})*)(?=[{_WIDE}])")
HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"  # a Chinese character, for every check that looks for one
_HAN = re.compile(HAN)
_LINK_TAG = re.compile(r"<(?:a|img)\b", re.IGNORECASE)  # what the inventory would list as a link


# What a body may hold once rendered: what the booklet's Markdown produces (with attribute
# lists, tables and footnotes), and the few inline elements an editor may write by hand.
# Anything else is removed unless the site trusts its raw HTML (site.yaml: allow_raw_html).
SAFE_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code", "hr", "br",
    "em", "strong", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "div", "sup", "sub",
    "b", "i", "u", "s", "del", "ins", "mark", "small", "abbr", "q", "cite", "span", "ruby", "rt", "rp"})
_CELL = {"style", "colspan", "rowspan", "align"}
SAFE_ATTRIBUTES = {
    "*": {"lang", "title"}, "a": {"href"}, "img": {"src", "alt", "width", "height"}, "ol": {"start"},
    "th": _CELL, "td": _CELL, "sup": {"id"}, "li": {"id"}, **{f"h{n}": {"id"} for n in range(1, 7)}}
SAFE_CLASSES = {"a": {"footnote-ref", "footnote-backref"}, "div": {"footnote"}}
# case: links are made relative to the page after rendering, and checked like the others.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "case"})
_URL_ATTRIBUTES = {"href", "src"}
_DROPPED_WITH_CONTENT = {"script", "style"}


@dataclass(frozen=True)
class Link:
    """A link or image of a rendered body, as the page holds it."""

    tag: str      # 'a' or 'img'
    address: str  # href or src
    alt: str = "" # an image's text alternative


@dataclass(frozen=True)
class Dropped:
    """Something a body's HTML held that the published page leaves out."""

    what: str    # for the message: "<script> and its content", "the attribute onclick of <a>"
    needle: str  # text to find in the source to say on which line it was written


@dataclass(frozen=True)
class Heading:
    """A heading of a body, for anchors and the section list."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Rendered:
    """A body as HTML, with the shape the build compares across languages."""

    html: str | None  # None: held without it (read back from the build cache when asked for)
    blocks: tuple[str, ...]  # tag of each top-level block, in order: h2, p, ul…
    headings: tuple[Heading, ...]
    links: tuple[Link, ...] = ()             # every link and image, as the Markdown wrote them
    dropped: tuple[Dropped, ...] = ()        # what sanitising removed, in the order written


@functools.lru_cache(maxsize=4096)  # headings recur (a translation asks for its source's again)
def slugify(text: str) -> str:
    """Return an ASCII anchor for a heading: pinyin for Chinese, words for Latin; may be ''."""
    words = []
    from pypinyin import lazy_pinyin  # its dictionaries take a while to load: only when needed
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
            text = heading_text(child, self.md)
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


def heading_text(element: etree.Element, md: markdown.Markdown) -> str:
    """Return a heading as the reader sees its words: raw HTML in it reduced to its text, never
    to Markdown's internal placeholders (STX…ETX), and no script or style content."""
    text = "".join(element.itertext())
    if "\x02" not in text:  # nothing stashed away: the words are all there
        return " ".join(text.split())
    inner = render_inner_html(element, md)
    return " ".join(htmllib.unescape(nh3.clean(inner, tags=set())).split())


# What each inline pattern needs in a text to match there at all: one of these characters, or
# two spaces before a line break. A pattern not listed here (another extension's) turns the
# shortcut below off.
_PATTERN_NEEDS = {"backtick": "`\\", "escape": "\\", "reference": "[", "link": "[", "image_link": "[",
                  "image_reference": "[", "short_reference": "[", "short_image_ref": "[", "footnote": "[",
                  "autolink": "<", "automail": "<", "html": "<", "entity": "&", "linebreak": "",
                  "em_strong": "*_", "em_strong2": "_", "not_strong": "*_", "strong_em": "*_"}


class _PlainText(Treeprocessor):
    """Mark as done (AtomicString) each text in which no inline pattern can match: Markdown's
    inline step tries every pattern on every text, and most texts (headings, list items, plain
    paragraphs) hold nothing for any of them. A fifth of a body's rendering, saved."""

    def run(self, root: etree.Element) -> None:
        patterns = self.md.inlinePatterns
        known = frozenset(name for name in _PATTERN_NEEDS if name in patterns)
        if len(known) != len(patterns):  # a pattern this does not know of: leave every text to it
            return
        needs = _needed_by(known)
        for element in root.iter():
            if element.text and not isinstance(element.text, AtomicString) and not needs.search(element.text):
                element.text = AtomicString(element.text)
            if element.tail and not isinstance(element.tail, AtomicString) and not needs.search(element.tail):
                element.tail = AtomicString(element.tail)


@functools.lru_cache(maxsize=8)
def _needed_by(names: frozenset[str]) -> re.Pattern:
    """Return what finds, in a text, anything one of the inline patterns `names` needs."""
    characters = "".join(sorted(set("".join(_PATTERN_NEEDS[name] for name in names))))
    return re.compile(f"[{re.escape(characters)}]|  \n")


class _ShapeExtension(Extension):
    def extendMarkdown(self, md):
        md.shape = _Shape(md)
        # After attr_list (priority 8) so an explicit {#id} is seen.
        md.treeprocessors.register(md.shape, "booklet_shape", 5)
        # Just before the inline step (priority 20), after the footnotes' (50) have added theirs.
        md.treeprocessors.register(_PlainText(md), "plain_text", 21)


_converters = threading.local()


def _converter() -> markdown.Markdown:
    """Return this thread's Markdown converter: building one costs more than a conversion."""
    if not hasattr(_converters, "md"):
        _converters.md = markdown.Markdown(
            extensions=["attr_list", "tables", "sane_lists", "footnotes", _ShapeExtension()],
            # The arrow as text, not an emoji; its title is worded per language by the page.
            extension_configs={"footnotes": {"BACKLINK_TEXT": "\u21a9\ufe0e"}},
            output_format="html")
    return _converters.md


class _Inventory(HTMLParser):
    """Read rendered HTML for its links and images, and for what sanitising would drop."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.dropped: list[Dropped] = []

    def handle_starttag(self, tag, attrs):
        given = dict(attrs)
        if tag == "img" or (tag == "a" and given.get("href") is not None):
            self.links.append(Link(tag, (given.get("src" if tag == "img" else "href") or "").strip(),
                                   given.get("alt") or ""))
        if tag not in SAFE_TAGS:
            content = " and its content" if tag in _DROPPED_WITH_CONTENT else ""
            self.dropped.append(Dropped(f"<{tag}>{content}", f"<{tag}"))
            return
        allowed = SAFE_ATTRIBUTES.get(tag, set()) | SAFE_ATTRIBUTES["*"]
        for name, value in attrs:
            if name == "class":
                wrong = [c for c in (value or "").split() if c not in SAFE_CLASSES.get(tag, ())]
                if wrong:
                    self.dropped.append(Dropped(f"the class '{wrong[0]}' of <{tag}>", wrong[0]))
            elif name not in allowed:
                self.dropped.append(Dropped(f"the attribute {name} of <{tag}>", name))
            elif name in _URL_ATTRIBUTES and not is_safe_address(value or ""):
                self.dropped.append(Dropped(f"the address '{value}' of <{tag}>", (value or "").strip()))


def is_safe_address(address: str) -> bool:
    """Return True for the addresses a page may hold: relative, or http(s), mailto, tel or case:."""
    try:
        scheme = urlsplit(address.strip()).scheme
    except ValueError:
        return False
    return not scheme or scheme.lower() in SAFE_SCHEMES


def inventory(html: str) -> _Inventory:
    """Return the links, images and unsafe parts of an HTML fragment."""
    reader = _Inventory()
    reader.feed(html)
    reader.close()
    return reader


def sanitise(html: str) -> str:
    """Return HTML with only the safe elements, attributes and addresses (a maintained sanitiser: nh3)."""
    return nh3.clean(html, tags=set(SAFE_TAGS), attributes=SAFE_ATTRIBUTES, allowed_classes=SAFE_CLASSES,
                     url_schemes=set(SAFE_SCHEMES), link_rel=None, filter_style_properties={"text-align"},
                     clean_content_tags=_DROPPED_WITH_CONTENT)


_RENDERED: dict[tuple, Rendered] = {}  # this process's renderings: one per body, anchors and trust
# Where the HTML of the renderings held without it is (html None): the build cache. A build holds
# every body's shape for its checks, but not its HTML, which the page that shows it reads back.
_STORE: list[Cache] = []


def render_markdown(text: str, anchors: tuple[str, ...] | None = None, trusted: bool = False,
                    html: bool = True) -> Rendered:
    """Return the body as HTML; headings take `anchors` in order when given (a translation).

    Unless the site `trusted` its raw HTML, the HTML is sanitised and what was removed is listed.
    `html`: False when only the body's shape is wanted (its blocks, headings and links): its
    HTML may then be None.
    """
    job = (text, anchors, trusted)
    found = _RENDERED.get(job)
    if found is None:
        found = _RENDERED[job] = _render(text, anchors, trusted)
    elif found.html is None and html:  # in the cache: read back, not held (a page shows a body once)
        stored = _STORE[0].here().get_many("body", [cache_key("body", *job)]) if _STORE else {}
        found = next(iter(stored.values()), None) or _render(text, anchors, trusted)
    return found


def _clear() -> None:
    _RENDERED.clear()
    _STORE.clear()


render_markdown.cache_clear = _clear  # what a fresh process starts with


def _shape(rendered: Rendered) -> Rendered:
    """Return a rendering without its HTML: what a build holds of it once it is in the cache."""
    return replace(rendered, html=None)


def _render(text: str, anchors: tuple[str, ...] | None, trusted: bool) -> Rendered:
    md = _converter()
    md.reset()
    md.shape.start(anchors)
    html = md.convert(text)
    # Links are checked as written (an image whose address the sanitiser drops is still a
    # broken image); what was removed is only worded when the sanitiser changed something.
    # The inventory reads the HTML again: only for a body with a link or image, or one the
    # sanitiser changed (most have neither).
    safe = html if trusted else sanitise(html)  # always: the inventory only words the warnings
    links: tuple[Link, ...] = ()
    dropped: tuple[Dropped, ...] = ()
    if safe != html or _LINK_TAG.search(html):
        written = inventory(html)
        links, dropped = tuple(written.links), tuple(written.dropped) if safe != html else ()
    return Rendered(join_wide_lines(safe), tuple(md.shape.blocks), tuple(md.shape.headings), links, dropped)


def prerender(sources: Iterable[str], translations: Iterable[tuple[str, str]], trusted: bool,
              cache: Cache, workers: int) -> None:
    """Render every body a build needs at once, across processes and from the build cache:
    first the sources, then the translations, which take their sources' heading anchors."""
    variants = {False, trusted}  # the alignment check reads a source as published or not
    kept = _shape if cache.usable else None
    if kept:
        _STORE[:] = [cache]

    def fill(jobs: dict[tuple, tuple]) -> None:
        keys = {cache_key("body", *job): job for job in jobs if job not in _RENDERED}
        done = compute_all(keys, _render, cache, "body", workers, kept=kept)
        _RENDERED.update((job, done[k]) for k, job in keys.items())

    fill({(text, None, t): None for text in sources for t in variants})
    fill({(text, tuple(h.anchor for h in _RENDERED[(source, None, False)].headings), t): None
          for text, source in translations for t in variants})


def render_version(body: str, source_body: str | None = None, trusted: bool = False,
                   html: bool = True) -> Rendered:
    """Return a body as HTML (`html` False: its shape only); a translation (with its source's
    body) takes the source's heading anchors."""
    if source_body is None:
        return render_markdown(body, None, trusted, html)
    anchors = tuple(h.anchor for h in render_markdown(source_body, html=False).headings)
    return render_markdown(body, anchors, trusted, html)


def block_lines(text: str, first_line: int) -> list[int]:
    """Return the file line where each blank-line-separated chunk of `text` starts."""
    lines, starts, in_chunk = text.split("\n"), [], False
    for number, line in enumerate(lines, start=first_line):
        if line.strip() and not in_chunk:
            starts.append(number)
        in_chunk = bool(line.strip())
    return starts


def find_line(lines: list[str], needle: str, first_line: int, after: int = 0) -> int:
    """Return the file line of the first of `lines` (from index `after`) holding `needle`, else `first_line`."""
    for index in range(after, len(lines)):
        line = lines[index]
        if needle and (needle in line or "&" in line and needle in htmllib.unescape(line)):  # java&#115;cript:
            return first_line + index
    return first_line if after == 0 else find_line(lines, needle, first_line)


def locate(text: str, needles: list[str], first_line: int) -> list[int]:
    """Return the file line of each needle in turn: a needle met again is looked for past its last line."""
    lines, after, found = text.split("\n"), {}, []
    for needle in needles:
        line = find_line(lines, needle, first_line, after.get(needle, 0))
        after[needle] = line - first_line + 1
        found.append(line)
    return found


def has_han(text: str) -> bool:
    """Return True when `text` holds at least one Chinese character."""
    return bool(_HAN.search(text))
