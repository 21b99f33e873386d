"""``phna data`` sub-commands: ``verify``, ``list``, ``refresh``.

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
    from .refresh import refresh

    result = refresh(args.out, mirror=args.mirror)
    changes = result.changes
    print(f"vintage {result.vintage} (compared with {changes['previous'] or 'the catalogue'}): "
          f"{len(changes['new'])} new, {len(changes['removed'])} removed, {len(changes['changed'])} changed, "
          f"{len(changes['unavailable'])} unavailable; report {result.report_markdown}")
    return 0 if not changes["unavailable"] else 1


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``data {verify,list,refresh}`` to an argparse sub-parsers object and return the ``data`` parser."""
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
    refresh.set_defaults(func=_refresh)
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
