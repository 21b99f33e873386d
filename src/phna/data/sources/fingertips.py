"""OHID Fingertips: every indicator the book reads, from the API's CSV endpoint, with limits, counts and comparisons.

Endpoint (one request per indicator and area type)::

    https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_ids=90366&child_area_type_id=501&parent_area_type_id=6

Area types: 501 districts and unitary authorities (from April 2023) in their regions, 502 counties and unitary
authorities (from April 2023) in their regions, 6 regions in England; England itself comes with every response as
the parent of the regions. The responses for one indicator (same columns, apart from the name of the
comparison-with-parent column) are stacked into one file ``fingertips_live/<indicator id>.csv`` in the API's own
layout, read by :func:`phna.data.fingertips_api.read_fingertips_api_csv`, and returned by
:func:`phna.data.fingertips` (limits ``lower_95, upper_95, lower_99_8, upper_99_8``, ``count``, ``denominator``,
OHID's ``compared_to_england``) once the catalogue is regenerated from the vintage.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..fingertips import FILE_INDICATORS
from ..fingertips_api import read_fingertips_api_csv
from . import Item, base_url

NAME = "fingertips"
DEFAULT = "https://fingertips.phe.org.uk"
ENV = "PHNA_FINGERTIPS_URL"
ENDPOINT = ("{base}/api/all_data/csv/by_indicator_id?indicator_ids={indicator}&child_area_type_id={child}"
            "&parent_area_type_id={parent}")
#: (child area type, parent area type): districts/UAs and counties/UAs (April 2023 boundaries) in regions;
#: regions in England.
AREA_TYPES = ((501, 6), (502, 6), (6, 15))
#: Indicators read by the book beyond the extracts' (90284: injuries in children, best start in life).
EXTRA_INDICATORS = ("90284",)
KEYS = ("area_code", "period", "sex", "age", "category_type", "inequality")
VALUES = ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "count", "denominator")


def indicator_ids() -> list[str]:
    """Every Fingertips indicator id the book reads, in numeric order."""
    ids = {i for value in FILE_INDICATORS.values() for i in value.split(",") if i} | set(EXTRA_INDICATORS)
    return sorted(ids, key=int)


def source_id(indicator_id: str | int) -> str:
    """Catalogue id of the refreshed file of one indicator, e.g. ``fingertips_live.90366``."""
    return f"fingertips_live.{indicator_id}"


def path_of(indicator_id: str | int) -> str:
    """Path of the refreshed file of one indicator inside a vintage, e.g. ``fingertips_live/90366.csv``."""
    return f"fingertips_live/{indicator_id}.csv"


def endpoints(indicator_id: str | int, base: str | None = None) -> tuple[str, ...]:
    """The API URLs queried for one indicator (one per area type)."""
    root = base_url(DEFAULT, ENV, base)
    return tuple(ENDPOINT.format(base=root, indicator=indicator_id, child=c, parent=p) for c, p in AREA_TYPES)


def stack(responses: list[bytes], target: Path) -> None:
    """Stack the CSV responses for one indicator into one file in the API's layout (exact repeats dropped).

    Raises
    ------
    DataError
        When a response is not a CSV with the API's ``Indicator ID`` column (e.g. an HTML error page).
    """
    frames = []
    for body in responses:
        text = body.decode("utf-8-sig")
        if not text.strip():
            continue  # no data for this area type
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (ValueError, pd.errors.ParserError) as error:
            raise DataError(f"the Fingertips response is not a CSV: {error}") from error
        if "Indicator ID" not in frame.columns:
            raise DataError(f"the Fingertips response has no 'Indicator ID' column; it starts {text[:80]!r}")
        frames.append(frame)
    if not frames:
        raise DataError("Fingertips returned no data for any area type")
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    stacked = pd.concat([f.reindex(columns=columns, fill_value="") for f in frames], ignore_index=True)
    stacked = stacked.drop_duplicates(ignore_index=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    stacked.to_csv(target, index=False, encoding="utf-8")


def reader(indicator_id: str | int):
    """The loader check of one indicator's file: the API layout reader (raises DataError when it cannot read it)."""
    def read(path: Path) -> pd.DataFrame:
        table = read_fingertips_api_csv(path, source_id(indicator_id))
        found = set(table["indicator_id"].dropna())
        if found - {str(indicator_id)}:
            raise DataError(f"{source_id(indicator_id)}: {path}: rows of other indicators {sorted(found)}")
        return table
    return read


def current(indicator_id: str | int):
    """The table the book reads now for one indicator (the extracts, or an earlier refresh)."""
    def read() -> pd.DataFrame:
        from ..fingertips import fingertips

        return fingertips(indicator_id)
    return read


def items(base: str | None = None) -> list[Item]:
    """One item per indicator the book reads."""
    return [Item(source_id=source_id(i), path=path_of(i), urls=endpoints(i, base), write=stack, read=reader(i),
                 keys=KEYS, values=VALUES, notes={"indicator_id": i}, current=current(i))
            for i in indicator_ids()]
