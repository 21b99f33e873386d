"""Adapters for the publishers' own services, used by :func:`phna.data.refresh.refresh`.

Each adapter module (``fingertips`` for OHID Fingertips, ``ons`` for ONS Explore Local Statistics) lists the files
it can take from its publisher as :class:`Item` records: where the file goes in a vintage (the same relative
path the catalogue and the loaders use), the publisher's endpoint(s), how to turn the responses into the file,
and the loader that must read the file for it to be accepted. A file the loader cannot read (the publisher
changed its layout) is reported as an error and left out of the vintage, so the book keeps building from the
previous data.

Every adapter takes a base URL (default: the publisher's live service) so that tests can point it at a local
server; the environment variable named by the adapter's ``ENV`` overrides the default.
"""

from __future__ import annotations

import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import DataError

USER_AGENT = "phna data refresh (https://github.com/; population health needs analyses)"
TIMEOUT = 120


@dataclass(frozen=True)
class Item:
    """One file taken from a publisher's service.

    Attributes
    ----------
    source_id : catalogue id the file has (or will have once the catalogue is regenerated from the vintage).
    path : path of the file inside a vintage (and a mirror).
    urls : the publisher's endpoint(s) queried; their responses are combined by ``write``.
    write : ``write(responses, target)`` turns the response bodies (bytes, one per URL) into the file.
    read : ``read(path)`` reads the file with the book's loader into a tidy table; raises DataError when it cannot.
    keys : columns of the tidy table identifying a row (for revised values); ``period`` is the period column.
    values : numeric columns compared for revisions.
    current : returns the table the book reads today, to compare with when there is no earlier file.
    """

    source_id: str
    path: str
    urls: tuple[str, ...]
    write: Callable[[list[bytes], Path], None]
    read: Callable[[Path], pd.DataFrame]
    keys: tuple[str, ...]
    values: tuple[str, ...]
    period: str = "period"
    notes: dict = field(default_factory=dict, compare=False)
    current: Callable[[], pd.DataFrame] | None = None


def base_url(default: str, env: str, given: str | None = None) -> str:
    """The base URL of a service: ``given``, else the environment variable ``env``, else ``default``."""
    return (given or os.environ.get(env) or default).rstrip("/")


def get(url: str, timeout: float = TIMEOUT) -> bytes:
    """GET ``url`` and return the body; network and HTTP errors become :class:`DataError` naming the URL."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            return response.read()
    except OSError as error:  # URLError, HTTPError and timeouts are all OSErrors
        raise DataError(f"cannot download {url}: {error}") from error


def adapters() -> dict:
    """The adapter modules by name (``fingertips``, ``ons``)."""
    from . import fingertips, ons

    return {"fingertips": fingertips, "ons": ons}


def items(names: list[str], base_urls: dict[str, str | None] | None = None) -> list[Item]:
    """The items of the named adapters (``all`` = every adapter)."""
    known = adapters()
    if "all" in names:
        names = list(known)
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise DataError(f"unknown source(s) {unknown}; known: {sorted(known)} or all")
    base_urls = base_urls or {}
    return [item for name in names for item in known[name].items(base_urls.get(name))]
