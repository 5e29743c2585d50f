"""`build.py serve`: a live preview that rebuilds on save and reloads the browser (livereload)."""
from __future__ import annotations

import errno
import html
import re
import logging
import mimetypes
import gc
import os
import tempfile
import time
import traceback
from pathlib import Path

from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.web import FallbackHandler, HTTPError

from . import Paths, cache_folder, check_site, load_site
from .cache import Cache, recalling
from .errors import BuildFailed, Fault, Problem, os_reason
from .model import Site
from .sources import ContentReader
from .render import Output, PageDigests, SiteRenderer, plan_pages, render_status
from .write import sync_site, write_page

log = logging.getLogger(__name__)
POLL_SECONDS = 0.2   # how often files are compared, where the system cannot say when they change
QUIET_SECONDS = 0.05  # a burst of saves ends when nothing changed for this long
STEP_MS = 10  # how soon the system's word of a change is passed on (watchfiles)
# The preview answers to loopback names only. Any other Host (a DNS-rebinding page that
# resolves its own name to 127.0.0.1) or websocket Origin is refused, so drafts stay here.
MAX_PATH = 1024  # longer request paths are not files of ours
STATUS_PAGE = "_status.html"


_LOOPBACK_HOST = re.compile(r"^(?:127\.0\.0\.1|localhost|\[::1\])(?::(?P<port>\d{1,5}))?$", re.IGNORECASE)


def is_loopback(host: str | None) -> bool:
    """Return True when a Host header or an origin (http://host:port) names this machine's
    loopback, with a port from 1 to 65535 or none: anything else is refused before tornado
    reads it."""
    if not host:
        return False
    netloc = host.split("://", 1)[1] if "://" in host else host
    match = _LOOPBACK_HOST.match(netloc)
    return bool(match) and (match["port"] is None or 1 <= int(match["port"]) <= 65535)


