#!/usr/bin/env python3
"""Command line of the booklet generator: build, preview, check, review and scaffold cases."""
from __future__ import annotations

import os
import signal
import sys

if __name__ == "__main__":
    # Stopped while Python is still loading the generator: nothing was done yet. One line,
    # not a traceback from whichever import was running.
    def _stopped_early(signum, frame):
        print("Stopped before anything was done.", file=sys.stderr)
        os._exit(130)

    for _signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_signal, _stopped_early)

import argparse  # noqa: E402 (after the early stop above)
import logging  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import sitegen  # noqa: E402
from sitegen.errors import BuildFailed, Fault, os_reason  # noqa: E402

DESCRIPTION = """\
Build the bilingual web booklet from Markdown and YAML.

commands:
  build    check content/ and write the whole site to site/ (the default)
  pdf      build the site with the booklet as PDF handouts in site/downloads/
  serve    preview the site while you edit: saving a file reloads the browser
  check    check the content without writing anything, with editorial checks
  review   mark a translation as reviewed against its source as it is now
  new      start a new case in every language

Every problem found in the content is listed as file:line: field: message, and
nothing is written until all of it is right: the site built last stays as it was.
Run 'python build.py COMMAND --help' for a command's options.
"""


def port_number(text: str) -> int:
    """Return a TCP port from the command line, or tell argparse what is wrong with it."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port: use a number from 1 to 65535, e.g. 8000")
    return port


def add_content(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=sitegen.Paths.content, metavar="DIR",
                        help="folder with site.yaml, areas.yaml, themes.yaml, glossary.yaml, "
                             "the foreword and cases/ (default: content/)")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build", help="check content/ and write the site (the default command)",
        description="Check the content and write the site. The output folder is replaced "
                    "only when every page rendered. Drafts are left out.")

    pdf = commands.add_parser(
        "pdf", help="build the site and the PDF handouts (one per language, one bilingual)",
        description="Build the site, then print the booklet to PDF with WeasyPrint: one PDF per "
                    "language and a bilingual one, in site/downloads/, linked from the site with "
                    "their sizes. Needs a Chinese font (Noto CJK, PingFang, YaHei…).")
    for command in (parser, build, pdf):
        add_content(command)
        command.add_argument("--out", type=Path, default=sitegen.Paths.out, metavar="DIR",
                             help="folder to write the site to; replaced whole (default: site/)")
        command.add_argument("-q", "--quiet", action="store_true", help="print problems only")
        command.add_argument("--no-search", action="store_true",
                             help="leave out the search index (quicker; search then finds nothing)")
    pdf.add_argument("--paper", choices=("a4", "a5"), default="a4", help="paper size (default: a4)")

    serve = commands.add_parser(
        "serve", help="preview the site, rebuilding and reloading the browser on every save",
        description="Serve a preview on http://127.0.0.1:PORT/ (drafts included). Content, "
                    "templates and assets are watched; a save rebuilds and the browser reloads. "
                    "A broken save shows its problems in the browser until the next good one.")
    add_content(serve)
    serve.add_argument("--port", type=port_number, default=8000, help="port to serve on (default: 8000)")

    check = commands.add_parser(
        "check", help="check the content without writing: errors, translations, figures, typography",
        description="Check everything the build checks, plus translation status, key figures, "
                    "Chinese typography, images and the glossary. Exit code 0 when there is no "
                    "error (warnings do not fail unless --strict), 1 otherwise.")
    add_content(check)
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="'text' for people (default), 'json' for tools")
    check.add_argument("--status", action="store_true",
                       help="print the translation status of every case and language as a table")

    review = commands.add_parser(
        "review", help="mark translations as reviewed against their source as it is now",
        description="Record that a translation matches its source as it is now, so 'check' can "
                    "later show which paragraphs of the source changed since.")
    add_content(review)
    review.add_argument("slugs", nargs="*", metavar="SLUG", help="the cases to mark")
    review.add_argument("--lang", help="only this language (default: every translation)")
    review.add_argument("--all", action="store_true", help="mark every translated case")

    new = commands.add_parser(
        "new", help="start a new case: one file per language, ready to write",
        description="Create cases/SLUG.LANG.md for every language from a Chinese title, areas and "
                    "themes. Asks for what is not given as an option. Never overwrites a file.")
    add_content(new)
    new.add_argument("--title", help="the Chinese title")
    new.add_argument("--areas", help="area slugs, separated by commas")
    new.add_argument("--themes", help="theme slugs, separated by commas")
    new.add_argument("--slug", help="the file and address name (default: pinyin of the title)")

    args = parser.parse_args(argv)
    args.command = args.command or "build"
    return args


def _exists(path: Path) -> bool:
    """Return True when `path` exists; False too when it cannot even be looked at."""
    try:
        return path.exists()
    except OSError:
        return False


def _progress(started: float):
    """Return what says, on one line of a terminal, which stage a build is at."""
    def said(name: str) -> None:
        print(f"\r\033[K{sitegen.STAGES[name].capitalize()}… ({time.perf_counter() - started:.0f} s)",
              end="", file=sys.stderr, flush=True)
    return said


def _end_progress(stages) -> None:
    if stages.said:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_build(args) -> int:
    started = time.perf_counter()
    in_terminal = not args.quiet and sys.stderr.isatty()
    stages = sitegen.Stages(said=_progress(started) if in_terminal else None)
    try:
        site, outputs = sitegen.build(sitegen.Paths(content=args.content, out=args.out),
                                      getattr(args, "paper", None), search=not args.no_search, reuse=True,
                                      stages=stages)
    except BuildFailed as failure:
        _end_progress(stages)
        kept = f"{args.out}/ was left as it was" if _exists(args.out) else "nothing was written"
        print(failure.report(kept), file=sys.stderr)
        return 1
    finally:  # a stop or a fault too: the line of progress is cleared before the message
        _end_progress(stages)
    if site is None:
        if not args.quiet:
            print(f"Nothing changed since the last build: {args.out}/ is up to date "
                  f"({time.perf_counter() - started:.2f} s).")
        return 0
    pages = sum(1 for o in outputs if o.path.endswith(".html"))
    if not args.quiet:
        times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.seconds.items())
        print(f"Built {len(site.cases)} cases in {len(site.config.codes)} languages: "
              f"{pages} pages in {time.perf_counter() - started:.2f} s ({times}).")
        print(f"Open {(args.out / 'index.html').resolve()} in a browser, "
              f"or copy {args.out}/ to any web host.")
    return 0


def run_check(args) -> int:
    from sitegen.check import ERROR, WARNING, format_findings, format_status
    findings, statuses = sitegen.check(args.content)
    if args.status:
        print(format_status(statuses, sitegen.read_last_changes(args.content)))
    print(format_findings(findings, args.format == "json"))
    failing = {ERROR, WARNING} if args.strict else {ERROR}
    return 1 if any(f.severity in failing for f in findings) else 0


def run_review(args) -> int:
    try:
        for path in sitegen.mark_reviewed(args.content, args.slugs, args.lang, args.all):
            print(f"Marked reviewed: {path}", flush=True)  # said as it happens: a stop keeps what is said
    except BuildFailed as failure:
        print(failure.report("nothing was marked"), file=sys.stderr)
        return 1
    return 0


def run_serve(args) -> int:
    from sitegen.serve import serve
    return serve(sitegen.Paths(content=args.content), args.port)


def run_new(args) -> int:
    from sitegen.scaffold import run_new_case
    return run_new_case(args)


COMMANDS = {"build": run_build, "pdf": run_build, "check": run_check, "review": run_review,
            "serve": run_serve, "new": run_new}
# What a stopped command leaves, said in its one closing line.
INTERRUPTED = {"build": "the site built last was left as it was", "pdf": "the site built last was left as it was",
               "serve": "the preview stopped", "check": "nothing was changed",
               "review": "the translations listed above were marked, no others", "new": "nothing was created"}


def _stop(signum, frame):
    """Stop on SIGTERM as on Ctrl+C: the same clean-up runs, and the same one line is said.

    Further stops are ignored from here on, so a second Ctrl+C cannot cut the clean-up short."""
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show Chinese gets escapes, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING if getattr(args, "quiet", False) else logging.INFO,
                        format="%(message)s")
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, _stop)
    try:
        return COMMANDS[args.command](args)
    except BuildFailed as failure:
        print(failure.report(), file=sys.stderr)
        return 1
    except Fault as fault:
        print(f"Stopped: {fault.report()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"Stopped: {INTERRUPTED[args.command]}.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output (| head) has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:  # writing our own output (> /dev/full), or a file the OS refused
        what = f"use {error.filename}" if error.filename else "write the output"
        print(f"Stopped: cannot {what}: {os_reason(error)}.", file=sys.stderr)
        return 1
    except Exception as error:  # a bug of ours: one line for the office, the details on request
        if os.environ.get("BOOKLET_DEBUG"):
            raise
        print(f"Internal error in the generator, not in your content ({type(error).__name__}: {error}). "
              f"Please report it; run again with BOOKLET_DEBUG=1 set to see the details.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    code = main()
    for _signal in (signal.SIGINT, signal.SIGTERM):  # done: a stop now would only interrupt the exit
        signal.signal(_signal, signal.SIG_IGN)
    sys.exit(code)
