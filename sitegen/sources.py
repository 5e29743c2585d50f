"""The content folder on disk → the files a build may use, and nothing from outside the folder."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .config import DATA_FILES
from .errors import Problem, os_reason

IMAGES_DIR = "images"  # published as images/NAME, when a page uses them
CASES_DIR = "cases"
REVIEWED_DIR = "reviewed"  # reviewed/SLUG.LANG.json: the source as it was when a translation was reviewed
FOLDERS = (CASES_DIR, IMAGES_DIR)  # top-level names that must be folders
COPY_INSTEAD = "copy the file into the content folder instead of linking to it"


@dataclass(frozen=True)
class ContentFiles:
    """What a content folder holds for a build."""

    texts: dict[str, bytes | None] = field(default_factory=dict)  # data and Markdown files; None: unreadable
    images: dict[str, Path] = field(default_factory=dict)         # images/… → the file to copy
    problems: tuple[Problem, ...] = ()


def is_wanted(relative: str) -> bool:
    """Return True for the files a build reads: the data files, Markdown anywhere, images and
    review records."""
    return (relative in DATA_FILES or relative.endswith(".md") or relative.startswith(f"{IMAGES_DIR}/")
            or relative.startswith(f"{REVIEWED_DIR}/") and relative.endswith(".json"))


def _is_ignored(name: str) -> bool:
    """Return True for editors' and systems' droppings: hidden files, lock and backup files."""
    return name.startswith((".", "~")) or name.endswith("~")


@dataclass(frozen=True)
class Listing:
    """What a walk through the content folder found."""

    files: dict[str, Path]  # every wanted file (relative path → the real file), in name order
    folders: frozenset[str]  # the folders walked through (relative paths)
    links: frozenset[str]  # the files reached through a symbolic link (their real file may change unseen)
    problems: list[Problem]


def list_content(content: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Return every wanted file of a content folder (relative path → the real file), and a problem
    for each thing that is not what its name says (a folder called site.yaml, a pipe) and for
    each link that leads outside the folder, nowhere or round in a loop: none of those is used."""
    listing = walk_content(content)
    return listing.files, listing.problems


def walk_content(content: Path) -> Listing:
    """Return list_content()'s answer, with the folders walked and the files reached by links."""
    root = content.resolve()
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    folders, links = set(), set()
    visited: set[Path] = {root}
    pending = [(content, "", False)]  # folders still to read: a loop, not recursion, however deep they go
    while pending:
        folder, prefix, linked = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            problems.append(Problem(prefix.rstrip("/") or ".", 1, "folder", f"cannot be read: {os_reason(error)}",
                                    "give your user permission to read it, or move it out of the content folder"))
            continue
        for entry in reversed(entries):  # popped in name order
            relative = prefix + entry.name
            if _is_ignored(entry.name):
                continue
            path = Path(entry.path)
            real = path
            if entry.is_symlink():
                real, problem = _follow(path, root, relative, _is_dir(entry))
                if problem:
                    if _is_dir(entry) or is_wanted(relative):
                        problems.append(problem)
                    continue
                kind = _kind(real)
            else:  # what the folder listing says already: no call to the system per file
                kind = _entry_kind(entry)
            problem = _misnamed(relative, kind)
            if problem:
                problems.append(problem)
            elif kind == "folder" and real not in visited:
                visited.add(real)
                folders.add(relative)
                pending.append((path, relative + "/", linked or real is not path))
            elif kind == "file" and is_wanted(relative):
                found[relative] = real
                if linked or real is not path:
                    links.add(relative)
    return Listing(dict(sorted(found.items())), frozenset(folders), frozenset(links), sorted(problems))


def _entry_kind(entry: os.DirEntry) -> str:
    """Return _kind() of a folder entry that is not a link."""
    try:
        return ("folder" if entry.is_dir(follow_symlinks=False) else
                "file" if entry.is_file(follow_symlinks=False) else "other")
    except OSError:
        return "other"


