"""Translation status: what each translation was reviewed against, and what changed since."""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from .content import Version
from .errors import Fault, Problem, os_reason
from .model import Site
from .sources import REVIEWED_DIR, list_content

UP_TO_DATE, STALE, MISSING, UNREVIEWED = "up to date", "stale", "missing", "not reviewed"


def source_blocks(version: Version) -> list[str]:
    """Return what a translation must follow: title, lead, summary, then each block of the body."""
    blocks = [f"title: {version.title}", f"lead: {version.lead}", f"summary: {version.summary}"]
    for chunk in re.split(r"\n[ \t]*\n", version.body.strip()):
        text = " ".join(line.strip() for line in chunk.splitlines() if line.strip())
        if text:
            blocks.append(text)
    return blocks


def snapshot_path(content: Path, slug: str, lang: str) -> Path:
    return content / REVIEWED_DIR / f"{slug}.{lang}.json"


def read_snapshots(content: Path) -> tuple[dict[tuple[str, str], list[str]], list[Problem]]:
    """Return the reviewed source blocks by (slug, language), for every record on disk, and a
    problem for each record that cannot be read (that translation counts as never reviewed).

    Records are found as every content file is (sources.list_content): a pipe or a link out of
    the folder is never opened."""
    folder = content / REVIEWED_DIR
    if folder.exists() and not folder.is_dir():
        return {}, [Problem(REVIEWED_DIR, 1, "folder", "is a file, not a folder, so no translation counts as "
                            "reviewed", "delete or rename it; 'python build.py review' makes the folder")]
    files, found = list_content(content)  # what is wrong elsewhere in the folder, the build reports
    snapshots = {}
    problems = [replace(p, message=f"{p.message}; the translation counts as never reviewed") for p in found
                if p.path.startswith(f"{REVIEWED_DIR}/")]
    for relative, path in files.items():
        if not relative.startswith(f"{REVIEWED_DIR}/"):
            continue
        slug, _, lang = Path(relative).stem.rpartition(".")
        try:
            blocks = json.loads(path.read_text(encoding="utf-8"))["blocks"]
            if not isinstance(blocks, list) or not all(isinstance(b, str) for b in blocks):
                raise ValueError("blocks is not a list of text")
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            problems.append(Problem(relative, 1, "review", "is not a review record that can be read, so the "
                                    "translation counts as never reviewed",
                                    f"run: python build.py review {slug or 'SLUG'} --lang {lang or 'LANG'}"))
            continue
        snapshots[(slug, lang)] = blocks
    return snapshots, problems


def write_snapshot(content: Path, slug: str, lang: str, source: Version) -> Path:
    """Record that the `lang` translation of `slug` matches the source as it is now."""
    path = snapshot_path(content, slug, lang)
    if path.parent.exists() and not path.parent.is_dir():
        raise Fault(f"{path.parent} is a file, not a folder", "delete or rename it, then run review again")
    record = {"source": source.path, "blocks": source_blocks(source)}
    written = path.with_name(f".{path.name}.new")  # the old record stays whole until this one is
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                           encoding="utf-8")
        written.replace(path)
    except OSError as error:
        try:
            written.unlink(missing_ok=True)
        except OSError:  # a read-only disk: nothing was written there either
            pass
        kept = "; the earlier record was kept" if path.is_file() else ""
        raise Fault(f"Cannot record the review in {path}: {os_reason(error)}",
                    f"check that the file and its folder are yours to write to, and that the disk has "
                    f"space{kept}") from error
    return path


@dataclass(frozen=True)
class Change:
    """A block of the source that differs from what the translation was reviewed against."""

    block: int          # 1-based position in the current source (title, lead, summary, body…)
    label: str          # 'title', 'lead', 'summary' or 'paragraph 3'
    kind: str           # changed | added | removed
    diff: str           # the change, with [-removed-] and {+added+} marks


def inline_diff(old: str, new: str) -> str:
    """Return `new` with what changed from `old` marked [-like this-]{+and this+}."""
    out = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(new[b1:b2] if b2 - b1 < 40 else f"{new[b1:b1 + 15]}…{new[b2 - 15:b2]}")
        if op in ("delete", "replace"):
            out.append(f"[-{old[a1:a2]}-]")
        if op in ("insert", "replace"):
            out.append(f"{{+{new[b1:b2]}+}}")
    return "".join(out)


def _label(index: int, text: str) -> str:
    if index < 3:
        return text.split(":", 1)[0]
    return f"paragraph {index - 2}" if not text.startswith("#") else f"heading '{text.lstrip('# ')}'"


def compare_blocks(reviewed: list[str], current: list[str]) -> list[Change]:
    """Return the changes between the reviewed source blocks and the current ones."""
    changes = []
    matcher = difflib.SequenceMatcher(None, reviewed, current, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = max(a2 - a1, b2 - b1)
        for offset in range(pairs):
            old = reviewed[a1 + offset] if a1 + offset < a2 else None
            new = current[b1 + offset] if b1 + offset < b2 else None
            where = b1 + offset if new is not None else b1
            text = new if new is not None else old
            kind = "changed" if old is not None and new is not None else ("added" if new else "removed")
            diff = inline_diff(old, new) if kind == "changed" else (f"{{+{new}+}}" if new else f"[-{old}-]")
            changes.append(Change(where + 1, _label(where, text), kind, diff))
    return changes


@dataclass(frozen=True)
class Status:
    """The state of one case in one language."""

    slug: str
    lang: str
    state: str
    path: str | None              # the translation's file, when it exists
    changes: tuple[Change, ...] = ()


def translation_status(site: Site, snapshots: dict[tuple[str, str], list[str]]) -> list[Status]:
    """Return the state of every case in every language other than the source."""
    source_lang = site.config.source_language
    statuses = []
    for case in site.cases:
        source = case.versions[source_lang]
        for lang in site.config.codes:
            if lang == source_lang:
                continue
            version = case.versions.get(lang)
            if version is None:
                statuses.append(Status(case.slug, lang, MISSING, None))
                continue
            reviewed = snapshots.get((case.slug, lang))
            if not reviewed:
                statuses.append(Status(case.slug, lang, UNREVIEWED, version.path))
                continue
            changes = tuple(compare_blocks(reviewed, source_blocks(source)))
            statuses.append(Status(case.slug, lang, STALE if changes else UP_TO_DATE, version.path, changes))
    return statuses


def read_last_changes(content: Path) -> dict[str, str]:
    """Return the date (YYYY-MM-DD) each content file last changed: from git, else the file's time."""
    dates: dict[str, str] = {}
    try:
        log = subprocess.run(["git", "log", "--format=#%cs", "--name-only", "--relative", "--", "."],
                             cwd=content, capture_output=True, text=True, timeout=30)
        date = None
        for line in log.stdout.splitlines() if log.returncode == 0 else []:
            if line.startswith("#"):
                date = line[1:]
            elif line.strip() and line not in dates:
                dates[line] = date
    except (OSError, subprocess.SubprocessError):
        pass
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "."], cwd=content,
                           capture_output=True, text=True).stdout if dates else ""
    for relative, path in list_content(content)[0].items():
        if relative.endswith(".md") and (relative not in dates or relative in dirty):
            try:
                dates[relative] = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
            except OSError:
                continue
    return dates
