"""The only module that writes the site: into a staging folder beside it, then swapped in whole."""
from __future__ import annotations

import errno
import os
import logging
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildFailed, Fault, Problem, os_reason
from .render import Output

log = logging.getLogger(__name__)
MARKER = ".booklet-site"  # marks a folder as ours, so a mistyped --out never deletes other files
STAGING, RETIRED = "tmp", "old"  # <out>.tmp-…: a build being written; <out>.old-…: the site it replaces
MIN_FREE_BYTES = 64 << 10  # less free space than this after a build: some write may have been cut short


def check_output_folder(out: Path, protected: list[Path]) -> list[Problem]:
    """Return a problem if `out` is a folder the build must not replace, or cannot make."""
    try:
        return _check_output_folder(out, protected)
    except RuntimeError:  # pathlib's word for a link that leads round in a loop
        return [Problem(str(out), 1, "--out", "is a symbolic link that leads round in a loop",
                        "a real folder, or a link to one")]
    except OSError as error:
        return [Problem(str(out), 1, "--out", f"cannot be used: {os_reason(error)}",
                        "a shorter folder name you may write to")]


def _check_output_folder(out: Path, protected: list[Path]) -> list[Problem]:
    resolved = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if resolved == folder or resolved in folder.parents or folder in resolved.parents:
            return [Problem(str(out), 1, "--out", f"overlaps {folder}",
                            "an output folder outside the content, templates and assets")]
    blocking = next((p for p in resolved.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        return [Problem(str(out), 1, "--out", f"{blocking} is a file, not a folder",
                        "an output folder whose parents are folders")]
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


def _write_file(target: Path, data: bytes | Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        shutil.copyfile(data, target)
    else:
        target.write_bytes(data)


def _write_unless_same(staging: Path, relative: str, data: bytes, previous: Path | None) -> None:
    """Write a file of the new site, or, when the site it replaces has it byte for byte, link
    that one: an unchanged page keeps its file (and its date) rather than being written again."""
    target = staging / relative
    if previous is not None:
        old = previous / relative
        try:
            if old.is_file() and not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(old, target)
                return
        except OSError:  # no hard links here, or the old file went: write it
            pass
    _write_file(target, data)


def page_writer(staging: Path, previous: Path | None):
    """Return what writes a rendered page into `staging` where it was rendered (a worker
    process), returning it without its text."""
    def deliver(output: Output) -> Output:
        _write_unless_same(staging, output.path, output.text.encode("utf-8"), previous)
        return Output(output.path, None)
    return deliver


def write_page(out: Path, output: Output) -> None:
    """Write one page into the preview's folder (a booklet rendered when it was asked for)."""
    _write_file(out / output.path, output.text.encode("utf-8"))


def keep_files(staging: Path, previous: Path, paths) -> None:
    """Give `staging` the `previous` site's files at `paths`, linked (copied where links fail)."""
    for relative in paths:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(previous / relative, target)
        except OSError:
            shutil.copy2(previous / relative, target)


def _new_folder(place: Path, kind: str) -> Path:
    """Make a folder of ours beside `place`, with the usual permissions (not mkdtemp's 0700)."""
    while True:
        folder = place.with_name(f"{place.name}.{kind}-{secrets.token_hex(4)}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        (folder / MARKER).write_text("Built by build.py; replaced whole on every build.\n", encoding="utf-8")
        return folder


def remove_leftovers(place: Path) -> None:
    """Remove what an interrupted build left beside `place` (folders of ours only)."""
    for kind in (STAGING, RETIRED):
        for folder in place.parent.glob(f"{place.name}.{kind}-*"):
            if folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file():
                _remove(folder, "left by an interrupted build")


def _remove(folder: Path, why: str, quietly: bool = False) -> None:
    """Remove a folder of ours, saying so unless `quietly`, or saying that it could not be removed."""
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        log.warning("Could not remove %s (%s); delete it by hand to free its space.", folder, why)
    elif not quietly:
        log.info("Removed %s, %s.", folder.name, why)


def write_site(outputs: list[Output], folders: dict[str, Path], out: Path,
               files: dict[str, bytes | Path] | None = None, finish=None, produce=None) -> None:
    """Write every output, the `files` (site path → bytes, or a file to copy) and the `folders`
    (name in site → source folder) to a new folder, let `produce(folder, previous site or None)`
    write its own outputs into it (returning them, the written ones without their text), then
    `finish(folder)` add to it (the search index), then replace `out` with it. A symbolic link
    `out` stays a link: what it points to is replaced."""
    problems = find_collisions(outputs)
    if problems:
        raise BuildFailed(problems)
    place = out.resolve() if out.is_symlink() else out.absolute()
    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        with _build_lock(place):
            _write_locked(outputs, folders, out, place, files, finish, produce)
    except OSError as error:
        raise Fault(f"Cannot write the site to {out}: {os_reason(error)}", _fix(error)) from error


@contextmanager
def _build_lock(place: Path):
    """Hold the lock of an output folder while a build writes it: a second build into the same
    folder stops at once, rather than take the first one's staging folder for a leftover."""
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): builds there go unguarded
        yield
        return
    path = place.with_name(f".{place.name}.lock")
    with open(path, "a", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Fault(f"Another build is writing {place} right now",
                        "wait for it to finish, then build again") from None
        try:
            yield
        finally:
            path.unlink(missing_ok=True)  # still held: no debris beside the site


def _write_locked(outputs: list[Output], folders: dict[str, Path], out: Path, place: Path,
                  files: dict[str, bytes | Path] | None, finish, produce) -> None:
    remove_leftovers(place)
    staging = _new_folder(place, STAGING)
    try:
        for name, folder in sorted(folders.items()):
            if folder.is_dir():
                shutil.copytree(folder, staging / name)
        previous = place if place.is_dir() else None
        if produce:
            produced = produce(staging, previous)
            problems = find_collisions(outputs + produced)
            if problems:  # one file written twice: this staging folder is thrown away
                raise BuildFailed(problems)
            outputs = outputs + [o for o in produced if o.text is not None]
        for output in outputs:
            _write_unless_same(staging, output.path, output.text.encode("utf-8"), previous)
        for relative, data in sorted((files or {}).items()):
            _write_file(staging / relative, data)
        if finish:
            finish(staging)
        _check_space(staging)
        _swap(staging, place)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _check_space(folder: Path) -> None:
    """Raise ENOSPC when the disk is (nearly) full once the site is written: a tool that wrote
    into the folder may not have said that its writes failed (Pagefind does not)."""
    if shutil.disk_usage(folder).free < MIN_FREE_BYTES:
        raise OSError(errno.ENOSPC, "the disk is nearly full", str(folder))


def _fix(error: OSError) -> str:
    """Return what to do about a failed write, and that nothing was lost."""
    kept = "the site built last was left as it was"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free some disk space, then build again; {kept}"
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return f"build to a folder you may write to, e.g. --out ~/booklet-site; {kept}"
    return f"choose another --out folder; {kept}"


def _swap(staging: Path, place: Path) -> None:
    """Move `staging` to `place`; the old site stays until the new one is in place."""
    if not place.exists():
        staging.rename(place)
        return
    retired = place.with_name(f"{place.name}.{RETIRED}-{secrets.token_hex(4)}")
    place.rename(retired)
    try:
        staging.rename(place)
    except BaseException:
        retired.rename(place)
        raise
    _remove(retired, "the site this build replaced", quietly=True)


def sync_site(outputs: list[Output], folders: dict[str, Path], out: Path,
              files: dict[str, bytes | Path] | None = None, held: set[str] | None = None) -> int:
    """Make `out` hold exactly these outputs, files and folders, writing only files that changed.

    For the preview, where rewriting thousands of unchanged pages on every save would be
    the slowest step; a published build uses write_site, which is atomic. An output without
    text is a page `out` already holds as it should be. `held`: what `out` holds (updated
    here), when the caller keeps track; else `out` is walked to find what to remove.
    Returns the number of files written.
    """
    problems = find_collisions(outputs)
    if problems:
        raise BuildFailed(problems)
    kept = {o.path for o in outputs if o.text is None}
    wanted: dict[str, bytes | Path] = {o.path: o.text.encode("utf-8") for o in outputs if o.text is not None}
    wanted.update(files or {})
    for name, folder in folders.items():
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    wanted[f"{name}/{path.relative_to(folder).as_posix()}"] = path
    written = 0
    for relative, data in sorted(wanted.items()):
        target = out / relative
        if isinstance(data, Path):
            status = data.stat()
            if target.is_file() and target.stat().st_size == status.st_size and \
                    target.stat().st_mtime_ns == status.st_mtime_ns:
                continue  # copied before, with its date: as make would tell
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(data, target)
            written += 1
            continue
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            continue
        _write_file(target, data)
        written += 1
    if held:  # only what was written before can be in the way
        for relative in sorted(held - wanted.keys() - kept, reverse=True):
            target = out / relative
            target.unlink(missing_ok=True)  # a page the preview was never asked for is not there
            for folder in target.parents:
                if folder == out:
                    break
                try:
                    folder.rmdir()  # only when empty
                except OSError:  # not empty, or never made
                    break
    else:
        root = len(str(out)) + 1
        for folder, dirs, names in os.walk(out, topdown=False):
            inside = folder[root:].replace(os.sep, "/")  # thousands of files: strings, not Paths
            for name in names:
                relative = f"{inside}/{name}" if inside else name
                if relative not in wanted and relative not in kept and relative != MARKER:
                    os.unlink(os.path.join(folder, name))
            if folder != str(out) and not os.listdir(folder):
                os.rmdir(folder)
    if held is not None:
        held.clear()
        held.update(wanted.keys() | kept)
    (out / MARKER).write_text("Preview written by build.py serve.\n", encoding="utf-8")
    return written
