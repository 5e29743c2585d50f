"""Content files → checked records: decoding, front matter, fields of cases and foreword."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from . import schema as s
from .config import Config, parse_entries
from .errors import Problem
from .figures import APPROX, KeyFigure
from .yamltext import Lines, parse_yaml, split_front_matter

CASES_DIR = "cases"
FOREWORD = "foreword"
_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<lang>[^.]+)\.md$")
# Invisible characters that no editor shows and Markdown uses for itself (STX, ETX): tab and
# line breaks aside, the C0 and C1 control characters and DEL, and the Unicode line and
# paragraph separators (YAML breaks a line there, the reader's eye does not).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Figures are counts, sums and shares of a case: past this, a value is a slip of the keyboard.
MAX_FIGURE = 10**15
# Deeper than this, a quotation or list is a slip too, and Markdown or the PDF's layout would
# run out of stack long before a reader could follow it.
MAX_QUOTES, MAX_INDENT = 8, 48
_LEAD = re.compile(r"^[ \t>]*")
_FENCE = re.compile(r"^[ >\t]*(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")


def nesting_problem(body: str, first_line: int, path: str) -> Problem | None:
    """Return a problem for the first line of a body nested deeper than a page can show:
    quotations inside quotations, or list items indented under list items. Code blocks nest
    nothing and are left alone."""
    fence = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        marker = _FENCE.match(line)
        if marker and (fence is None or marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)):
            fence = None if fence else marker.group(1)
            continue
        if fence:
            continue
        lead = _LEAD.match(line).group()
        quotes = lead.count(">")
        rest = line[len(lead):]
        indent = len(lead.rsplit(">", 1)[-1].expandtabs(4)) if _LIST_ITEM.match(rest) else 0
        if quotes > MAX_QUOTES or indent > MAX_INDENT:
            what = f"{quotes} quotations inside each other" if quotes > MAX_QUOTES else f"a list item indented {indent} spaces"
            return Problem(path, number, "body", f"nests too deeply for a page or a PDF ({what})",
                           f"at most {MAX_QUOTES} '>' at the start of a line, and list items indented at most "
                           f"{MAX_INDENT} spaces")
    return None


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Return the text of a file, or a problem if it is empty or not UTF-8."""
    if not raw.strip():
        return None, [Problem(path, 1, "file", "is empty", "write the file's fields and text, "
                              "or delete the file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [Problem(path, line, "file",
                              f"is not UTF-8 (byte 0x{raw[error.start]:02X} cannot be read)",
                              "save the file with the encoding 'UTF-8' in your editor")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL_CHARACTERS.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - text.rfind("\n", 0, control.start())
        return None, [Problem(path, line, "file", f"holds an invisible control character "
                              f"(U+{ord(control.group()):04X}) at column {column}",
                              "delete it: retype the few characters around that place")]
    return text, []


@dataclass(frozen=True)
class Version:
    """One language's file of a case or of the foreword."""

    lang: str
    path: str             # relative to the content folder, for messages
    slug: str             # of the case it belongs to (a translation: the source's slug)
    title: str
    lead: str
    summary: str
    byline: str
    body: str
    body_line: int
    figure_labels: dict[str, str] = field(default_factory=dict)
    translation_of: str | None = None  # None: this file is the source
    lines: dict[str, int] = field(default_factory=dict)  # front matter key → line, for messages
    editor_note: str = ""  # for editors only, never published

    def line_of(self, key: str) -> int:
        """Return the line of a front matter key, or 1."""
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Facts:
    """What a source file says once for every language."""

    order: int
    areas: tuple[str, ...]
    themes: tuple[str, ...]
    date: dt.date | None
    figures: tuple[KeyFigure, ...]
    draft: bool = False


def _known(kind: str, known: list[str]) -> s.Checker:
    def check(value: object) -> str | None:
        message = s.text_list(value)
        if message:
            return message
        unknown = [v for v in value if v not in known]
        if unknown:
            return f"'{unknown[0]}' is not a known {kind}"
        if len(set(value)) != len(value):
            return f"lists the same {kind} twice"
        return None
    return check


def _position(value: object) -> str | None:
    problem = s.integer(value)
    return problem or (None if value >= 1 else f"{value} is not a position: they start at 1")


def _figure_list(value: object) -> str | None:
    return None if isinstance(value, list) else f"expected a list of figures, got {s.type_name(value)}"


def _labels(value: object) -> str | None:
    return None if isinstance(value, dict) else (
        f"expected 'figure-id: label' lines, got {s.type_name(value)}")


def _case_fields(config: Config, source: bool) -> list[s.Field]:
    areas = [t.slug for t in config.areas]
    themes = [t.slug for t in config.themes]
    shared = [
        s.Field("title", s.text, True, "the case's title"),
        s.Field("lead", s.text, True, "the opening question or sentence shown under the title"),
        s.Field("summary", s.text, True, "one or two sentences for the contents and link previews"),
        s.Field("editor_note", s.text, False, "a note for the editors; never published"),
    ]
    if not source:
        return [s.Field("translation_of", s.slug_problem, True,
                        "the slug of the Chinese case this file translates, e.g. 'dinghai-three-cultivations'"),
                *shared,
                s.Field("key_figures", _labels, False,
                        "one 'figure-id: label' line per key figure of the source")]
    return [
        s.Field("slug", s.slug_problem, False, s.SLUG_HELP),
        *shared,
        s.Field("areas", _known("area", areas), True, f"a list of areas from: {', '.join(areas)}"),
        s.Field("themes", _known("theme", themes), True, f"a list of themes from: {', '.join(themes)}"),
        s.Field("order", _position, True, "the case's position in the booklet: 1, 2, 3…"),
        s.Field("date", s.date, False, "a date written YYYY-MM-DD"),
        s.Field("key_figures", _figure_list, False,
                "a list of figures, each with id, value, unit, label and optionally approx"),
        s.Field("draft", s.boolean, False, "true while the case is being written: shown in the "
                "preview, left out when publishing"),
    ]


def _foreword_fields(source: bool) -> list[s.Field]:
    fields = [s.Field("byline", s.text, True, "who wrote or compiled the article")]
    if not source:
        fields.insert(0, s.Field("translation_of", s.text, True, f"'{FOREWORD}'"))
    return fields


def _figure_number(value: object) -> str | None:
    """Return what is wrong with one figure value: not a number, not finite, negative, absurd."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"expected a number, got {s.type_name(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"'{value}' is not a number a reader can use"
    if value < 0:
        return f"{value} is negative: a figure is a count, a sum or a share"
    if value > MAX_FIGURE:
        return "is larger than any figure of a case (more than 10^15)"
    if isinstance(value, float) and round(value, 4) != value:
        return f"{value} has more decimals than a reader can use (4 at most)"
    return None


def _figure_value(value: object) -> str | None:
    if isinstance(value, list):
        if len(value) != 2:
            return "expected a range written [low, high]"
        for number in value:
            if _figure_number(number):
                return _figure_number(number)
        if value[0] >= value[1]:
            return f"the range [{value[0]}, {value[1]}] does not go from low to high"
        return None
    return _figure_number(value)


def _figure_fields(config: Config, areas: list[str]) -> list[s.Field]:
    units = sorted(set.intersection(*(set(config.ui[c]["units"]) for c in config.codes)))

    def area(value: object) -> str | None:
        return None if value in areas else f"'{value}' is not one of this case's areas"

    def unit(value: object) -> str | None:
        return None if value in units else f"'{value}' is not a known unit"

    def approx(value: object) -> str | None:
        return None if value in APPROX else f"'{value}' is not a known qualifier"

    return [
        s.Field("id", s.slug_problem, True, s.SLUG_HELP),
        s.Field("value", _figure_value, True, "the number as a plain value, e.g. 37840000 for 3784万, "
                "or a range [low, high]; a decrease is written as a positive number with a label saying so"),
        s.Field("unit", unit, True, f"one of: {', '.join(units)}"),
        s.Field("approx", approx, False,
                "one of: more_than (余), over (超), nearly (近); leave out for an exact figure"),
        s.Field("label", s.text, True, "what the figure counts, in this file's language"),
        s.Field("area", area, False, f"the area the figure belongs to, one of the case's areas: "
                f"{', '.join(areas) or 'none yet'}"),
        s.Field("projected", s.boolean, False, "true when the text says the figure could or will be reached "
                "(可提高, 预计), not that it was"),
    ]


def parse_figures(items: list, config: Config, path: str, lang: str,
                  areas: list[str]) -> tuple[list[KeyFigure], list[Problem]]:
    """Return the key figures of a source file, each checked."""
    return parse_entries(items, path, _figure_fields(config, areas), lambda item: KeyFigure(
        item["id"], tuple(item["value"]) if isinstance(item["value"], list) else item["value"],
        item["unit"], item.get("approx") or "exact", {lang: item["label"]}, item.get("area"),
        bool(item.get("projected"))),
        key="id", where="key_figures")


def parse_file_name(path: str, config: Config) -> tuple[tuple[str, str] | None, list[Problem]]:
    """Return (stem, language) of a content Markdown file from its name."""
    match = _NAME.match(path.rsplit("/", 1)[-1])
    if not match:
        return None, [Problem(path, 1, "file name", "does not say its language",
                              f"a name like 'my-case.{config.source_language}.md' "
                              f"with one of: {', '.join(config.codes)}")]
    if match["lang"] not in config.codes:
        return None, [Problem(path, 1, "file name",
                              f"'{match['lang']}' is not a language of this booklet",
                              f"one of: {', '.join(config.codes)}, as set in site.yaml")]
    return (match["stem"], match["lang"]), []


def parse_version(text: str, path: str, config: Config) -> tuple[tuple[Version, Facts | None] | None, list[Problem]]:
    """Return one case or foreword file as a Version (and its Facts when it is a source)."""
    named, problems = parse_file_name(path, config)
    if problems:
        return None, problems
    stem, lang = named
    document, problems = split_front_matter(text, path)
    if problems:
        return None, problems
    deep = nesting_problem(document.body, document.body_line, path)
    if deep:
        return None, [deep]
    meta, problems = parse_yaml(document.meta_text, path, document.meta_line)
    if problems:
        return None, problems
    if meta is None:
        return None, [Problem(path, 1, "front matter", "is empty",
                              "the fields between the two '---' lines")]
    source = lang == config.source_language
    is_foreword = path == f"{FOREWORD}.{lang}.md"
    fields = _foreword_fields(source) if is_foreword else _case_fields(config, source)
    problems = s.check_fields(meta, fields, path)
    if not source and isinstance(meta, Lines) and meta.get("translation_of") is None \
            and not problems:
        problems.append(Problem(path, 1, "translation_of", "missing", "the source's slug"))
    if problems:
        return None, problems
    if not source and is_foreword and meta["translation_of"] != FOREWORD:
        return None, [Problem(path, meta.line_of("translation_of"), "translation_of",
                              f"'{meta['translation_of']}' is not the foreword", f"'{FOREWORD}'")]
    if not source and not is_foreword:
        slug = meta["translation_of"]
    else:
        slug = meta.get("slug") or stem
        problem = s.slug_problem(slug)
        if problem:
            return None, [Problem(path, meta.line_of("slug"), "slug" if "slug" in meta else "file name",
                                  problem, s.SLUG_HELP)]
    labels = meta.get("key_figures") if not source else {}
    facts = None
    if source and not is_foreword:
        figures, problems = parse_figures(meta.get("key_figures") or [], config, path, lang, list(meta["areas"]))
        if problems:
            return None, problems
        labels = {f.id: f.labels[lang] for f in figures}
        facts = Facts(meta["order"], tuple(meta["areas"]), tuple(meta["themes"]),
                      meta.get("date"), tuple(figures), bool(meta.get("draft")))
    version = Version(lang, path, slug, meta.get("title", ""), meta.get("lead", ""),
                      meta.get("summary", ""), meta.get("byline", ""), document.body,
                      document.body_line, dict(labels or {}),
                      None if source else meta["translation_of"],
                      {**{f"key_figures.{k}": line for k, line in getattr(labels, "lines", {}).items()},
                       **meta.lines}, meta.get("editor_note") or "")
    return (version, facts), []
