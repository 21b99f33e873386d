"""Turn a catalogue id into a verified local file: from the mirror, or downloaded (pooch) into the cache."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from . import catalogue
from .checksums import sha256
from .errors import DataError
from .mirror import cache_dir, mirror_location
from .reads import note_source


def _check(path: Path, source: dict) -> Path:
    if not path.is_file():
        raise DataError(f"{source['id']}: file {path} is missing (catalogue path {source['path']!r})")
    found = sha256(path)
    if found != source["sha256"]:
        raise DataError(
            f"{source['id']}: checksum mismatch for {path}: expected sha256 {source['sha256']}, found {found} "
            f"(size expected {source['size']} bytes, found {path.stat().st_size}). The file changed or is corrupt; "
            "run `phna data refresh` to take a new vintage and update the catalogue deliberately."
        )
    return path


def download(url: str, source: dict) -> Path:
    """Download ``url`` into the cache with pooch, verifying the catalogued SHA-256.

    Raises
    ------
    DataError
        When the download fails or the checksum does not match.
    """
    import pooch

    target = cache_dir() / Path(source["path"]).parent
    target.mkdir(parents=True, exist_ok=True)
    try:
        fetched = pooch.retrieve(
            url=url,
            known_hash=f"sha256:{source['sha256']}",
            fname=Path(source["path"]).name,
            path=target,
            progressbar=False,
        )
    except ValueError as error:  # pooch raises ValueError on a hash mismatch
        raise DataError(f"{source['id']}: downloaded {url} but its checksum does not match: {error}") from error
    except Exception as error:  # network errors come in many types
        raise DataError(f"{source['id']}: cannot download {url}: {error}") from error
    return Path(fetched)


def source_path(source_id: str) -> Path:
    """Return a verified local path for a catalogued file.

    The file comes from the mirror (a directory, or an http(s) base URL whose files are cached under
    ``PHNA_CACHE``), or, when there is no mirror, from the catalogue's ``download_url``. The SHA-256 is checked
    once per process per (path, size, mtime).

    Parameters
    ----------
    source_id : str
        Catalogue id, e.g. ``"lookups.lsoa11_msoa11"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        Unknown id, missing file, checksum mismatch, or no way to obtain the file.
    """
    source = catalogue.entry(source_id)
    note_source(source_id)  # run provenance: the chapter read this file
    location = mirror_location()
    if isinstance(location, Path):
        return _check(location / source["path"], source)
    url = f"{location}/{quote(source['path'])}" if isinstance(location, str) else source.get("download_url")
    if url:
        cached = cache_dir() / source["path"]
        if cached.is_file():
            try:
                return _check(cached, source)
            except DataError:  # a stale or damaged cached copy: fetch it again
                cached.unlink()
        return _check(download(url, source), source)
    raise DataError(
        f"{source_id}: no data mirror (set PHNA_DATA_MIRROR or provide ../shared/data) and no download_url "
        f"in the catalogue for {source['path']}; original page: {source['url']}"
    )
