"""The ``phna`` command: build the book, rerun a chapter for a place, check the data.

Examples::

    phna build                                   # every chapter for every place, then the site
    phna run overview --place rugby              # one chapter for one place, then the site
    phna run overview --place rugby -p deprivation_index iod2025 -p confidence 0.99
    phna places                                  # the places in the configuration
    phna config new --icb E54000055 --out analyses/bsol.yaml   # another ICB's book
    phna build --national --icb E54000055 --icb E54000015      # ICBs' books on Dask (default: all of England)
    phna toc --check                             # is _toc.yml up to date with the configuration?
    phna data verify                             # check every data file against the catalogue
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any, Sequence

from phna.data.errors import DataError
from phna.errors import PhnaError
from phna.parameters import PARAMETERS, parse_value


#: Parameters naming a file: a relative path is taken from where the command was run (the chapters run elsewhere).
FILE_PARAMETERS = ("deaths_extract",)


def _overrides(pairs: Sequence[Sequence[str]] | None) -> dict[str, Any]:
    values = {name: parse_value(name, value) for name, value in (pairs or [])}
    for name in FILE_PARAMETERS:
        if isinstance(values.get(name), str) and values[name].strip():
            values[name] = str(Path(values[name]).expanduser().resolve())
    return values


def _unique(values: Sequence[str] | None) -> list[str] | None:
    """Repeated ``--place``/``--chapter`` values once each, in the order first given."""
    return list(dict.fromkeys(values)) if values else values


def parameters_epilog() -> str:
    """What ``-p`` accepts: each parameter's meaning (from :data:`phna.parameters.PARAMETERS`) and, when the
    configuration can be read, which chapters take it."""
    takers: dict[str, list[str]] = {}
    try:
        from phna.config import load_config

        for chapter in (lambda c: (*c.chapters, *c.icb_pages))(load_config(check_codes=False)):
            for name in chapter.takes:
                takers.setdefault(name, []).append(chapter.id)
    except (PhnaError, OSError):  # help must work without a readable configuration
        pass
    lines = ["parameters (-p NAME VALUE; a chapter refuses any parameter it does not take):"]
    for declaration in PARAMETERS.values():
        text = f"{declaration.name}: {declaration.meaning}. E.g. -p {declaration.name} {declaration.example}."
        if declaration.name in takers:
            text += f" Taken by: {', '.join(takers[declaration.name])}."
        lines.append(textwrap.fill(text, width=100, initial_indent="  ", subsequent_indent="      ",
                                   break_on_hyphens=False))
    return "\n".join(lines)


def _add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
        help="set a chapter parameter (" + ", ".join(PARAMETERS) + "; see below)",
    )  # fmt: skip
    parser.add_argument("--force", action="store_true", help="re-run chapters even when their inputs are unchanged")
    parser.add_argument("--jobs", type=int, default=2, help="chapters run at a time (default 2)")
    parser.add_argument("--no-html", action="store_true", help="run the chapters but do not build the site")
    parser.add_argument("--config", help="configuration file (default analyses/config.yaml)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="phna", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    epilog = parameters_epilog()
    build = commands.add_parser(
        "build", help="run the chapters that changed and build the book", epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    build.add_argument("--place", action="append", help="only this place (repeatable)")
    build.add_argument("--chapter", action="append", help="only this chapter (repeatable)")
    _add_build_options(build)

    run = commands.add_parser(
        "run", help="run one chapter (for one or all places) and rebuild the site", epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    run.add_argument("chapter", help="chapter id, e.g. overview")
    run.add_argument("--place", action="append", help="place slug (repeatable; default all places)")
    _add_build_options(run)

    extract = commands.add_parser("extract", help="the analyst's deaths extract (see the README)")
    extract_commands = extract.add_subparsers(dest="extract_command", required=True)
    example = extract_commands.add_parser(
        "example", help="write a realistic SYNTHETIC deaths extract in the book's format (for trying the chapters)")
    example.add_argument("--out", required=True, help="CSV file to write")

    build.add_argument("--national", action="store_true",
                       help="build the book of every ICB in England (or those chosen with --icb/--districts), "
                       "chapter runs as tasks on dask.distributed, one site per ICB under _build/national/")
    build.add_argument("--icb", action="append", metavar="CODE", help="with --national: only this ICB (repeatable)")
    build.add_argument("--districts", nargs="+", metavar="CODE",
                       help="with --national: only these districts, each a place in its ICB's book")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --national: a running Dask scheduler (tcp://host:8786); default a LocalCluster")

    config = commands.add_parser("config", help="write a configuration")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    new = config_commands.add_parser("new", help="write the configuration of another ICB's book")
    new.add_argument("--icb", required=True, metavar="CODE", help="ICB code, e.g. E54000055")
    new.add_argument("--out", required=True, help="the YAML file to write, e.g. analyses/bsol.yaml")
    new.add_argument("--by", choices=("district", "upper-tier"), default="district",
                     help="one place per district (default) or per upper-tier authority")

    commands.add_parser("places", help="list the configured places")
    toc = commands.add_parser("toc", help="write _toc.yml from the configuration")
    toc.add_argument("--check", action="store_true", help="fail if _toc.yml is out of date")

    try:
        from phna.data import cli as data_cli

        data_cli.register(commands)
    except ImportError:  # pragma: no cover - the data layer is part of the package
        pass
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "build" and args.national and (args.place or args.parameter):
            raise PhnaError("--national builds whole books: choose places with --districts (or write a "
                            "configuration with `phna config new` and give it with --config), not --place or -p")
        if args.command == "build" and args.national:
            from phna.build.national import build_national

            build_national(
                icbs=_unique(args.icb), districts=_unique(args.districts), chapters=_unique(args.chapter),
                configs=[args.config] if args.config else None,
                scheduler=args.scheduler, workers=args.jobs, force=args.force, html=not args.no_html,
            )
            return 0
        if args.command == "build" and (args.icb or args.districts or args.scheduler):
            raise PhnaError("--icb, --districts and --scheduler go with --national")
        if args.command == "config":
            from phna.config import write_icb_config

            path = write_icb_config(args.icb, args.out, by=args.by)
            print(f"wrote {path}: build its book with `phna build --national --config {args.out}`")
            return 0
        if args.command in ("build", "run"):
            from phna.build import build

            build(
                places=_unique(args.place),
                chapters=[args.chapter] if args.command == "run" else _unique(args.chapter),
                overrides=_overrides(args.parameter),
                force=args.force,
                workers=args.jobs,
                html=not args.no_html,
                config_path=args.config,
            )
            return 0
        if args.command == "extract":
            from phna.analyses.extract_example import write_example

            rows = write_example(args.out)
            print(f"wrote {rows:,} rows of synthetic deaths to {args.out}")
            return 0
        if args.command == "places":
            from phna.config import load_config

            for place in load_config().places:
                print(f"{place.slug:22} {place.name:34} {', '.join(place.districts) or f'{len(place.lsoas)} LSOAs'}")
            return 0
        if args.command == "toc":
            from phna import paths
            from phna.build.toc import render_toc
            from phna.config import load_config

            text = render_toc(load_config(check_codes=False))
            target = paths.repo_root() / "_toc.yml"
            if args.check:
                if not target.is_file() or target.read_text(encoding="utf-8") != text:
                    raise PhnaError("_toc.yml is out of date with analyses/config.yaml: run `phna toc`")
                print("_toc.yml is up to date")
                return 0
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
            return 0
        if hasattr(args, "func"):
            return int(args.func(args) or 0)
        parser.error(f"unknown command {args.command}")
    except (PhnaError, DataError) as exc:
        print(f"phna: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("phna: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