class Preview:
    """What the preview serves: the last good build, or the problems of the last failed one."""

    def __init__(self, paths: Paths, out: Path):
        self.paths, self.out = paths, out
        self.problems: list[Problem] = []
        self.rebuilds = 0
        self.cache, self.workers = Cache(cache_folder(paths)), os.cpu_count() or 1
        self.site: Site | None = None
        self.digests: dict[str, str] = {}  # what each page in `out` was made from (PageDigests)
        self.status: bytes | None = None  # the status page, made when first asked after a rebuild
        self.made: PageDigests | None = None  # what each page of the last good build is made from
        self.renderer: SiteRenderer | None = None  # and what renders it
        self.reader = ContentReader(paths.content)  # only a saved file is read again
        self.held: set[str] = set()  # the files in `out`, as the last rebuild left it
        self._built: dict | None = None
        self._pending: dict | None = None
        self._pending_since = 0.0
        self.watching = False  # the system says which files changed (watch()); else they are polled
        self.stop_watching = lambda: None
        self._heard: set[str] = set()  # changed files the system told of, not yet rebuilt for
        self._heard_at, self._waiting = 0.0, False
        self._told: set[str] | None = None  # every file told of until _catch_up
        self._unannounced = False  # rebuilt on the system's word, the browser not yet told

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Return (modification time, size) of every watched file: content, templates, assets."""
        state: dict[str, tuple[int, int]] = {}
        pending = self.watched()
        while pending:  # os.scandir: thousands of files every POLL_SECONDS, so no Path for each
            try:
                entries = list(os.scandir(pending.pop()))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):  # as rglob: a linked folder could loop
                        pending.append(entry.path)
                    elif entry.is_file() and not entry.name.startswith((".#", "~")) and not entry.name.endswith("~"):
                        stat = entry.stat()
                        state[entry.path] = (stat.st_mtime_ns, stat.st_size)
                except OSError:  # gone between the listing and the look
                    continue
        return state

    def rebuild(self, changed: set[str] | None = None) -> None:
        """Bring the preview up to date: a page whose inputs changed is rendered again when it is
        next asked for (as is the status page); on failure keep the problems to show instead of
        pages. `changed`: the files (absolute paths) changed since the last rebuild, when known:
        of the content, only those are read again."""
        started = time.perf_counter()
        self.rebuilds += 1
        roots = tuple({os.path.join(root(folder), "") for folder in self.watched() for root in (str, os.path.realpath)})
        if changed is not None and not all(path.startswith(roots) for path in changed):
            changed = None  # a path not written as expected (another case, a short name): read everything
        try:
            with recalling():
                site = load_site(self.paths.content, preview=True, cache=self.cache, workers=self.workers,
                                 files=self.reader.read(changed))
                pages = plan_pages(site)
            # The browser asks for one page: a page is digested, and rendered if it changed,
            # when it is asked for (freshen). The small files that are not pages are made now.
            made = PageDigests(site, self.paths.templates, pages=pages)
            renderer = SiteRenderer(site, self.paths.templates, pages=pages)
            outputs = [Output(path, None) for path in made.paths]
            outputs += [Output(path, render()) for path, render in renderer.others().items() if path not in made.paths]
            self.site, self.status, self.made, self.renderer = site, None, made, renderer
            self.digests = {path: self.digests[path] for path in made.paths if path in self.digests}
            written = sync_site(outputs, {"assets": self.paths.assets}, self.out, site.images, self.held)
        except BuildFailed as failure:
            self.problems = failure.problems
            print(failure.report("the browser shows them until the next good save"), flush=True)
            return
        except OSError as error:  # the preview's own folder: a full disk, say
            self.held.clear()  # not known for sure now: the next rebuild looks
            self.problems = [Problem(str(self.out), 1, "preview", f"cannot be written: {os_reason(error)}",
                                     "free some disk space and save again")]
            print(f"The preview could not be written to {self.out}: {os_reason(error)}.", flush=True)
            return
        except Exception as error:  # a template slip must not stop the preview
            self.problems = [Problem(str(self.paths.templates), 1, type(error).__name__, str(error),
                                     "see the terminal for details")]
            traceback.print_exc()
            return
        self.problems = []
        # What the site holds now stays for the next save: the collector need not go through
        # it all again (at thousands of cases, a pass takes longer than a rebuild's own work).
        gc.freeze()
        print(f"Rebuilt in {time.perf_counter() - started:.2f} s ({written} files written; pages are made as "
              "they are asked for).", flush=True)

    def freshen(self, path: str) -> None:
        """Make the page (or sitemap, or feed) at `path` what the last good rebuild says: rendered
        again only when what it is made from changed since it was written."""
        with recalling():
            digest = self.made.of(path)
        if self.digests.get(path) == digest and (self.out / path).is_file():
            return
        page = self.made.by_path.get(path)
        text = self.renderer.page(page).text if page else self.renderer.others()[path]()
        write_page(self.out, Output(path, text))
        self.digests[path] = digest

    def status_page(self) -> bytes:
        """Return the translation status page of the last good build (every editorial check, so
        made when asked rather than on every save)."""
        if self.status is None and self.site is not None:
            try:
                findings, statuses = check_site(self.site, self.paths.content, self.paths.templates)
                self.status = render_status(self.site, findings, statuses, self.paths.templates).encode("utf-8")
            except Exception as error:  # a template slip must not stop the preview: said here and there
                traceback.print_exc()
                return problems_page([Problem(str(self.paths.templates), 1, type(error).__name__, str(error),
                                              "see the terminal for details")]).encode("utf-8")
        return self.status or b""

    def poll(self) -> bool:
        """Rebuild once the watched files changed and then stayed still; return True if it did."""
        now, state = time.monotonic(), self.snapshot()
        if state == self._built:
            self._pending = None
            return False
        if state != self._pending:
            self._pending, self._pending_since = state, now
            return False
        if now - self._pending_since < QUIET_SECONDS:
            return False
        changed = changed_between(self._built, state)
        self._built, self._pending = state, None
        self.rebuild(changed)
        return True

    def heard(self, paths: set[str], loop: IOLoop) -> None:
        """Note files the system says changed; rebuild once none changed for QUIET_SECONDS (a
        burst of saves, one rebuild)."""
        self._heard |= paths
        self._heard_at = time.monotonic()
        if self._told is not None:
            self._told |= paths
        if not self._waiting:
            self._waiting = True
            loop.call_later(QUIET_SECONDS, lambda: self._when_quiet(loop))

    def _when_quiet(self, loop: IOLoop) -> None:
        still = self._heard_at + QUIET_SECONDS - time.monotonic()
        if still > 0:
            loop.call_later(still, lambda: self._when_quiet(loop))
            return
        paths, self._heard, self._waiting = self._heard, set(), False
        self.saved(paths)

    def saved(self, paths: set[str]) -> None:
        """Rebuild for files the system says changed (absolute paths), and have the browser told."""
        self.rebuild(paths)
        self._unannounced = True
        LiveReloadHandler.poll_tasks()

    def examine(self) -> bool:
        """Return True when the browser should reload: rebuilt since it was last told."""
        if not self.watching:
            return self.poll()
        announce, self._unannounced = self._unannounced, False
        return announce

    def watch(self, loop: IOLoop) -> None:
        """Have the system say which files change (watchfiles: inotify, FSEvents, Windows'
        notifications), on a thread of its own; each burst of saves is rebuilt on `loop`. Where
        it cannot, the files are polled (examine)."""
        import threading
        stop = threading.Event()

        def follow() -> None:
            try:
                import watchfiles
                changes = watchfiles.watch(*self.watched(), watch_filter=None, step=STEP_MS, stop_event=stop,
                                           raise_interrupt=False)
                self.watching = True
                for batch in changes:
                    loop.add_callback(self.heard, {path for _, path in batch}, loop)
            except Exception as error:  # not installed, or no watch left (inotify's limit): poll
                print(f"Looking for saves every {POLL_SECONDS} s: the system cannot say when files change "
                      f"({type(error).__name__}: {error}).", flush=True)
            self.watching = False

        self._told = set()
        threading.Thread(target=follow, name="preview-watch", daemon=True).start()
        loop.call_later(1.0, self._catch_up)
        self.stop_watching = stop.set

    def _catch_up(self) -> None:
        """Rebuild for what was saved between the first build and the system's watch taking over
        (what the system told of since is rebuilt for already)."""
        told, self._told = self._told or set(), None
        if not self.watching:
            return
        state = self.snapshot()
        changed = changed_between(self._built, state)
        self._built = state
        if changed - told:
            self.saved(changed - told)

    def watched(self) -> list[str]:
        """Return the folders a save in which changes the preview, as absolute paths."""
        return [os.path.abspath(folder) for folder in (self.paths.content, self.paths.templates, self.paths.assets)
                if os.path.isdir(folder)]

    def start(self) -> None:
        """Build for the first time."""
        self._built = self.snapshot()
        self.rebuild()
        # Its dictionaries take most of a second to load: now, not on the first save that
        # changes a heading (a heading's anchor is its pinyin).
        import pypinyin  # noqa: F401

    def app(self, environ, start_response):
        """Serve the preview folder, or the problems page when the last build failed.

        The Host was checked before this is asked (_LoopbackFallback)."""
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _respond(start_response, "405 Method Not Allowed", "text/plain; charset=utf-8",
                            b"The preview only shows pages.\n", method)
        path = environ.get("PATH_INFO") or "/"
        if path.endswith("/"):
            path += "index.html"
        if self.problems and path.endswith(".html") and not path.endswith("_status.html"):
            return _respond(start_response, "200 OK", "text/html; charset=utf-8",
                            problems_page(self.problems).encode("utf-8"), method)
        if path == f"/{STATUS_PAGE}" and self.site is not None:
            return _respond(start_response, "200 OK", "text/html; charset=utf-8", self.status_page(), method)
        if self.made is not None and path.lstrip("/") in self.made.paths and not self.problems:
            try:
                self.freshen(path.lstrip("/"))
            except Exception as error:  # a template slip: said here and in the terminal
                traceback.print_exc()
                return _respond(start_response, "200 OK", "text/html; charset=utf-8", problems_page(
                    [Problem(str(self.paths.templates), 1, type(error).__name__, str(error),
                             "see the terminal for details")]).encode("utf-8"), method)
        target = self.find(path)
        index = path.rstrip("/") + "/index.html"  # a folder asked for without its slash
        if target is None and (self.find(index) is not None or self.made is not None and index.lstrip("/")
                               in self.made.paths):
            start_response("301 Moved Permanently", [("Location", path + "/"), ("Content-Length", "0")])
            return [b""]
        if target is None:
            missing = self.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<html><head></head>Not found</html>"
            return _respond(start_response, "404 Not Found", "text/html; charset=utf-8", body, method)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        return _respond(start_response, "200 OK", kind, target.read_bytes(), method)

    def find(self, path: str) -> Path | None:
        """Return the file of the preview a request path names, or None: outside it, not a
        file, or not a path at all (a NUL byte, too long)."""
        if "\0" in path or len(path) > MAX_PATH:
            return None
        root = self.out.resolve()
        try:
            target = (root / path.lstrip("/")).resolve()
            return target if root in target.parents and target.is_file() else None
        except (OSError, ValueError, RuntimeError):
            return None


def changed_between(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    """Return the files added, removed or changed between two snapshots (Preview.snapshot)."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def _respond(start_response, status: str, kind: str, body: bytes, method: str = "GET"):
    # A HEAD answer has no body: livereload's container sets the length from what it is given.
    start_response(status, [("Content-Type", kind), ("Cache-Control", "no-store")])
    return [b"" if method == "HEAD" else body]


