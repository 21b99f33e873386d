"""The catalogued source files read in this process (the data part of a chapter's run provenance).

:func:`phna.data.fetch.source_path` notes every catalogued file it hands out; :mod:`phna.provenance` (above
the data layer) reads the list at the end of a chapter, so the data layer never calls upwards.
"""

from __future__ import annotations

_SOURCES_READ: set[str] = set()


def note_source(source_id: str) -> None:
    """Record that a catalogued source file was read in this process."""
    _SOURCES_READ.add(source_id)


def sources_read() -> list[str]:
    """Catalogue ids of the source files read in this process, sorted."""
    return sorted(_SOURCES_READ)
