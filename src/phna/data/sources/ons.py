"""ONS Explore Local Statistics: each dataset the book reads, from ONS's own data repository (its live branch).

ONS publishes the data behind Explore Local Statistics as one CSV (and one metadata JSON) per dataset in the
repository ``ONSdigital/explore-local-statistics-data``; the catalogue's copies are pinned at one commit of it,
this adapter takes the live branch::

    https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main/<dataset>/<dataset>.csv

The file replaces the catalogued one at the same path in the vintage, so :func:`phna.data.els` reads it unchanged
once the catalogue is regenerated from the vintage. ONS mid-year population estimates (spreadsheets the mirror
reshaped) and the MHCLG Indices of Deprivation (File 7, whose endpoint the catalogue records) are not refreshed
automatically: a new edition of either is a new catalogue entry, made deliberately.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import catalogue
from ..els import els
from . import Item, base_url

NAME = "ons"
DEFAULT = "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main"
ENV = "PHNA_ONS_ELS_URL"
KEYS = ("area_code", "indicator", "period_start", "period_years")
VALUES = ("value", "lower_ci", "upper_ci")


def endpoint(dataset: str, base: str | None = None) -> str:
    """The URL of one dataset's CSV."""
    return f"{base_url(DEFAULT, ENV, base)}/{dataset}/{dataset}.csv"


def write_body(responses: list[bytes], target: Path) -> None:
    """Write the one response as it came."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(responses[0])


def reader(dataset: str):
    """The loader check of one dataset: :func:`phna.data.els` on the new file."""
    def read(path: Path) -> pd.DataFrame:
        table = els(dataset, path=path)
        return table.assign(period_start=table["period_start"].dt.strftime("%Y-%m-%d"))
    return read


def items(base: str | None = None) -> list[Item]:
    """One item per catalogued Explore Local Statistics dataset."""
    out = []
    for sid, source in catalogue.sources().items():
        if sid.startswith("els."):
            dataset = sid.split(".", 1)[1]
            out.append(Item(source_id=sid, path=source["path"], urls=(endpoint(dataset, base),), write=write_body,
                            read=reader(dataset), keys=KEYS, values=VALUES, notes={"dataset": dataset}))
    return out