def problems_page(problems: list[Problem]) -> str:
    """Return the page the browser shows while the content has problems."""
    items = "\n".join(
        f"<li><code>{html.escape(p.path)}:{p.line}</code> <strong>{html.escape(p.field)}</strong>: "
        f"{html.escape(p.message)}" + (f" <em>({html.escape(p.fix)})</em>" if p.fix else "") + "</li>"
        for p in problems)
    return f"""<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>内容有误 · Problems in the content</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.6}}
h1{{color:#b3261e}}li{{margin:.5rem 0}}code{{background:#f3eeee;padding:0 .25rem}}</style></head>
<body><h1>内容有误，预览暂停 · The preview stopped: the content has problems</h1>
<p>改正后保存，页面会自动恢复。Fix them and save: this page comes back by itself.</p>
<ol class="problems">
{items}
</ol></body></html>
"""


class _PreviewWatcher(Watcher):
    """livereload's watcher, asked by its own poll loop; the preview decides what changed."""

    def __init__(self, preview: Preview):
        super().__init__()
        self.preview = preview

    def examine(self):
        if self._changes:  # livereload's own start-up message
            return self._changes.pop()
        if self.preview.examine():
            return "*", None
        return None, None


def _require_loopback(handler) -> None:
    """Refuse a request whose Host is not this machine's loopback (a DNS-rebinding page)."""
    if not is_loopback(handler.request.host):
        raise HTTPError(403)


