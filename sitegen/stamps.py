"""What the last build into a folder was made from, so that a build with nothing new does nothing.

A build's inputs are stamped by the size and modification time of every file of the content,
templates and assets (as `make` does), the options, and the generator's own fingerprint. After a
build, the stamp and a listing of the written site go into the build cache; the next build with
the same stamp, into a folder that still matches the listing, has nothing to do. Anything odd
(a file that cannot be read, no cache) just means a full build.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .cache import FINGERPRINT, Cache, key


def _walk(root: Path):
    """Yield (relative path, size, mtime in ns) of every file under `root`, in order."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            status = path.stat()
            yield path.relative_to(root).as_posix(), status.st_size, status.st_mtime_ns


def input_stamp(paths, *options) -> str | None:
    """Return a stamp of everything a build reads, or None when it cannot be taken."""
    digest = hashlib.sha256(f"{FINGERPRINT}|{options!r}|{paths.out.absolute()}".encode())
    try:
        for name, root in (("content", paths.content), ("templates", paths.templates), ("assets", paths.assets)):
            digest.update(f"\0{name}".encode())
            for entry in _walk(root):
                digest.update(repr(entry).encode("utf-8", "surrogatepass"))
    except OSError:
        return None
    return digest.hexdigest()


def _place(out: Path) -> str:
    """Return the cache key of what is recorded about the site folder `out`."""
    return key(str(out.absolute()))


def _listing(out: Path) -> list | None:
    try:
        return list(_walk(out)) if out.is_dir() else None
    except OSError:
        return None


def is_up_to_date(cache: Cache, out: Path, stamp: str | None) -> bool:
    """Return True when the last build into `out` had this stamp and `out` is as it left it."""
    if stamp is None:
        return False
    place = _place(out)
    last = cache.get_many("build", [place]).get(place)
    return bool(last) and last["inputs"] == stamp and last["site"] == _listing(out)


def record_build(cache: Cache, out: Path, stamp: str | None) -> None:
    if stamp is not None:
        cache.put_many("build", {_place(out): {"inputs": stamp, "site": _listing(out)}})


def record_search_index(cache: Cache, out: Path) -> None:
    """Note that the search index in `out` is this generator's (until the swap, in staging)."""
    cache.put_many("search", {_place(out): FINGERPRINT})


def search_index_reusable(cache: Cache, out: Path) -> bool:
    """Return True when the search index in `out` was made by this very generator."""
    place = _place(out)
    return cache.get_many("search", [place]).get(place) == FINGERPRINT


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def record_pages(cache: Cache, out: Path, digests: dict[str, str]) -> None:
    """Note what each page of the site in `out` was made from, and its file as written."""
    cache.put_many("pages", {_place(out): {path: (digest, _file_stamp(out / path))
                                           for path, digest in digests.items()}})


def kept_pages(cache: Cache, out: Path, digests: dict[str, str]) -> frozenset[str]:
    """Return the pages whose file in `out` was made from these very inputs and is still as the
    last build wrote it: they need not be rendered again."""
    place = _place(out)
    last = cache.get_many("pages", [place]).get(place) or {}
    return frozenset(path for path, digest in digests.items()
                     if path in last and last[path][0] == digest and last[path][1] is not None
                     and _file_stamp(out / path) == last[path][1])