def _kind(path: Path) -> str:
    """Return 'file', 'folder' or 'other' (a pipe, a device, a socket: never read, it could block)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "other"
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def _misnamed(relative: str, kind: str) -> Problem | None:
    """Return a problem when a wanted name holds the wrong kind of thing, or a Markdown file's
    ending would keep it from being read."""
    wanted = is_wanted(relative) or relative in FOLDERS
    if kind == "other" and wanted:
        return Problem(relative, 1, "file", "is not a regular file (a pipe or a device), so it was not read",
                       "replace it with a text file, or delete it")
    if kind == "folder" and (relative in DATA_FILES or relative.endswith(".md") or
                             relative.startswith(f"{REVIEWED_DIR}/") and relative.endswith(".json")):
        return Problem(relative, 1, "file", "is a folder, not a file", f"a text file named {relative.split('/')[-1]}")
    if kind == "file" and relative in FOLDERS:
        return Problem(relative, 1, "folder", "is a file, not a folder",
                       f"a folder named {relative} (rename or delete the file)")
    if kind == "file" and relative.lower().endswith(".md") and not relative.endswith(".md"):
        return Problem(relative, 1, "file name", "ends in '." + relative.rsplit(".", 1)[1] + "', so it was not "
                       "read", "rename it to end in '.md', in lowercase")
    return None


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _follow(path: Path, root: Path, relative: str, is_dir: bool) -> tuple[Path | None, Problem | None]:
    """Return where a symbolic link leads, or a problem when that is not inside the content folder."""
    kind = "folder" if is_dir else "file"
    try:
        real = path.resolve(strict=True)
    except RuntimeError:
        return None, Problem(relative, 1, "link", "is a symbolic link that leads round in a loop",
                             "delete the link; " + COPY_INSTEAD)
    except OSError as error:
        return None, Problem(relative, 1, "link", f"is a symbolic link to {os.readlink(path)}, which "
                             f"cannot be reached ({os_reason(error)})", "delete the link; " + COPY_INSTEAD)
    if not real.is_relative_to(root):
        return None, Problem(relative, 1, "link", f"is a symbolic link to the {kind} {real}, outside the "
                             "content folder: it was not used", COPY_INSTEAD)
    return real, None


def read_content(content: Path) -> ContentFiles:
    """Return the texts (as bytes) and images of a content folder, with every problem reading them."""
    return _read(walk_content(content), {})


def _read(listing: Listing, known: dict[str, bytes | Path]) -> ContentFiles:
    """Return the files of a listing, read, except those in `known` (relative path → a text's
    bytes, or an image's file)."""
    # The review records are the editors' own: check reports what is wrong with them.
    problems = [p for p in listing.problems if not p.path.startswith(f"{REVIEWED_DIR}/")]
    texts: dict[str, bytes | None] = {}
    images: dict[str, Path] = {}
    for relative, real in listing.files.items():
        if relative.startswith(f"{REVIEWED_DIR}/"):
            continue  # the editors' records, read by check, never by the build
        if relative in known:
            (images if relative.startswith(f"{IMAGES_DIR}/") else texts)[relative] = known[relative]
            continue
        try:
            if relative.startswith(f"{IMAGES_DIR}/"):
                with real.open("rb"):  # read when published; a file that cannot be is said here
                    images[relative] = real
            else:
                texts[relative] = real.read_bytes()
        except OSError as error:
            if not relative.startswith(f"{IMAGES_DIR}/"):
                texts[relative] = None
            problems.append(Problem(relative, 1, "file", f"cannot be read: {os_reason(error)}",
                                    "give your user permission to read it, or save it again"))
    return ContentFiles(texts, images, tuple(problems))


class ContentReader:
    """A content folder read again on every save (the preview): a file is read again only when
    it is said to have changed. When a change could alter the list (a file added, removed or
    replaced by a folder; a folder added or removed; a name the last listing does not know),
    the folder is listed and read again whole."""

    def __init__(self, content: Path):
        self.content = content
        self._roots = tuple(dict.fromkeys((os.path.abspath(content), os.path.realpath(content))))
        self._listing: Listing | None = None
        self._last: ContentFiles | None = None

    def read(self, changed: set[str] | None = None) -> ContentFiles:
        """Return what read_content() would. `changed`: the paths (absolute, as a file watcher
        gives them) that changed since the last call; None when that is not known."""
        inside = None if changed is None else {r for r in map(self._relative, changed) if r is not None}
        last = {**self._last.texts, **self._last.images} if self._last else {}
        if inside is not None and self._listing is not None and self._in_place(inside):
            # Kept: the bytes of every file not said to have changed, but those reached through
            # a link (whose target may change where no watcher looks).
            known = {r: data for r, data in last.items() if data is not None and r not in inside
                     and r not in self._listing.links}
        else:  # a file or folder added, removed or renamed: everything is read again
            self._listing, known = walk_content(self.content), {}
        fresh = _read(self._listing, known)
        # A file read again with the same bytes keeps its last bytes: what was made of them is
        # recalled by identity (cache.Recall), as if the file had not been read.
        texts = {r: last[r] if data is not None and last.get(r) == data else data for r, data in fresh.texts.items()}
        self._last = ContentFiles(texts, fresh.images, fresh.problems)
        return ContentFiles(dict(texts), dict(fresh.images), fresh.problems)

    def _relative(self, path: str) -> str | None:
        for root in self._roots:
            if path.startswith(root + os.sep):
                relative = path[len(root) + 1:].replace(os.sep, "/")
                return None if any(_is_ignored(part) for part in relative.split("/")) else relative
        return None

    def _in_place(self, changed: set[str]) -> bool:
        """Return True when the last listing still holds: every changed path is a file it
        listed and still a file, or nothing a build reads (a new notes.txt, an editor's file)."""
        listing = self._listing
        for relative in changed:
            try:
                mode = os.lstat(os.path.join(self.content, relative)).st_mode
            except OSError:
                mode = None
            if relative in listing.files:
                if mode is None or not stat.S_ISREG(mode) or relative in listing.links:
                    return False
            elif relative in listing.folders or is_wanted(relative) or relative in FOLDERS or (
                    mode is not None and not stat.S_ISREG(mode)):
                return False
        return True


def folder_problem(content: Path) -> Problem | None:
    """Return a problem when the content folder is not a folder this user can open."""
    try:
        if content.is_dir() and os.access(content, os.R_OK | os.X_OK):
            return None
        reason = "is not a folder" if not content.is_dir() else "cannot be opened: permission denied"
    except OSError as error:
        reason = f"cannot be opened: {os_reason(error)}"
    return Problem(str(content), 1, "--content", reason, "the folder that holds site.yaml and cases/")
