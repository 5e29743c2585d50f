#!/usr/bin/env python3
"""Command line of the booklet generator: build the site from content/."""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import sitegen
from sitegen.errors import BuildFailed

DESCRIPTION = """\
Build the bilingual web booklet from Markdown and YAML.

commands:
  build   read content/, check it, and write the whole site to site/ (the default)

Every problem found in the content is listed as file:line: field: message, and
nothing is written until all of it is right: the site built last stays as it was.
"""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="build.py", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build", help="check content/ and write the site (the default command)",
        description="Check the content and write the site. The output folder is replaced "
                    "only when every page rendered.")
    for command in (parser, build):
        command.add_argument("--content", type=Path, default=sitegen.Paths.content, metavar="DIR",
                             help="folder with site.yaml, areas.yaml, themes.yaml, glossary.yaml, "
                                  "the foreword and cases/ (default: content/)")
        command.add_argument("--out", type=Path, default=sitegen.Paths.out, metavar="DIR",
                             help="folder to write the site to; replaced whole (default: site/)")
        command.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    args = parser.parse_args(argv)
    args.command = args.command or "build"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(message)s")
    started = time.perf_counter()
    try:
        site, outputs = sitegen.build(sitegen.Paths(content=args.content, out=args.out))
    except BuildFailed as failure:
        print(failure.report(), file=sys.stderr)
        return 1
    pages = sum(1 for o in outputs if o.path.endswith(".html"))
    if not args.quiet:
        print(f"Built {len(site.cases)} cases in {len(site.config.codes)} languages: "
              f"{pages} pages in {time.perf_counter() - started:.2f} s.")
        print(f"Open {(args.out / 'index.html').resolve()} in a browser, "
              f"or copy {args.out}/ to any web host.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
