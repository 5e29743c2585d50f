"""The booklet's YAML data (site, areas, themes, glossary, interface strings) → a frozen Config."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable
from urllib.parse import urlsplit

from . import schema as s
from .errors import Problem
from .interface import UI_FILE, merge_ui
from .yamltext import Lines, line_of_item, parse_yaml

SITE_FILE = "site.yaml"
AREAS_FILE = "areas.yaml"
THEMES_FILE = "themes.yaml"
GLOSSARY_FILE = "glossary.yaml"
DATA_FILES = (SITE_FILE, AREAS_FILE, THEMES_FILE, GLOSSARY_FILE, UI_FILE)
REQUIRED_FILES = (SITE_FILE, AREAS_FILE, THEMES_FILE)
# Top-level folders of the built site: a language code cannot be one of them.
SITE_FOLDERS = frozenset({"assets", "images", "downloads", "pagefind"})
# The list of all areas (or themes) is areas/index.html: no area can be called that.
INDEX_SLUG = "index"


@dataclass(frozen=True)
class Language:
    """A language the booklet is published in."""

    code: str       # file suffix and URL prefix: zh, en
    html_lang: str  # BCP 47 tag for <html lang> and hreflang: zh-Hans, en
    name: str       # the language's name in itself, for the switch: 中文, English


@dataclass(frozen=True)
class Term:
    """An area or theme: one slug, a name and description per language."""

    slug: str
    name: dict[str, str]
    description: dict[str, str]
    full_name: dict[str, str]  # official name where it differs from the short one
    map: tuple[float, float] | None = None  # position on the schematic map, 0–100
    map_label: str = "below"  # where the name goes on the map: below or above the dot


@dataclass(frozen=True)
class GlossaryEntry:
    """A Chinese term a foreign reader needs explained."""

    slug: str
    hanzi: str
    pinyin: str
    translation: dict[str, str]  # per non-source language
    explanation: dict[str, str]  # per language: the source's for its own readers, the others translated
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other accepted renderings, per language


@dataclass(frozen=True)
class Config:
    """Everything in the data files, checked."""

    title: dict[str, str]
    subtitle: dict[str, str]
    credits: dict[str, str]
    base_url: str  # absolute, ends with '/'
    source_language: str
    languages: tuple[Language, ...]
    areas: tuple[Term, ...]
    themes: tuple[Term, ...]
    glossary: tuple[GlossaryEntry, ...]
    ui: dict[str, dict]
    date: object = None  # the edition's date, for feeds
    allow_raw_html: bool = False  # publish the bodies' raw HTML as written (only for trusted content)
    original_outlet: dict[str, str] | None = None  # where the source article appeared, when known
    original_date: object = None  # when it appeared, when known
    booklet_volume_size: int = 40  # more cases than this: the printed booklet comes in volumes by area
    list_page_size: int = 50  # the most cases a list page shows (home: the first; areas, themes: in pages)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    @cached_property
    def _terms(self) -> dict[tuple[str, str], Term]:
        return {(kind, t.slug): t for kind in ("areas", "themes") for t in getattr(self, kind)}

    def term(self, kind: str, slug: str) -> Term:
        """Return the area or theme (`kind` 'areas' or 'themes') with this slug."""
        return self._terms[(kind, slug)]


def _localized(codes: list[str], what: str = "a language of this booklet") -> s.Checker:
    """Return a checker for a mapping of language code → text that needs every code in `codes`."""
    def check(value: object) -> str | None:
        if not isinstance(value, dict):
            return f"expected one text per language, got {s.type_name(value)}"
        unknown = [k for k in value if k not in codes]
        if unknown:
            return f"'{unknown[0]}' is not {what}"
        missing = [c for c in codes if s.is_empty(value.get(c))]
        if missing:
            return f"no text for {', '.join(missing)}"
        wrong = [k for k, v in value.items() if not isinstance(v, str)]
        if wrong:
            return f"the {wrong[0]} text is {s.type_name(value[wrong[0]])}, not text"
        return None
    return check


def _url(value: object) -> str | None:
    if not isinstance(value, str):
        return f"expected a web address, got {s.type_name(value)}"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        return f"'{value}' is not a web address that can be read"
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return f"'{value}' is not an absolute web address"
    return None


def _point(value: object) -> str | None:
    ok = isinstance(value, list) and len(value) == 2 and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100 for v in value)
    shown = f"[{', '.join(map(str, value))}]" if isinstance(value, list) else s.type_name(value)
    return None if ok else f"expected [x, y] with numbers from 0 to 100, got {shown}"


def _label_place(value: object) -> str | None:
    return None if value in ("above", "below") else f"expected 'above' or 'below', got {s.type_name(value)}"


def _languages(value: object) -> str | None:
    if not isinstance(value, list) or not value:
        return f"expected a list of languages, got {s.type_name(value)}"
    return None


LANGUAGE_FIELDS = [
    s.Field("code", s.slug_problem, True, "a short code used in file names and URLs, e.g. 'zh'"),
    s.Field("html_lang", s.text, True, "a language tag such as 'zh-Hans' or 'en'"),
    s.Field("name", s.text, True, "the language's name in itself, e.g. '中文'"),
]


def _site_fields(codes: list[str]) -> list[s.Field]:
    each = f"one text per language ({', '.join(codes)})"
    return [
        s.Field("title", _localized(codes), True, each),
        s.Field("subtitle", _localized(codes), True, each),
        s.Field("credits", _localized(codes), True, each),
        s.Field("base_url", _url, True, "the address the site is published at, "
                "e.g. 'https://example.org/showcase/'"),
        s.Field("source_language", s.text, True, "the code of the language cases are written in first"),
        s.Field("languages", _languages, True, "a list of languages, each with code, html_lang and name"),
        s.Field("date", s.date, False, "the date of this edition, YYYY-MM-DD (used by the news feeds)"),
        s.Field("original_outlet", _localized(codes), False, f"where the original article appeared, {each}"),
        s.Field("original_date", s.date, False, "the date the original article appeared, YYYY-MM-DD"),
        s.Field("allow_raw_html", s.boolean, False, "true to publish HTML written in the cases as it is "
                "(scripts included): only for content you fully trust; by default it is made safe"),
        s.Field("booklet_volume_size", _size, False, "the most cases one printed volume holds, "
                "e.g. 40; a booklet with more comes in volumes, one per area"),
        s.Field("list_page_size", _size, False, "the most cases one list shows, e.g. 50: the home page "
                "lists the first, an area's or theme's page lists them in pages of this size"),
    ]


def _size(value: object) -> str | None:
    found = s.integer(value)
    if found is None and not 1 <= value <= 100_000:
        return f"expected a whole number from 1 to 100000, got {value}"
    return found


def _term_fields(codes: list[str]) -> list[s.Field]:
    each = f"one text per language ({', '.join(codes)})"
    return [
        s.Field("slug", s.slug_problem, True, s.SLUG_HELP),
        s.Field("name", _localized(codes), True, each),
        s.Field("full_name", _localized(codes), False, each),
        s.Field("description", _localized(codes), True, each),
        s.Field("map", _point, False, "a position on the schematic map: [x, y], each from 0 to 100"),
        s.Field("map_label", _label_place, False,
                "'above' or 'below' (the default): where the name goes on the map, clear of its neighbours"),
    ]


def _variants(targets: list[str]) -> s.Checker:
    def check(value: object) -> str | None:
        if not isinstance(value, dict):
            return f"expected a list of renderings per language, got {s.type_name(value)}"
        for code, renderings in value.items():
            if code not in targets:
                return f"'{code}' is not a language the booklet translates into"
            problem = s.text_list(renderings)
            if problem:
                return problem
        return None
    return check


def _glossary_fields(codes: list[str], targets: list[str]) -> list[s.Field]:
    each = f"one text per translation language ({', '.join(targets)})"
    return [
        s.Field("slug", s.slug_problem, True, s.SLUG_HELP),
        s.Field("hanzi", s.text, True, "the term in Chinese characters"),
        s.Field("pinyin", s.text, True, "the term in pinyin with tone marks"),
        s.Field("translation", _localized(targets, "a language the booklet translates into"), True, each),
        s.Field("explanation", _localized(codes), True, f"one text per language ({', '.join(codes)}): "
                "for Chinese readers in Chinese, for the others in their language"),
        s.Field("variants", _variants(targets), False, "other accepted renderings, e.g. {en: [Party-building]}"),
    ]


def parse_languages(site: Lines, path: str) -> tuple[list[Language], list[Problem]]:
    """Return the configured languages, checked one by one."""
    value = site.get("languages")
    if not isinstance(value, list) or not value:
        line = site.line_of("languages")
        what = "missing" if "languages" not in site else "is empty" if s.is_empty(value) else _languages(value)
        return [], [Problem(path, line, "languages", what,
                            "a list of languages, each with code, html_lang and name")]
    problems: list[Problem] = []
    languages: list[Language] = []
    for item in value:
        found = s.check_fields(item, LANGUAGE_FIELDS, path, "languages", site.line_of("languages"))
        problems += found
        if found:
            continue
        if item["code"] in [lang.code for lang in languages]:
            problems.append(Problem(path, item.line, "languages.code",
                                    f"'{item['code']}' is listed twice", "each language once"))
        elif item["code"] in SITE_FOLDERS:
            problems.append(Problem(path, item.line_of("code"), "languages.code",
                                    f"'{item['code']}' is a folder of the built site",
                                    "a language code such as 'zh', 'en' or 'fr'; not one of: "
                                    + ", ".join(sorted(SITE_FOLDERS))))
        else:
            languages.append(Language(item["code"], item["html_lang"], item["name"]))
    return languages, problems


def _source_problems(site: Lines, codes: list[str]) -> list[Problem]:
    """Return what is wrong with source_language: missing, not text, or not one of the languages."""
    source = site.get("source_language")
    expected = f"one of: {', '.join(codes)}"
    if "source_language" not in site:
        return [Problem(SITE_FILE, site.line, "source_language", "missing", expected)]
    if not isinstance(source, str) or source not in codes:
        what = f"'{source}' is not one of the languages" if isinstance(source, str) else \
            f"expected a language code, got {s.type_name(source)}"
        return [Problem(SITE_FILE, site.line_of("source_language"), "source_language", what, expected)]
    return []


def parse_entries(data: list, path: str, fields: list[s.Field], make: Callable,
                  key: str = "slug", where: str = "") -> tuple[list, list[Problem]]:
    """Return `make(item)` for each checked item of a YAML list whose `key` is unique."""
    problems: list[Problem] = []
    entries, seen = [], set()
    for index, item in enumerate(data):
        label = f"{where}[{index + 1}]" if where else ""
        line = getattr(item, "line", None) or line_of_item(data, index)
        if not isinstance(item, Lines):
            problems.append(Problem(path, line, label or f"entry {index + 1}",
                                    f"expected 'key: value' fields, got {s.type_name(item)}",
                                    f"the fields of one entry: {', '.join(f.name for f in fields if f.required)}"))
            continue
        found = s.check_fields(item, fields, path, label, line)
        problems += found
        if found:
            continue
        if item[key] in seen:
            problems.append(Problem(path, item.line_of(key), f"{label}.{key}" if label else key,
                                    f"'{item[key]}' is used twice", f"each {key} once"))
            continue
        seen.add(item[key])
        entries.append(make(item))
    return entries, problems


def parse_terms(data: object, path: str, codes: list[str]) -> tuple[list[Term], list[Problem]]:
    """Return the areas or themes of a data file: a list of slug/name/description entries."""
    if not isinstance(data, list) or not data:
        return [], [Problem(path, getattr(data, "line", 1), "file",
                            "has no entries" if data == [] else f"expected a list of entries, got {s.type_name(data)}",
                            "one '- slug: …' entry per item, each with name and description")]
    reserved = [Problem(path, item.line_of("slug"), "slug", f"'{INDEX_SLUG}' is the name of the page "
                        f"that lists them all", "another slug, e.g. 'index-area'")
                for item in data if isinstance(item, Lines) and item.get("slug") == INDEX_SLUG]
    if reserved:
        return [], reserved
    return parse_entries(data, path, _term_fields(codes), lambda item: Term(
        item["slug"], dict(item["name"]), dict(item["description"]),
        dict(item.get("full_name") or item["name"]), tuple(item["map"]) if item.get("map") else None,
        item.get("map_label") or "below"))


def parse_glossary(data: object, path: str, codes: list[str],
                   targets: list[str]) -> tuple[list[GlossaryEntry], list[Problem]]:
    """Return the glossary entries in the order written."""
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(path, getattr(data, "line", 1), "file",
                            f"expected a list of terms, got {s.type_name(data)}", "one '- slug: …' entry per term")]
    return parse_entries(data, path, _glossary_fields(codes, targets), lambda item: GlossaryEntry(
        item["slug"], item["hanzi"], item["pinyin"], dict(item["translation"]), dict(item["explanation"]),
        {code: tuple(words) for code, words in (item.get("variants") or {}).items()}))


def parse_config(texts: dict[str, str], present: set[str] | None = None) -> tuple[Config | None, list[Problem]]:
    """Return the Config built from the data files' texts, or None and every problem found.

    `present` names the files that exist, read or not: one that could not be read was
    reported already and is not also "missing".
    """
    present = set(texts) if present is None else present
    problems: list[Problem] = []
    data: dict[str, object] = {}
    broken = {name for name in DATA_FILES if name in present and name not in texts}  # reported already
    for name in DATA_FILES:
        if name not in texts:
            if name in REQUIRED_FILES and name not in present:
                problems.append(Problem(name, 1, "file", "missing", f"the file {name}, in the content folder"))
                broken.add(name)
            continue
        data[name], found = parse_yaml(texts[name], name)
        problems += found
        if data[name] is None and found:
            broken.add(name)
    site = data.get(SITE_FILE)
    if not isinstance(site, Lines):
        if SITE_FILE in data and SITE_FILE not in broken:
            problems.append(Problem(SITE_FILE, getattr(site, "line", 1), "file",
                                    f"expected 'key: value' fields, got {s.type_name(site)}",
                                    "title, subtitle, credits, base_url, source_language, languages"))
        return None, problems
    languages, found = parse_languages(site, SITE_FILE)
    codes = [lang.code for lang in languages]
    source = site.get("source_language")
    if not found:
        found = _source_problems(site, codes)
    if found:
        # Every other text is checked against the languages: with them wrong, the rest would
        # only repeat this one cause many times over.
        return None, problems + found
    problems += s.check_fields(site, _site_fields(codes), SITE_FILE)
    areas, found = ([], []) if AREAS_FILE in broken else parse_terms(data.get(AREAS_FILE), AREAS_FILE, codes)
    problems += found
    themes, found = ([], []) if THEMES_FILE in broken else parse_terms(data.get(THEMES_FILE), THEMES_FILE, codes)
    problems += found
    targets = [c for c in codes if c != source]
    glossary, found = ([], []) if GLOSSARY_FILE in broken else parse_glossary(
        data.get(GLOSSARY_FILE), GLOSSARY_FILE, codes, targets)
    problems += found
    ui, found = ({}, []) if UI_FILE in broken else merge_ui(data.get(UI_FILE), codes, UI_FILE)
    problems += found
    if problems or broken:
        return None, problems
    base_url = site["base_url"] if site["base_url"].endswith("/") else site["base_url"] + "/"
    return Config(dict(site["title"]), dict(site["subtitle"]), dict(site["credits"]), base_url,
                  source, tuple(languages), tuple(areas), tuple(themes), tuple(glossary), ui,
                  site.get("date"), bool(site.get("allow_raw_html")),
                  dict(site["original_outlet"]) if site.get("original_outlet") else None,
                  site.get("original_date"), site.get("booklet_volume_size", Config.booklet_volume_size),
                  site.get("list_page_size", Config.list_page_size)), []
