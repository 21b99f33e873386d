"""``phna data`` sub-commands: ``verify``, ``list``, ``refresh``, ``catalogue``.

The lead's :mod:`phna.cli` calls :func:`register` with its sub-parsers; :func:`main` runs the commands on their own
(``python -m phna.data.cli verify``).
"""

from __future__ import annotations

import argparse
import sys

from . import catalogue
from .errors import DataError


def _verify(args: argparse.Namespace) -> int:
    from .verify import verify

    report = verify(ids=args.ids or None, mirror=args.mirror)
    print(report)
    return 0 if report.ok else 1


def _list(args: argparse.Namespace) -> int:
    for sid, source in catalogue.sources().items():
        flag = "" if source.get("official", True) else "  [unofficial]"
        print(f"{sid:<58} {source['period']:<22} {source['path']}{flag}")
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .refresh import refresh

    sources = args.source or []
    base_urls = {name: args.base_url for name in (["fingertips", "ons"] if "all" in sources else sources)}
    result = refresh(args.out, mirror=args.mirror, sources=sources, base_urls=base_urls if args.base_url else None)
    changes = result.changes
    # The newest vintage's folder name, for scripts (e.g. CI: PHNA_DATA_MIRROR=<out>/$(cat <out>/LATEST)).
    (Path(args.out) / "LATEST").write_text(result.vintage.name + "\n", encoding="utf-8")
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as handle:
            handle.write(result.report_markdown.read_text(encoding="utf-8") + "\n")
    print(f"vintage {result.vintage} (compared with {changes['previous'] or 'the catalogue'}): "
          f"{len(changes['new'])} new, {len(changes['removed'])} removed, {len(changes['changed'])} changed, "
          f"{len(changes['unavailable'])} unavailable, {len(changes['errors'])} publisher errors; "
          f"report {result.report_markdown}")
    for error in changes["errors"]:
        print(f"publisher error (previous file kept): {error}", file=sys.stderr)
    return 0 if not changes["unavailable"] else 1


def _catalogue(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .catalogue import catalogue_path
    from .catalogue_build import write

    folder = Path(args.vintage)
    latest = folder / "LATEST"
    if latest.is_file():  # a folder of vintages: take the newest
        folder = folder / latest.read_text(encoding="utf-8").strip()
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder (a vintage, or a folder of vintages holding LATEST)")
    print(f"wrote {write(folder)} entries to {catalogue_path()} from {folder}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``data {verify,list,refresh,catalogue}`` to an argparse sub-parsers object and return the ``data`` parser."""
    data = subparsers.add_parser("data", help="check, list and refresh the source data files")
    sub = data.add_subparsers(dest="data_command", required=True)
    verify = sub.add_parser("verify", help="check every catalogued file: present, checksum, columns")
    verify.add_argument("--mirror", help="mirror directory or http(s) base URL (default: PHNA_DATA_MIRROR or ../shared/data)")
    verify.add_argument("ids", nargs="*", help="catalogue ids to check (default: all)")
    verify.set_defaults(func=_verify)
    lister = sub.add_parser("list", help="list the catalogued files")
    lister.set_defaults(func=_list)
    refresh = sub.add_parser("refresh", help="take a new dated vintage of every file and report changes")
    refresh.add_argument("--out", required=True, help="folder for the dated vintages")
    refresh.add_argument("--mirror", help="mirror directory or http(s) base URL to take the files from")
    refresh.add_argument("--source", action="append", choices=["fingertips", "ons", "all"],
                         help="also take the files the publisher's own service provides (repeatable): fingertips "
                              "(OHID Fingertips API), ons (ONS Explore Local Statistics) or all")
    refresh.add_argument("--base-url", help="base URL of the publisher's service instead of the live one (for tests; "
                                            "or PHNA_FINGERTIPS_URL / PHNA_ONS_ELS_URL)")
    refresh.add_argument("--summary", help="also append the change report (Markdown) to this file, e.g. "
                                           "$GITHUB_STEP_SUMMARY")
    refresh.set_defaults(func=_refresh)
    catalogue_cmd = sub.add_parser("catalogue", help="regenerate data/catalogue.yaml from a vintage (checksums, "
                                                     "columns; provenance from the code)")
    catalogue_cmd.add_argument("vintage", help="a vintage folder, or the --out folder of refresh (its newest vintage)")
    catalogue_cmd.set_defaults(func=_catalogue)
    return data


def main(argv: list[str] | None = None) -> int:
    """Run ``phna data ...`` with ``argv`` (without the leading ``data``, which is accepted too)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["data"]:
        argv = ["data", *argv]
    parser = argparse.ArgumentParser(prog="phna")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
