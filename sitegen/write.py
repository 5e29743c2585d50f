"""The only module that writes the site: into a temporary folder, then swapped in whole."""
from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from .errors import BuildFailed, Problem
from .render import Output

log = logging.getLogger(__name__)
MARKER = ".booklet-site"  # marks a folder as ours, so a mistyped --out never deletes other files


def check_output_folder(out: Path, protected: list[Path]) -> list[Problem]:
    """Return a problem if `out` is a folder the build must not replace."""
    resolved = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if resolved == folder or resolved in folder.parents or folder in resolved.parents:
            return [Problem(str(out), 1, "--out", f"overlaps {folder}",
                            "an output folder outside the content, templates and assets")]
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        return [Problem(str(out), 1, "--out", "exists and was not made by this tool",
                        "a new folder name, or a folder a previous build wrote")]
    return []


def find_collisions(outputs: list[Output]) -> list[Problem]:
    """Return a problem for each output path that two things would write."""
    seen: dict[str, int] = {}
    for output in outputs:
        seen[output.path] = seen.get(output.path, 0) + 1
    return [Problem(path, 1, "output", f"would be written {n} times", "unique slugs")
            for path, n in sorted(seen.items()) if n > 1]


def write_site(outputs: list[Output], folders: dict[str, Path], out: Path,
               files: dict[str, bytes] | None = None, finish=None) -> None:
    """Write every output, the binary `files` and the `folders` (name in site → source folder)
    to a new folder, let `finish(folder)` add to it (the search index), then replace `out` with it."""
    problems = find_collisions(outputs)
    if problems:
        raise BuildFailed(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{out.name}.tmp-", dir=out.parent))
    try:
        for name, folder in sorted(folders.items()):
            if folder.is_dir():
                shutil.copytree(folder, staging / name)
        for output in outputs:
            target = staging / output.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(output.text, encoding="utf-8", newline="\n")
        for relative, data in sorted((files or {}).items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if finish:
            finish(staging)
        (staging / MARKER).write_text("Built by build.py; replaced whole on every build.\n",
                                      encoding="utf-8")
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, out: Path) -> None:
    """Move `staging` to `out`; the old site stays until the new one is in place."""
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f"{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def sync_site(outputs: list[Output], folders: dict[str, Path], out: Path) -> int:
    """Make `out` hold exactly these outputs and folders, writing only files that changed.

    For the preview, where rewriting thousands of unchanged pages on every save would be
    the slowest step; a published build uses write_site, which is atomic.
    Returns the number of files written.
    """
    problems = find_collisions(outputs)
    if problems:
        raise BuildFailed(problems)
    wanted: dict[str, bytes | Path] = {o.path: o.text.encode("utf-8") for o in outputs}
    for name, folder in folders.items():
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    wanted[f"{name}/{path.relative_to(folder).as_posix()}"] = path
    written = 0
    for relative, data in sorted(wanted.items()):
        target = out / relative
        content = data.read_bytes() if isinstance(data, Path) else data
        if target.is_file() and target.stat().st_size == len(content) and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        written += 1
    for path in sorted(out.rglob("*"), reverse=True):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and relative not in wanted and relative != MARKER:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    (out / MARKER).write_text("Preview written by build.py serve.\n", encoding="utf-8")
    return written