class _LoopbackFallback(FallbackHandler):
    """livereload's handler for the pages, refusing other hosts before the WSGI app is asked."""

    def prepare(self):
        _require_loopback(self)
        super().prepare()


class _PreviewServer(Server):
    """livereload's server, with its pages behind the loopback check."""

    def get_web_handlers(self, script):
        return [(r".*", _LoopbackFallback, {"fallback": LiveScriptContainer(self.app, script)})]


def _guard_livereload() -> None:
    """Make livereload's own endpoints (the reload socket, its script) answer loopback only."""
    def check_origin(handler, origin: str) -> bool:
        return is_loopback(origin) and is_loopback(handler.request.host)

    LiveReloadHandler.check_origin = check_origin
    for handler in (LiveReloadHandler, LiveReloadJSHandler, ForceReloadHandler):
        handler.prepare = _require_loopback


def serve(paths: Paths, port: int) -> int:
    """Serve a live preview on 127.0.0.1:port until interrupted (KeyboardInterrupt: build.py
    turns SIGTERM into one too); return the exit code."""
    # The preview's pages live in a folder of their own, removed on the way out; nothing
    # else is ever removed, whatever the watched folders are called.
    with tempfile.TemporaryDirectory(prefix="booklet-preview-") as preview_folder:
        return _serve_from(paths, port, Path(preview_folder))


def _serve_from(paths: Paths, port: int, out: Path) -> int:
    preview = Preview(paths, out)
    preview.start()
    # livereload drops changes seen within 3 s of the last reload; our watcher already
    # merges a burst of saves into one rebuild, so every rebuild must reach the browser.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    _guard_livereload()
    watcher = _PreviewWatcher(preview)
    for watched in (paths.content, paths.templates, paths.assets):
        watcher.watch(str(watched))  # listed for livereload's log; the preview does the comparing
    server = _PreviewServer(app=preview.app, watcher=watcher)
    # livereload logs through its own handler; without this every line would print twice.
    for name in ("livereload", "tornado"):
        logging.getLogger(name).propagate = False
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # "1 change detected": the rebuild says so
    # Its chatter ("Serving on…" even before the port turns out to be taken) is ours to say.
    logging.getLogger("livereload").addFilter(lambda record: record.levelno >= logging.WARNING)
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # a 404 is not news
    IOLoop.current().add_callback(
        lambda: PeriodicCallback(LiveReloadHandler.poll_tasks, POLL_SECONDS * 1000).start())
    IOLoop.current().add_callback(lambda: preview.watch(IOLoop.current()))
    # Said once the port is open: the loop only starts after livereload listened.
    IOLoop.current().add_callback(lambda: print(
        f"Preview on http://127.0.0.1:{port}/ (drafts included; translation status at "
        f"http://127.0.0.1:{port}/_status.html). Press Ctrl+C to stop.", flush=True))
    try:
        server.serve(port=port, host="127.0.0.1", debug=False, restart_delay=0)
    except OSError as error:
        preview.stop_watching()
        other = f"python build.py serve --port {port + 1 if port < 65535 else 8000}"
        if error.errno == errno.EADDRINUSE:
            raise Fault(f"Port {port} is already in use by another program",
                        f"stop that program, or preview on another port: {other}") from error
        if error.errno in (errno.EACCES, errno.EPERM):
            raise Fault(f"Port {port} cannot be opened: {os_reason(error)}",
                        "ports below 1024 need administrator rights; use one above, e.g. "
                        "python build.py serve --port 8000") from error
        raise Fault(f"Port {port} cannot be opened: {os_reason(error)}", f"try another: {other}") from error
    preview.stop_watching()
    print("Preview stopped.", flush=True)
    return 0
