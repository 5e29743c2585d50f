"""Make a content folder of N cases from the real content, for benchmarks (not a test)."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def make_corpus(target: Path, cases: int) -> Path:
    """Copy content/ to `target` and multiply its cases to `cases` pairs; return `target`."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(PROJECT / "content", target)
    originals = sorted((target / "cases").glob("*.zh.md"))
    for index in range(cases - len(originals)):
        source = originals[index % len(originals)]
        slug = f"{source.name.split('.')[0]}-{index + 1:05d}"
        folder = target / "cases" / f"batch-{index // 500:03d}"
        folder.mkdir(exist_ok=True)
        zh = source.read_text(encoding="utf-8")
        zh = re.sub(r"^order: \d+$", f"order: {index + 10}", zh, count=1, flags=re.M)
        # Vary the text so no two bodies are the same string.
        (folder / f"{slug}.zh.md").write_text(zh + f"\n第{index + 1}号副本。\n", encoding="utf-8")
        en = source.with_name(source.name.replace(".zh.md", ".en.md")).read_text(encoding="utf-8")
        en = re.sub(r"^translation_of: .*$", f"translation_of: {slug}", en, count=1, flags=re.M)
        (folder / f"{slug}.en.md").write_text(en + f"\nCopy number {index + 1}.\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    print(make_corpus(Path(sys.argv[1]), int(sys.argv[2])))
