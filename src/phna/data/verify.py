"""Check every catalogued file: present, checksum as catalogued, expected columns present."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import catalogue
from .checksums import sha256
from .errors import DataError
from .fetch import source_path
from .mirror import mirror_location, use_mirror


@dataclass(frozen=True)
class FileCheck:
    """The result for one catalogued file. ``status`` is ``ok``, ``missing``, ``checksum``, ``columns`` or ``error``."""

    source_id: str
    path: str
    status: str
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def line(self) -> str:
        """One printable line: status, id, path and, on failure, what was expected and found."""
        text = f"{'OK  ' if self.ok else 'FAIL'} {self.source_id:<55} {self.path}"
        return text if self.ok else f"{text} -- {self.status}: {self.message}"


@dataclass
class VerifyReport:
    """All file checks of one :func:`verify` run."""

    mirror: str
    checks: list[FileCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> list[FileCheck]:
        return [check for check in self.checks if not check.ok]

    def lines(self) -> list[str]:
        return [check.line() for check in self.checks]

    def __str__(self) -> str:
        summary = f"{len(self.checks) - len(self.failures)}/{len(self.checks)} files OK (mirror: {self.mirror})"
        return "\n".join([*self.lines(), summary])

    def raise_for_errors(self) -> None:
        """Raise :class:`DataError` listing every failure."""
        if not self.ok:
            raise DataError("data verification failed:\n" + "\n".join(c.line() for c in self.failures))


def check_file(source: dict, path: Path) -> FileCheck:
    """Check one file against its catalogue entry (presence, sha256, columns)."""
    sid, shown = source["id"], str(path)
    if not path.is_file():
        return FileCheck(sid, shown, "missing", f"file not found: {path} (catalogue path {source['path']!r})")
    found = sha256(path)
    if found != source["sha256"]:
        return FileCheck(sid, shown, "checksum",
                         f"checksum mismatch: expected sha256 {source['sha256']} ({source['size']} bytes), "
                         f"found {found} ({path.stat().st_size} bytes)")
    try:
        columns = catalogue.read_columns(path, source["format"], source.get("header_row", 0))
    except (OSError, ValueError, DataError) as error:
        return FileCheck(sid, shown, "error", f"cannot read header: {error}")
    missing = catalogue.column_check(columns, source.get("columns", []))
    if missing:
        return FileCheck(sid, shown, "columns", f"expected columns missing: {missing}; found: {columns}")
    return FileCheck(sid, shown, "ok")


def verify(ids: list[str] | None = None, mirror: str | Path | None = None) -> VerifyReport:
    """Verify catalogued files.

    Parameters
    ----------
    ids : list of str, optional
        Catalogue ids to check (default: all).
    mirror : path or URL, optional
        Mirror to check (default: the configured mirror, see :func:`phna.data.mirror.mirror_location`).

    Returns
    -------
    VerifyReport
        One :class:`FileCheck` per file; ``report.ok`` is False when any check failed. Use
        ``report.raise_for_errors()`` to turn failures into a :class:`DataError`.
    """
    with use_mirror(mirror):
        location = mirror_location()
        entries = catalogue.sources()
        selected = list(entries) if ids is None else list(ids)
        report = VerifyReport(mirror=str(location))
        for sid in selected:
            if sid not in entries:
                report.checks.append(FileCheck(sid, "-", "error", f"unknown catalogue id {sid!r}"))
                continue
            source = entries[sid]
            if isinstance(location, Path):
                report.checks.append(check_file(source, location / source["path"]))
                continue
            try:  # remote mirror or official URLs: fetch (checksum verified by pooch), then check columns
                path = source_path(sid)
            except DataError as error:
                report.checks.append(FileCheck(sid, source["path"], "error", str(error)))
                continue
            report.checks.append(check_file(source, path))
    return report
