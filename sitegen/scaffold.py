"""`build.py new`: start a case in every language, with the places to write marked TODO."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from .config import parse_config
from .content import CASES_DIR, CONTROL_CHARACTERS, decode
from .errors import Fault, os_reason
from .markup import slugify
from .schema import slug_problem
from .sources import folder_problem, read_content

TODO = "TODO"  # check reports text that still holds this mark


def suggest_slug(title: str, words: int = 6) -> str:
    """Return an ASCII slug from a Chinese title: the pinyin of its first syllables."""
    return "-".join(slugify(title).split("-")[:words]) or "new-case"


def yaml_value(value) -> str:
    """Return a value as YAML writes it on one line: quoted where a title like 'a: b', '[x]',
    '#x' or 'null' would otherwise read as something else."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=float("inf"))
    return text.removesuffix("\n").removesuffix("\n...")


def render_case(lang: str, source_language: str, slug: str, title: str, areas: list[str],
                themes: list[str], order: int) -> str:
    """Return the text of a new case file: source facts in the source language, a translation otherwise."""
    if lang == source_language:
        # The mark is followed by a full-width colon: a space would be a typographic slip of its own.
        head = (f"title: {yaml_value(title)}\nlead: {TODO}：导语，一个问题或一句话\nsummary: {TODO}：一两句话的概要\n"
                f"areas: {yaml_value(areas)}\nthemes: {yaml_value(themes)}\norder: {order}\ndraft: true\n"
                "key_figures: []\n# key_figures:\n#   - id: people\n#     value: 1000\n#     approx: more_than\n"
                "#     unit: people\n#     label: 参与人数\n")
        body = f"{TODO}：开头一段。\n\n## {TODO}：第一节标题\n\n{TODO}：第一节正文。\n"
    else:
        head = (f"translation_of: {slug}\ntitle: {TODO} title in {lang}\nlead: {TODO} lead\n"
                f"summary: {TODO} summary\nkey_figures: {{}}\n")
        body = f"{TODO} Opening paragraph.\n\n## {TODO} First section heading\n\n{TODO} First section text.\n"
    return f"---\n{head}---\n{body}"


def _ask(prompt: str, given: str | None, default: str = "") -> str:
    if given:
        return given
    try:
        answer = input(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
    except EOFError:
        answer = ""
    return answer or default


def _next_order(texts: dict[str, str | None]) -> int:
    orders = [int(m) for t in texts.values() for m in re.findall(r"^order:\s*(\d{1,9})\s*$", t or "", re.M)]
    return max(orders, default=0) + 1


def title_problem(title: str) -> str | None:
    """Return what is wrong with a title given to `new`, or None."""
    if not title.strip():
        return "missing (the Chinese title of the case)"
    if CONTROL_CHARACTERS.search(title) or any(c in title for c in "\r\n\t"):
        return "must be one line of text, without line breaks or control characters"
    return None


def run_new_case(args) -> int:
    """Create the files of a new case from options or answers; return the exit code."""
    content: Path = args.content
    unusable = folder_problem(content)
    if unusable:
        print(f"--content: '{content}' {unusable.message} ({unusable.fix})", file=sys.stderr)
        return 1
    files = read_content(content)
    texts = {p: decode(raw, p)[0] if raw is not None else None for p, raw in files.texts.items()}
    config, problems = parse_config({p: t for p, t in texts.items() if t is not None}, set(texts))
    if config is None:
        print("\n".join(p.reported() for p in problems), file=sys.stderr)
        return 1
    areas = [t.slug for t in config.areas]
    themes = [t.slug for t in config.themes]
    title = _ask("Chinese title (中文标题)", args.title)
    chosen_areas = _ask(f"Areas, separated by commas ({', '.join(areas)})", args.areas)
    chosen_themes = _ask(f"Themes, separated by commas ({', '.join(themes)})", args.themes)
    suggested = suggest_slug(title) if title else ""
    # Asked only in a conversation: with the title given as an option, the suggestion is taken.
    slug = args.slug or (suggested if args.title else _ask("Slug for file names and addresses", None, suggested))
    errors = []
    if title_problem(title):
        errors.append(f"--title: {title_problem(title)}")
    picked = {}
    for name, given, known in (("areas", chosen_areas, areas), ("themes", chosen_themes, themes)):
        picked[name] = [s.strip() for s in given.split(",") if s.strip()]
        wrong = [s for s in picked[name] if s not in known]
        if wrong or not picked[name]:
            what = f"'{wrong[0]}' is not known" if wrong else "missing"
            errors.append(f"--{name}: {what} (one or more of: {', '.join(known)})")
    problem = slug_problem(slug)
    if problem:
        errors.append(f"--slug: {problem} (lowercase ASCII letters, digits and single hyphens)")
    targets = {lang: content / CASES_DIR / f"{slug}.{lang}.md" for lang in config.codes}
    existing = [str(p) for p in targets.values() if p.exists()]
    if not problem and existing:
        errors.append(f"--slug: '{slug}' is taken by {', '.join(existing)}; nothing was written "
                      "(choose another slug)")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    order = _next_order(texts)
    created: list[Path] = []
    try:
        for lang, path in targets.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as file:  # never over a file made meanwhile
                created.append(path)
                file.write(render_case(lang, config.source_language, slug, title, picked["areas"],
                                       picked["themes"], order))
    except BaseException as error:  # a case is created whole or not at all
        for path in created:
            path.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise Fault(f"Cannot create {getattr(error, 'filename', None) or content / CASES_DIR}: "
                        f"{os_reason(error)}", "check that the content folder is yours to write to; "
                        "nothing was created") from error
        raise
    for path in created:
        print(f"Created {path}")
    print(f"""Next:
  1. Write the Chinese case in {targets[config.source_language]}: replace every {TODO}, add key figures.
  2. Translate it in the other files, block by block (the same headings and paragraphs).
  3. Preview while you write: python build.py serve  (the case is a draft until you delete 'draft: true')
  4. Check it: python build.py check""")
    return 0
