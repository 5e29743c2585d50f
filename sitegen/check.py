"""Editorial checks beyond what the build enforces: translations, figures, typography, glossary."""
from __future__ import annotations

import json
from dataclasses import asdict

from .content import Version
from .errors import ERROR, NOTE, WARNING, Problem
from .typography import check_english, check_typography, page_runs
from .terminology import check_glossary, check_terminology
from .keyfigures import check_figures
from .markup import Rendered, block_lines, locate
from .model import Site, render_body
from .review import MISSING, STALE, UNREVIEWED, Status
from .scaffold import TODO

# --- translations --------------------------------------------------------------------------

def check_translations(statuses: list[Status], site: Site) -> list[Problem]:
    """Return a finding for each translation that is missing, stale or never reviewed."""
    findings = []
    for status in statuses:
        case = next(c for c in site.cases if c.slug == status.slug)
        review = f"python build.py review {status.slug} --lang {status.lang}"
        if status.state == MISSING:
            findings.append(Problem.finding(case.versions[site.config.source_language].path, 1, WARNING,
                                    f"no {status.lang} translation",
                                    f"translate it as cases/{status.slug}.{status.lang}.md"))
        elif status.state == UNREVIEWED:
            findings.append(Problem.finding(status.path, 1, WARNING, "translation never marked as reviewed",
                                    f"check it against the source, then run: {review}"))
        elif status.state == STALE:
            version = case.versions[status.lang]
            starts = block_lines(version.body, version.body_line)
            for change in status.changes:
                keys = ("title", "lead", "summary")
                line = (version.line_of(keys[change.block - 1]) if change.block <= 3 else
                        starts[min(change.block - 4, len(starts) - 1)] if starts else version.body_line)
                findings.append(Problem.finding(status.path, line, WARNING,
                                        f"the source's {change.label} (block {change.block}) was "
                                        f"{change.kind} since the translation was reviewed: {change.diff}",
                                        f"update the translation, then run: {review}"))
    return findings


# --- images, links and markup ---------------------------------------------------------------

def check_images(version: Version, rendered: Rendered) -> list[Problem]:
    """Return a finding for each image without a text alternative, as the page has it."""
    lines = locate(version.body, [link.address for link in rendered.links], version.body_line)
    return [Problem.finding(version.path, line, ERROR, f"image '{link.address}' has no alt text",
                    "describe the image between the brackets: ![description](…)")
            for link, line in zip(rendered.links, lines) if link.tag == "img" and not link.alt.strip()]


def check_markup(version: Version, rendered: Rendered) -> list[Problem]:
    """Return a finding for each piece of raw HTML the page leaves out (a script, an onclick…)."""
    lines = locate(version.body, [d.needle for d in rendered.dropped], version.body_line)
    return [Problem.finding(version.path, line, WARNING, f"left out of the page: {dropped.what}",
                    "write it in Markdown: HTML that could run or load something is removed, "
                    "unless site.yaml says allow_raw_html: true, for HTML you fully trust")
            for dropped, line in zip(rendered.dropped, lines)]


def check_unused_images(site: Site) -> list[Problem]:
    """Return a finding for each file in images/ that no page uses: it is not published."""
    return [Problem.finding(path, 1, WARNING, "is used by no page, so it is not published",
                    "use it in a case as ![description](" + path + "), or delete it")
            for path in site.unused_images]


def check_placeholders(version: Version) -> list[Problem]:
    """Return a finding for each field or line that still holds the TODO mark of `build.py new`."""
    findings = [Problem.finding(version.path, version.line_of(key), WARNING, f"{key}: text still to write",
                        f"replace the {TODO} mark with the text")
                for key in ("title", "lead", "summary") if TODO in getattr(version, key)]
    for number, line in enumerate(version.body.split("\n"), start=version.body_line):
        if TODO in line:
            findings.append(Problem.finding(version.path, number, WARNING, "text still to write",
                                    f"replace the {TODO} mark with the text"))
    return findings


def editor_notes(site: Site) -> list[Problem]:
    """Return the notes editors left in the content, so they are not forgotten."""
    return [Problem.finding(v.path, v.line_of("editor_note"), NOTE, v.editor_note)
            for c in site.cases for v in c.versions.values() if v.editor_note]


def run_checks(site: Site, statuses: list[Status]) -> list[Problem]:
    """Return every editorial finding for a site that built."""
    source = site.config.source_language
    findings = check_translations(statuses, site)
    findings += check_figures(site)
    findings += check_glossary(site) + check_terminology(site)
    for versions in [case.versions for case in site.cases] + [site.foreword]:
        for lang, version in versions.items():
            rendered = render_body(versions, lang, site.config)
            findings += check_images(version, rendered) + check_markup(version, rendered)
            findings += check_placeholders(version) if versions is not site.foreword else []
            if lang == source:
                findings += check_typography(version)
            elif lang == "en":
                findings += check_english(version, [text for _, text, _ in page_runs(rendered.html)])
    findings += check_unused_images(site)
    return sorted(set(findings + editor_notes(site)))


def format_findings(findings: list[Problem], as_json: bool) -> str:
    """Return the findings as lines for people or as JSON for tools."""
    counts = {s: sum(f.severity == s for f in findings) for s in (ERROR, WARNING, NOTE)}
    if as_json:
        return json.dumps({"findings": [asdict(f) for f in findings], "counts": counts},
                          ensure_ascii=False, indent=1, sort_keys=True)
    lines = [str(f) for f in findings]
    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"
    lines.append(f"{count(counts[ERROR], 'error')}, {count(counts[WARNING], 'warning')}, "
                 f"{count(counts[NOTE], 'note')} for editors.")
    return "\n".join(lines)


def format_status(statuses: list[Status], last_changes: dict[str, str]) -> str:
    """Return the translation status as a table: case, language, state, last change, file."""
    rows = [("case", "language", "state", "last change", "file", "page")]
    for status in statuses:
        changed = last_changes.get(status.path or "", "")
        detail = f"{status.state} ({len(status.changes)} changes)" if status.changes else status.state
        page = f"{status.lang}/cases/{status.slug}.html" if status.path else "—"
        rows.append((status.slug, status.lang, detail, changed, status.path or "—", page))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
